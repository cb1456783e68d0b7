"""The decision is read clause by clause (bot/extract/decision.py).

Each test states a reply the corpus does not hold, in the kind of phrasing
issue 17 lists: negation scope, polite regrets, "will revert", conditional
acceptance, quoted invitation text, a decline that names a contact.  The
clause lexicon (negators, participation, neutral, conditional, contrast) is
data in lexicons/*.toml; each kind of entry has a test here.
"""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.decision import clauses, read
from bot.extract.lexicon import LANGUAGES, lexicon


def test_every_language_has_the_clause_lexicon() -> None:
    for language in LANGUAGES:
        table = lexicon(language)["decision"]
        for key in ("negators", "participation", "neutral", "conditional", "contrast"):
            assert table.get(key), (language, key)


@pytest.mark.parametrize("text", [
    "Regrettably, no official of Palau will be in a position to travel to Vienna to attend.",
    "La Mission n'est malheureusement pas en mesure d'envoyer un représentant.",
    "Lamentablemente, ningún funcionario podrá asistir a la reunión.",
    "К сожалению, Посольство лишено возможности направить представителя.",
    "نأسف لإبلاغكم بأن الوفد لن يحضر الاجتماع هذه المرة.",
    "很遗憾，我馆届时难以派员出席。",
])
def test_a_negator_and_a_participation_word_in_one_clause_decline(text: str) -> None:
    assert extract_response(text).decision == "decline"


@pytest.mark.parametrize(("text", "name"), [
    ("While the Minister cannot travel, Tonga will be represented by Mr. Sione FIFITA, "
     "Counsellor.", "Sione FIFITA"),
    ("Le Ministre ne pourra pas se déplacer ; toutefois la délégation sera conduite par "
     "M. Paul OBAME, Conseiller.", "Paul OBAME"),
    ("Министр не сможет прибыть, однако делегацию возглавит г-н Тимур АЛИЕВ, советник.",
     "Тимур АЛИЕВ"),
    ("يتعذر على الوزير السفر، ولكن سيرأس الوفد السيد سامر خليل النجار، مستشار.",
     "سامر خليل النجار"),
])
def test_a_contrast_word_ends_the_negation(text: str, name: str) -> None:
    got = extract_response(text)
    assert got.decision == "accept", got.notes
    assert [d.name for d in got.delegates] == [name]


def test_clauses_cut_at_sentences_and_contrast_words_not_at_abbreviations() -> None:
    parts = [p.strip() for p in clauses(
        "Mr. Obi cannot come. However, Ms. A. Eze will attend, but briefly.")]
    assert parts == ["mr. obi cannot come", "however, ms. a. eze will attend,", "but briefly"]


@pytest.mark.parametrize("text", [
    "Please do not hesitate to contact us about our participation; the delegation will "
    "attend.",
    "Thank you for the invitation to participate. The Mission will attend.",
    "N'hésitez pas à nous contacter : la Mission participera.",
    "لا تترددوا في التواصل معنا. ستشارك البعثة في الاجتماع.",
])
def test_neutral_phrases_neither_negate_nor_accept(text: str) -> None:
    assert extract_response(text).decision == "accept"


@pytest.mark.parametrize("text", [
    "We will revert to you once the capital has decided.",
    "Our participation is still being considered; we'll let you know.",
    "Nous reviendrons vers vous dès que possible.",
    "La participación se encuentra en estudio; les informaremos a la brevedad.",
    "О решении Представительство уведомит дополнительно.",
    "ستوافيكم البعثة بقرارها في أقرب وقت.",
    "参会人选正在研究，确定后函告。",
])
def test_a_deferral_is_undecided(text: str) -> None:
    assert extract_response(text).decision == "undecided"


def test_a_deferral_does_not_cancel_a_stated_participation() -> None:
    got = extract_response("نؤكد مشاركة البعثة، وسنوافيكم بأسماء الوفد لاحقاً.")
    assert got.decision == "accept"


@pytest.mark.parametrize("text", [
    "Nauru would like to take part, subject to the availability of travel funds.",
    "Le Togo participera sous réserve de l'obtention des visas.",
    "تؤكد البعثة المشاركة رهناً بتوفر التمويل.",
])
def test_a_condition_is_a_low_confidence_acceptance(text: str) -> None:
    got = extract_response(text)
    assert got.decision == "accept"
    assert got.decision_confidence <= 0.5
    assert read(text).conditional == 1


def test_a_decline_that_names_a_contact_keeps_no_delegate() -> None:
    got = extract_response(
        "Unfortunately the Mission cannot attend the session.\n\n"
        "For questions: Ms. Ana PEREIRA, First Secretary, a.pereira@mfa.example"
    )
    assert got.decision == "decline"
    assert got.delegates == []


def test_a_decline_with_a_replacement_named_is_an_acceptance() -> None:
    got = extract_response(
        "The Ambassador regrets that he cannot attend; the delegation will be headed by "
        "Mr. Juan RUIZ, Minister Counsellor."
    )
    assert got.decision == "accept"
    assert [d.name for d in got.delegates] == ["Juan RUIZ"]


def test_the_quoted_invitation_never_decides() -> None:
    got = extract_response(
        "Noted with thanks; we will revert shortly.\n\n"
        "> Member States are invited to attend and to confirm their participation.\n"
        "> The delegation will be composed of experts.\n"
    )
    assert got.decision == "undecided"


# Short replies in phrasings the corpus does not hold, one decision each.
PHRASINGS = [
    ("decline", "Thank you for the invitation. "
     "Regrettably, we will not be able to join this time."),
    ("decline", "We are sorry to inform you that Lesotho will not be attending."),
    ("decline", "Lesotho will be unable to send a representative to this meeting."),
    ("decline", "Due to other commitments, the Mission must "
     "send its regrets for the April meeting."),
    ("decline", "I am afraid that nobody from our team can make it to Vienna in April."),
    ("decline", "The Mission kindly declines the invitation."),
    ("decline", "It is with regret that the Mission "
     "informs the Secretariat that it will not participate."),
    ("undecided", "We are awaiting instructions from capital and will confirm in due course."),
    ("undecided", "The matter is being looked into and a reply will follow."),
    ("undecided", "We will come back to you with the names of our delegates."),
    ("undecided", "Participation is yet to be confirmed by the Ministry."),
    ("undecided", "We have forwarded your invitation to the relevant "
     "authorities and will inform you of their decision."),
    ("accept", "We are glad to let you know that "
     "Ms. Ana LIMA, Counsellor, will attend the meeting."),
    ("accept", "Ms. Ana LIMA, Counsellor, will be our representative at the meeting."),
    ("accept", "Please register Ms. Ana LIMA, Counsellor, for the meeting."),
    ("accept", "Our delegate will be Ms. Ana LIMA, Counsellor."),
    ("decline", "La Mission a le regret de vous informer qu'elle "
     "ne pourra pas se faire représenter à cette réunion."),
    ("decline", "Malheureusement, aucun membre de la Mission ne sera disponible à ces dates."),
    ("undecided", "Nous ne manquerons pas de vous communiquer la "
     "composition de la délégation dès qu'elle sera arrêtée."),
    ("accept", "Veuillez trouver ci-dessous la liste des participants : "
     "M. Paul OBAME, Conseiller."),
    ("decline", "Lamentamos no poder asistir en esta ocasión."),
    ("decline", "Por razones de agenda, nuestra Misión "
     "no contará con representación en la reunión."),
    ("undecided", "Una vez que se tenga la confirmación de la capital, se les hará saber."),
    ("accept", "Por este medio me permito informar que el "
     "Sr. Luis PÉREZ, Consejero, participará en la reunión."),
    ("decline", "Постоянное представительство с сожалением сообщает, что "
     "участие в заседании не представляется возможным."),
    ("decline", "К сожалению, принять участие в заседании мы не сможем."),
    ("undecided", "Информацию о составе делегации направим дополнительно."),
    ("accept", "В заседании от Посольства будет участвовать советник Игорь Петрович СЕМЕНОВ."),
    ("decline", "我团因故不能出席此次会议，敬请谅解。"),
    ("undecided", "参会名单待国内批复后另行提供。"),
    ("accept", "我团拟派王磊参赞出席会议。"),
    ("decline", "تأسف البعثة لعدم تمكنها من الحضور."),
    ("decline", "لن تتمكن البعثة من إيفاد أي ممثل عنها لحضور الاجتماع."),
    ("undecided", "سيتم إفادتكم بتشكيل الوفد عند اعتماده."),
    ("accept", "نود إبلاغكم بأن السيد رامي عادل الخطيب سيمثل البعثة في الاجتماع."),
]


@pytest.mark.parametrize(("expected", "text"), PHRASINGS, ids=[t[:40] for _, t in PHRASINGS])
def test_phrasings_outside_the_corpus(expected: str, text: str) -> None:
    assert extract_response(text).decision == expected


@pytest.mark.parametrize(("text", "amendment"), [
    ("Further to our previous note, please add Ms. Eva LUND, Adviser. The rest of the "
     "delegation remains unchanged.", "extend"),
    ("В дополнение к нашему письму просим включить в состав делегации г-на Олега РЫБАКОВА, "
     "атташе. Остальной состав без изменений.", "extend"),
    ("إلحاقاً بمذكرتنا، نرجو إضافة السيد كمال سعيد الهاشمي، ملحق، إلى الوفد دون تغيير في بقية "
     "الأعضاء.", "extend"),
    ("接我团3月2日照会，现增补一名成员：三等秘书周宁。其余人员不变。", "extend"),
    ("原定参会的赵磊参赞不再参加，改派三等秘书孙悦女士与会。", "replace"),
])
def test_amendments_and_the_unchanged_rest(text: str, amendment: str) -> None:
    assert extract_response(text).amendment == amendment


@pytest.mark.parametrize(("text", "name"), [
    ("Dear Hans,\n\nI will attend the meeting for Fiji myself.\n\nBest regards,\n\n"
     "Mr. Josefa TUI\nCounsellor\nj.tui@mfa.example", "Josefa TUI"),
    ("Estimados:\n\nSeré yo quien asista por Panamá.\n\nAtentamente,\n\n"
     "Lic. Rocío VEGA\nConsejera\nrvega@mire.example", "Rocío VEGA"),
    ("أود إعلامكم بأنني سأحضر الاجتماع.\n\nمع التحية،\nالسيد وسام نبيل الشامي\nملحق",
     "وسام نبيل الشامي"),
])
def test_the_signer_who_attends_is_the_sole_delegate(text: str, name: str) -> None:
    got = extract_response(text)
    assert got.decision == "accept"
    assert [(d.name, d.role) for d in got.delegates] == [(name, "head")]


@pytest.mark.parametrize(("letter", "name"), [
    ("Madame, Monsieur,\n\nJe participerai moi-même à la réunion au nom de la Mission.\n\n"
     "Veuillez agréer, Madame, Monsieur, l'expression de ma haute considération.\n\n"
     "M. Idrissa KONATÉ\nPremier conseiller\ni.konate@diplomatie.example", "Idrissa KONATÉ"),
    ("Уважаемые коллеги!\n\nИнформирую, что лично приму участие в совещании.\n\n"
     "С уважением,\nг-жа Ольга СЕМЁНОВА\nсоветник", "Ольга СЕМЁНОВА"),
])
def test_the_signer_of_an_attached_letter_who_attends_is_the_delegate(letter: str,
                                                                      name: str) -> None:
    # The mail says only "see attached"; the letter is where the writer says so and signs.
    got = extract_response("Please see the attached letter.", [letter])
    assert got.decision == "accept"
    assert [(d.name, d.role, d.source) for d in got.delegates] == [(name, "head", "attachment")]


def test_a_signature_is_no_delegate_when_the_writer_does_not_attend() -> None:
    got = extract_response(
        "Dear Hans,\n\nThe Mission will attend; names will follow shortly.\n\n"
        "Best regards,\n\nMs. Ana ROSS\nSecond Secretary\na.ross@mfa.example"
    )
    assert got.delegates == []


def test_a_greeting_on_the_line_names_the_addressee_not_a_delegate() -> None:
    got = extract_response(
        "Bonjour Monsieur Gruber,\n\nLa délégation sera conduite par M. Serge KOUAME, "
        "Conseiller."
    )
    assert [d.name for d in got.delegates] == ["Serge KOUAME"]


@pytest.mark.parametrize(("text", "name"), [
    ("Mr. Lars Dahl will unfortunately not attend. In addition, Ms. Eva Moen, Counsellor, "
     "will join the delegation.", "Eva Moen"),
    ("M. Paul Simo ne pourra pas participer. Par ailleurs, Mme Awa Diop, Conseillère, "
     "se joindra à la délégation.", "Awa Diop"),
])
def test_a_withdrawal_beside_a_newcomer_keeps_the_newcomer(text: str, name: str) -> None:
    got = extract_response(text)
    assert got.decision == "accept"
    assert name in [d.name for d in got.delegates]


def test_a_present_tense_report_is_no_deferral() -> None:
    got = extract_response(
        "Представительство сообщает, что дополнительно в состав делегации войдет "
        "г-н Артем Зуев, атташе."
    )
    assert got.decision == "accept"
    assert [d.name for d in got.delegates] == ["Артем Зуев"]


def test_an_address_inside_chinese_text_blanks_only_itself() -> None:
    from bot.extract import detect_amendment

    text = ("接我团3月20日照会，现增补一名代表团成员：二级调研员蒋文（jiang.wen@moj.example）。"
            "其余人员不变。")
    assert detect_amendment(text) == "extend"

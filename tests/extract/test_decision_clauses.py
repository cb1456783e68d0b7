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

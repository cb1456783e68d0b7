"""Shapes the other writers' cases (*_b1_*, *_b2_*) showed the rules lacked,
each in wording of its own: a forward below a signed cover note, honorific
abbreviations no lexicon lists, a rank in a table's name column, a list
line opening with a rank, and the head named in a sentence of its own."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.names import split_cell_name


def people(text: str, language: str = "en") -> list[tuple[str | None, str, str | None]]:
    got = extract_response(text, language=language)
    return [(d.honorific, d.name, d.role) for d in got.delegates]


@pytest.mark.parametrize("marker", [
    "---------- Forwarded message ---------",
    "-------- Message transféré --------",
    "---------- Mensaje reenviado ----------",
])
def test_a_forward_below_a_signed_cover_note_is_read(marker: str) -> None:
    text = ("Dear colleagues,\n\nPlease find below the nomination from our capital.\n\n"
            "Kind regards,\nPermanent Mission of Ruritania\n\n"
            f"{marker}\nFrom: Protocol <protocol@mfa.example>\nDate: 2 March 2009\n"
            "Subject: Working group\n\n"
            "Ruritania will be represented by Ms. Ilona Varga, Director, Ministry of Justice, "
            "and Mr. Pavel Horak, Legal Adviser.\n\nBest regards,\nProtocol Department")
    assert [n for _, n, _ in people(text)] == ["Ilona Varga", "Pavel Horak"]


def test_an_unlisted_abbreviation_before_a_full_name_is_an_honorific() -> None:
    text = ("Se designa a la Psic. Carmen Luisa Ortega Vidal, Directora de Protección, y al "
            "Econ. Ramiro Javier Soto Paz, Asesor, para asistir a la reunión.")
    assert [(h, n) for h, n, _ in people(text, "es")] == [
        ("Psic.", "Carmen Luisa Ortega Vidal"), ("Econ.", "Ramiro Javier Soto Paz")]
    # Abbreviations of addresses and dates never lead a name.
    assert people("Tel. Marta Gomez Ruiz will call you.", "es") == []


@pytest.mark.parametrize(("cell", "expected"), [
    ("Minister Ana Lucia Prado Costa", ("Minister", "Ana Lucia Prado Costa")),
    ("Fiscal Pedro Ignacio Mora", ("Fiscal", "Pedro Ignacio Mora")),
    ("H.E. Ambassador Omar Haddad", ("H.E. Ambassador", "Omar Haddad")),
    ("Ms. Sara Lind", ("Ms.", "Sara Lind")),
    ("Minister", (None, "Minister")),
])
def test_a_rank_in_the_name_column_is_the_form_of_address(
        cell: str, expected: tuple[str | None, str]) -> None:
    assert split_cell_name(cell) == expected


def test_a_list_line_opening_with_a_rank_is_a_person() -> None:
    text = ("The following officers will attend:\n\n"
            "Dr. Amina Okafor, Chief State Counsel, Federal Ministry of Justice\n"
            "Captain Musa Ibrahim Bello, Director of Maritime Security, Navy\n")
    assert people(text) == [("Dr.", "Amina Okafor", "member"),
                            ("Captain", "Musa Ibrahim Bello", "member")]
    # A title wrapped onto the next line is not a person.
    wrapped = ("The following officer will attend:\n\n"
               "Dr. Amina Okafor, Chief State Counsel,\n"
               "Federal Ministry of Justice\n")
    assert [n for _, n, _ in people(wrapped)] == ["Amina Okafor"]


@pytest.mark.parametrize(("text", "language", "head"), [
    ("La délégation sera composée de Mme Claire Dubois, juriste, et de M. Hugo Lambert, "
     "conseiller. M. Lambert conduira la délégation.", "fr", "Hugo Lambert"),
    ("The Ministry nominates Ms. Ruth Banda, Senior Counsel, and Mr. Peter Phiri, Inspector. "
     "The delegation will be led by Mr. Phiri.", "en", "Peter Phiri"),
])
def test_the_head_named_in_a_sentence_of_its_own(text: str, language: str, head: str) -> None:
    roles = {n: r for _, n, r in people(text, language)}
    assert roles[head] == "head"
    assert sorted(roles.values()) == ["head", "member"]


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("Chère Madame,\n\nJe représenterai moi-même le Luxembourg à la réunion. Vous trouverez "
     "mes coordonnées ci-dessous.\n\nCordialement,\n\nM. Paul Weber\nConseiller juridique\n"
     "Représentation permanente du Luxembourg\npaul.weber@mae.example",
     "fr", ("M.", "Paul Weber", "Conseiller juridique", "paul.weber@mae.example")),
    ("Уважаемые коллеги,\n\nЯ лично приму участие в совещании. Мои контактные данные "
     "ниже.\n\nС уважением,\n\nг-н Олег Сидоренко\nсоветник\noleg.s@mid.example",
     "ru", ("г-н", "Олег Сидоренко", "советник", "oleg.s@mid.example")),
])
def test_the_writer_who_attends_is_the_sole_delegate_from_the_signature(
        text: str, language: str, expected: tuple[str, str, str, str]) -> None:
    got = extract_response(text, language=language)
    assert [(d.honorific, d.name, d.title, d.email, d.role) for d in got.delegates] == [
        (*expected, "head")]
    # Without the first-person sentence the signature stays the sender's.
    plain = text.replace("Je représenterai moi-même le Luxembourg à la réunion.", "Merci.")
    plain = plain.replace("Я лично приму участие в совещании.", "Спасибо.")
    assert extract_response(plain, language=language).delegates == []


@pytest.mark.parametrize(("header", "row", "language"), [
    ("No | Noms et prénoms | Titre / fonction | Rôle dans la délégation | Coordonnées",
     "1 | Mme DIALLO Fatoumata | Juge d'instruction | Cheffe de délégation | f.diallo@just.example",
     "fr"),
    ("# | Apellidos y nombres | Cargo | Calidad | Datos de contacto",
     "1 | Sr. RAMOS PINTO Luis | Fiscal Superior | Jefe de delegación | lramos@mp.example",
     "es"),
    ("№ | Фамилия, имя, отчество | Должность | Статус | Контакты",
     "1 | КОВАЛЁВ Андрей Ильич | советник | глава делегации | a.kovalev@mid.example",
     "ru"),
])
def test_table_headers_in_spellings_the_corpus_lacks(header: str, row: str, language: str) -> None:
    text = f"La delegación / délégation / делегация:\n{header}\n{row}\n"
    got = extract_response(text, language=language)
    assert len(got.delegates) == 1
    person = got.delegates[0]
    assert person.role == "head" and person.email and person.email in row
    assert person.name.split()[0].upper() in row and person.title and person.title in row


@pytest.mark.parametrize(("text", "language", "names"), [
    ("Сообщаем, что делегацию представят: Сидоров Игорь Павлович, начальник управления "
     "(глава делегации); Мельникова Дарья, советник Посольства; Орлов Глеб, атташе.", "ru",
     ["Сидоров Игорь Павлович", "Мельникова Дарья", "Орлов Глеб"]),
    ("La delegación estará integrada por: Marta Ibáñez Roca, directora general (jefa de "
     "delegación); Tomás Ferrer Gil, consejero; Inés Salas Vidal, asesora jurídica.", "es",
     ["Marta Ibáñez Roca", "Tomás Ferrer Gil", "Inés Salas Vidal"]),
])
def test_every_item_of_a_run_on_list_without_honorifics(
        text: str, language: str, names: list[str]) -> None:
    got = extract_response(text, language=language)
    assert [d.name for d in got.delegates] == names
    assert got.delegates[0].role == "head"


def test_a_second_title_column_holding_roles_is_the_role() -> None:
    text = ("The delegation:\nName | Position | Function | Email\n"
            "Ms. Clara Jensen | Head of Unit, Ministry of Justice | Alternate | cj@jm.example\n"
            "Mr. Ole Berg | Ambassador | Head | ob@um.example\n")
    got = extract_response(text, language="en")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Clara Jensen", "Head of Unit, Ministry of Justice", "alternate"),
        ("Ole Berg", "Ambassador", "head")]


@pytest.mark.parametrize(("text", "language"), [
    ("Bonjour Madame Keller,\n\nLa Suisse sera représentée par M. Rolf Baumann, conseiller.",
     "fr"),
    ("Estimada Sra. Keller:\n\nChile estará representado por el Sr. Pablo Rojas, consejero.",
     "es"),
    ("Уважаемая г-жа Келлер! Делегацию представит г-н Павел Розов, советник.", "ru"),
    ("Dear Ms. Keller, Sweden will be represented by Mr. Nils Berg, Counsellor.", "en"),
])
def test_the_person_greeted_is_never_a_delegate(text: str, language: str) -> None:
    got = extract_response(text, language=language)
    assert len(got.delegates) == 1 and "Keller" not in got.delegates[0].name
    assert "Келлер" not in got.delegates[0].name


@pytest.mark.parametrize(("text", "language", "expected"), [
    ("The delegation will include Judge Maria Santos Cruz, Court of Appeal, and Mr. Leo Tan, "
     "Counsellor.", "en", ("Judge", "Maria Santos Cruz")),
    ("La délégation comprendra le Capitaine de frégate Yves Morel, Marine nationale, et "
     "M. Luc Petit, conseiller.", "fr", ("Capitaine de frégate", "Yves Morel")),
    ("La delegación incluirá a la Jueza Carmen Ruiz Soto, Corte Suprema, y al Sr. Iván Gil, "
     "consejero.", "es", ("Jueza", "Carmen Ruiz Soto")),
])
def test_judicial_and_naval_ranks_address_the_name_after_them(
        text: str, language: str, expected: tuple[str, str]) -> None:
    got = extract_response(text, language=language)
    assert (got.delegates[0].honorific, got.delegates[0].name) == expected
    assert len(got.delegates) == 2


@pytest.mark.parametrize(("text", "language", "who", "email"), [
    ("The delegation: Mr. Arjun Mehta, Joint Secretary (head); Ms. Kavya Rao, Director.\n"
     "Contact person: Ms. Rao (kavya.rao@mea.example).", "en", "Kavya Rao",
     "kavya.rao@mea.example"),
    ("La délégation : M. Pierre Lenoir, directeur ; Mme Anne Roux, conseillère.\n"
     "Pour toute question, s'adresser à Mme Roux : anne.roux@diplo.example", "fr", "Anne Roux",
     "anne.roux@diplo.example"),
    ("代表团组成：团长周涛大使；成员林芳参赞。联系人：林芳，lin.fang@mfa.example。", "zh", "林芳",
     "lin.fang@mfa.example"),
])
def test_a_contact_line_naming_one_delegate_gives_them_the_contact(
        text: str, language: str, who: str, email: str) -> None:
    got = extract_response(text, language=language)
    emails = {d.name: d.email for d in got.delegates}
    assert emails[who] == email
    assert [e for n, e in emails.items() if n != who] == [None]


def test_chinese_titles_stop_where_the_sentence_goes_on() -> None:
    got = extract_response("我方确认出席。届时由孙浩先生（代表团一等秘书）参会。\n"
                           "联系方式：sun.hao@mfa.example。", language="zh")
    assert [(d.name, d.title) for d in got.delegates] == [("孙浩", "代表团一等秘书")]


def test_chinese_numeral_list_markers_and_pinyin_beside_the_name() -> None:
    text = ("代表团名单如下：\n一、团长：高峰（Gao Feng），公安部国际合作局副局长\n"
            "二、成员：钱丽（Qian Li），司法部司法协助局处长\n")
    got = extract_response(text, language="zh")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("高峰", "公安部国际合作局副局长", "head"), ("钱丽", "司法部司法协助局处长", "member")]


def test_a_chinese_run_on_list_with_role_labels_and_a_name_before_its_verb() -> None:
    text = ("代表团由团长、海关总署缉私局副局长韩磊，成员、外交部条约法律司处长苏晴和"
            "常驻代表团随员白杨组成。")
    got = extract_response(text, language="zh")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("韩磊", "海关总署缉私局副局长", "head"), ("苏晴", "外交部条约法律司处长", "member"),
        ("白杨", "常驻代表团随员", "member")]
    added = extract_response("增补公安部刑侦局副处长方圆为代表团成员。", language="zh")
    assert [(d.name, d.title) for d in added.delegates] == [("方圆", "公安部刑侦局副处长")]

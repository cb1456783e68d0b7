"""Causes of round s3's scan misses, on text as Tesseract read it: contact labels in
titles, role words in a role column or parentheses (feminine forms too), academic
honorifics, extensions after a slash, and a contact line repeating a listed Chinese
name with one character misread."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.phones import find_contacts


def _people(text: str) -> list[tuple[str | None, str, str | None, str | None]]:
    return [(d.honorific, d.name, d.title, d.role) for d in extract_response(text).delegates]


@pytest.mark.parametrize(("label", "expected_title"), [
    ("بريد إلكتروني", "إدارة مكافحة الاتجار بالأشخاص، وزارة الداخلية"),
    ("بريد الكتروني", "إدارة مكافحة الاتجار بالأشخاص، وزارة الداخلية"),
])
def test_an_arabic_email_label_without_the_article_is_no_title(
    label: str, expected_title: str
) -> None:
    text = (
        "ويتشرف بالإفادة بأن دولة الكويت سيمثلها في الاجتماع الأول للفريق العامل:\n\n"
        "المقدم عبد الله بن ناصر العتيبي\n"
        "إدارة مكافحة الاتجار بالأشخاص, وزارة الداخلية\n"
        "رقم الهاتف: +965 2252 4410 تحويلة 318\n"
        f"{label}: a.alotaibi@moi-kw.example\n"
    )
    [person] = extract_response(text, region="KW").delegates
    assert person.title == expected_title
    assert person.email == "a.alotaibi@moi-kw.example"
    assert person.phone == "+96522524410;ext=318"


def test_chinese_email_and_mobile_labels_on_lines_below_are_no_title() -> None:
    text = (
        "代表团组成如下：\n\n"
        "团长：王建华，公安部刑事侦查局副局长\n电邮：wangjianhua@mps-cn.example\n\n"
        "副团长：刘晓燕女士，常驻维也纳代表团参赞\n电邮：liuxiaoyan@mfa-cn.example\n\n"
        "成员：赵磊，最高人民检察院检察官\n手机号码：+43 664 812 3307\n"
    )
    assert [(name, title, role) for _, name, title, role in _people(text)] == [
        ("王建华", "公安部刑事侦查局副局长", "head"),
        ("刘晓燕", "常驻维也纳代表团参赞", "alternate"),
        ("赵磊", "最高人民检察院检察官", "member"),
    ]


def test_a_contact_line_repeating_a_name_with_one_character_misread_is_that_person() -> None:
    # OCR read 林慧敏 as 林莹敏 in the list; the contact line has it right.
    text = (
        "新加坡将派代表团出席会议。代表团名单如下:\n\n"
        "1. 陈志伟先生，内政部反人口贩运工作组主任(团长)\n"
        "2. 林莹敏女士，常驻联合国代表团一等秘书(副团长)\n"
        "3. 黄家豪先生，新加坡警察部队刑事侦查局督察(代表)\n\n"
        "联系人: 林慧敏女士，电话 +1 212 826 0840，电邮 lin_huimin@mfa-sg.example\n"
    )
    people = extract_response(text, region="SG").delegates
    assert [(d.name, d.title, d.role) for d in people] == [
        ("陈志伟", "内政部反人口贩运工作组主任", "head"),
        ("林莹敏", "常驻联合国代表团一等秘书", "alternate"),
        ("黄家豪", "新加坡警察部队刑事侦查局督察", "member"),
    ]
    assert (people[1].email, people[1].phone) == ("lin_huimin@mfa-sg.example", "+12128260840")


def test_two_listed_names_one_character_apart_stay_two_people() -> None:
    # Only a contact line (a name with an e-mail or phone and nothing else) is folded.
    text = "代表团名单如下：\n1. 张美玲女士，参赞（团长）\n2. 张美琳女士，一等秘书（代表）\n"
    assert [name for _, name, _, _ in _people(text)] == ["张美玲", "张美琳"]


@pytest.mark.parametrize(("cell", "role"), [
    ("Délégué suppléant", "alternate"),
    ("Déléguée suppléante", "alternate"),
    ("Délégués suppléants", "alternate"),
])
def test_french_substitute_delegate_in_a_role_column_is_an_alternate(cell: str, role: str) -> None:
    text = (
        "La délégation sera composée comme suit :\n\n"
        "Nom | Fonction | Rôle | Courriel\n"
        "Mme Françoise Weydert | Premier avocat général | Chef de délégation | fw@j.example\n"
        f"M. Laurent Kieffer | Conseiller de Légation | {cell} | l.k@mae.example\n"
    )
    assert [r for _, _, _, r in _people(text)] == ["head", role]


def test_a_feminine_deputy_head_in_an_arabic_role_column_is_an_alternate() -> None:
    text = (
        "وفيما يلي أسماء أعضاء الوفد:\n\n"
        "الاسم | الوظيفة | الصفة في الوفد\n"
        "السفيرة هالة يوسف بن عمر | المندوبة الدائمة | رئيسة الوفد\n"
        "السيدة مريم أحمد الغربي | رئيسة مصلحة | نائبة رئيسة الوفد\n"
    )
    assert [r for _, _, _, r in _people(text)] == ["head", "alternate"]


@pytest.mark.parametrize(("written", "honorific", "name"), [
    ("la Licenciada Ana Lucrecia Xicara", "Licenciada", "Ana Lucrecia Xicara"),
    ("el Licenciado Roberto Antonio Zelaya Funes", "Licenciado", "Roberto Antonio Zelaya Funes"),
    ("la Ingeniera Marta Lucía Rivas Quezada", "Ingeniera", "Marta Lucía Rivas Quezada"),
])
def test_spanish_academic_honorifics_are_no_part_of_the_name(
    written: str, honorific: str, name: str
) -> None:
    text = (
        f"La Misión Permanente tiene el honor de informar que {written}, Secretaria Ejecutiva "
        "de la Secretaría contra la Trata de Personas, asistirá a la primera reunión del grupo.\n"
    )
    [(got_honorific, got_name, _, role)] = _people(text)
    assert (got_honorific, got_name, role) == (honorific, name, "head")


@pytest.mark.parametrize(("text", "phone"), [
    ("Phone: +354 545 9000 / ext. 312", "+3545459000;ext=312"),
    ("Tel.: +43 1 712 3919 (ext 31)", "+4317123919;ext=31"),
    ("teléfono +502 2504 8888, extensión 1102", "+50225048888;ext=1102"),
    ("Tel. +43 1 234 5678 / 9", "+43123456789"),
])
def test_extension_variants(text: str, phone: str) -> None:
    assert find_contacts(text, None, []).phones == [phone]


@pytest.mark.parametrize("label", ["Datos de contacto:", "Correo electrónico:", "Contact details:"])
def test_a_contact_details_line_after_a_sole_delegate_in_prose_is_theirs(label: str) -> None:
    text = (
        "La Misión Permanente tiene el honor de informar que la Licenciada Ana Lucrecia Xicara, "
        "Secretaria Ejecutiva de la Secretaría contra la Violencia Sexual, asistirá a la primera "
        "reunión del grupo de trabajo.\n\n"
        f"{label} alxicara@svet.example; teléfono +502 2504 8888, extensión 1102.\n\n"
        "La Misión Permanente aprovecha la ocasión para reiterar su más alta consideración.\n"
    )
    [person] = extract_response(text, region="GT").delegates
    assert (person.email, person.phone) == ("alxicara@svet.example", "+50225048888;ext=1102")

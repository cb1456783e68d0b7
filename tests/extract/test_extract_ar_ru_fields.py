"""Arabic role words and set phrases, Russian contact lines (issue 17, kinds 2 and 5).

Each lexicon addition kind has a test with wording that is not in the corpus:
the accusative role words of ar.toml (role_head, role_alternate,
role_alternate_field, role_member_field, role_adviser_field), its not_name
list, and the contact lines that name one listed person
(bot/extract/contacts.py).
"""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.fields import role_of
from bot.extract.lexicon import lexicon


@pytest.mark.parametrize(("field", "role"), [
    ("رئيساً للوفد", "head"),
    ("رئيسة للوفد", "head"),
    ("نائباً لرئيس الوفد", "alternate"),
    ("نائبة لرئيسة الوفد", "alternate"),
    ("عضواً مناوباً", "alternate"),
    ("مناوباً", "alternate"),
    ("عضواً", "member"),
    ("عضوا في الوفد", "member"),
    ("مستشاراً", "adviser"),
])
def test_arabic_roles_in_the_accusative(field: str, role: str) -> None:
    assert role_of(field, role_context=False) == role


def test_the_rank_mustashar_alone_is_no_role_but_its_accusative_is() -> None:
    assert role_of("مستشار", role_context=False) is None
    assert role_of("مستشاراً", role_context=False) == "adviser"


def test_arabic_list_with_accusative_roles_after_dashes() -> None:
    got = extract_response(
        "يضم وفد الجمهورية التونسية:\n"
        "السيد منير بن صالح الطرابلسي – مدير عام بوزارة العدل – رئيساً للوفد\n"
        "السيدة سلمى عبد الكريم الزواري – مستشارة بالسفارة – عضواً مناوباً\n"
        "العقيد رضا بن عمار – الحرس الوطني – مستشاراً\n"
    )
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("منير بن صالح الطرابلسي", "مدير عام بوزارة العدل", "head"),
        ("سلمى عبد الكريم الزواري", "مستشارة بالسفارة", "alternate"),
        ("رضا بن عمار", "الحرس الوطني", "adviser"),
    ]


def test_accompanied_by_ends_the_title_of_the_person_before() -> None:
    got = extract_response(
        "سيمثل المملكة في الاجتماع سعادة السفير فيصل بن عبد الله القاسمي، المندوب الدائم، "
        "ويرافقه السيد ماجد سعود الحربي، سكرتير ثان."
    )
    assert [(d.honorific, d.name, d.title, d.role) for d in got.delegates] == [
        ("سعادة السفير", "فيصل بن عبد الله القاسمي", "المندوب الدائم", "head"),
        ("السيد", "ماجد سعود الحربي", "سكرتير ثان", "member"),
    ]


def test_a_set_phrase_after_a_rank_is_no_name() -> None:
    assert "العامل" in lexicon("ar")["not_name"]
    got = extract_response(
        "الموضوع: اجتماع الفريق العامل الحكومي الدولي\n\n"
        "نفيدكم بأن الوفد سيتكون من السيد نبيل جورج حداد، مستشار أول."
    )
    assert [d.name for d in got.delegates] == ["نبيل جورج حداد"]


def test_arabic_indic_digits_and_a_latin_email_in_rtl_text() -> None:
    got = extract_response(
        "يسرنا إبلاغكم بمشاركة السيد هشام عادل الرفاعي، مدير إدارة التعاون الدولي.\n"
        "البريد الإلكتروني: h.rifai@moi.example\n"
        "الهاتف: +٩٦٢ ٦ ٥٦٠ ١٢٣٤\n",
        region="JO",
    )
    assert [(d.name, d.email, d.phone) for d in got.delegates] == [
        ("هشام عادل الرفاعي", "h.rifai@moi.example", "+96265601234"),
    ]


def test_russian_contact_lines_below_the_list_go_to_the_person_they_name() -> None:
    got = extract_response(
        "Состав делегации Республики Узбекистан:\n"
        "1. г-н Бахтиёр ЮСУПОВ, заместитель начальника управления МВД;\n"
        "2. г-жа Дилноза КАРИМОВА, первый секретарь Посольства.\n\n"
        "Контактные данные:\n"
        "Каримова Д. — +43 1 315 39 94, d.karimova@mfa.example\n"
        "Юсупов Б. — b.yusupov@mvd.example\n",
        region="AT",
    )
    assert [(d.name, d.email, d.phone) for d in got.delegates] == [
        ("Бахтиёр ЮСУПОВ", "b.yusupov@mvd.example", None),
        ("Дилноза КАРИМОВА", "d.karimova@mfa.example", "+4313153994"),
    ]


def test_a_contact_line_naming_nobody_listed_gives_nothing() -> None:
    got = extract_response(
        "В заседании примет участие г-н Азамат ТОКТОГУЛОВ, советник Посольства.\n\n"
        "Исп.: Осмонова А.К., тел. +43 1 535 03 79, a.osmonova@mfa.example\n",
        region="AT",
    )
    assert [(d.name, d.email, d.phone) for d in got.delegates] == [
        ("Азамат ТОКТОГУЛОВ", None, None),
    ]


def test_a_slash_after_an_arabic_form_of_address_is_a_space() -> None:
    from bot.extract.tidy import tidy

    assert tidy("السيدة/منى فاروق، والدكتور/ سامي") == "السيدة منى فاروق، والدكتور سامي"
    assert tidy("مدير/ رئيس قسم") == "مدير/ رئيس قسم"


@pytest.mark.parametrize(("text", "honorific", "name"), [
    ("الوفد:\n- د. ريم ناصر الحسيني، وزارة الصحة", "د.", "ريم ناصر الحسيني"),
    ("الوفد:\n- م. وائل حسين الجابري، هيئة الطيران", "م.", "وائل حسين الجابري"),
    ("سيرأس الوفد السفير جمال الدين عبد القادر، المندوب الدائم.", "السفير",
     "جمال الدين عبد القادر"),
    ("الوفد:\n- العقيد الركن بسام يوسف الخوري، وزارة الدفاع", "العقيد الركن",
     "بسام يوسف الخوري"),
])
def test_arabic_forms_of_address_added_as_data(text: str, honorific: str, name: str) -> None:
    got = extract_response(text)
    assert [(d.honorific, d.name) for d in got.delegates] == [(honorific, name)]


def test_a_future_verb_ends_an_arabic_name_in_running_text() -> None:
    got = extract_response(
        "نفيدكم بأن السيدة رنا إبراهيم الخطيب ستحضر الاجتماع بصفتها رئيسة للوفد."
    )
    assert [(d.name, d.role) for d in got.delegates] == [("رنا إبراهيم الخطيب", "head")]


def test_an_arabic_rank_addresses_the_name_after_it_and_is_a_title_after_a_name() -> None:
    got = extract_response(
        "يضم الوفد السيد زياد حامد العلي الوزير المفوض بالبعثة، والسكرتير الثاني "
        "مهند راضي الكبيسي، وزارة الداخلية."
    )
    assert [(d.honorific, d.name, d.title) for d in got.delegates] == [
        ("السيد", "زياد حامد العلي", "الوزير المفوض بالبعثة"),
        ("السكرتير الثاني", "مهند راضي الكبيسي", "وزارة الداخلية"),
    ]


def test_a_later_mention_in_a_russian_case_is_the_same_person() -> None:
    got = extract_response(
        "Делегацию возглавит г-н Тимофей ГРОМОВ, советник.\n\n"
        "Контактный телефон г-на Громова: +43 1 712 32 19.",
        region="AT",
    )
    assert [(d.name, d.phone, d.role) for d in got.delegates] == [
        ("Тимофей ГРОМОВ", "+4317123219", "head"),
    ]


def test_semicolon_items_of_a_run_in_list_open_with_bare_names() -> None:
    got = extract_response(
        "Сообщаем, что в заседании примут участие: Соколов Игорь Петрович, директор "
        "департамента (глава делегации); Белова Ирина, советник Посольства; Орлов Максим, "
        "атташе. Для связи – г-жа Белова (i.belova@mfa.example).",
        region="AT",
    )
    assert [(d.name, d.title, d.role, d.email) for d in got.delegates] == [
        ("Соколов Игорь Петрович", "директор департамента", "head", None),
        ("Белова Ирина", "советник Посольства", "member", "i.belova@mfa.example"),
        ("Орлов Максим", "атташе", "member", None),
    ]

"""Extraction: name shapes and layouts found by the second corpus round (issue 17).

Joined initials, list items numbered "1-" and "（1）", bare names after a colon or
a semicolon, ALL-CAPS names, heads named by what follows them ("accompanied
by", "率团"), an early short mention, Chinese roles before a title-led name,
pinyin with the characters in parentheses, and titles that must stop where the
sentence or a contact block resumes.
"""

from __future__ import annotations

from bot.extract import extract_response
from bot.extract.lexicon import ROLE_HEAD_AFTER_RE, lexicon


def _people(body: str, language: str) -> list[tuple[str, str | None, str | None]]:
    got = extract_response(body, language=language)
    return [(d.name, d.title, d.role) for d in got.delegates]


def test_russian_joined_initials_without_honorific() -> None:
    body = ("Сообщаем, что в совещании примут участие:\n\n"
            "В.П. Соколов — заместитель директора департамента (глава делегации);\n"
            "Е.А. Орлова — атташе.\n")
    assert _people(body, "ru") == [
        ("В.П. Соколов", "заместитель директора департамента", "head"),
        ("Е.А. Орлова", "атташе", "member"),
    ]


def test_joined_initials_after_an_honorific_are_one_name() -> None:
    body = "В совещании примет участие г-н Р.Т. ЮСУПОВ, советник, yusupov@mfa.example.\n"
    got = extract_response(body, language="ru")
    assert [(d.name, d.title, d.email) for d in got.delegates] == [
        ("Р.Т. ЮСУПОВ", "советник", "yusupov@mfa.example")]


def test_arabic_items_numbered_with_a_hyphen() -> None:
    body = ("يسرنا تأكيد المشاركة، ويتكون الوفد من:\n"
            "1- ماجد سعيد النعيمي - مستشار - رئيساً للوفد\n"
            "2- هند علي الشامسي - سكرتير ثالث\n")
    assert _people(body, "ar") == [
        ("ماجد سعيد النعيمي", "مستشار", "head"),
        ("هند علي الشامسي", "سكرتير ثالث", "member"),
    ]


def test_bare_names_after_a_colon_and_semicolons() -> None:
    body = ("Уважаемые коллеги,\n\nЧлены делегации: Ботир Каримович ЮЛДАШЕВ, советник; "
            "Малика Ильясовна РАШИДОВА, атташе.\n")
    assert _people(body, "ru") == [
        ("Ботир Каримович ЮЛДАШЕВ", "советник", "member"),
        ("Малика Ильясовна РАШИДОВА", "атташе", "member"),
    ]


def test_all_caps_names_count_only_before_a_title() -> None:
    body = ("Dear UNODC,\n\nMalaysia confirms participation: AHMAD FAIZAL ISMAIL, Director, "
            "Narcotics Crime Investigation Department (head of delegation); "
            "NUR AINA ZAINAL, Second Secretary.\n")
    assert _people(body, "en") == [
        ("AHMAD FAIZAL ISMAIL", "Director, Narcotics Crime Investigation Department", "head"),
        ("NUR AINA ZAINAL", "Second Secretary", "member"),
    ]
    # Capitals before something that is not a title are a heading, not a person.
    assert extract_response("We confirm participation: FINAL LIST, see below.\n").delegates == []


def test_accompanied_by_makes_the_first_person_the_head() -> None:
    body = ("The Embassy has the honour to inform that Ms. Leota Mele TUILAGI, Counsellor, "
            "will attend accompanied by Mr. Ioane PAPALII, Attaché.\n")
    assert _people(body, "en") == [
        ("Leota Mele TUILAGI", "Counsellor", "head"),
        ("Ioane PAPALII", "Attaché", "member"),
    ]
    body = "我馆将由郑和平参赞率团出席，团员为吴静二秘。"
    got = extract_response(body, language="zh")
    assert [(d.name, d.role) for d in got.delegates] == [("郑和平", "head"), ("吴静", "member")]


def test_the_head_cue_after_a_name_is_lexicon_data() -> None:
    assert "accompanied by" in lexicon("en")["role_head_after"]
    assert ROLE_HEAD_AFTER_RE.search("y le acompañará; acompañado del Sr. X")
    assert ROLE_HEAD_AFTER_RE.search("его будет сопровождать")


def test_an_early_surname_mention_folds_into_the_listed_person() -> None:
    body = ("La délégation sera conduite par M. ABENA.\n\n"
            "ABENA ONDOA Paul-Henri, Directeur des affaires juridiques\n"
            "MBARGA Solange, Magistrat, ministère de la Justice\n")
    assert _people(body, "fr") == [
        ("ABENA ONDOA Paul-Henri", "Directeur des affaires juridiques", "head"),
        ("MBARGA Solange", "Magistrat, ministère de la Justice", "member"),
    ]


def test_chinese_roles_before_titles_and_names() -> None:
    body = ("现将我方名单报送如下：\n"
            "（1）团长　公安部禁毒局副局长　上官明\n"
            "（2）顾问　最高人民法院法官　闻人雪\n")
    assert _people(body, "zh") == [
        ("上官明", "公安部禁毒局副局长", "head"),
        ("闻人雪", "最高人民法院法官", "adviser"),
    ]
    body = "我团名单。团长：司法部副部长钟明；副团长：外交部参赞梅林（候补代表）。"
    assert [(n, r) for n, _, r in _people(body, "zh")] == [("钟明", "head"), ("梅林", "alternate")]


def test_bare_chinese_name_on_its_own_line_and_pinyin_alias() -> None:
    body = ("兹确认出席。名单如下：\n"
            "邱志强（团长），海关总署缉私局副局长\n"
            "团员：CAO Min（曹敏），海关总署缉私局科员\n")
    assert _people(body, "zh") == [
        ("邱志强", "海关总署缉私局副局长", "head"),
        ("曹敏", "海关总署缉私局科员", "member"),
    ]


def test_arabic_title_stops_at_a_future_verb_and_a_named_contact_label() -> None:
    body = ("تتشرف السفارة بإبلاغكم بأن السيد فيصل عمر الحداد، ملحق بالسفارة، "
            "سيمثل المملكة في الاجتماع.\n")
    got = extract_response(body, language="ar")
    assert [(d.name, d.title) for d in got.delegates] == [("فيصل عمر الحداد", "ملحق بالسفارة")]
    body = ("الوفد:\n1. السيد باسل حسن الخطيب، مستشار، رئيس الوفد\n"
            "2. السيدة لينا سامي العلي، سكرتير ثان\n\n"
            "الهاتف للسيدة لينا العلي: +962 6 500 1234\n")
    got = extract_response(body, language="ar", region="JO")
    assert [(d.title, d.phone) for d in got.delegates] == [
        ("مستشار", None), ("سكرتير ثان", "+96265001234")]


def test_lower_case_russian_rank_inside_a_sentence() -> None:
    body = ("В совещании примет участие Посол Нурбек Асанович ЖЭЭНБЕКОВ; его будет "
            "сопровождать советник Айбек ТОКТОСУНОВ.\n")
    got = extract_response(body, language="ru")
    assert [(d.honorific, d.name, d.role) for d in got.delegates] == [
        ("Посол", "Нурбек Асанович ЖЭЭНБЕКОВ", "head"),
        ("советник", "Айбек ТОКТОСУНОВ", "member"),
    ]


def test_postnominal_degrees_are_no_title() -> None:
    body = ("The delegation of Indonesia:\n"
            "1. Prof. Dr. Ir. Agus SETIAWAN, M.Sc., Senior Adviser to the Minister "
            "(Head of Delegation)\n"
            "2. Ms. Rina PUSPITA, S.H., LL.M., Legal Officer\n")
    assert _people(body, "en") == [
        ("Agus SETIAWAN", "Senior Adviser to the Minister", "head"),
        ("Rina PUSPITA", "Legal Officer", "member"),
    ]


def test_arabic_rank_after_a_name_and_comma_is_the_title() -> None:
    body = ("تتشرف السفارة بإبلاغ المكتب بأن الوفد يتكون من السيد يوسف آدم عثمان، "
            "المستشار الأول بالسفارة، رئيساً للوفد، والسيدة آمنة موسى علي، الملحق الإداري.\n")
    assert _people(body, "ar") == [
        ("يوسف آدم عثمان", "المستشار الأول بالسفارة", "head"),
        ("آمنة موسى علي", "الملحق الإداري", "member"),
    ]


def test_chinese_title_and_name_apart_with_contacts_under_each() -> None:
    body = ("我方出席人员：\n"
            "团长：海关总署缉私局副局长 严海\n"
            "联系方式：yanhai@customs.example\n"
            "成员：海关总署缉私局一级主任科员 柳青\n"
            "联系方式：+86 10 6519 4114\n")
    got = extract_response(body, language="zh")
    assert [(d.name, d.title, d.role, d.email, d.phone) for d in got.delegates] == [
        ("严海", "海关总署缉私局副局长", "head", "yanhai@customs.example", None),
        ("柳青", "海关总署缉私局一级主任科员", "member", None, "+861065194114"),
    ]
    body = ("我团由以下人员组成：\n"
            "魏东 先生（团长） 公安部禁毒局局长\n"
            "白露 女士 公安部禁毒局科员 bailu@mps.example\n")
    got = extract_response(body, language="zh")
    assert [(d.honorific, d.name, d.title, d.role, d.email) for d in got.delegates] == [
        ("先生", "魏东", "公安部禁毒局局长", "head", None),
        ("女士", "白露", "公安部禁毒局科员", "member", "bailu@mps.example"),
    ]

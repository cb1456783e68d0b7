"""Shapes the third writer's cases (*_b3_*) showed the rules lacked, each tested
in wording of its own: feminine and short alternate roles, extension words in
every language, an office greeted in Arabic."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.phones import find_contacts


def roles(text: str, language: str) -> list[tuple[str, str | None]]:
    got = extract_response(text, language=language)
    return [(d.name, d.role) for d in got.delegates]


@pytest.mark.parametrize("role", ["Jefa alterna", "Jefe adjunto", "Subjefa", "Alterna",
                                  "Delegada alterna", "Suplente"])
def test_spanish_alternate_roles_in_either_gender(role: str) -> None:
    text = ("Estimados señores:\n\nLa delegación de Chile estará integrada por:\n\n"
            "- Sr. Pablo MUÑOZ REYES (Jefe de Delegación), Director Jurídico\n"
            f"- Sra. Elena ROJAS DÍAZ ({role}), Misión Permanente\n\nSaludos cordiales")
    assert roles(text, "es") == [("Pablo MUÑOZ REYES", "head"), ("Elena ROJAS DÍAZ", "alternate")]


@pytest.mark.parametrize(("tail", "ext"), [
    (" فرعي 204", "204"), ("، الرقم الفرعي ٣١", "31"), (" داخلي رقم 7", "7"),
    (" ext. 12", "12"), (" extn 12", "12"), (" poste 312", "312"), (" interno 45", "45"),
    (" доб. 11", "11"), (" 转 318", "318"), (" 分机号 318", "318"),
])
def test_extension_words_of_every_language(tail: str, ext: str) -> None:
    contacts = find_contacts(f"+43 1 405 1025{tail}", None)
    assert contacts.phones == [f"+4314051025;ext={ext}"]


def test_an_office_greeted_in_arabic_is_not_a_delegate() -> None:
    text = ("معالي المدير التنفيذي،\n\nنتشرف بإبلاغكم بمشاركة السيد حسن علي المنصوري، "
            "مدير إدارة الشؤون القانونية، في الاجتماع.\n\nمع خالص التحية.")
    assert roles(text, "ar") == [("حسن علي المنصوري", "head")]


@pytest.mark.parametrize("sentence", ["我方不派团出席本次会议", "我国将不派员参加此次会议",
                                      "我团暂不出席本次工作组会议"])
def test_chinese_not_sending_declines_and_the_contact_is_no_delegate(sentence: str) -> None:
    text = (f"秘书处：\n\n谢谢邀请。由于工作安排，{sentence}。如有事宜，请与我团二等秘书"
            "林晓女士联系（linxiao@mission.example）。\n\n常驻维也纳代表团")
    got = extract_response(text, language="zh")
    assert got.decision == "decline"
    assert got.delegates == []


@pytest.mark.parametrize("gap", ["\u3000", " "])
def test_chinese_semicolon_list_of_titles_spaced_from_bare_names(gap: str) -> None:
    text = ("秘书处：\n\n我团将出席会议，名单如下：\n\n团长：刘军大使，常驻代表\n"
            f"成员：外交部条约法律司处长{gap}欧阳丽华；最高人民检察院检察员{gap}端木明\n")
    got = extract_response(text, language="zh")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("刘军", "常驻代表", "head"),
        ("欧阳丽华", "外交部条约法律司处长", "member"),
        ("端木明", "最高人民检察院检察员", "member"),
    ]


def test_a_chinese_table_row_spaced_by_one_space_stays_columns() -> None:
    text = "代表团名单：\n\n团长 王磊 公安部禁毒局副局长\n成员 李娜 外交部条约法律司参赞\n"
    got = extract_response(text, language="zh")
    assert [(d.name, d.role) for d in got.delegates] == [("王磊", "head"), ("李娜", "member")]


def test_a_chinese_contact_sentence_after_a_full_stop_is_the_contacts() -> None:
    text = ("秘书处：\n\n我国代表团由司法部副部长赵明率领，成员有外交部三等秘书钱亮。"
            "赵明副部长将致辞。联系人：钱亮（qianliang@mission.example）。\n")
    got = extract_response(text, language="zh")
    assert [(d.name, d.email) for d in got.delegates] == [
        ("赵明", None), ("钱亮", "qianliang@mission.example")]


@pytest.mark.parametrize("sentence", [
    "Por ahora no podemos confirmar si Honduras estará representada; el asunto sigue en trámite.",
    "Acusamos recibo de su nota; la designación está aún en trámite.",
    "No estamos en condiciones de confirmar todavía la asistencia de la delegación.",
])
def test_spanish_not_yet_confirmed_is_undecided(sentence: str) -> None:
    got = extract_response(f"Estimados señores:\n\n{sentence}\n\nAtentamente,\nEmbajada",
                           language="es")
    assert got.decision == "undecided"
    assert got.delegates == []


_LISTS = {
    "ru": "Делегация:\n\n1. г-н Бахтиёр Шарипович ИСМОИЛОВ (глава делегации), посол\n"
          "2. г-н Олим КАРИМОВ, советник\n\nКонтакты:\n",
    "fr": "Délégation :\n\n1. M. Bakhtiyor Sharipovich ISMOILOV (chef de délégation), "
          "Ambassadeur\n2. M. Olim KARIMOV, Conseiller\n\nCoordonnées :\n",
}


@pytest.mark.parametrize(("line", "language"), [
    ("ИСМОИЛОВ Б.Ш. — тел. +43 1 409 8266", "ru"),
    ("ISMOILOV B.S. : +43 1 409 8266", "fr"),
])
def test_a_contact_line_by_surname_and_initials_is_the_listed_person(
        line: str, language: str) -> None:
    got = extract_response(_LISTS[language] + line + "\n", language=language)
    assert [d.phone for d in got.delegates] == ["+4314098266", None]


@pytest.mark.parametrize("signoff", ["Avec nos meilleures salutations,", "Mes sincères salutations",
                                     "With best wishes,", "All the best,",
                                     "Reciban un cordial saludo,", "Saludos atentos,"])
def test_a_signoff_straight_under_the_last_line_ends_its_title(signoff: str) -> None:
    text = ("Delegation / délégation / delegación:\n"
            "- Mr. Paul GRECH, Director, Ministry of Justice (Head of Delegation)\n"
            "- Ms. Anna VELLA, Second Secretary, Permanent Mission\n"
            f"{signoff}\nPermanent Mission\n")
    got = extract_response(text, language="en")
    assert [d.title for d in got.delegates] == ["Director, Ministry of Justice",
                                                "Second Secretary, Permanent Mission"]


@pytest.mark.parametrize(("line", "honorific", "name"), [
    ("Asec. Ma. Cristina R. ALCANTARA", "Asec.", "Ma. Cristina R. ALCANTARA"),
    ("Ms. Ma. Luisa DIZON", "Ms.", "Ma. Luisa DIZON"),
    ("Mr. Mohd. Rizal HASHIM", "Mr.", "Mohd. Rizal HASHIM"),
    ("Sr. Fco. Javier LÓPEZ", "Sr.", "Fco. Javier LÓPEZ"),
])
def test_abbreviated_given_names_stay_in_the_name(line: str, honorific: str, name: str) -> None:
    text = f"The delegation:\n\n1. {line}, Director, Ministry of Justice\n"
    got = extract_response(text, language="en")
    assert [(d.honorific, d.name) for d in got.delegates] == [(honorific, name)]


def test_a_title_of_two_offices_joined_by_and_keeps_it() -> None:
    text = ("The delegation:\n\n1. Ms. Ana CRUZ, Undersecretary, Department of Justice, and "
            "Chair, Council Against Trafficking (Head of Delegation)\n"
            "2. Mr. Ben LIM, Attache, Embassy\n")
    got = extract_response(text, language="en")
    assert got.delegates[0].title == ("Undersecretary, Department of Justice, and Chair, "
                                      "Council Against Trafficking")


@pytest.mark.parametrize("number", ["一、", "（一）", ""])
def test_chinese_role_headings_over_title_spaced_name_lines(number: str) -> None:
    second = {"一、": "二、", "（一）": "（二）", "": ""}[number]
    text = ("代表团名单如下：\n\n"
            f"{number}团长\n\u3000\u3000司法部国际合作局局长\u3000王志强（Wang Zhiqiang）\n\n"
            f"{second}顾问\n\u3000\u3000公安部刑事侦查局调研员\u3000欧阳涛\n")
    got = extract_response(text, language="zh")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("王志强", "司法部国际合作局局长", "head"), ("欧阳涛", "公安部刑事侦查局调研员", "adviser")]


def test_spanish_prose_list_with_lower_case_forms_of_address() -> None:
    text = ("Estimados señores:\n\nLa delegación estará encabezada por el señor Embajador Luis "
            "GÓMEZ, Representante Permanente, e integrada además por la doctora Ana RUIZ PAZ, "
            "Directora General, y por el ingeniero Juan SOTO, Tercer Secretario.\n\nAtentamente")
    got = extract_response(text, language="es")
    assert [(d.honorific, d.name, d.role) for d in got.delegates] == [
        ("señor Embajador", "Luis GÓMEZ", "head"), ("doctora", "Ana RUIZ PAZ", "member"),
        ("ingeniero", "Juan SOTO", "member")]


@pytest.mark.parametrize("rank", ["العميد الحقوقي", "اللواء الركن", "العقيد الحقوقي"])
def test_an_arabic_rank_and_its_corps_are_the_form_of_address(rank: str) -> None:
    text = ("يتألف الوفد من:\n\n١. السيد أحمد علي حسن (رئيس الوفد) - وزارة العدل\n"
            f"٢. {rank} علي حسين الجبوري - وزارة الداخلية\n")
    got = extract_response(text, language="ar")
    assert [(d.honorific, d.name) for d in got.delegates][1] == (rank, "علي حسين الجبوري")


def test_an_arabic_later_mention_before_a_verbal_noun_is_no_new_delegate() -> None:
    text = ("يسرنا إبلاغكم بمشاركة وفد برئاسة السفير صادق محمد معرفي، المندوب الدائم، "
            "وعضوية الدكتورة منيرة خالد العتيبي، أستاذة القانون.\n\n"
            "وستتولى الدكتورة العتيبي إلقاء كلمة الوفد.\n")
    got = extract_response(text, language="ar")
    assert [d.name for d in got.delegates] == ["صادق محمد معرفي", "منيرة خالد العتيبي"]


@pytest.mark.parametrize(("sentence", "signature", "language"), [
    ("I shall head our delegation myself, accompanied by Mr. Jan NOVAK, Police Inspector.",
     "Kind regards,\n\nMs. Eva DVORAK\nCounsellor, Embassy", "en"),
    ("Je conduirai la délégation, accompagnée de M. Jan NOVAK, inspecteur de police.",
     "Cordialement,\n\nMme Eva DVORAK\nConseillère, Ambassade", "fr"),
])
def test_the_signer_who_leads_heads_the_delegation_before_a_companion(
        sentence: str, signature: str, language: str) -> None:
    got = extract_response(f"Dear colleagues,\n\n{sentence}\n\n{signature}\n", language=language)
    assert [(d.name, d.role) for d in got.delegates] == [("Eva DVORAK", "head"),
                                                         ("Jan NOVAK", "member")]


def test_a_russian_name_after_a_capitalised_country_starts_at_the_given_name() -> None:
    text = ("Республика будет представлена делегацией во главе с заместителем министра "
            "юстиции Арменом Ашотовичем Погосяном. В состав делегации войдут начальник отдела "
            "Полиции Республики Армения Гаяне Левоновна Мкртчян.\n")
    got = extract_response(text, language="ru")
    assert [(d.name, d.role) for d in got.delegates] == [
        ("Армен Ашотович Погосян", "head"), ("Гаяне Левоновна Мкртчян", "member")]

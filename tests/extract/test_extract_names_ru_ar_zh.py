"""Extraction, Russian, Arabic and Chinese bodies: names in each script (issue 17)."""

from __future__ import annotations

import pytest

from bot.extract import extract_response


def test_russian_names_without_honorific_by_patronymic() -> None:
    body = ("В совещании примут участие:\n"
            "Петров Игорь Владимирович – директор департамента, глава делегации;\n"
            "Сидорова Анна Павловна – советник.\n")
    got = extract_response(body, language="ru")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Петров Игорь Владимирович", "директор департамента", "head"),
        ("Сидорова Анна Павловна", "советник", "member"),
    ]


def test_russian_rank_in_a_sentence_and_turkic_patronymic() -> None:
    body = ("Делегацию возглавит Посол Игорь ЛЕВИН, Постоянный представитель.\n"
            "1. Гасанов Эльдар Рамиз оглы, эксперт\n")
    got = extract_response(body, language="ru")
    assert [(d.honorific, d.name) for d in got.delegates] == [
        ("Посол", "Игорь ЛЕВИН"), (None, "Гасанов Эльдар Рамиз оглы")]
    assert got.delegates[0].role == "head"


def test_arabic_honorific_phrase_is_not_the_name() -> None:
    body = ("وفد الدولة سيكون على النحو التالي:\n"
            "1. سعادة السفير خالد بن أحمد آل ثاني، المندوب الدائم، رئيس الوفد\n"
            "2. والمهندس سامي علي الحمد، وزارة الداخلية\n")
    got = extract_response(body, language="ar")
    assert [(d.honorific, d.name, d.title, d.role) for d in got.delegates] == [
        ("سعادة السفير", "خالد بن أحمد آل ثاني", "المندوب الدائم", "head"),
        ("المهندس", "سامي علي الحمد", "وزارة الداخلية", "member"),
    ]


def test_chinese_compound_surnames_and_ranks_after_the_name() -> None:
    body = "代表团名单如下：团长欧阳建国大使，副团长司马丽参赞，成员王刚二秘。"
    got = extract_response(body, language="zh")
    assert [(d.honorific, d.name, d.role) for d in got.delegates] == [
        ("大使", "欧阳建国", "head"), ("参赞", "司马丽", "alternate"), ("二秘", "王刚", "member")]


def test_chinese_bare_names_after_titles_and_surname_mention() -> None:
    body = ("我国出席会议人员包括：公安部禁毒局局长张明（团长）、外交部条约法律司处长李华。"
            "\n\n谢谢汉斯·格鲁伯先生（hans.gruber@unodc.test）。")
    got = extract_response(body, language="zh", exclude_contacts=("hans.gruber@unodc.test",))
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("张明", "公安部禁毒局局长", "head"), ("李华", "外交部条约法律司处长", "member")]



@pytest.mark.parametrize(("body", "names"), [
    # a mail wrapped the line before the patronymic
    ("Сообщаем, что делегацию возглавит Нуриев Тимур Ринатович, в состав делегации также "
     "войдёт советник Латыпова Алина\nМаратовна.",
     ["Нуриев Тимур Ринатович", "Латыпова Алина Маратовна"]),
    ("Делегация: глава делегации – посол Иванов Пётр\nСергеевич; советник Сидорова Анна "
     "Павловна.", ["Иванов Пётр Сергеевич", "Сидорова Анна Павловна"]),
    # a surname in -евич is no patronymic: the genitive is read back
    ("Делегация в составе советника Пашкевич Ирины Олеговны примет участие.",
     ["Пашкевич Ирина Олеговна"]),
    # a rank, initials and a surname on each line of a list under its heading
    ("Состав делегации Российской Федерации:\nпосол И.И. Воронов – глава делегации;\n"
     "советник А.В. Вишневская;\nпервый секретарь Д.С. Римский-Корсаков.",
     ["И.И. Воронов", "А.В. Вишневская", "Д.С. Римский-Корсаков"]),
    # bare names, each with its role or title in parentheses, separated by commas
    ("Здравствуйте! Делегация Армении: Петросян Арман (руководитель делегации), Саакян Лилит\n"
     "(советник), Ованнисян Гор (эксперт).", ["Петросян Арман", "Саакян Лилит",
                                             "Ованнисян Гор"]),
    # a Turkic patronymic: the father's name and кызы/оглы
    ("Делегацию возглавит посол Ахмедов Рашад Тофикович. В состав делегации также войдет "
     "советник Мамедова Лейла Ариф кызы.", ["Ахмедов Рашад Тофикович",
                                            "Мамедова Лейла Ариф кызы"]),
])
def test_a_russian_name_in_running_text_wrapped_or_with_a_turkic_patronymic(
        body: str, names: list[str]) -> None:
    assert [d.name for d in extract_response(body, language="ru").delegates] == names


def test_a_chinese_name_after_a_verb_of_replacing_is_read_without_it() -> None:
    body = "原定参会的王强先生因公务无法出席，改由李娜女士（参赞）参会。"
    assert "李娜" in [d.name for d in extract_response(body, language="zh").delegates]


def test_an_informal_list_after_a_verb_of_going_is_an_acceptance() -> None:
    got = extract_response("Добрый день! От Постпредства Грузии едут: Беридзе Давид "
                           "(руководитель), Орлов Дмитрий, советник.", language="ru")
    assert got.decision == "accept"
    assert [(d.name, d.role) for d in got.delegates] == [("Беридзе Давид", "head"),
                                                         ("Орлов Дмитрий", "member")]


def test_will_represent_in_the_plural_is_an_acceptance() -> None:
    got = extract_response("Сообщаем, что Республику Беларусь на совещании будут представлять "
                           "Постоянный представитель Лукашевич Виктор Иванович и первый секретарь "
                           "Бабич Ольга.", language="ru")
    assert got.decision == "accept"
    assert "Лукашевич Виктор Иванович" in [d.name for d in got.delegates]


def test_a_transliterated_chinese_name_spaced_from_its_rank_in_a_list_is_read() -> None:
    # No Chinese surname (颂猜, 巴特尔): the rank in the next column addresses the name.
    body = ("泰国常驻代表团确认出席会议。代表团组成如下：\n"
            "团长：颂猜 大使\n成员：李明 参赞\n")
    got = extract_response(body, language="zh")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("颂猜", "大使", "head"), ("李明", "参赞", "member")]


def test_a_title_spaced_from_a_rank_is_no_name() -> None:
    body = "代表团组成如下：\n团长：常驻代表 大使\n成员：李明 参赞\n"
    assert [d.name for d in extract_response(body, language="zh").delegates] == ["李明"]


def test_a_chinese_name_after_a_short_rank_is_read() -> None:
    # "二秘孙悦": a short rank is a title before a name, as "二等秘书" is.
    body = "我团由公使慕容涛率团出席，成员为三秘钟丽、随员梁宇。"
    got = extract_response(body, language="zh")
    assert [(d.name, d.title) for d in got.delegates][1:] == [("钟丽", "三秘"), ("梁宇", "随员")]
    assert "周婷婷" in [d.name for d in extract_response("我团将派三秘周婷婷出席本次会议。",
                                                        language="zh").delegates]


def test_two_chinese_name_rank_pairs_on_one_line_are_both_read() -> None:
    # "成员：公孙丽 参赞；赵磊 二秘": the semicolon between two spaced pairs ends a line.
    body = "代表团名单：\n团长：上官明 大使\n成员：公孙丽 参赞；赵磊 二秘\n"
    got = extract_response(body, language="zh")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("上官明", "大使", "head"), ("公孙丽", "参赞", "member"), ("赵磊", "二秘", "member")]

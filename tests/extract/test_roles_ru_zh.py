"""Role words of Russian and Chinese lists: headings, columns, parentheses, inline."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.fields import role_of


@pytest.mark.parametrize(("field", "context", "role"), [
    ("Альтернативные представители", True, "alternate"),
    ("альтернативный представитель", False, "alternate"),
    ("Заместитель руководителя", True, "alternate"),
    ("советник делегации", False, "adviser"),
    ("Эксперты", True, "adviser"),
    ("эксперт", False, None),  # also a title word: a role only where the context says so
    ("专家", True, "adviser"),
    ("专家", False, None),
    ("随员", True, "member"),
    ("随员", False, None),  # a rank ("巫涛随员") unless under a heading
    ("代表团副团长", False, "alternate"),
])
def test_role_words(field: str, context: bool, role: str | None) -> None:
    assert role_of(field, role_context=context) == role


def test_role_comma_name_comma_title_entries() -> None:
    got = extract_response("代表团由三人组成：团长，柯伟林，司法部副部长；副团长，费南，"
                           "外交部国际司参赞；团员，卓越，常驻维也纳代表团随员。")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("柯伟林", "司法部副部长", "head"), ("费南", "外交部国际司参赞", "alternate"),
        ("卓越", "常驻维也纳代表团随员", "member")]


def test_a_run_on_list_whose_items_open_with_their_role() -> None:
    got = extract_response(
        "Сообщаем состав делегации: глава делегации – Нурланов Асхат Маратович, директор "
        "Департамента; заместитель главы делегации – Омарова Сауле Кайратовна, советник "
        "Посольства; члены делегации – Бекова Алия, первый секретарь, и Ким Дмитрий, атташе.")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Нурланов Асхат Маратович", "директор Департамента", "head"),
        ("Омарова Сауле Кайратовна", "советник Посольства", "alternate"),
        ("Бекова Алия", "первый секретарь", "member"),
        ("Ким Дмитрий", "атташе", "member")]


def test_a_latin_spelling_after_a_cyrillic_name_is_no_title() -> None:
    got = extract_response("Делегация:\n1) Ибрагимов Руслан Алиевич (IBRAGIMOV Ruslan) — "
                           "начальник управления МВД — глава делегации")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Ибрагимов Руслан Алиевич", "начальник управления МВД", "head")]


def test_chinese_bare_names_before_their_role_or_particulars() -> None:
    got = extract_response("中方代表团名单如下：王海涛任团长，外交部条约法律司副司长；"
                           "李娜任副团长；赵军担任顾问。团员：张敏（女，公安部处长）、王刚（男，司法部调研员）。")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("王海涛", "外交部条约法律司副司长", "head"), ("李娜", None, "alternate"),
        ("赵军", None, "adviser"), ("张敏", "公安部处长", "member"),
        ("王刚", "司法部调研员", "member")]


def test_a_chinese_role_label_leads_every_name_on_its_line() -> None:
    got = extract_response("代表团名单：\n团长：国家移民管理局副局长刘海涛先生\n"
                           "专家：公安部刑侦局警官周红女士、司法部处长马骏先生")
    assert [d.role for d in got.delegates] == ["head", "adviser", "adviser"]


def test_abbreviated_russian_roles() -> None:
    got = extract_response("В состав делегации войдут: г-н Иван ПЕТРОВ (зам. руководителя "
                           "делегации), г-жа Анна СИДОРОВА (рук. делегации).")
    assert [d.role for d in got.delegates] == ["alternate", "head"]


def test_a_rank_or_a_title_before_a_name_with_patronymic() -> None:
    got = extract_response(
        "Делегация: Посол Петров Иван Иванович – глава делегации. В работе примут участие "
        "также заместитель директора Департамента Смирнов Олег Игоревич и первый секретарь "
        "Постпредства Кузнецова Ирина Павловна.")
    assert [(d.honorific, d.name, d.title) for d in got.delegates] == [
        ("Посол", "Петров Иван Иванович", None),
        (None, "Смирнов Олег Игоревич", "заместитель директора Департамента"),
        (None, "Кузнецова Ирина Павловна", "первый секретарь Постпредства")]


def test_a_role_label_and_dash_after_a_full_stop_opens_an_item() -> None:
    got = extract_response("Делегацию возглавит Абдуллоев Фарход Саидович, заместитель "
                           "министра. Член делегации – Назарова Мавзуна, первый секретарь.")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Абдуллоев Фарход Саидович", "заместитель министра", "head"),
        ("Назарова Мавзуна", "первый секретарь", "member")]

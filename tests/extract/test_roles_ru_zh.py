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

"""Table headers naming two fields, function columns, and "NAME, title" cells.

A header may join two fields ("Position, rank", "Titre et grade",
"Function/Role in delegation", "职务/职称"); a "Функции" column beside a
"Должность" one holds the role; a cell "NAME, title" is a name and a title.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.extract import extract_response
from bot.extract.lexicon import header_kind
from bot.extract.tables import _name_and_title


def _read(text: str, language: str) -> dict[str, Any]:
    return {d.name: d for d in extract_response(text, [], language=language).delegates}


@pytest.mark.parametrize(("cell", "kind"), [
    ("Должность, звание", "title"),
    ("Position, rank", "title"),
    ("Titre et grade", "title"),
    ("职务/职称", "title"),
    ("Function/Role in delegation", "role"),
    ("Fonction au sein de la délégation", "role"),
    ("Función dentro de la delegación", "role"),
    ("代表团职务/身份", "role"),
    ("الصفة", "role"),
    ("Функции", "title"),
    ("Nom, prénom", "name"),
    ("Фамилия, имя, отчество", "name"),
    ("Name, e-mail", None),
    ("Remarks / notes", None),
])
def test_header_kind_of_joined_headers(cell: str, kind: str | None) -> None:
    assert header_kind(cell) == kind


@pytest.mark.parametrize(("cell", "split"), [
    ("ДАДАШОВ Эльдар Шахлар оглы, заместитель Генерального прокурора",
     ("ДАДАШОВ Эльдар Шахлар оглы", "заместитель Генерального прокурора")),
    ("Sr. Andrés CAMPOS VEGA, Fiscal Superior", ("Sr. Andrés CAMPOS VEGA", "Fiscal Superior")),
    ("السيد خالد بن ناصر الحارثي، مدير إدارة", ("السيد خالد بن ناصر الحارثي", "مدير إدارة")),
    # Surnames before the given name, no honorific: one name, not a title.
    ("SMITH, John", ("SMITH, John", None)),
    ("GARCÍA LÓPEZ, María", ("GARCÍA LÓPEZ, María", None)),
    ("Mr. John Smith", ("Mr. John Smith", None)),
])
def test_name_and_title_of_a_cell(cell: str, split: tuple[str, str | None]) -> None:
    assert _name_and_title(cell) == split


def test_function_column_beside_a_position_column_is_the_role() -> None:
    text = ("Состав делегации:\n\n"
            "Фамилия, имя, отчество | Должность | Функции\n"
            "ИВАНОВА Мария Петровна | советник Посольства | Руководитель делегации\n"
            "ПЕТРОВ Олег Ильич | главный специалист МИД | Эксперт\n")
    got = _read(text, "ru")
    assert got["ПЕТРОВ Олег Ильич"].role == "adviser"
    assert got["ПЕТРОВ Олег Ильич"].title == "главный специалист МИД"
    assert got["ИВАНОВА Мария Петровна"].role == "head"


def test_role_then_name_and_title_rows() -> None:
    text = ("The delegation will be as follows:\n\n"
            "Head of delegation | Ms. Ruth MWANGI, Director of Public Prosecutions\n"
            "Member | Mr. Peter OTIENO, Second Secretary\n")
    got = _read(text, "en")
    assert set(got) == {"Ruth MWANGI", "Peter OTIENO"}
    assert (got["Ruth MWANGI"].title, got["Ruth MWANGI"].role) == (
        "Director of Public Prosecutions", "head")
    assert got["Peter OTIENO"].title == "Second Secretary"


@pytest.mark.parametrize(("text", "language", "name"), [
    ("Уважаемые коллеги!\n\nПодтверждаю своё участие в совещании.\n\nС уважением,\n"
     "Ирина СОКОЛОВА\nконсультант Министерства юстиции\n", "ru", "Ирина СОКОЛОВА"),
    ("Dear colleagues,\n\nI confirm my participation in the meeting.\n\nBest regards,\n"
     "Anan SUKSAWAT\nLegal Officer, Office of the Attorney General\n", "en", "Anan SUKSAWAT"),
])
def test_the_writer_who_confirms_their_participation_is_the_delegation(
        text: str, language: str, name: str) -> None:
    got = extract_response(text, [], language=language)
    assert got.decision == "accept"
    assert [(d.name, d.role) for d in got.delegates] == [(name, "head")]


def test_a_wrapped_last_cell_goes_on_on_the_next_line() -> None:
    text = ("Состав делегации:\n\n"
            "Руководитель делегации | ДАДАШЕВА Айтен Рауф кызы, заместитель Генерального\n"
            "прокурора\n"
            "Член делегации | ГУСЕЙНОВ Тофик Ильхамович, советник Посольства\n\n"
            "Посольство в Вене\n")
    assert {name: d.title for name, d in _read(text, "ru").items()} == {
        "ДАДАШЕВА Айтен Рауф кызы": "заместитель Генерального прокурора",
        "ГУСЕЙНОВ Тофик Ильхамович": "советник Посольства",
    }

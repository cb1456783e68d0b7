"""A surname correction written in quotation marks, and a first reply whose list
follows a colon on the same line with a rank before the first name (tuning
rounds b4 and fy: «Руссу», а не «Русу»; "Делегация Грузии: Посол …")."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.inbound.followup.rename import name_corrected
from bot.results.delegation import State

_LIST = State(decision="accept", people=(
    {"name": "Андрей Лупу", "title": "Посол", "role": "head"},
    {"name": "Мария Чобану", "title": "советник", "role": "member"},
))


@pytest.mark.parametrize("text", [
    "Просим исправить: фамилия советника пишется «Чубану», а не «Чобану».",
    "Просим исправить: правильно “Чубану”, а не “Чобану”.",
])
def test_a_correction_in_quotation_marks_respells_the_listed_person(text: str) -> None:
    found = name_corrected(text, _LIST)
    assert found is not None
    assert [p["name"] for p in found[1]] == ["Андрей Лупу", "Мария Чубану"]


@pytest.mark.parametrize(("text", "names"), [
    ("Делегация Армении: Посол Ваган Карапетян (глава делегации), советник Ани Мартиросян.",
     ["Ваган Карапетян", "Ани Мартиросян"]),
    ("Delegation of Malta: Ambassador Joseph Camilleri (head of delegation), "
     "Counsellor Maria Borg.", ["Joseph Camilleri", "Maria Borg"]),
])
def test_a_rank_opening_a_list_after_a_colon_addresses_the_first_person(
        text: str, names: list[str]) -> None:
    assert [d.name for d in extract_response(text).delegates] == names

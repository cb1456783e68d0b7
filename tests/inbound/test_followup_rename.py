"""A correction of a listed delegate's name renames them in place (issue: fr-w3-02)."""

from __future__ import annotations

import pytest

from bot.inbound.followup.operation import decide_operation
from bot.inbound.followup.rename import name_corrected
from bot.models import Operation
from bot.results.delegation import State, apply

LUX = State("accept", (
    {"name": "Anne Weber", "role": "head", "title": "Ambassadrice"},
    {"name": "Jean Lefebvre", "role": "member", "title": "Conseiller",
     "email": "jean.lefebvre@mae.etat.lu"},
))


def _names(before: State, text: str) -> list[str] | None:
    found = name_corrected(text, before)
    return None if found is None else [p["name"] for p in found[1]]


def _state(*names: str) -> State:
    return State("accept", tuple({"name": n, "title": "T"} for n in names))


@pytest.mark.parametrize(("before", "text", "names"), [
    (LUX, "Le nom correct est M. Jean Lefèvre (et non Lefebvre).", ["Anne Weber", "Jean Lefèvre"]),
    (LUX, "Prière de noter : M. Jean Lefèbvre (et non Lefebvre).", ["Anne Weber", "Jean Lefèbvre"]),
    (LUX, "Il faut lire Anne Webber au lieu de Anne Weber.", ["Anne Webber", "Jean Lefebvre"]),
    (_state("Liis Tamm", "Tõnis Kask"), "The correct spelling is Ms. Liis Tamme. Thank you.",
     ["Liis Tamme", "Tõnis Kask"]),
    (_state("Peter Mwangi"), "Kindly note: Mr. Peter Mwangy, not Mwangi.", ["Peter Mwangy"]),
    (_state("Ciaran McNamee"), "Please correct the name to Ciarán McNamee.", ["Ciarán McNamee"]),
    (_state("Lucía Fernandes"), "El nombre correcto es Lucía Fernández.", ["Lucía Fernández"]),
    (_state("Tomás Ortega"), "Se trata de Tomás Ortego (y no Ortega).", ["Tomás Ortego"]),
    (_state("Ковалёва Ольга Петровна"), "Правильно: Ковалева Ольга Петровна.",
     ["Ковалева Ольга Петровна"]),
    (_state("Петров Иван"), "Просим исправить фамилию члена делегации на Петровв Иван.",
     ["Петровв Иван"]),
    (_state("Смирнова Анна"), "Смирнова Анна, а не Смирнова Ана.", None),  # already so spelt
    (_state("يوسف المطيري"), "الاسم الصحيح هو السيد يوسف المطيرى.", ["يوسف المطيرى"]),
    (_state("李晓明"), "成员正确姓名为李小明，其余不变。", ["李小明"]),
    (_state("李晓明"), "成员姓名应为李小明。", ["李小明"]),
    # A note on the new form before the old one set against it.
    (_state("Rodrigue Hounkpatin", "Gisèle Adjovy"),
     "il faut lire Mme Gisèle ADJOVI (avec un i),\net non Adjovy. Merci.",
     ["Rodrigue Hounkpatin", "Gisèle ADJOVI"]),
    (_state("Tomasz Kowalczik", "Anna Nowak"),
     "it should be Mr. Tomasz KOWALCZYK (with a y), not Kowalczik.",
     ["Tomasz KOWALCZYK", "Anna Nowak"]),
    # The word respelt, in parentheses, set against the wrong one; "حمد" is how the first
    # is written, no respelling of the second's "محمد".
    (_state("حمد سليم الكعبي", "عائشة محمد المهيري"),
     "فالصحيح هو سعادة السفير حمد سالم\nالكعبي (سالم وليس سليم).",
     ["حمد سالم الكعبي", "عائشة محمد المهيري"]),
    (_state("ناصر سعيد القحطاني", "فهد علي الدوسري"),
     "فالصحيح هو المستشار ناصر سعد القحطاني (سعد وليس سعيد).",
     ["ناصر سعد القحطاني", "فهد علي الدوسري"]),
])
def test_the_corrected_spelling_renames_the_listed_delegate(
        before: State, text: str, names: list[str] | None) -> None:
    assert _names(before, text) == names


@pytest.mark.parametrize("text", [
    # A newcomer with another name is no correction.
    "Le nom correct est M. Paul Martin (et non Lefebvre).",
    "Ms. Sarah Lee, not Mr. Jean Lefebvre, will attend.",
    # The wrong form names nobody listed.
    "Le nom correct est M. Jean Lefèvre (et non Dupont).",
    # A title set against a title.
    "M. Jean Lefebvre est Ministre Conseiller (et non Conseiller).",
    "Thank you, the list is correct.",
])
def test_no_rename_without_a_close_spelling_of_a_listed_name(text: str) -> None:
    assert name_corrected(text, LUX) is None


def test_the_rename_keeps_title_role_contacts_and_order() -> None:
    decided = decide_operation(LUX, "accept", [{"name": "Jean Lefèvre"}], ["Lefebvre"],
                               "Suite à votre accusé de réception, le nom correct est "
                               "M. Jean Lefèvre (et non Lefebvre).")
    assert decided.operation == Operation.REPLACE and not decided.removed
    assert decided.people is not None
    after = apply(LUX, decided.operation, "accept", decided.people, decided.removed)
    assert after.decision == "accept"
    assert after.people == (LUX.people[0], {**LUX.people[1], "name": "Jean Lefèvre"})

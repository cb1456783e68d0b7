"""A listed person named by the first of two family names after an honorific or a
rank (bot/inbound/followup/surnames.py; tuning rounds b4 and fy)."""

from __future__ import annotations

import pytest

from bot.inbound.followup.leaving import leaving
from bot.inbound.followup.mentions import details, named_in
from bot.results.delegation import State

_LIST = State(decision="accept", people=(
    {"name": "Marisol Paredes Quintana", "title": "Embajadora", "role": "head"},
    {"name": "Tomás Ibarra Medina", "title": "Consejero", "role": "member"},
))


@pytest.mark.parametrize("window", ["Sra. Paredes", "la Embajadora Paredes", "Dra. Paredes:"])
def test_the_first_family_name_after_an_address_names_the_person(window: str) -> None:
    assert named_in(window, _LIST.people[0])


@pytest.mark.parametrize(
    "window", ["M. Paredes Gil", "Sra. Ana Paredes", "la Sra. Rosa Paredes Gil"])
def test_inside_another_persons_name_it_does_not(window: str) -> None:
    assert not named_in(window, _LIST.people[0])


def test_written_alone_it_names_the_person_as_a_first_name_alone_does() -> None:
    # Informal follow-ups name people by one word ("Paredes won't travel",
    # "Marisol won't travel"); only a capitalised stranger beside it makes it
    # another person's name.
    assert named_in("Paredes won't travel after all", _LIST.people[0])
    assert named_in("Marisol won't travel after all", _LIST.people[0])


def test_contacts_after_the_first_family_name_go_to_that_person() -> None:
    text = ("Remitimos los datos de contacto:\nDr. Ibarra: tibarra@mre.example\n"
            "Sra. Paredes: +1 212 555 0199")
    got = {p["name"]: (p.get("email"), p.get("phone")) for p in details(text, _LIST)}
    assert got == {"Tomás Ibarra Medina": ("tibarra@mre.example", None),
                   "Marisol Paredes Quintana": (None, "+12125550199")}


def test_a_rank_and_the_first_family_name_leaving() -> None:
    text = "Les informamos que el Consejero Ibarra ya no viajará con la delegación."
    assert leaving(text, _LIST) == ["Tomás Ibarra Medina"]

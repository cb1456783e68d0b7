"""A listed delegate taken off by a pronoun after being named (tuning round b4:
"M. Benali, …, le retirer de la liste")."""

from __future__ import annotations

import pytest

from bot.inbound.followup.leaving import leaving
from bot.inbound.followup.pronoun import leaving_by_pronoun
from bot.results.delegation import State

_LIST = State(decision="accept", people=(
    {"name": "Élise Moreau", "title": "Ambassadrice", "role": "head"},
    {"name": "Hugo Lefort", "title": "Conseiller", "role": "member"},
    {"name": "Ana Ruiz Paredes", "title": "Consejera", "role": "member"},
))


@pytest.mark.parametrize("text", [
    "M. Lefort, rappelé à Paris, ne viendra pas : merci de le retirer de la liste.",
    "Our adviser Mr. Lefort has other duties that week; please take him off the list.",
])
def test_the_person_named_before_the_pronoun_leaves(text: str) -> None:
    assert leaving(text, _LIST) == ["Hugo Lefort"]


def test_the_pronoun_after_two_people_in_one_piece_names_nobody() -> None:
    text = "Mme Moreau et M. Lefort nous ont informés ; veuillez le retirer."
    assert leaving_by_pronoun(text, _LIST) == []


def test_spanish_enclitic_pronoun() -> None:
    text = "La Consejera Ruiz no podrá viajar, por lo que les rogamos retirarla de la lista."
    assert leaving(text, _LIST) == ["Ana Ruiz Paredes"]

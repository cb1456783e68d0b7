"""A line that ends on a rank, the surname of the one leaving on the next line
("el Primer Secretario\\nOspina serán reemplazados"; tuning round b4)."""

from __future__ import annotations

from bot.inbound.followup.leaving import leaving
from bot.results.delegation import State

_LIST = State(decision="accept", people=(
    {"name": "Claire Dubois", "title": "Ambassadrice", "role": "head"},
    {"name": "Marc Petit", "title": "Conseiller", "role": "member"},
    {"name": "Lea Roux", "title": "Attachée", "role": "member"},
))


def test_both_people_before_a_wrapped_rank_leave() -> None:
    text = "Mme Roux et le Conseiller\nPetit seront remplacés par M. Paul Gros."
    assert sorted(leaving(text, _LIST)) == ["Lea Roux", "Marc Petit"]


def test_a_line_that_ends_on_another_word_is_not_joined() -> None:
    text = "Merci de noter le changement suivant\nM. Petit sera remplacé par M. Paul Gros."
    assert leaving(text, _LIST) == ["Marc Petit"]

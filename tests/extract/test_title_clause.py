"""A sentence after a title that opens on a rank but goes on as a clause
("Ambassador X still leads") is not part of the title (tuning rounds b4, fy)."""

from __future__ import annotations

import pytest

from bot.extract.fields import read_fields


@pytest.mark.parametrize(("after", "title"), [
    (" (Legal Officer).\nAmbassador Lindqvist still leads.", "Legal Officer"),
    (", Counsellor. Minister Okafor remains head of delegation.", "Counsellor"),
    (", Conseillère. L'Ambassadeur Martin reste chef de la délégation.", "Conseillère"),
])
def test_a_clause_after_the_title_is_not_part_of_it(after: str, title: str) -> None:
    assert read_fields(after, region=None, exclude=()).title == title


def test_a_rank_after_a_full_stop_still_continues_the_title() -> None:
    fields = read_fields(", Attaché. Tel. +1 212 555 0100", region=None, exclude=())
    assert fields.title == "Attaché"

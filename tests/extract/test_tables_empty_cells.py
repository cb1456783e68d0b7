"""Tables with empty cells: the columns stay under their header (issue 17, kind 3).

html_to_text keeps an empty cell as "" between the " | " separators, so a
row with its first cell empty starts with "| "; the table reader must not
take that pipe for a Markdown border and shift the row one column left.
"""

from __future__ import annotations

from bot.extract import extract_response
from bot.extract.tables import _cells
from bot.inbound.parse.mimetext import html_to_text


def test_row_with_empty_first_cell_is_read_under_its_header() -> None:
    html = (
        "<p>The delegation of Austria will attend:</p><table>"
        "<tr><th>Title</th><th>Name</th><th>Position</th><th>Role</th></tr>"
        "<tr><td>Mr.</td><td>Karl Maier</td><td>Ambassador</td><td>Head of delegation</td></tr>"
        "<tr><td></td><td>Anna Berger</td><td>Counsellor</td><td>Alternate</td></tr>"
        "<tr><td>Ms.</td><td>Eva Huber</td><td></td><td>Adviser</td></tr></table>"
    )
    got = {d.name: d for d in extract_response(html_to_text(html), [], language="en").delegates}
    assert set(got) == {"Karl Maier", "Anna Berger", "Eva Huber"}
    assert (got["Anna Berger"].title, got["Anna Berger"].role) == ("Counsellor", "alternate")
    assert got["Eva Huber"].role == "adviser"


def test_cells_of_both_shapes() -> None:
    assert _cells("| Anna Berger | Counsellor") == ["", "Anna Berger", "Counsellor"]
    assert _cells("Anna Berger | |") == ["Anna Berger", "", ""]
    assert _cells("| Anna Berger | Counsellor |") == ["Anna Berger", "Counsellor"]  # Markdown
    assert _cells("Anna Berger\tCounsellor\tMember") == ["Anna Berger", "Counsellor", "Member"]

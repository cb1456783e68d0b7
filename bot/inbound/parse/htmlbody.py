"""Which alternative of a multipart/alternative mail the reader should read.

A mail client that writes a delegation list as an HTML table sends a
text/plain alternative too, but flattens the table there: one cell per line,
or the cells of a row run together, so the columns (name, title, role,
contacts) cannot be told apart any more. When the HTML alternative holds a
data table in the mission's own words, the text handed on is the HTML
rendered by :func:`bot.inbound.parse.mimetext.html_to_text` (one line per
row, cells joined by " | "); otherwise the text/plain part stays the text.

Only the part above the quoted history counts: the invitation we sent may
itself hold a table, and a reply that quotes it has not written one. The
scan is one pass of a regular expression over the tags (no HTML parser, no
backtracking), bounded like ``html_to_text``.
"""

from __future__ import annotations

import re
from typing import Final

from bot.inbound.parse.mimetext import MAX_HTML_CHARS

# Where the quoted history of a reply starts in the HTML of the common clients:
# Gmail (gmail_quote), Outlook (divRplyFwdMsg, appendonsend, the "---Original
# Message---" border div), Thunderbird (moz-cite-prefix), Apple Mail and
# others (<blockquote type="cite">), Yahoo (yahoo_quoted).
_QUOTE_START: Final = re.compile(
    r"<(?:div|blockquote|p|span|table)\b[^<>]{0,400}?"
    r"(?:gmail_quote|divRplyFwdMsg|appendonsend|moz-cite-prefix|yahoo_quoted|"
    r"OutlookMessageHeader|type\s*=\s*[\"']?cite)"
    r"|<blockquote\b",
    re.IGNORECASE,
)
_TABLE_TAG: Final = re.compile(r"<(/?)(table|tr|td|th)\b[^<>]{0,2048}>", re.IGNORECASE)
MIN_ROWS: Final = 2
MIN_COLUMNS: Final = 2


def own_part(html: str) -> str:
    """The HTML above the first quoted-history marker (all of it without one)."""
    html = html[:MAX_HTML_CHARS]
    quote = _QUOTE_START.search(html)
    return html[: quote.start()] if quote else html


def has_data_table(html: str) -> bool:
    """Whether the mission's own HTML holds a table of ≥ 2 rows of ≥ 2 cells.

    Only innermost tables count: a layout table that wraps the whole mail
    (newsletter style) holds other tables or whole paragraphs per cell, and
    reading it row by row would run the paragraphs together.
    """
    # One entry per open table: [rows with >= 2 cells, cells in the open row, holds a table].
    stack: list[list[int]] = []
    for match in _TABLE_TAG.finditer(own_part(html)):
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag == "table" and not closing:
            if stack:
                stack[-1][2] = 1
            stack.append([0, 0, 0])
        elif not stack:
            continue
        elif tag == "table":
            rows, cells, nested = stack.pop()
            rows += cells >= MIN_COLUMNS
            if not nested and rows >= MIN_ROWS:
                return True
        elif tag == "tr" and not closing:
            table = stack[-1]
            table[0] += table[1] >= MIN_COLUMNS
            table[1] = 0
        elif tag in ("td", "th") and not closing:
            stack[-1][1] += 1
    # Tables left open at the end of the mail (a truncated or sloppy one).
    return any(rows + (cells >= MIN_COLUMNS) >= MIN_ROWS and not nested
               for rows, cells, nested in stack)

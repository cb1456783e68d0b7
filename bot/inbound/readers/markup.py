"""Reads text/plain and text/html attachments into plain text.

Decides the character set (BOM, declared charset, UTF-8, then cp1252) and,
for HTML, which markup becomes line breaks and table cells (`` | ``), so a
delegation table reads the same as from DOCX. The text goes back to
``attachments``.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser

_BLOCKS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tr",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "address",
        "hr",
        "title",
    ]
)
_SKIP = frozenset({"script", "style", "head", "template", "noscript"})


def decode_text(data: bytes, content_type: str) -> str:
    """Decode bytes whose charset may be declared, implied by a BOM, or guessed."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, "replace")
    declared = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    candidates = [declared.group(1)] if declared else []
    for encoding in [*candidates, "utf-8"]:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    # cp1252 is what Windows mail clients send when they forget to say so.
    return data.decode("cp1252", "replace")


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.cells_in_row = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in ("td", "th"):
            if self.cells_in_row:
                self.out.append(" | ")
            self.cells_in_row += 1
        elif tag in _BLOCKS:
            self.out.append("\n")
            if tag == "tr":
                self.cells_in_row = 0

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Visible text of an HTML document, one block or table row per line."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.out).splitlines())
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()

"""Text helpers for parsing: tolerant charset decoding, header words, HTML to text.

Pure functions used by :mod:`bot.inbound.parse.message`; nothing here raises on bad input.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from email.header import decode_header, make_header
from email.utils import getaddresses
from html.parser import HTMLParser

# Tried in this order after the declared charset fails: most mail that lies
# about its charset is really UTF-8 or Windows-1252; latin-1 never fails.
FALLBACK_CHARSETS = ("utf-8", "cp1252", "latin-1")

# Mail clients declare charsets Python knows under another name.
_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "",
    "unknown-8bit": "",
    "us-ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "x-user-defined": "",
    "iso-8859-8-i": "iso-8859-8",
    "gb2312": "gb18030",  # gb18030 is a superset; senders often mean GBK.
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "shift-jis": "cp932",
    "shift_jis": "cp932",
    "windows-874": "cp874",
}

MSGID = re.compile(r"<[^<>\s]{1,900}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_CRLF = re.compile(r"[\r\n]+\s*")


def lookup_charset(name: str | None) -> str | None:
    """Return a Python codec name for a MIME charset, or None if unknown."""
    if not name:
        return None
    key = name.strip().strip("\"'").lower()
    key = _CHARSET_ALIASES.get(key, key)
    if not key:
        return None
    try:
        return codecs.lookup(key).name
    except (LookupError, ValueError):
        return None


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Decode ``data``: declared charset, then utf-8, cp1252, latin-1.

    Returns the text and whether a fallback was needed (the declared charset
    was missing, unknown or wrong for these bytes).
    """
    declared = lookup_charset(charset)
    if declared is not None:
        try:
            return data.decode(declared), False
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    for name in FALLBACK_CHARSETS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        # Pure ASCII without a declared charset is not a fallback worth flagging.
        return text, bool(charset) or not data.isascii()
    return data.decode("latin-1", errors="replace"), True


def repair_surrogates(text: str) -> str:
    """Turn surrogate-escaped raw 8-bit bytes (from the byte parser) into text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    try:
        raw = text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="replace").decode("utf-8", errors="replace")
    return decode_bytes(raw, None)[0]


def clean_header(text: str, limit: int = 16_384) -> str:
    """Make a header value safe to log and compare: one line, no controls."""
    text = repair_surrogates(text)
    text = _CRLF.sub(" ", text).replace("\t", " ")
    text = _CONTROL.sub("", text)
    return text.strip()[:limit]


def decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words the compat32 way, tolerating bad charsets."""
    try:
        chunks = decode_header(value)
    except Exception:
        return value
    with contextlib.suppress(Exception):
        # make_header knows where the spaces between words belong.
        return str(make_header(chunks))
    out: list[str] = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        else:
            out.append(decode_bytes(chunk, charset)[0])
    return " ".join(part.strip() for part in out)


MAX_HTML_CHARS = 1_000_000
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})[^<>]*>")
_UNCLOSED_TAG = re.compile(r"<(?![^<>]{0,2048}>)")

_SKIP_TAGS = {"script", "style", "head", "title", "template"}
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "section", "article", "header", "footer", "hr",
}


# An empty paragraph the writer typed: Outlook's <p>&nbsp;</p> (<o:p> inside),
# Gmail's <div><br></div>. Mail that has them spaces its lines itself.
_EMPTY_BLOCK = re.compile(
    r"<(p|div)>(?:\s|&nbsp;|&#160;|&#xa0;|\xa0|<br/?>|</?(?:o:p|span|font)>)*</\1>",
    re.IGNORECASE,
)
# Runs of non-breaking spaces (Outlook's rendering of a typed tab) are a tab, and
# so is a tab between words (Gmail keeps a pasted one in a white-space:pre span);
# line breaks and the indentation after them are the source's layout, a space.
_NBSP_RUN = re.compile(r"[ \xa0]*\xa0[ \xa0]*\xa0[ \xa0]*")
_SOURCE_SPACE = re.compile(r"[\n\r\f\v][\s]*")


def _line(parts: list[str]) -> str:
    """Visible text of a line: spaces collapse as a browser does; a tab stays a tab."""
    text = _NBSP_RUN.sub("\t", _SOURCE_SPACE.sub(" ", "".join(parts)))
    return "\t".join(" ".join(cell.split()) for cell in text.split("\t")).strip()


class _TextExtractor(HTMLParser):
    """Collect visible text; table rows become lines, cells join with " | ".

    ``compact``: block boundaries are line breaks and only the writer's empty
    paragraphs are blank lines (mail that types its own blank lines, as
    Outlook and Gmail do); otherwise every block is a paragraph.
    """

    def __init__(self, compact: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.cells: list[str] | None = None
        self.cell: list[str] | None = None
        self.skip = 0
        self.compact = compact
        self.opened = False  # compact: a block opened and nothing written in it yet

    def _flush(self, blank: bool = False) -> None:
        line = _line(self.current)
        self.current = []
        if self.compact and not line and not blank:
            return
        if line or (self.lines and self.lines[-1]):
            self.lines.append(line)

    def _end_cell(self) -> None:
        if self.cell is not None and self.cells is not None:
            self.cells.append(" ".join("".join(self.cell).split()))
        self.cell = None

    def _end_row(self) -> None:
        self._end_cell()
        if self.cells is not None:
            cells, self.cells = self.cells, None
            filled = [c for c in cells if c]
            # Empty cells stay (as "") so the columns keep lining up under the
            # header; a row with one filled cell is a caption or a line of text.
            row = " | ".join(cells) if len(filled) >= 2 else " ".join(filled)
            if row:
                self._flush()
                self.current.append(row)
                self._flush()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "tr":
            self._end_row()
            self.cells = []
        elif tag in ("td", "th"):
            self._end_cell()
            if self.cells is None:
                self.cells = []
            self.cell = []
        elif tag == "br":
            if self.cell is not None:
                self.cell.append(" ")
            else:
                # <br><br>: the second break ends an empty line.
                self._flush(blank=not "".join(self.current).strip() and not self.opened)
        elif tag in _BLOCK_TAGS and self.cell is None:
            self._flush()
            self.opened = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in ("td", "th"):
            self._end_cell()
        elif tag in ("tr", "table"):
            self._end_row()
        elif tag in _BLOCK_TAGS and self.cell is None:
            empty = self.opened and not "".join(self.current).strip(" \t\n\r\f\v\xa0")
            self._flush(blank=empty)
            self.opened = False

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if data.strip(" \t\n\r\f\v\xa0"):
            self.opened = False
        if self.cell is not None:
            self.cell.append(data)
        else:
            self.current.append(data)

    def text(self) -> str:
        self._end_row()
        self._flush()
        return "\n".join(self.lines).strip()


def html_to_text(html: str) -> str:
    """Convert HTML to plain text with the stdlib parser; never raises."""
    # html.parser rescans to the end of the input for every tag it cannot
    # close (an unclosed quote, a "<" without ">"), which is quadratic. Text
    # needs no attributes, so tags lose them, and a lone "<" becomes text.
    html = _TAG.sub(r"<\1\2>", html[:MAX_HTML_CHARS])
    html = _UNCLOSED_TAG.sub("&lt;", html)
    extractor = _TextExtractor(compact=_EMPTY_BLOCK.search(html) is not None)
    try:
        extractor.feed(html)
        extractor.close()
    except Exception:
        # html.parser is lenient, but a broken document must still give text.
        return " ".join(re.sub(r"<[^>]*>", " ", html).split())
    return extractor.text()


def sanitise_filename(name: str | None, limit: int = 200) -> str:
    """A filename for display only: no path, no controls, bounded length."""
    if not name:
        return ""
    name = clean_header(name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = name.replace("\x00", "").strip(" .")
    return name[:limit]


def normalise_msgid(value: str | None) -> str | None:
    """``<id@host>`` from a Message-ID-like header value, or None."""
    if not value:
        return None
    match = MSGID.search(value)
    if match:
        return match.group(0)
    token = value.strip().split()[0] if value.strip() else ""
    if "@" in token and len(token) < 900:
        return f"<{token.strip('<>')}>"
    return None


def addr_pairs(values: list[str], need_at: bool = True) -> list[tuple[str, str]]:
    try:
        pairs = getaddresses(values)
    except Exception:
        return []
    return [
        (name, addr.strip().lower())
        for name, addr in pairs
        if ("@" in addr or not need_at) and addr.strip()
    ][:500]


def addr_list(values: list[str]) -> tuple[str, ...]:
    return tuple(addr for _name, addr in addr_pairs(values))

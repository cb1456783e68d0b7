"""Undo the small damage that mail clients and OCR do to a reply's text.

Non-breaking and zero-width spaces, bidi marks around Arabic, "Г.жа" for
"Г-жа", "Mr ." for "Mr.", spaces before commas: none of it changes what a
mission wrote, all of it breaks a pattern.  Column gaps (tabs, wide runs of
spaces from PDF tables and pasted spreadsheets) become " | " cell
separators.  The extractor tidies every text before reading it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_INVISIBLE_RE: Final = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_SPACES_RE: Final = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# A tab or a wide gap inside a line is a column gap (spreadsheet paste, PDF table).
_COLUMN_GAP_RE: Final = re.compile(r"(?<=\S)(?:[ ]*\t[ \t]*|[ ]{3,})(?=\S)")
# Chinese puts no spaces between words, so two spaces already align a column
# ("团长  王磊  公安部禁毒局副局长").
# A single space does the same: Chinese never spaces words ("副司长 蒋文华").
_CJK_GAP_RE: Final = re.compile(
    r"(?<=[\u4e00-\u9fff）)])[ \u3000]+(?=[\u4e00-\u9fff（(])"
)
_RU_HONORIFIC_RE: Final = re.compile(r"\b([ГгДд])\s?[.\-–—_~]\s?(н|жа|на|ну|ном|же|жи|жой|р)\b")
_DOT_SPACE_RE: Final = re.compile(r"\b(Mr|Mrs|Ms|Dr|Sr|Sra|Prof|H\.E|S\.E)\s+\.(?=\s)")
# "谭志勇 先生": a space typed between a Chinese name and its form of address.
_ZH_SPACED_HONORIFIC_RE: Final = re.compile(
    r"(?<=[\u4e00-\u9fff]{2}) (?=(?:先生|女士|小姐|同志)(?:[^\u4e00-\u9fff]|$))"
)
_SPACE_COMMA_RE: Final = re.compile(r"[ \t]+([,;:،])(?=\S)")
# "由团长、公安部副局长邓伟，成员、处长曹颖组成": a role word and 、 label what follows,
# as 团长： does (not in a list of roles: "团长、副团长名单").
_ZH_ROLE_COMMA_RE: Final = re.compile(
    r"(团长|副团长|成员|团员|顾问)、(?!团长|副团长|成员|团员|顾问)(?=[\u4e00-\u9fff])")


def tidy(text: str) -> str:
    """NFC text with plain spaces, no invisible marks and OCR-split honorifics joined."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _ZH_SPACED_HONORIFIC_RE.sub("", text)
    text = _CJK_GAP_RE.sub(" | ", text)
    text = re.sub(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]", " ", text)
    text = _COLUMN_GAP_RE.sub(" | ", text)
    text = _SPACES_RE.sub(" ", text.replace("\t", " "))
    text = _RU_HONORIFIC_RE.sub(r"\1-\2", text)
    text = _DOT_SPACE_RE.sub(r"\1.", text)
    text = _SPACE_COMMA_RE.sub(r"\1 ", text)
    text = _ZH_ROLE_COMMA_RE.sub(r"\1：", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))

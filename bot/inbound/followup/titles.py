"""The title a follow-up gives a person already listed.

Either after a ``title_is`` cue ("le titre de M. A est : Ministre
conseiller", "должность – советник"), or set against the old one in a
correction answering our confirmation: "Ms X is Counsellor, not First
Secretary", "el Sr. X es Ministro Consejero y no Consejero" (a
``title_copula`` right after the name, the title, a ``title_contrast``).
"""

from __future__ import annotations

import re

from bot.extract.lexicon import NAME_ENDERS
from bot.inbound.followup.cues import cue_patterns

# A full stop ends a title after a word, not after an abbreviation's letter ("a.i.").
_TITLE_END = re.compile(r"(?<=[^\W\d_]{2})\.|[;\n،؛。；，（]|\s\(|"
                        r",\s*(?:not|et non|y no|no(?!\w)|а не|وليس|而非)", re.IGNORECASE)
# "le titre de M. A est désormais « … »": the word saying the title is new.
_NOW = re.compile(r"^(?:désormais|dorénavant|now|henceforth|ahora|теперь)\s+", re.IGNORECASE)
# Words of the name (and an honorific's full stop) that may stand before the copula.
_NAME_WORDS = 3
_ARTICLE = re.compile(r"^(?:an?|the|le|la|l['’]|un|une|el|una?)\s+", re.IGNORECASE)


def title_after(span: str, lead: str = "") -> str | None:
    """The title ``span`` (from ``lead`` before a listed person's mention on) gives them."""
    match = cue_patterns()["title_is"].search(span)
    if match is None:
        return _contrasted(span[len(lead):])
    rest = span[match.end():]
    # "lire pour M. A : Ministre conseiller": the title is after the colon.
    colon = re.match(r"[^:：\n]{1,40}[:：]", rest)
    if colon and not rest[:colon.end()].strip(" :：").startswith(tuple("\"'«“")):
        rest = rest[colon.end():]
    # The title may open the next line ("el cargo del Sr. X es\nMinistro Consejero").
    rest = _NOW.sub("", rest.lstrip(" \t\n:：\"'«“”»-–")).lstrip(" :：\"'«“”»-–")
    title = re.sub(r"[\s\"'«»“”]+\.$", "", _TITLE_END.split(rest, maxsplit=1)[0])
    title = title.strip(" \"'«»“”,:")
    return title if 2 <= len(title) <= 80 else None


def _contrasted(mention: str) -> str | None:
    """"Carter is Counsellor, not First Secretary": the title between the copula
    right after the name and the words setting the old title against it."""
    patterns = cue_patterns()
    sentence = re.split(r"[.;!?\n](?:\s|$)", mention, maxsplit=1)[0]
    copula = patterns["title_copula"].search(sentence)
    if copula is None or len(sentence[:copula.start()].split()) > _NAME_WORDS:
        return None
    rest = sentence[copula.end():]
    contrast = patterns["title_contrast"].search(rest)
    title = _ARTICLE.sub("", rest[:contrast.start()].strip(" ,:")) if contrast else ""
    first = title.split()[0].casefold() if title else ""
    return title if first in NAME_ENDERS and len(title) <= 60 else None


def without_contrast(title: str) -> str:
    """"مستشارة وليست سكرتيرا أول" read as one title: the new title, before the
    words setting the old one against it."""
    match = cue_patterns()["title_contrast"].search(title)
    return title[:match.start()].strip(" ,،") if match and match.start() > 1 else title

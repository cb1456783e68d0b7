"""A second, Russian-only look at Latin-looking words among Cyrillic ones.

A Russian page is read with ``rus+eng`` (addresses and Latin names need the
English model), and tesseract then reads some upper-case Cyrillic surnames
with the English model: every letter of НИКОЛАЕВ or АХМЕДОВА has a Latin
twin but Л and Д, which come out as "JI" ("HUKOJIAEB", "AXMEJIOBA"), so the
look-alike clean-up of ``ocrclean`` cannot put them back. This module finds
such words in the first pass's TSV (Latin letters only, all of them letters
a Cyrillic one is read as, in a line written mostly in Cyrillic), cuts their
lines into one small strip (``latinpass``'s strip) and reads it once with
``rus`` alone; a word whose Russian reading is Cyrillic and sure takes the
place of the Latin one; else, if every letter has a Cyrillic reading, the word
is written in those ("HUKOJIAEB" -> "НИКОЛАЕВ"). One extra tesseract process per page that has such
words, on a strip a few lines high.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bot.inbound.readers.common import ReadContext
from bot.inbound.readers.latinpass import reread_lines
from bot.inbound.readers.tsv import Word, lines_of

# Latin letters tesseract writes for a Cyrillic one (look-alikes, and the pieces
# of Л "JI", Ы "bI", Ю "IO", И "U", Д "D").
_LOOKALIKE_WORD = re.compile(r"[ABCEHKMOPTXYJIUDbanoepcxy3]{3,}")
_TRAIL = ".,;:)("
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:-[\u0400-\u04ff]+)?")
ACCEPT_AT = 60.0
MAX_LINES = 20


# The Latin readings of upper-case Cyrillic letters, pieces first.
_AS_CYRILLIC = (("JI", "Л"), ("bI", "Ы"), ("IO", "Ю"), ("A", "А"), ("B", "В"), ("C", "С"),
                ("E", "Е"), ("H", "Н"), ("K", "К"), ("M", "М"), ("O", "О"), ("P", "Р"),
                ("T", "Т"), ("X", "Х"), ("Y", "У"), ("U", "И"), ("3", "З"))
_AS_CYRILLIC_RE = re.compile("|".join(latin for latin, _ in _AS_CYRILLIC))


def transliterated(text: str) -> str | None:
    """An upper-case look-alike word in Cyrillic ("HUKOJIAEB" -> "НИКОЛАЕВ"), or None
    when a letter has no Cyrillic reading."""
    table = dict(_AS_CYRILLIC)
    core = text.strip(_TRAIL)
    out = _AS_CYRILLIC_RE.sub(lambda m: table[m.group()], core)
    if not _CYRILLIC_WORD.fullmatch(out):
        return None
    return text.replace(core, out)


def _cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _suspect(word: Word) -> bool:
    core = word.text.strip(_TRAIL)
    return bool(_LOOKALIKE_WORD.fullmatch(core)) and sum(ch.isupper() for ch in core) >= 2


def suspect_lines(words: Sequence[Word]) -> list[list[Word]]:
    """Lines written mostly in Cyrillic with at least one Latin look-alike word."""
    out = []
    for line in lines_of(words):
        cyrillic = sum(1 for w in line if _cyrillic(w.text))
        if any(_suspect(w) for w in line) and 2 * cyrillic >= len(line):
            out.append(line)
    return out[:MAX_LINES]


def reread_cyrillic(
    image: Path, words: Sequence[Word], ctx: ReadContext, dpi: int | None = None
) -> list[Word]:
    """``words`` with Latin look-alike words of Cyrillic lines replaced by their Russian reading."""
    lines = suspect_lines(words)
    if not lines:
        return list(words)
    read = reread_lines(image, lines, "rus", "cyrillic", ctx, dpi)
    if read is None:
        return list(words)
    fixed: dict[int, Word] = {}
    for line, russian in zip(lines, read, strict=True):
        for word in line:
            if not _suspect(word):
                continue
            middle = word.left + word.width / 2
            over = [w for w in russian if w.left <= middle <= w.right]
            core = over[0].text.strip(_TRAIL) if len(over) == 1 else ""
            if (over and over[0].conf >= ACCEPT_AT and _CYRILLIC_WORD.fullmatch(core)
                    and len(core) >= len(word.text.strip(_TRAIL)) - 2):
                fixed[id(word)] = word.with_text(over[0].text, over[0].conf)
            elif (letters := transliterated(word.text)) is not None:
                # Russian did not read it surely either: the look-alikes letter by letter.
                fixed[id(word)] = word.with_text(letters, word.conf)
    return [fixed.get(id(w), w) for w in words]

"""Cyrillic letters whose tail the reading lost, put back from the page's picture.

Ц, Щ and Д are П, Ш and Л with a short stroke below the baseline; on a blurred
scan or a phone photo tesseract often misses the stroke and reads "ПАТУРЯН"
for ЦАТУРЯН, "Пыбульская" for Цыбульская, "Лмитрий" for Дмитрий. No word
list can put a surname back, but the page still shows the stroke. For each
capitalised Cyrillic word read with one of П, Ш, Л, Ц (either case), the word's
box is cut out of the page, turned level along the page's tilt and cut at
the middle grey; ink below the baseline (at least three rows tall and two
columns wide, so not a speck) that no letter of the reading accounts for
(р, у, ф, д, ц, щ, Д, Ц, Щ, a comma) is given to the candidate letter where
it is: the right edge of П/Ш (Ц, Щ), under both edges of Л (Д); and a foot at the left edge
of a letter read as Ц, which only Д has, makes it Д. A word is changed only when
every stroke found has one candidate. Letters are placed by dividing the
word's inked width evenly, which is close enough for the nearest letter.
No tesseract process: a few small crops per page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from bot.inbound.readers.tsv import Word

# A capitalised Cyrillic word (punctuation around it is kept apart).
_WORD = re.compile(r"([(«\"]?)([А-ЯЁ][А-ЯЁа-яё-]{2,})([.,;:)»\"]*)")
_TAILED = {"П": "Ц", "Ш": "Щ", "п": "ц", "ш": "щ"}  # tail at the letter's right edge
_FOOTED = {"Л": "Д", "л": "д"}  # tails under the letter
_FOOTED_LEFT = {"Ц": "Д", "ц": "д"}  # Д has a foot at its left edge too, Ц none
_WITH_DESCENDER = frozenset("ДЦЩдцщруф")
# Below the baseline: from this many pixels under it, this share of a letter's height.
_BELOW_FROM = 3
_BELOW_SHARE = 0.45
_MIN_ROWS = 3
_MIN_COLUMNS = 2
MAX_WORDS = 80


def candidates(words: Sequence[Word]) -> list[Word]:
    """The words whose reading has a letter that may have lost its tail."""
    out = []
    for word in words:
        found = _WORD.fullmatch(word.text)
        if found and any(ch in _TAILED or ch in _FOOTED or ch in _FOOTED_LEFT
                         for ch in found.group(2)):
            out.append(word)
    return out[:MAX_WORDS]


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """The [start, end) spans of consecutive True flags."""
    runs: list[tuple[int, int]] = []
    start = None
    for x, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = x
        elif not flag and start is not None:
            runs.append((start, x))
            start = None
    return runs


def _profile(image: Image.Image, axis: int) -> list[float]:
    """Mean ink (0..1) of each column (axis 0) or row (axis 1) of a 0/255 image."""
    size = (image.width, 1) if axis == 0 else (1, image.height)
    flat = image.resize(size, Image.Resampling.BOX)
    return [1 - v / 255 for v in flat.tobytes()]


def tails(picture: Image.Image) -> tuple[list[tuple[int, int]], int, int] | None:
    """The column spans of strokes below the baseline of a level, binarised word
    (ink 0, paper 255), and the inked span of its body; None when it has no body."""
    rows = _profile(picture, 1)
    strongest = max(rows, default=0.0)
    if strongest <= 0:
        return None
    body = [y for y, ink in enumerate(rows) if ink >= 0.25 * strongest]
    top, base = body[0], body[-1]
    height = base - top + 1
    below = picture.crop((0, base + _BELOW_FROM, picture.width,
                          min(picture.height, base + 1 + round(_BELOW_SHARE * height))))
    body_cols = [x for x, ink in enumerate(_profile(picture.crop((0, top, picture.width,
                                                                  base + 1)), 0)) if ink > 0]
    if below.height < _MIN_ROWS or not body_cols:
        return None
    strokes = []
    for start, end in _runs([ink > 0 for ink in _profile(below, 0)]):
        rows_inked = sum(ink > 0 for ink in _profile(below.crop((start, 0, end, below.height)), 1))
        if end - start >= _MIN_COLUMNS and rows_inked >= _MIN_ROWS:
            strokes.append((start, end))
    return strokes, body_cols[0], body_cols[-1] + 1


def mended(text: str, strokes: Sequence[tuple[int, int]], left: int, right: int) -> str:
    """``text`` with the letters the strokes belong to given their tails, or as it was
    when a stroke has no single candidate."""
    found = _WORD.fullmatch(text)
    if found is None or not strokes:
        return text
    before, letters, after = found.groups()
    # Leading and trailing marks take about a letter's width each.
    count = len(before) + len(letters) + len(after)
    pitch = (right - left) / count
    first = left + len(before) * pitch
    out = list(letters)
    ats = [((start + end) / 2 - first) / pitch for start, end in strokes]

    def feet(i: int) -> bool:  # Д stands on two feet, one under each edge
        return (any(i - 0.35 <= a <= i + 0.35 for a in ats)
                and any(i + 0.65 <= a <= i + 1.35 for a in ats))

    for at in ats:  # in letters from the word's start
        if at >= len(letters) - 0.2 and after:
            continue  # the comma or the stop after the word
        near = [i for i in range(len(letters)) if i - 0.3 <= at <= i + 1.3]
        heels = [i for i in near if letters[i] in _FOOTED_LEFT and at <= i + 0.25
                 and (i == 0 or letters[i - 1] not in _WITH_DESCENDER)]
        if len(heels) == 1:
            out[heels[0]] = _FOOTED_LEFT[letters[heels[0]]]  # a foot Ц has not: Д
            continue
        if any(letters[i] in _WITH_DESCENDER for i in near if i - 0.1 <= at <= i + 1.1):
            continue
        tailed = [i for i in near if letters[i] in _TAILED and abs(at - (i + 1)) <= 0.45]
        footed = [i for i in near if letters[i] in _FOOTED and feet(i)
                  and i - 0.35 <= at <= i + 1.35]
        options = set(tailed) | set(footed)
        if len(options) != 1:
            return text
        i = options.pop()
        out[i] = _TAILED.get(letters[i]) or _FOOTED[letters[i]]
    return before + "".join(out) + after


def _level(page: Image.Image, word: Word, tilt: float) -> Image.Image:
    """The word cut out with room below, turned level and cut at its middle grey."""
    pad = word.height // 2
    crop = page.crop((max(0, word.left - 2), max(0, word.top - pad // 2),
                      min(page.width, word.right + 2),
                      min(page.height, word.bottom + pad))).convert("L")
    if tilt:
        crop = crop.rotate(math.degrees(math.atan(tilt)), resample=Image.Resampling.BILINEAR,
                           fillcolor=255)
    values = crop.tobytes()
    cut = (min(values) + max(values)) // 2
    return crop.point([0 if v <= cut else 255 for v in range(256)])


def restore_tails(image: Path, words: Sequence[Word], tilt: float) -> list[Word]:
    """``words`` with П/Ш/Л read for Ц/Щ/Д put right where the picture shows the tail."""
    suspects = candidates(words)
    if not suspects:
        return list(words)
    fixed: dict[int, Word] = {}
    with Image.open(image) as page:
        for word in suspects:
            found = tails(_level(page, word, tilt))
            if found is None:
                continue
            strokes, left, right = found
            text = mended(word.text, strokes, left, right)
            if text != word.text:
                fixed[id(word)] = word.with_text(text, word.conf)
    return [fixed.get(id(w), w) for w in words]

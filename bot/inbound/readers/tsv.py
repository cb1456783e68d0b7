"""Tesseract's TSV output as words with boxes, and the page text rebuilt from them.

Tesseract writes one row per word (level 5) with its block, paragraph and
line numbers, its box in pixels and its confidence, in reading order (right
to left within an Arabic line). ``page_text`` lays the words out the way
tesseract's own txt output does: words of a line joined by a space, lines by
a newline, a blank line after each paragraph. Rebuilding the text from the
words lets a second pass (``latinpass``) replace some of them by position.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Word:
    """One recognised word: where it is on the page and how sure tesseract was."""

    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int
    conf: float
    text: str

    @property
    def line_key(self) -> tuple[int, int, int]:
        return (self.block, self.par, self.line)

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def with_text(self, text: str, conf: float) -> Word:
        return replace(self, text=text, conf=conf)


def parse_words(tsv: str) -> list[Word]:
    """The words (level 5 rows with text) of a TSV page, in reading order."""
    words: list[Word] = []
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) != 12 or cols[0] != "5" or not cols[11].strip():
            continue
        try:
            block, par, line = int(cols[2]), int(cols[3]), int(cols[4])
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        if conf < 0:
            continue
        words.append(Word(block, par, line, left, top, width, height, conf, cols[11].strip()))
    return words


def lines_of(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped by line, lines in reading order."""
    lines: list[list[Word]] = []
    for word in words:
        if lines and lines[-1][0].line_key == word.line_key:
            lines[-1].append(word)
        else:
            lines.append([word])
    return lines


def _cjk(char: str) -> bool:
    return ("\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"
            or "\uff00" <= char <= "\uffef")


def join_line(texts: Sequence[str]) -> str:
    """A line's words, spaced except between two Chinese characters or marks."""
    out = ""
    for text in texts:
        if out and not (_cjk(out[-1]) and _cjk(text[0])):
            out += " "
        out += text
    return out


def page_text(words: Sequence[Word]) -> str:
    """The page as tesseract's txt renderer lays it out."""
    out: list[str] = []
    previous: tuple[int, int, int] | None = None
    for line in lines_of(words):
        key = line[0].line_key
        if previous is not None:
            # A new paragraph (or block) is set off by a blank line.
            out.append("\n\n" if key[:2] != previous[:2] else "\n")
        out.append(join_line([word.text for word in line]))
        previous = key
    return "".join(out)


# A line whose baseline is this many line pitches below the previous one's, or
# this many line heights, has a blank line (or more) before it: a paragraph break.
PARAGRAPH_PITCH = 1.6
PARAGRAPH_HEIGHTS = 3.0
# Lines ending in these were not wrapped: a list or a heading follows.
_HARD_ENDS = (":", "\uff1a")


@dataclass(frozen=True)
class _Line:
    words: list[Word]
    rtl: bool
    # Pixels the page's baselines go down per pixel to the right (a skewed page).
    tilt: float = 0.0

    @property
    def base(self) -> int:
        """The line's baseline where the page's left edge is, near enough: the middle
        of its words' bottoms, each moved along the page's tilt to x = 0.

        On a page scanned or photographed askew a long line's middle word sits a
        line's share higher or lower than a short line's first word; measured
        where they are, the pitch between them came out as a blank line (a table
        row's wrapped cell set apart from its row) or as no pitch at all.
        """
        bottoms = sorted(w.bottom - self.tilt * (w.left + w.width / 2) for w in self.words)
        return round(bottoms[len(bottoms) // 2])

    @property
    def start(self) -> int:
        """Where the line begins, in its direction (its left edge, its right one in Arabic)."""
        return max(w.right for w in self.words) if self.rtl else min(w.left for w in self.words)

    @property
    def end(self) -> int:
        return min(w.left for w in self.words) if self.rtl else max(w.right for w in self.words)

    @property
    def height(self) -> int:
        heights = sorted(w.height for w in self.words)
        return heights[len(heights) // 2]


# Words this far apart in a line (pixels) say how the page is tilted; nearer
# ones are swamped by descenders.
_TILT_SPAN = 200
# Tilts steeper than this are not a skewed scan but a line tesseract mixed up.
_MAX_TILT = 0.1


def page_tilt(lines: Sequence[Sequence[Word]]) -> float:
    """How far the page's baselines go down per pixel to the right: the median
    slope between the bottoms of words far enough apart in the same line (a
    descender moves a word's bottom; the median of many pairs does not care)."""
    slopes = []
    for line in lines:
        for a, b in itertools.combinations(line, 2):
            run = (b.left + b.width / 2) - (a.left + a.width / 2)
            if abs(run) >= _TILT_SPAN:
                slope = (b.bottom - a.bottom) / run
                if abs(slope) <= _MAX_TILT:
                    slopes.append(slope)
    slopes.sort()
    return slopes[len(slopes) // 2] if slopes else 0.0


def _skew(lines: Sequence[_Line]) -> float:
    """Pixels the text's starting margin moves sideways per pixel down (a skewed page).

    The median slope between pairs of lines that start at the margin (within a
    line's height of the furthest-out start), which indented lines cannot move.
    """
    if not lines:
        return 0.0
    sign = -1 if lines[0].rtl else 1
    outmost = min(sign * line.start for line in lines)
    flush = [line for line in lines if sign * line.start - outmost <= 2 * line.height]
    slopes = sorted((b.start - a.start) / (b.base - a.base)
                    for a, b in itertools.pairwise(flush) if b.base - a.base > 0)
    return slopes[len(slopes) // 2] if slopes else 0.0


def _join_words(line: _Line) -> str:
    return join_line([word.text for word in line.words])


def _rtl(words: Sequence[Word]) -> bool:
    arabic = sum(1 for w in words for ch in w.text if "\u0590" <= ch <= "\u08ff")
    latin = sum(1 for w in words for ch in w.text
                if ch.isalpha() and not "\u0590" <= ch <= "\u08ff")
    return arabic > latin


# A list item's number ("2.", "3)"), and the bullets a list's items start with.
_NUMBER = re.compile(r"\(?\d{1,2}[.)]")
_BULLETS = frozenset("-–—•▪*")
# A table's column separator, as tesseract reads the rule between cells.
_COLUMN = "|"
# A Russian full name as lists give it: surname first or last, the patronymic
# ("Леонидович", "Юрьевна", "Шахлар оглы") second or third.
_CAPITALISED = re.compile(r"[А-ЯЁ][а-яёА-ЯЁ-]+,?")
_PATRONYMIC = re.compile(r"[А-ЯЁ][а-яё]+(?:вич|ьич|ична|вна)|оглы|кызы|уулу", re.IGNORECASE)


def _full_name(words: Sequence[Word]) -> bool:
    """Do ``words`` begin with a Russian full name with its patronymic?"""
    texts = [w.text.rstrip(",;") for w in words[:3]]
    return (len(texts) == 3 and all(_CAPITALISED.fullmatch(t) for t in texts)
            and any(_PATRONYMIC.fullmatch(t) for t in texts[1:]))


def _columns(words: Sequence[Word]) -> int:
    return sum(w.text == _COLUMN for w in words)


def _begins_item(start: Sequence[Word], following: _Line, columns: int = 0) -> bool:
    """Does ``following`` begin a new item of what the writer laid out, not go on
    with the text ``start`` (the words of the line so far, joined lines included)?

    A numbered item ("2. …"); a bulleted one after an item with the same bullet
    (a dash alone may be the one between a name and a title, wrapped); a table
    row after a whole row (as many column separators as the table's ``columns``,
    the most any line has: a row with a cell wrapped has fewer on each line); a
    Russian full name after a line that began with one (a list of people, one a
    line); a contact field ("тел.: +7 …", "E-mail: a@b"): a label whose value is
    a number or an address.
    """
    first = following.words[0].text
    if _NUMBER.fullmatch(first) or (first in _BULLETS and start[0].text == first):
        return True
    if _full_name(following.words) and _full_name(start):
        return True
    if columns and _columns(following.words) and _columns(start) == columns:
        return True
    texts = [w.text for w in following.words[:4]]
    return any(label.endswith(":") and (value[:1].isdigit() or value[:1] == "+" or "@" in value)
               for label, value in itertools.pairwise(texts))


def _wrapped(lines: Sequence[_Line], i: int, margin: float, skew: float,
             start: Sequence[Word] = (), columns: int = 0) -> bool:
    """Was line ``i`` broken by the page's width rather than by its writer?

    It was when the first word of the next line would not have fitted in the
    room left at its end before the margin (the furthest end on the page,
    moved along the skew): a writer's break leaves room for a word. A line
    that begins an item of a list, a table or a contact block (_begins_item;
    ``start`` is the text it would be joined to) was broken by its writer.
    """
    line, following = lines[i], lines[i + 1]
    if line.rtl != following.rtl or line.words[-1].text.endswith(_HARD_ENDS):
        return False
    if _begins_item(start or line.words, following, columns):
        return False
    space = max(4, line.height // 2)
    margin_here = margin + skew * line.base
    room = line.end - margin_here if line.rtl else margin_here - line.end
    return room < following.words[0].width + space


# A line read less surely than this on average may be no text at all (the dark
# edge of a photographed page, a stamp): it places no margin.
SURE_LINE = 60.0
# A line ending this close (a share of the page's width) to the mirrored starting
# margin is taken to reach the margin; lines ending further in are not.
REACH = 0.1


def _margin(lines: Sequence[_Line], rtl: bool, skew: float, width: int | None) -> float:
    """The text's ending margin at the top of the page (y = 0), along the skew.

    The furthest end of a line; but on a page ``width`` wide where no line
    ends near the starting margin mirrored (a short letter, a list), that
    mirrored margin.
    """
    mine = [line for line in lines if line.rtl == rtl]
    if not mine:
        return 0.0
    sign = -1 if rtl else 1
    furthest = max(sign * (line.end - skew * line.base) for line in mine)
    if width:
        start = min(sign * (line.start - skew * line.base) for line in mine)
        mirrored = (width - start) if not rtl else width + start
        # sign * mirrored is how far along the line direction the mirrored margin is.
        if sign * mirrored - furthest > REACH * width:
            return mirrored
    return sign * furthest


def unwrapped_text(words: Sequence[Word], width: int | None = None,
                   line_texts: Sequence[str] | None = None) -> str:
    """The page's text with its layout read from the boxes, not tesseract's paragraphs.

    Lines the page's width broke (see _wrapped) are joined again, so a name
    or a sentence split at the end of a line reads as one; a blank line is put
    where the page has vertical room for one (PARAGRAPH_PITCH), and nowhere
    else, so a signature's or a list's lines stay together even where
    tesseract made each its own paragraph. ``line_texts``, tesseract's own
    lines of the same page (its txt output), give each line's spacing when
    they match the boxes line for line: between two Chinese words it keeps a
    space only where the page has a gap (columns), which the boxes do not say.
    """
    grouped = lines_of(words)
    tilt = page_tilt(grouped)
    lines = [_Line(line, _rtl(line), tilt) for line in grouped]
    if not lines:
        return ""
    texts = [t for t in (line_texts or ()) if t.strip()]
    if len(texts) != len(lines):
        texts = [_join_words(line) for line in lines]
    pitches = sorted(b.base - a.base for a, b in itertools.pairwise(lines)
                     if b.base - a.base > max(a.height, b.height) // 2)
    # The usual pitch: the lower quartile, as blank lines make many pitches longer;
    # where most lines have a blank line between them, the line height tells.
    heights = sorted(line.height for line in lines)
    blank = PARAGRAPH_HEIGHTS * heights[len(heights) // 2]
    if pitches:
        blank = min(blank, PARAGRAPH_PITCH * pitches[len(pitches) // 4])
    sure = [line for line in lines if mean_confidence(line.words) >= SURE_LINE] or lines
    skews = {rtl: _skew([line for line in sure if line.rtl == rtl]) for rtl in (False, True)}
    margins = {rtl: _margin(sure, rtl, skews[rtl], width) for rtl in (False, True)}
    columns = max(_columns(line.words) for line in lines)  # a table's separators per row
    out = [texts[0]]
    start = list(lines[0].words)  # the words of the output line so far
    for i in range(1, len(lines)):
        previous = lines[i - 1]
        gap = lines[i].base - previous.base
        if gap > blank:
            out.append("\n\n")
            start = []
        elif gap > 0 and _wrapped(lines, i - 1, margins[previous.rtl], skews[previous.rtl],
                                  start, columns):
            # Chinese is written without spaces, also where a line was broken.
            cjk = _cjk(out[-1][-1:] or " ") and _cjk(texts[i][:1] or " ")
            out.append("" if cjk else " ")
        else:
            out.append("\n")
            start = []
        start.extend(lines[i].words)
        out.append(texts[i])
    return "".join(out)


def mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0

"""Tesseract's TSV output as words with boxes, and the page text rebuilt from them.

Tesseract writes one row per word (level 5) with its block, paragraph and
line numbers, its box in pixels and its confidence, in reading order (right
to left within an Arabic line). ``page_text`` lays the words out the way
tesseract's own txt output does: words of a line joined by a space, lines by
a newline, a blank line after each paragraph. Rebuilding the text from the
words lets a second pass (``latinpass``) replace some of them by position.
"""

from __future__ import annotations

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


def mean_confidence(words: Sequence[Word]) -> float:
    return sum(w.conf for w in words) / len(words) if words else 0.0

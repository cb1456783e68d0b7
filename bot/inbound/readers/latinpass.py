"""A second, English-only look at the Latin runs of a page read with a model that cannot read Latin.

An Arabic page is read with ``ara`` alone (``ara+eng`` spoils Arabic names,
see ``ocr.needs_script``), but the ``ara`` model has no Latin letters: an
e-mail address, a Latin-script name or the English letterhead come out as
Arabic-looking garbage ("r.khoury@justice.example" as "16م80)«ع.عع 5ن زه
لمنمطام"), at very low confidence. This module finds those runs of doubtful
words in the first pass's TSV, cuts their boxes out of the page, stacks the
cuts into one small strip and reads the strip once with ``eng``; a run whose
English reading is confident, Latin and clearly better than the first one
takes its place, by position. One extra tesseract process per page that has
such runs, on a strip a few lines high, instead of reading the whole page
twice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from bot.inbound.readers import proc
from bot.inbound.readers.common import ReadContext
from bot.inbound.readers.tsv import Word, lines_of, mean_confidence, parse_words

# A first-pass word under this confidence may be Latin text the model cannot read.
SUSPECT_BELOW = 50.0
# An English word must be at least this sure, and beat the first reading under it by MARGIN.
ACCEPT_AT = 80.0
MARGIN = 25.0
# At most this many lines are re-read per page (bounds the strip on a garbage page).
MAX_LINES = 60
GAP = 24  # white pixels between cuts in the strip
_FIRST_PASS_LATIN = re.compile(r"[A-Za-z@]")
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
_LATIN_TEXT = re.compile(r"[A-Za-z0-9@.+\-_()/:,;'&<>\[\]\"]")
# An e-mail address read by the English model is Latin for sure, even when the
# word's confidence is low (addresses are not dictionary words).
_EMAIL = re.compile(r"[<(\[]?[\w.+-]+@[\w-]+(?:\.[\w-]+)+[>)\].,;:]*", re.ASCII)
ACCEPT_EMAIL_AT = 30.0
# Quotes the English model puts around a word when a speck or a stroke touches it.
_QUOTES = "\u2018\u2019\u201c\u201d'\"`"
_LETTER_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def _suspect(word: Word) -> bool:
    # A model without Latin letters that still writes one, or a digit glued
    # to Arabic letters ("16م80"), is reading something it has no letters for.
    mixed = bool(_ARABIC.search(word.text)) and bool(re.search(r"[0-9«»©]", word.text))
    return word.conf < SUSPECT_BELOW or mixed or bool(_FIRST_PASS_LATIN.search(word.text))


def doubtful_lines(words: Sequence[Word]) -> list[list[Word]]:
    """The lines with at least one doubtful word, at most MAX_LINES of them."""
    return [line for line in lines_of(words) if any(_suspect(w) for w in line)][:MAX_LINES]


def _box(line: Sequence[Word]) -> tuple[int, int, int, int]:
    """The line's box; top and bottom are the middle word's, padded by a third of its
    height, since one word read with a tall box (a stroke of the line below) would
    otherwise pull the next line into the cut."""
    tops = sorted(w.top for w in line)
    bottoms = sorted(w.bottom for w in line)
    top, bottom = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
    pad = max(4, (bottom - top) // 3)
    return (min(w.left for w in line) - 4 * pad, top - pad,
            max(w.right for w in line) + 4 * pad, bottom + pad)


@dataclass(frozen=True)
class Cut:
    """Where a line's cut sits on the page and in the strip."""

    page_left: int
    page_top: int
    strip_top: int
    height: int


def _strip(image: Path, lines: Sequence[Sequence[Word]], out: Path) -> list[Cut]:
    """Stack the lines' cuts into one white strip, a line's height of white between them.

    The cuts are tight above and below (a neighbour line's ascenders in a cut
    would make tesseract read two lines as one); the gap keeps them apart.
    """
    cuts: list[Cut] = []
    with Image.open(image) as page:
        grey = page.convert("L")
        crops = []
        for line in lines:
            left, top, right, bottom = _box(line)
            box = (max(0, left), max(0, top), min(grey.width, right), min(grey.height, bottom))
            crops.append((box, grey.crop(box)))
        gap = max(GAP, *(crop.height for _, crop in crops))
        width = max(crop.width for _, crop in crops) + 2 * GAP
        height = sum(crop.height for _, crop in crops) + gap * (len(crops) + 1)
        strip = Image.new("L", (width, height), 255)
        y = gap
        for box, crop in crops:
            strip.paste(crop, (GAP, y))
            cuts.append(Cut(box[0], box[1], y, crop.height))
            y += crop.height + gap
        strip.save(out, compress_level=1)
    return cuts


def _tidy(text: str) -> str:
    """An English-pass word without stray quotes; in an e-mail address, which has
    no commas, a comma is a dot read badly ("k,aboulela@mfa.example")."""
    text = text.strip(_QUOTES)
    if "@" in text:
        body = text.rstrip(".,;:")
        text = body.replace(",", ".") + text[len(body):]
    return text


def _email(word: Word) -> bool:
    return word.conf >= ACCEPT_EMAIL_AT and bool(_EMAIL.fullmatch(_tidy(word.text)))


def latin_word(word: Word) -> bool:
    """Is an English-pass word confidently Latin (letters, digits, address marks)?"""
    text = _tidy(word.text)
    if _email(word):
        return True
    if word.conf < ACCEPT_AT or _ARABIC.search(text):
        return False
    latin = sum(1 for ch in text if _LATIN_TEXT.match(ch))
    return bool(_LETTER_OR_DIGIT.search(text)) and latin == len(text)


def _centre(word: Word) -> float:
    return word.left + word.width / 2


def _clusters(english: Sequence[Word]) -> list[list[Word]]:
    """Runs of consecutive confidently Latin words."""
    clusters: list[list[Word]] = []
    previous = False
    for word in english:
        latin = latin_word(word)
        if latin and previous:
            clusters[-1].append(word)
        elif latin:
            clusters.append([word])
        previous = latin
    return clusters


def _accepted(line: Sequence[Word], english: Sequence[Word]) -> list[tuple[list[Word], list[Word]]]:
    """The Latin clusters that replace the first reading, each with the words under it."""
    accepted = []
    for cluster in _clusters(english):
        left, right = cluster[0].left, cluster[-1].right
        under = [w for w in line if left <= _centre(w) <= right]
        # An address replaces the first reading however sure that was: the Arabic
        # model has no "@". Numbers are not re-read: a phone number's groups are
        # drawn right to left in an Arabic line ("000 427 1 961+"), and the Arabic
        # model puts them back in the order they were typed, English cannot.
        sure = any(_email(w) for w in cluster)
        if under and (sure or mean_confidence(under) <= mean_confidence(cluster) - MARGIN):
            accepted.append((cluster, under))
    return accepted


def merge_line(line: list[Word], english: Sequence[Word]) -> list[Word]:
    """``line`` with the words under each confident Latin cluster replaced by it.

    Clusters with no kept word between them make one left-to-right span (as the
    bidi algorithm reads them), placed among the kept words by its position:
    after every word that comes before it in the line's direction.
    """
    accepted = sorted(_accepted(line, english), key=lambda item: item[0][0].left)
    if not accepted:
        return line
    under = {id(w) for _, words in accepted for w in words}
    kept = [w for w in line if id(w) not in under]
    spans: list[list[Word]] = []
    for cluster, _ in accepted:
        if spans and not any(spans[-1][-1].right <= _centre(w) <= cluster[0].left for w in kept):
            spans[-1].extend(cluster)
        else:
            spans.append(list(cluster))
    rtl = len(line) < 2 or line[0].left >= line[-1].left
    for span in spans:
        left, right = span[0].left, span[-1].right
        top, bottom = min(w.top for w in span), max(w.bottom for w in span)
        # The span belongs to the page's line (its block, paragraph and line numbers).
        merged = replace(line[0], left=left, top=top, width=right - left, height=bottom - top,
                         conf=mean_confidence(span), text=" ".join(_tidy(w.text) for w in span))
        before = [i for i, w in enumerate(kept) if (_centre(w) > _centre(merged)) == rtl]
        at = before[-1] + 1 if before else 0
        kept.insert(at, merged)
    return kept


def reread_lines(image: Path, lines: Sequence[Sequence[Word]], lang: str, suffix: str,
                 ctx: ReadContext, dpi: int | None = None) -> list[list[Word]] | None:
    """Read ``lines`` of the page ``image`` again with ``lang`` alone: cut them into
    one strip, run tesseract once on it, and give, line by line, the words read in
    its cut, moved back onto the page. None when tesseract gave nothing."""
    strip = image.with_name(f"{image.stem}-{suffix}.png")
    cuts = _strip(image, lines, strip)
    args = ["tesseract", strip.name, strip.stem, "-l", lang, "--psm", "6"]
    if dpi:
        args += ["--dpi", str(dpi)]
    done = proc.run_bounded([*args, "tsv"], ctx, strip.parent)
    tsv_path = strip.with_suffix(".tsv")
    if done.returncode != 0 or done.timed_out or not tsv_path.exists():
        return None
    found = parse_words(tsv_path.read_text("utf-8", "replace"))
    # The words whose middle falls in a cut belong to that cut's line.
    return [[replace(w, left=w.left - GAP + cut.page_left,
                     top=w.top - cut.strip_top + cut.page_top)
             for w in found if cut.strip_top <= w.top + w.height // 2
             < cut.strip_top + cut.height]
            for cut in cuts]


def reread_latin(
    image: Path, words: Sequence[Word], ctx: ReadContext, dpi: int | None = None
) -> list[Word]:
    """``words`` with the Latin runs of doubtful lines replaced by their English reading."""
    lines = doubtful_lines(words)
    if not lines:
        return list(words)
    read = reread_lines(image, lines, "eng", "latin", ctx, dpi)
    if read is None:
        return list(words)
    merged: dict[tuple[int, int, int], list[Word]] = {}
    for line, english in zip(lines, read, strict=True):
        english.sort(key=lambda w: (w.line_key, w.left))
        merged[line[0].line_key] = merge_line(list(line), english)
    out: list[Word] = []
    for line in lines_of(words):
        out.extend(merged.get(line[0].line_key, line))
    return out

"""Optical character recognition of page images with the ``tesseract`` program.

Decides the tesseract language string for a mission, recognises each page in
its own process (one per core, ``OMP_THREAD_LIMIT=1``), and turns pages that
come out unreadable through orientation detection (``--psm 0``) once. Pages
are prepared per model (PREP: Arabic is median-filtered and binarised, read as
one column). The text is laid out from the word boxes (``tsv.unwrapped_text``:
lines broken by the page's width joined again) and goes back to the PDF or
image reader that asked.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from PIL import Image, ImageFilter

from bot.inbound.readers import proc
from bot.inbound.readers.common import ReadContext
from bot.inbound.readers.cyrillicpass import reread_cyrillic
from bot.inbound.readers.latinpass import reread_latin
from bot.inbound.readers.ocrclean import clean_text
from bot.inbound.readers.tails import restore_tails
from bot.inbound.readers.tsv import (
    Word,
    lines_of,
    mean_confidence,
    page_tilt,
    parse_words,
    unwrapped_text,
)

# Mission language codes (campaign CSV) to tesseract traineddata names.
LANGUAGE_CODES: dict[str, str] = {
    "en": "eng",
    "fr": "fra",
    "es": "spa",
    "ru": "rus",
    "ar": "ara",
    "zh": "chi_sim",
}

# Below this mean word confidence a page may be sideways: ask OSD and retry once.
RETRY_BELOW_CONFIDENCE = 60.0
# Tesseract's orientation confidence; under ~2 its guess is no better than chance.
MIN_OSD_CONFIDENCE = 2.0
# Tesseract's script confidence; a page OSD is unsure of keeps every model.
MIN_SCRIPT_CONFIDENCE = 2.0
# An Arabic guess is taken at a lower confidence: short Arabic letters with Latin
# addresses came out at 0.5 to 2 (7 of 48 corpus replies rendered as scans), and
# were read with "ara+eng", which spoils Arabic names; their Latin runs are now
# re-read by latinpass instead.
_MIN_SCRIPT_CONFIDENCE = {"Arabic": 0.5}
# Models that read a page best alone, by the script OSD names for it.
_SCRIPT_ALONE: dict[str, str] = {"Arabic": "ara", "Han": "chi_sim", "HanS": "chi_sim"}
_ALONE = frozenset(_SCRIPT_ALONE.values())


@dataclass(frozen=True)
class Prep:
    """How a page is prepared for a model and which page segmentation reads it."""

    psm: int = 3
    scale: float = 1.0  # enlarged by this before recognition (boxes come back unscaled)
    median: bool = False  # a 3x3 median filter first: specks off, strokes kept
    binarize: bool = False  # a global Otsu cut (see binarize)


# Models whose pages are prepared (see prepare); the others are read as they come.
# Arabic: bench/ocr_script.py on the 70 Arabic tuning replies rendered as scans,
# name F1 0.777 with the Otsu cut alone, 0.829 with a median filter before it
# (tesseract lost fewer whole lines to specks), 0.804 enlarged 1.5 times instead,
# 0.829 with --psm 4 too (one address fewer, three roles more, and it keeps the
# list line --psm 3 lost on tests/inbound/test_ocr_script.py's page; a note is
# one column). CPU per page unchanged.
PREP: dict[str, Prep] = {"ara": Prep(psm=4, median=True, binarize=True)}
# Models without Latin letters: their pages get an English look at doubtful lines
# (latinpass). chi_sim has Latin letters and reads e-mail addresses by itself.
_NO_LATIN = frozenset({"ara"})
# Bidi controls tesseract puts around runs of the other direction: invisible,
# but they split words and names for the extractor.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_TEXT_CHARS = 2 * 1024 * 1024


@dataclass
class PageText:
    """One recognised page."""

    text: str = ""
    confidence: float = 0.0
    words: int = 0
    rotated: int = 0
    timed_out: bool = False
    error: str | None = None
    # The words with their boxes (from the TSV), and the image they were read on.
    boxes: list[Word] = field(default_factory=list)
    image: Path | None = None


@functools.cache
def installed_languages() -> frozenset[str]:
    try:
        result = proc.run(["tesseract", "--list-langs"], timeout=30, cwd=Path("/"), memory=2**30)
    except proc.ToolMissingError:
        # Text, HTML and DOCX still read; OCR fails later with the missing program named.
        return frozenset()
    lines = result.stdout.decode("utf-8", "replace").splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


@functools.cache
def tesseract_version() -> str:
    try:
        result = proc.run(["tesseract", "--version"], timeout=30, cwd=Path("/"), memory=2**30)
    except proc.ToolMissingError:
        return "none"
    output = (result.stdout or result.stderr).decode("utf-8", "replace")
    return output.splitlines()[0].strip() if output else "unknown"


def tesseract_languages(codes: Sequence[str]) -> tuple[str, list[str]]:
    """Return ("fra+eng", missing) for mission codes; English is last (not with Chinese)."""
    wanted: list[str] = []
    for code in [*codes, "en"]:
        base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
        name = LANGUAGE_CODES.get(base, code if code in LANGUAGE_CODES.values() else "")
        if name and name not in wanted:
            wanted.append(name)
    if "chi_sim" in wanted:
        # Mixed with eng, tesseract reads short Chinese runs (names) with the English
        # model and returns Latin garbage; chi_sim reads the Latin letterhead by itself.
        wanted.remove("eng")
    available = installed_languages()
    missing = [name for name in wanted if name not in available]
    usable = [name for name in wanted if name in available] or ["eng"]
    return "+".join(usable), missing


def _read_output(path: Path) -> str:
    if not path.exists():
        return ""
    with path.open("rb") as handle:
        return handle.read(MAX_TEXT_CHARS).decode("utf-8", "replace")


def recognise(image: Path, lang: str, ctx: ReadContext, dpi: int | None = None,
              prep: Prep | None = None) -> PageText:
    """Run tesseract once on ``image``; text and word confidences come from one process.

    With ``prep`` the page is prepared first; the boxes still refer to ``image``.
    """
    prep = prep or Prep()
    source = prepare(image, prep)
    base = image.with_name(image.stem + "-ocr")
    args = ["tesseract", source.name, base.name, "-l", lang, "--psm", str(prep.psm)]
    if dpi:
        args += ["--dpi", str(round(dpi * prep.scale))]
    result = proc.run_bounded([*args, "txt", "tsv"], ctx, image.parent)
    if result.timed_out:
        return PageText(timed_out=True, error="tesseract timed out")
    if result.returncode != 0:
        return PageText(error=result.stderr.decode("utf-8", "replace")[-300:].strip())
    text = BIDI_CONTROLS.sub("", _read_output(base.with_suffix(".txt")).replace("\f", "")).strip()
    words = parse_words(_read_output(base.with_suffix(".tsv")))
    if prep.scale != 1.0:
        words = [_unscaled(w, prep.scale) for w in words]
    return PageText(text=text, confidence=mean_confidence(words), words=len(words),
                    boxes=words, image=image)


def _unscaled(word: Word, scale: float) -> Word:
    return replace(word, left=round(word.left / scale), top=round(word.top / scale),
                   width=round(word.width / scale), height=round(word.height / scale))


def prepare(image: Path, prep: Prep) -> Path:
    """``image`` as ``prep`` wants it read (the same path when it wants nothing)."""
    if prep.scale == 1.0 and not prep.median and not prep.binarize:
        return image
    out = image.with_name(image.stem + "-prep.png")
    with Image.open(image) as page:
        grey = page.convert("L")
        if prep.median:
            grey = grey.filter(ImageFilter.MedianFilter(3))
        if prep.scale != 1.0:
            size = (round(grey.width * prep.scale), round(grey.height * prep.scale))
            grey = grey.resize(size, Image.Resampling.BILINEAR)
        if prep.binarize:
            cut = otsu_threshold(grey.histogram())
            grey = grey.point([0 if v <= cut else 255 for v in range(256)])
        grey.save(out, compress_level=1)
    return out


@dataclass(frozen=True)
class Osd:
    """What tesseract's orientation and script detection (``--psm 0``) reported."""

    rotate: int = 0  # degrees clockwise that put the page upright; 0 when unsure
    script: str = ""  # "Latin", "Arabic", "Han", "Cyrillic", …; "" when unsure


def detect_osd(image: Path, ctx: ReadContext) -> Osd:
    """Orientation and script of a page, each only when tesseract is sure enough."""
    result = proc.run_bounded(["tesseract", image.name, "-", "--psm", "0"], ctx, image.parent)
    if result.returncode != 0:
        return Osd()
    report = result.stdout.decode("utf-8", "replace")

    def field(name: str, pattern: str = r"([\d.]+)") -> str:
        found = re.search(rf"^{name}:\s*{pattern}", report, re.MULTILINE)
        return found.group(1) if found else ""

    rotate = int(field("Rotate", r"(\d+)") or 0) % 360
    if float(field("Orientation confidence") or 0) < MIN_OSD_CONFIDENCE:
        rotate = 0
    script = field("Script", r"(\w+)")
    if float(field("Script confidence") or 0) < _MIN_SCRIPT_CONFIDENCE.get(script,
                                                                          MIN_SCRIPT_CONFIDENCE):
        script = ""
    return Osd(rotate=rotate, script=script)


def detect_rotation(image: Path, ctx: ReadContext) -> int:
    """Degrees clockwise that would put the page upright, or 0 when unsure."""
    return detect_osd(image, ctx).rotate


def needs_script(lang: str) -> bool:
    """Whether ``lang`` mixes a model that must read its page alone with others.

    With "ara+eng" tesseract reads some Arabic words (surnames, mostly) with
    the English model and returns Latin garbage, and bidi marks around them;
    with "ara" alone it reads them right (measured on the corpus scans). The
    same holds for chi_sim, which tesseract_languages already keeps alone
    when it is the only language; a campaign in several languages mixes them.
    """
    models = lang.split("+")
    return len(models) > 1 and any(m in _ALONE for m in models)


def for_script(lang: str, script: str) -> str:
    """The models of ``lang`` for a page OSD says is written in ``script``."""
    models = lang.split("+")
    alone = _SCRIPT_ALONE.get(script)
    if alone is not None:
        return alone if alone in models else lang
    if script in ("Latin", "Cyrillic"):
        rest = [m for m in models if m not in _ALONE]
        if "eng" not in rest and "eng" in installed_languages():
            # English is read on every Latin or Cyrillic page (letterheads, addresses).
            rest.append("eng")
        return "+".join(rest) or lang
    return lang


_TRANSPOSE_CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


def ocr_page(image: Path, lang: str, ctx: ReadContext, dpi: int | None = None) -> PageText:
    """Recognise a page; a page read badly gets one retry the way OSD says is upright.

    When ``lang`` mixes Arabic or Chinese with other models, OSD runs first and
    the page is read with the models of the script it names (see needs_script).
    """
    osd: Osd | None = None
    if needs_script(lang):
        osd = detect_osd(image, ctx)
        lang = for_script(lang, osd.script)
    prep = PREP.get(lang, Prep())
    page = _upright(image, lang, ctx, dpi, osd, prep)
    first = page.boxes
    if page.boxes and page.image is not None and lacks_latin(lang):
        # The English look is cut from the page as it came (grey), not the prepared
        # copy: tesseract's own thresholding of Latin keeps the dots and "@" that a
        # global cut loses ("r.khoury@" instead of "rkhoury@"). The boxes are the page's.
        page.boxes = reread_latin(page.image, page.boxes, ctx, dpi)
    elif page.boxes and page.image is not None and {"rus", "eng"} <= set(lang.split("+")):
        # Upper-case Russian surnames the English model took ("HUKOJIAEB"), read again.
        page.boxes = reread_cyrillic(page.image, page.boxes, ctx, dpi)
    if page.boxes and page.image is not None and "rus" in lang.split("+"):
        # Ц, Щ, Д read without their tail (П, Ш, Л): the picture still shows it.
        page.boxes = restore_tails(page.image, page.boxes, page_tilt(lines_of(page.boxes)))
    if page.boxes and page.image is not None:
        # The text is laid out from the boxes: lines the page's width broke are joined.
        with Image.open(page.image) as picture:
            width = picture.width
        # Tesseract's own lines keep their spacing unless a second look changed words.
        lines = page.text.splitlines() if page.boxes == first else None
        page.text = BIDI_CONTROLS.sub("", unwrapped_text(page.boxes, width, lines))
    page.text = clean_text(page.text, lang)
    return page


def lacks_latin(lang: str) -> bool:
    """Whether every model of ``lang`` lacks Latin letters (so Latin runs need a second look)."""
    return set(lang.split("+")) <= _NO_LATIN and "eng" in installed_languages()


def _upright(image: Path, lang: str, ctx: ReadContext, dpi: int | None,
             osd: Osd | None, prep: Prep) -> PageText:
    first = recognise(image, lang, ctx, dpi, prep)
    # Sideways text still yields (garbage) words; a page with none is blank, not turned.
    if first.timed_out or first.error or first.words == 0:
        return first
    if first.confidence >= RETRY_BELOW_CONFIDENCE:
        return first
    angle = osd.rotate if osd is not None else detect_rotation(image, ctx)
    if angle not in _TRANSPOSE_CLOCKWISE:
        return first
    turned = image.with_name(f"{image.stem}-r{angle}.png")
    with Image.open(image) as page:
        page.transpose(_TRANSPOSE_CLOCKWISE[angle]).save(turned, compress_level=1)
    second = recognise(turned, lang, ctx, dpi, prep)
    second.rotated = angle
    # Keep the retry only if it reads better: OSD can be wrong on sparse pages.
    return second if second.confidence > first.confidence else first


def otsu_threshold(histogram: Sequence[int]) -> int:
    """The grey level that best splits a 256-bin histogram in two (Otsu, 1979)."""
    total = sum(histogram)
    weighted = sum(level * count for level, count in enumerate(histogram))
    below = below_weighted = 0
    best, threshold = -1.0, 127
    for level, count in enumerate(histogram):
        below += count
        above = total - below
        if not below or not above:
            continue
        below_weighted += level * count
        mean_gap = below_weighted / below - (weighted - below_weighted) / above
        between = below * above * mean_gap * mean_gap
        if between > best:
            best, threshold = between, level
    return threshold


def binarize(image: Path) -> Path:
    """A black-and-white copy of ``image``, cut at its Otsu threshold.

    Measured with bench/ocr_script.py on the 27 Arabic tuning replies of the
    corpus rendered as scans (grey cast, blur, speckles): name F1 0.51 with
    "ara" on the page as is, 0.75 after one global Otsu cut (photos: 0.77 to
    0.87); tesseract's own binarisation loses dots and whole lines there.
    Latin, Cyrillic and Chinese pages moved by one or two names either way
    (French lost two), so only the models PREP binarises pay for it.
    """
    out = image.with_name(image.stem + "-bin.png")
    with Image.open(image) as page:
        grey = page.convert("L")
        cut = otsu_threshold(grey.histogram())
        grey.point([0 if v <= cut else 255 for v in range(256)]).save(out, compress_level=1)
    return out


def run_pages(jobs: Sequence[Callable[[], PageText]]) -> list[PageText]:
    """Run page jobs one process per core; results keep the page order."""
    if len(jobs) == 1:
        return [jobs[0]()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]

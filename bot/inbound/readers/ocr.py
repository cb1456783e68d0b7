"""Optical character recognition of page images with the ``tesseract`` program.

Decides the tesseract language string for a mission, recognises each page in
its own process (one per core, ``OMP_THREAD_LIMIT=1``), and turns pages that
come out unreadable through orientation detection (``--psm 0``) once. The text
goes back to the PDF or image reader that asked.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from bot.inbound.readers import proc
from bot.inbound.readers.common import ReadContext

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


def _word_confidences(tsv: str) -> list[float]:
    confidences: list[float] = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        # Level 5 rows are words; conf -1 marks layout rows.
        if len(cols) == 12 and cols[0] == "5" and cols[11].strip():
            try:
                conf = float(cols[10])
            except ValueError:
                continue
            if conf >= 0:
                confidences.append(conf)
    return confidences


def _read_output(path: Path) -> str:
    if not path.exists():
        return ""
    with path.open("rb") as handle:
        return handle.read(MAX_TEXT_CHARS).decode("utf-8", "replace")


def recognise(image: Path, lang: str, ctx: ReadContext, dpi: int | None = None) -> PageText:
    """Run tesseract once on ``image``; text and word confidences come from one process."""
    base = image.with_name(image.stem + "-ocr")
    args = ["tesseract", image.name, base.name, "-l", lang, "--psm", "3"]
    if dpi:
        args += ["--dpi", str(dpi)]
    result = proc.run_bounded([*args, "txt", "tsv"], ctx, image.parent)
    if result.timed_out:
        return PageText(timed_out=True, error="tesseract timed out")
    if result.returncode != 0:
        return PageText(error=result.stderr.decode("utf-8", "replace")[-300:].strip())
    text = _read_output(base.with_suffix(".txt")).replace("\f", "").strip()
    confidences = _word_confidences(_read_output(base.with_suffix(".tsv")))
    mean = sum(confidences) / len(confidences) if confidences else 0.0
    return PageText(text=text, confidence=mean, words=len(confidences))


def detect_rotation(image: Path, ctx: ReadContext) -> int:
    """Degrees clockwise that would put the page upright, or 0 when unsure."""
    result = proc.run_bounded(["tesseract", image.name, "-", "--psm", "0"], ctx, image.parent)
    report = result.stdout.decode("utf-8", "replace")
    rotate = re.search(r"^Rotate:\s*(\d+)", report, re.MULTILINE)
    confidence = re.search(r"^Orientation confidence:\s*([\d.]+)", report, re.MULTILINE)
    if result.returncode != 0 or not rotate or not confidence:
        return 0
    if float(confidence.group(1)) < MIN_OSD_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360


_TRANSPOSE_CLOCKWISE = {
    90: Image.Transpose.ROTATE_270,
    180: Image.Transpose.ROTATE_180,
    270: Image.Transpose.ROTATE_90,
}


def ocr_page(image: Path, lang: str, ctx: ReadContext, dpi: int | None = None) -> PageText:
    """Recognise a page; a page read badly gets one retry the way OSD says is upright."""
    first = recognise(image, lang, ctx, dpi)
    # Sideways text still yields (garbage) words; a page with none is blank, not turned.
    if first.timed_out or first.error or first.words == 0:
        return first
    if first.confidence >= RETRY_BELOW_CONFIDENCE:
        return first
    angle = detect_rotation(image, ctx)
    if angle not in _TRANSPOSE_CLOCKWISE:
        return first
    turned = image.with_name(f"{image.stem}-r{angle}.png")
    with Image.open(image) as page:
        page.transpose(_TRANSPOSE_CLOCKWISE[angle]).save(turned, compress_level=1)
    second = recognise(turned, lang, ctx, dpi)
    second.rotated = angle
    # Keep the retry only if it reads better: OSD can be wrong on sparse pages.
    return second if second.confidence > first.confidence else first


def run_pages(jobs: Sequence[Callable[[], PageText]]) -> list[PageText]:
    """Run page jobs one process per core; results keep the page order."""
    if len(jobs) == 1:
        return [jobs[0]()]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]

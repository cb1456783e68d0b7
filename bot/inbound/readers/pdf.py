"""Reads PDF attachments with poppler, and OCRs the pages that are only pictures.

Decides, page by page, whether ``pdftotext`` found a real text layer or the
page is a scan to rasterise (``pdftoppm``) and hand to ``ocr``. Poppler runs as
a child process with a timeout and a memory cap, so a hostile PDF can only
fail, never hang or exhaust the service. The text goes back to ``attachments``.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.inbound.readers import ocr, pdfscan, proc
from bot.inbound.readers.common import (
    ENCRYPTED,
    TIMEOUT,
    TOO_MANY_PAGES,
    TOO_MANY_PIXELS,
    UNREADABLE,
    AttachmentText,
    ReadContext,
    failed,
)
from bot.inbound.readers.ocr import PageText
from bot.inbound.readers.pages import collect_pages

# A page with fewer visible characters than this has no usable text layer.
MIN_TEXT_CHARS = 25
OCR_DPI = 300
# Under this resolution OCR is hopeless; such a page is flagged, not rendered.
MIN_OCR_DPI = 50
MAX_TEXT_BYTES = 4 * 1024 * 1024


@dataclass
class PdfInfo:
    pages: int = 0
    encrypted: bool = False
    # Page number -> (width, height) in points.
    sizes: dict[int, tuple[float, float]] = field(default_factory=dict)
    # Pages with no /Rotate.
    upright: set[int] = field(default_factory=set)


def _pdfinfo(ctx: ReadContext, tmp: Path) -> tuple[PdfInfo | None, str]:
    result = proc.run_bounded(
        ["pdfinfo", "-f", "1", "-l", str(ctx.limits.max_pages), "input.pdf"], ctx, tmp)
    report = result.stdout.decode("latin-1")
    if result.timed_out:
        return None, "pdfinfo timed out"
    if result.returncode != 0:
        return None, result.stderr.decode("utf-8", "replace").strip()[-300:]
    info = PdfInfo()
    pages = re.search(r"^Pages:\s+(\d+)", report, re.MULTILINE)
    info.pages = int(pages.group(1)) if pages else 0
    info.encrypted = bool(re.search(r"^Encrypted:\s+yes", report, re.MULTILINE))
    for match in re.finditer(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", report, re.M):
        info.sizes[int(match.group(1))] = (float(match.group(2)), float(match.group(3)))
    for match in re.finditer(r"^Page\s+(\d+) rot:\s+0\s*$", report, re.MULTILINE):
        info.upright.add(int(match.group(1)))
    return info, ""


def _pdftotext(ctx: ReadContext, tmp: Path, last: int) -> list[str]:
    result = proc.run_bounded(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-l", str(last), "input.pdf", "text.txt"],
        ctx, tmp)
    path = tmp / "text.txt"
    if result.returncode != 0 or not path.exists():
        # Copy-protected or broken text layer: every page goes to OCR.
        return [""] * last
    with path.open("rb") as handle:
        pages = handle.read(MAX_TEXT_BYTES).decode("utf-8", "replace").split("\f")
    return (pages + [""] * last)[:last]


def _render_dpi(size: tuple[float, float] | None, max_pixels: int) -> int:
    """The resolution that keeps the page image within the pixel limit."""
    if size is None:
        return OCR_DPI
    inches = (size[0] / 72.0) * (size[1] / 72.0)
    if inches <= 0:
        return OCR_DPI
    return min(OCR_DPI, int(math.sqrt(max_pixels / inches)))


def _ocr_page_scan(number: int, ppi: int, lang: str, ctx: ReadContext, tmp: Path) -> PageText:
    image = pdfscan.extract_page_scan(number, ctx, tmp)
    if image is None:
        return _ocr_pdf_page(number, OCR_DPI, lang, ctx, tmp)
    page = ocr.ocr_page(image, lang, ctx, ppi)
    image.unlink(missing_ok=True)
    return page


def _ocr_pdf_page(number: int, dpi: int, lang: str, ctx: ReadContext, tmp: Path) -> PageText:
    stem = f"page-{number:03d}"
    pages = ["-f", f"{number}", "-l", f"{number}"]
    result = proc.run_bounded(
        ["pdftoppm", *pages, "-r", f"{dpi}", "-gray", "-singlefile", "input.pdf", stem],
        ctx, tmp)
    image = tmp / f"{stem}.pgm"
    if result.timed_out:
        return PageText(timed_out=True, error="pdftoppm timed out")
    if result.returncode != 0 or not image.exists():
        return PageText(error="pdftoppm: " + result.stderr.decode("utf-8", "replace")[-200:])
    page = ocr.ocr_page(image, lang, ctx, dpi)
    image.unlink(missing_ok=True)
    return page


def read_pdf(data: bytes, ctx: ReadContext, tmp: Path) -> AttachmentText:
    """Text of a PDF: the text layer where there is one, OCR where there is not."""
    (tmp / "input.pdf").write_bytes(data)
    info, error = _pdfinfo(ctx, tmp)
    if info is None:
        if "password" in error.lower():
            return failed(ENCRYPTED, "PDF needs a password")
        return failed(TIMEOUT if "timed out" in error else UNREADABLE, f"pdfinfo: {error}")
    result = AttachmentText(text="", engine="pdftotext")
    if info.encrypted:
        # Owner-password PDFs still open; read them, but a human should know.
        result.flag(ENCRYPTED, "PDF is encrypted")
    if info.pages > ctx.limits.max_pages:
        result.flag(TOO_MANY_PAGES, f"{info.pages} pages, read {ctx.limits.max_pages}")
    last = min(info.pages, ctx.limits.max_pages)
    if last == 0:
        result.flag(UNREADABLE, "PDF has no pages")
        return result
    texts = _pdftotext(ctx, tmp, last)
    pages: list[PageText] = [PageText(text=text.strip("\n")) for text in texts]
    scanned = [n for n in range(1, last + 1) if len("".join(texts[n - 1].split())) < MIN_TEXT_CHARS]
    jobs = []
    lang, _missing = ocr.tesseract_languages(ctx.languages)
    plain_scans = pdfscan.find_page_scans(ctx, tmp, last, info.sizes, info.upright)
    for number in scanned:
        if number in plain_scans:
            ppi = plain_scans[number].ppi
            jobs.append((number, functools.partial(_ocr_page_scan, number, ppi, lang, ctx, tmp)))
            continue
        dpi = _render_dpi(info.sizes.get(number), ctx.limits.max_pixels)
        if dpi < OCR_DPI:
            result.flag(TOO_MANY_PIXELS, f"page {number} rendered at {dpi} dpi")
        if dpi < MIN_OCR_DPI:
            continue
        jobs.append((number, functools.partial(_ocr_pdf_page, number, dpi, lang, ctx, tmp)))
    for (number, _job), page in zip(jobs, ocr.run_pages([job for _n, job in jobs]), strict=True):
        # The OCR of a rendered page also reads its thin text layer (a stamp, a page
        # number), so that layer is kept only when OCR finds nothing.
        if not page.text.strip():
            page.text = pages[number - 1].text
        pages[number - 1] = page
    if jobs:
        result.engine = "tesseract" if len(jobs) == last else "pdftotext+tesseract"
    collect_pages(result, pages)
    return result

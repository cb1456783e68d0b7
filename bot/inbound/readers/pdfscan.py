"""Takes a scanned page's picture straight out of a PDF when rendering would only copy it.

Decides, per page, whether the page is exactly one upright JPEG covering the
page (what scanners and phone scan apps write). Such a page is extracted with
``pdfimages -j`` instead of being re-rendered by ``pdftoppm``: the same pixels,
without decoding and re-rasterising them. Anything else (several images,
masks, fax encodings, rotation, CMYK) is left to ``pdf`` to render.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bot.inbound.readers import proc
from bot.inbound.readers.common import ReadContext

# How far the image may be from covering the page (fraction of each side).
COVER_TOLERANCE = 0.03
MIN_PPI, MAX_PPI = 100, 1200


@dataclass(frozen=True)
class PageScan:
    """A page that is one JPEG: its resolution, for tesseract's --dpi."""

    ppi: int


def _is_plain_scan(cols: list[str], size: tuple[float, float] | None, max_pixels: int) -> bool:
    # Columns: page num type width height color comp bpc enc interp object ID x-ppi y-ppi ...
    kind, width, height, color, comp, bpc, enc = cols[2], cols[3], cols[4], *cols[5:9]
    if kind != "image" or enc != "jpeg" or bpc != "8" or color not in ("gray", "rgb", "icc"):
        return False
    if comp not in ("1", "3") or size is None:
        return False
    x_ppi, y_ppi, w, h = float(cols[12]), float(cols[13]), int(width), int(height)
    if abs(x_ppi - y_ppi) > 1 or not MIN_PPI <= x_ppi <= MAX_PPI or w * h > max_pixels:
        return False
    # Drawn upright over the whole page: image inches match page inches on both sides.
    return all(
        abs(pixels / x_ppi - points / 72.0) <= COVER_TOLERANCE * points / 72.0
        for pixels, points in ((w, size[0]), (h, size[1]))
    )


def find_page_scans(
    ctx: ReadContext,
    tmp: Path,
    last: int,
    sizes: dict[int, tuple[float, float]],
    upright: set[int],
) -> dict[int, PageScan]:
    """Pages (among ``upright`` ones) that are a single full-page JPEG."""
    result = proc.run_bounded(["pdfimages", "-list", "-l", str(last), "input.pdf"], ctx, tmp)
    if result.returncode != 0:
        return {}
    rows: dict[int, list[list[str]]] = defaultdict(list)
    for line in result.stdout.decode("latin-1").splitlines()[2:]:
        cols = line.split()
        if len(cols) >= 14 and cols[0].isdigit():
            rows[int(cols[0])].append(cols)
    scans = {}
    for page, images in rows.items():
        try:
            plain = len(images) == 1 and _is_plain_scan(
                images[0], sizes.get(page), ctx.limits.max_pixels
            )
        except ValueError:
            continue
        if plain and page in upright:
            scans[page] = PageScan(ppi=round(float(images[0][12])))
    return scans


def extract_page_scan(number: int, ctx: ReadContext, tmp: Path) -> Path | None:
    """Write page ``number``'s JPEG into ``tmp``; None if pdfimages did not."""
    stem = f"scan-{number:03d}"
    result = proc.run_bounded(
        ["pdfimages", "-j", "-f", str(number), "-l", str(number), "input.pdf", stem], ctx, tmp)
    found = sorted(tmp.glob(f"{stem}-*.jpg"))
    return found[0] if result.returncode == 0 and len(found) == 1 else None

"""Attachments turned into something safe to show: PNG pages drawn on the server.

Images are decoded by Pillow and re-encoded as PNG (one page per frame,
so a multi-page TIFF scan shows every page); PDFs are drawn page by page
by ``pdftoppm``. The browser only ever receives fresh PNGs or a download,
never the sender's bytes as active content. Results are cached by the
attachment's SHA-256, so paging through a scan draws each page once.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from PIL import Image, ImageSequence

MAX_WIDTH = 1400
PDF_DPI = 110
PDF_BATCH = 6
MAX_PAGES = 50
_CACHE: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_CACHE_SIZE = 64
_GUARD = threading.Lock()
_LOCKS: dict[str, threading.Lock] = {}
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/tiff", "image/bmp",
               "image/webp")


class RenderError(Exception):
    """The attachment could not be drawn; the page offers the download instead."""


def kind_of(content_type: str, filename: str) -> str:
    """'image', 'pdf' or 'file' (shown only as a download)."""
    ctype = content_type.lower()
    name = filename.lower()
    if ctype == "application/pdf" or name.endswith(".pdf"):
        return "pdf"
    if ctype in IMAGE_TYPES or name.endswith((".png", ".jpg", ".jpeg", ".tif", ".tiff")):
        return "image"
    return "file"


def page_count(kind: str, data: bytes) -> int:
    try:
        if kind == "pdf":
            from pypdf import PdfReader

            return min(len(PdfReader(io.BytesIO(data)).pages), MAX_PAGES)
        if kind == "image":
            with Image.open(io.BytesIO(data)) as image:
                return min(getattr(image, "n_frames", 1), MAX_PAGES)
    except Exception:  # a broken file is shown as a download only
        return 0
    return 0


def render_page(kind: str, sha256: str, data: bytes, page: int) -> bytes:
    """Page ``page`` (1-based) as PNG bytes."""
    key = (sha256, page)
    cached = _cached(key)
    if cached is not None:
        return cached
    if kind != "pdf":
        png = _image_page(data, page)
        _remember(key, png)
        return png
    # One pdftoppm run draws this page and the next few: the browser asks for
    # them all at once, and each run re-reads the whole PDF. Requests for the
    # same PDF wait for the run under way instead of starting their own.
    with _GUARD:
        lock = _LOCKS.setdefault(sha256, threading.Lock())
    with lock:
        cached = _cached(key)
        if cached is None:
            pages = _pdf_pages(data, page, page + PDF_BATCH - 1)
            for number, png in pages.items():
                _remember((sha256, number), png)
            cached = pages[page]
    return cached


def _cached(key: tuple[str, int]) -> bytes | None:
    with _GUARD:
        png = _CACHE.get(key)
        if png is not None:
            _CACHE.move_to_end(key)
        return png


def _remember(key: tuple[str, int], png: bytes) -> None:
    with _GUARD:
        _CACHE[key] = png
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def _image_page(data: bytes, page: int) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            frames = ImageSequence.Iterator(image)
            frame = frames[page - 1]
            frame.thumbnail((MAX_WIDTH, MAX_WIDTH * 2))
            out = io.BytesIO()
            frame.convert("L" if frame.mode in ("1", "L") else "RGB").save(out, "PNG")
            return out.getvalue()
    except (OSError, IndexError, ValueError, Image.DecompressionBombError) as exc:
        raise RenderError(f"cannot draw image page {page}: {exc}") from None


def _pdf_pages(data: bytes, first: int, last: int) -> dict[int, bytes]:
    """Pages ``first``..``last`` (those that exist) as PNG bytes by page number."""
    with tempfile.TemporaryDirectory(prefix="invitebot-web-") as scratch:
        source = Path(scratch) / "in.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                ["pdftoppm", "-png", "-r", str(PDF_DPI), "-f", str(first), "-l", str(last),
                 str(source), str(Path(scratch) / "page")],
                capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"pdftoppm failed: {exc}") from None
        # pdftoppm names pages page-1.png or page-01.png, by the document's page count.
        pages = {int(out.stem.rpartition("-")[2]): out.read_bytes()
                 for out in Path(scratch).glob("page-*.png")}
        if done.returncode != 0 or first not in pages:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise RenderError(f"cannot draw PDF page {first}: {reason[-1] if reason else '?'}")
        return pages

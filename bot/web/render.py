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
from collections import OrderedDict
from pathlib import Path

from PIL import Image, ImageSequence

MAX_WIDTH = 1400
PDF_DPI = 110
MAX_PAGES = 50
_CACHE: OrderedDict[tuple[str, int], bytes] = OrderedDict()
_CACHE_SIZE = 64
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
    cached = _CACHE.get(key)
    if cached is not None:
        _CACHE.move_to_end(key)
        return cached
    png = _pdf_page(data, page) if kind == "pdf" else _image_page(data, page)
    _CACHE[key] = png
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return png


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


def _pdf_page(data: bytes, page: int) -> bytes:
    with tempfile.TemporaryDirectory(prefix="invitebot-web-") as scratch:
        source = Path(scratch) / "in.pdf"
        source.write_bytes(data)
        try:
            done = subprocess.run(
                ["pdftoppm", "-png", "-r", str(PDF_DPI), "-f", str(page), "-l", str(page),
                 "-singlefile", str(source), str(Path(scratch) / "page")],
                capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RenderError(f"pdftoppm failed: {exc}") from None
        out = Path(scratch) / "page.png"
        if done.returncode != 0 or not out.is_file():
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise RenderError(f"cannot draw PDF page {page}: {reason[-1] if reason else '?'}")
        return out.read_bytes()

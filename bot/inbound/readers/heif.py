"""Reads HEIF/HEIC photos (what phones take) by converting them with libheif.

``heif-convert`` (Debian package libheif-examples) turns each top-level
image into a PNG in the private directory, through ``proc.run`` like every
external program here (timeout, memory cap); libheif applies the rotation
and mirroring stored in the file, so the page comes out upright. Each PNG
then goes through :func:`bot.inbound.readers.image.read_image` as a photo,
with its pixel limit and OCR. AVIF files have the same container and are
read the same way.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.inbound.readers import proc
from bot.inbound.readers.common import (
    TIMEOUT,
    TOO_MANY_PAGES,
    UNREADABLE,
    AttachmentText,
    ReadContext,
    failed,
)
from bot.inbound.readers.image import read_image

# ISO base media "ftyp" brands of HEIF images (and AVIF, which libheif reads too).
BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs",
                    b"mif1", b"msf1", b"avif", b"avis"})
_OUTPUT = re.compile(r"page(?:-(\d+))?\.png")


def is_heif(data: bytes) -> bool:
    """Does ``data`` start with an ISO base media "ftyp" box naming a HEIF brand?"""
    if data[4:8] != b"ftyp":
        return False
    size = int.from_bytes(data[:4], "big")
    if not 16 <= size <= 4096:
        return False
    # The major brand, then the compatible brands (skipping the minor version).
    brands = [data[8:12], *(data[i:i + 4] for i in range(16, min(size, len(data)), 4))]
    return any(brand in BRANDS for brand in brands)


def read_heif(data: bytes, ctx: ReadContext, tmp: Path) -> AttachmentText:
    """Convert every image of a HEIF file to PNG and read them as photos."""
    (tmp / "input.heif").write_bytes(data)
    done = proc.run_bounded(["heif-convert", "input.heif", "page.png"], ctx, tmp)
    if done.timed_out:
        return failed(TIMEOUT, "heif-convert took too long")
    # "page.png" for one image, "page-1.png", "page-2.png"… for several;
    # auxiliary images (depth maps) have other names and are not pages.
    found = sorted((int(m.group(1) or 0), p) for p in tmp.iterdir()
                   if (m := _OUTPUT.fullmatch(p.name)))
    if done.returncode != 0 or not found:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return failed(UNREADABLE, f"heif: {detail[-1] if detail else 'nothing decoded'}")
    result = AttachmentText(text="", engine="tesseract")
    if len(found) > ctx.limits.max_pages:
        result.flag(TOO_MANY_PAGES, f"{len(found)} images, read {ctx.limits.max_pages}")
    texts = []
    for index, (_, path) in enumerate(found[:ctx.limits.max_pages]):
        work = tmp / f"image-{index:03d}"
        work.mkdir()
        page = read_image(path.read_bytes(), ctx, work)
        path.unlink()
        texts.append(page.text)
        result.pages += page.pages
        result.engine = page.engine
        result.error = result.error or page.error
        result.needs_review = result.needs_review or page.needs_review
        result.flags.extend(f for f in page.flags if f not in result.flags)
    result.text = "\n\n".join(t for t in texts if t)
    return result

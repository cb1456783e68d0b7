"""Reads photos and scans (PNG, JPEG, TIFF, GIF, BMP, WEBP) by OCR.

Decides which frames are pages, refuses images whose header promises more
pixels than the limit before decoding them, puts camera photos upright (EXIF),
and hands grayscale pages to ``ocr``. The text goes back to ``attachments``.
"""

from __future__ import annotations

import functools
import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from bot.inbound.readers import ocr
from bot.inbound.readers.common import (
    TOO_MANY_PAGES,
    TOO_MANY_PIXELS,
    UNREADABLE,
    AttachmentText,
    ReadContext,
    ReadLimits,
    failed,
)
from bot.inbound.readers.pages import collect_pages

# A backstop for any Pillow use in this process; the per-call limit is checked first.
Image.MAX_IMAGE_PIXELS = ReadLimits().max_pixels

_DECODE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
)

# Formats whose extra frames are extra pages; in GIF/WEBP they are animation and
# in MPO (camera JPEG) a preview.
_PAGED_FORMATS = {"TIFF"}


def _save_pages(data: bytes, tmp: Path, limits: ReadLimits, result: AttachmentText) -> list[Path]:
    paths: list[Path] = []
    with warnings.catch_warnings():
        # A bomb warning is treated like the error: the explicit size check below decides.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as image:
            frames = getattr(image, "n_frames", 1) if image.format in _PAGED_FORMATS else 1
            if frames > limits.max_pages:
                result.flag(TOO_MANY_PAGES, f"{frames} frames, read {limits.max_pages}")
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                if index >= min(frames, limits.max_pages):
                    break
                width, height = frame.size
                if width * height > limits.max_pixels:
                    result.flag(TOO_MANY_PIXELS, f"frame {index + 1} is {width}x{height}")
                    continue
                page = ImageOps.exif_transpose(frame).convert("L")
                path = tmp / f"image-{index:03d}.png"
                # Fast PNG compression: blank areas stay small on disk, tesseract reads it.
                page.save(path, format="PNG", compress_level=1)
                paths.append(path)
    return paths


def read_image(data: bytes, ctx: ReadContext, tmp: Path) -> AttachmentText:
    """OCR every page of an image file."""
    result = AttachmentText(text="", engine="tesseract")
    try:
        paths = _save_pages(data, tmp, ctx.limits, result)
    except Image.DecompressionBombError as exc:
        return failed(TOO_MANY_PIXELS, str(exc))
    except _DECODE_ERRORS as exc:
        return failed(UNREADABLE, f"image: {exc}")
    if not paths:
        result.engine = "none"
        result.flag(UNREADABLE, "no page could be decoded")
        return result
    lang, _missing = ocr.tesseract_languages(ctx.languages)
    jobs = [functools.partial(ocr.ocr_page, path, lang, ctx) for path in paths]
    collect_pages(result, ocr.run_pages(jobs))
    return result

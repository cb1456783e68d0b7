"""Read stage, attachments: turns one attachment's bytes into text, safely.

Decides the format from the bytes (never trusting the filename, never using
it as a path), picks the reader (PDF text layer or OCR, image OCR, HEIC photos, DOCX,
ODT, legacy Word .doc through antiword, ZIP, plain text, HTML) and bounds the
work by ``ReadLimits``. It never raises on bad input: problems become flags
and ``needs_review``. The text goes next to extraction (decision and
delegates); flagged results also reach the review queue.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from bot.inbound.readers import cache, ocr, sniff
from bot.inbound.readers.archive import read_zip
from bot.inbound.readers.common import (
    MISSING_LANGUAGE,
    TOO_LARGE,
    UNREADABLE,
    UNSUPPORTED,
    AttachmentText,
    Deadline,
    ReadContext,
    ReadLimits,
    failed,
)
from bot.inbound.readers.doc import read_doc
from bot.inbound.readers.docx import read_docx
from bot.inbound.readers.heif import read_heif
from bot.inbound.readers.image import read_image
from bot.inbound.readers.markup import decode_text, html_to_text
from bot.inbound.readers.odt import read_odt
from bot.inbound.readers.pdf import read_pdf
from bot.inbound.readers.proc import ToolMissingError

__all__ = ["AttachmentText", "ReadLimits", "read_attachment"]

# Declared types that are never plain text: text bytes under these names are a lie.
_BINARY_HINTS = ("application/pdf", "image/", "application/msword", "application/vnd.")


def _read_text(data: bytes, content_type: str, kind: str) -> AttachmentText:
    text = decode_text(data, content_type)
    if kind == sniff.HTML:
        return AttachmentText(text=html_to_text(text), engine="html", pages=1)
    return AttachmentText(text=text.strip(), engine="plain", pages=1)


def _read(data: bytes, content_type: str, filename: str, ctx: ReadContext) -> AttachmentText:
    """Read one attachment or archive member; ``filename`` is only a hint."""
    if len(data) > ctx.limits.max_input_bytes:
        return failed(TOO_LARGE, f"{len(data)} bytes, limit {ctx.limits.max_input_bytes}")
    kind = sniff.sniff(data, content_type, filename)
    declared_binary = content_type.lower().startswith(_BINARY_HINTS) or filename.lower().endswith(
        (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif", ".docx", ".doc",
         ".odt", ".zip")
    )
    if kind == sniff.OFFICE:
        return failed(UNSUPPORTED, "office document other than DOCX, ODT or DOC")
    if kind is None or (kind in (sniff.TEXT, sniff.HTML) and declared_binary):
        if declared_binary:
            return failed(UNREADABLE, f"content does not match {content_type or filename!r}")
        return failed(UNSUPPORTED, f"unsupported content {content_type!r}")
    if kind in (sniff.TEXT, sniff.HTML):
        return _read_text(data, content_type, kind)
    if kind == sniff.DOCX:
        return read_docx(data, ctx)
    if kind == sniff.ODT:
        return read_odt(data, ctx)
    if kind == sniff.ZIP:
        return read_zip(data, ctx, _read)
    # Fixed names inside a private directory: nothing the sender wrote becomes a path.
    with tempfile.TemporaryDirectory(prefix="invitebot-read-") as tmp:
        if kind == sniff.PDF:
            return read_pdf(data, ctx, Path(tmp))
        if kind == sniff.HEIF:
            return read_heif(data, ctx, Path(tmp))
        if kind == sniff.DOC:
            return read_doc(data, ctx, Path(tmp))
        return read_image(data, ctx, Path(tmp))


def read_attachment(
    data: bytes,
    content_type: str,
    filename: str,
    languages: Sequence[str],
    *,
    cache_dir: Path | None = None,
    limits: ReadLimits = ReadLimits(),  # noqa: B008 - frozen dataclass, safe as a default.
) -> AttachmentText:
    """Text of an attachment; problems are flagged, never raised."""
    try:
        lang, missing = ocr.tesseract_languages(languages)
        key = cache.cache_key(data, lang, ocr.tesseract_version(), limits)
        if cache_dir is not None and (hit := cache.load(cache_dir, key)) is not None:
            return hit
        ctx = ReadContext(
            languages=list(languages),
            limits=limits,
            deadline=Deadline.after(limits.total_timeout_s),
            zip_budget=limits.max_zip_total,
        )
        result = _read(data, content_type, filename, ctx)
        if missing and result.engine not in ("plain", "html", "docx", "odt", "antiword"):
            result.flag(MISSING_LANGUAGE, f"no tesseract data for {', '.join(missing)}")
        if cache_dir is not None:
            cache.store(cache_dir, key, result)
        return result
    except ToolMissingError as exc:
        return failed(UNREADABLE, str(exc))
    except Exception as exc:
        return failed(UNREADABLE, f"{type(exc).__name__}: {exc}")

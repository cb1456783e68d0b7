"""Decides what an attachment is from its first bytes, not from what the sender says.

The declared content type and filename only break ties for formats without
a signature (plain text, HTML). The kind picks the reader in ``attachments``.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from bot.inbound.readers.heif import is_heif
from bot.inbound.readers.zipguard import count_entries

PDF = "pdf"
IMAGE = "image"
HEIF = "heif"
DOCX = "docx"
ODT = "odt"
# Word 97-2003 binary: an OLE2 compound file (old .xls and .ppt share the signature).
DOC = "doc"
ZIP = "zip"
HTML = "html"
TEXT = "text"
# XLSX, PPTX, ODS, ODP: ZIP packages whose members are not attachments in their own right.
OFFICE = "office"

MAX_SNIFF_ENTRIES = 1000
# An OpenDocument ``mimetype`` member is one short line; more is not one.
MAX_MIMETYPE_BYTES = 256
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"

# Ordered: the first matching signature wins.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", IMAGE),
    (b"\xff\xd8\xff", IMAGE),
    (b"II*\x00", IMAGE),
    (b"MM\x00*", IMAGE),
    (b"GIF87a", IMAGE),
    (b"GIF89a", IMAGE),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", DOC),
)


def _mimetype(archive: zipfile.ZipFile) -> bytes:
    """The OpenDocument ``mimetype`` member, read no further than a real one goes."""
    try:
        with archive.open("mimetype") as member:
            mimetype = member.read(MAX_MIMETYPE_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError, zlib.error):
        # Encrypted, oddly compressed or corrupt: not an ODT we can read.
        return b""
    return mimetype.strip() if len(mimetype) <= MAX_MIMETYPE_BYTES else b""


def _zip_kind(data: bytes) -> str:
    if count_entries(data) > MAX_SNIFF_ENTRIES:
        # Too many members for any office document; the archive reader refuses it.
        return ZIP
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and _mimetype(archive) == ODT_MIMETYPE:
                return ODT
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP
    if "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names or "mimetype" in names:
        return OFFICE
    return ZIP


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    control = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f")
    return control <= len(sample) // 100


def sniff(data: bytes, content_type: str, filename: str) -> str | None:
    """The reader kind for ``data``, or None when nothing here can read it."""
    # PDF readers accept junk before the header; so do we, within the first KiB.
    if b"%PDF-" in data[:1024]:
        return PDF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return IMAGE
    if is_heif(data):
        return HEIF
    # BMP's two-letter magic is checked with its reserved zero bytes, or "BMW..." is an image.
    if data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00":
        return IMAGE
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return _zip_kind(data) if kind == ZIP else kind
    if not _looks_like_text(data):
        return None
    head = data[:2048].lstrip().lower()
    hint = content_type.lower()
    if "html" in hint or head.startswith((b"<!doctype html", b"<html")):
        return HTML
    if hint.startswith("text/") or filename.lower().endswith((".txt", ".csv", ".htm", ".html")):
        return HTML if filename.lower().endswith((".htm", ".html")) else TEXT
    return TEXT if data.strip() else None

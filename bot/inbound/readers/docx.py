"""Reads Word (DOCX) replies: paragraphs, then tables with cells joined by `` | ``.

Decides nothing about meaning; it keeps document order so a delegation table
stays one row per line for the extractor. The ZIP container is checked for
bombs before python-docx opens it. The text goes back to ``attachments``.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from bot.inbound.readers.common import (
    UNREADABLE,
    ZIP_TOO_LARGE,
    AttachmentText,
    ReadContext,
    document_text,
    failed,
)
from bot.inbound.readers.zipguard import ZipRefusedError, open_checked

# A real DOCX has a few dozen parts; thousands means something else is going on.
MAX_DOCX_PARTS = 1000


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells: list[str] = []
        seen: list[Any] = []
        for cell in row.cells:
            # Merged cells come back once per grid column; keep each cell once.
            if any(cell._tc is other for other in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def _document_lines(document: Any) -> list[str]:
    lines: list[str] = []
    for section in document.sections:
        # Letterheads often live in the header and name the mission.
        for paragraph in section.header.paragraphs:
            if paragraph.text.strip() and paragraph.text.strip() not in lines:
                lines.append(paragraph.text.strip())
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.extend(_table_lines(block))
    return lines


def read_docx(data: bytes, ctx: ReadContext) -> AttachmentText:
    """Text of a DOCX in document order."""
    try:
        open_checked(data, max_total=ctx.limits.max_zip_total, max_members=MAX_DOCX_PARTS).close()
    except ZipRefusedError as exc:
        return failed(ZIP_TOO_LARGE, f"docx: {exc}")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return failed(UNREADABLE, f"docx: {exc}")
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _document_lines(document)
    except Exception as exc:
        return failed(UNREADABLE, f"docx: {type(exc).__name__}: {exc}")
    return document_text(lines, "docx")

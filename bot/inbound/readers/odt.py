"""Reads OpenDocument text (ODT, LibreOffice) replies: paragraphs and tables in document order.

Like the DOCX reader it decides nothing about meaning: each paragraph or
heading becomes a line, each table row a line with cells joined by `` | ``,
so a delegation table stays one row per line for the extractor. The
letterhead in the master page's header (``styles.xml``) comes first. The ZIP
container is checked for bombs before anything is inflated, and the XML is
parsed without entities, network or huge-tree mode. The text goes back to
``attachments``; no LibreOffice is involved.
"""

from __future__ import annotations

import re
import zipfile
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from bot.inbound.readers.common import (
    UNREADABLE,
    ZIP_TOO_LARGE,
    AttachmentText,
    ReadContext,
    document_text,
    failed,
)
from bot.inbound.readers.docx import MAX_DOCX_PARTS
from bot.inbound.readers.zipguard import ZipRefusedError, open_checked

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"

PARAGRAPHS = frozenset({f"{{{_TEXT}}}p", f"{{{_TEXT}}}h"})
TABLE = f"{{{_TABLE}}}table"
CELL = f"{{{_TABLE}}}table-cell"
ROW = f"{{{_TABLE}}}table-row"
# Groups of rows inside a table; rows are found through these, never through nested tables.
ROW_GROUPS = frozenset({f"{{{_TABLE}}}{name}" for name in
                        ("table-header-rows", "table-rows", "table-row-group")})
SPACE = f"{{{_TEXT}}}s"
TAB = f"{{{_TEXT}}}tab"
LINE_BREAK = f"{{{_TEXT}}}line-break"
# Not the document's text: deleted revisions, comments, footnote bodies, field declarations.
SKIPPED = frozenset({f"{{{_TEXT}}}tracked-changes", f"{{{_OFFICE}}}annotation",
                     f"{{{_TEXT}}}note", f"{{{_TEXT}}}sequence-decls",
                     f"{{{_TEXT}}}variable-decls", f"{{{_OFFICE}}}forms"})
# ``text:s text:c="1000000000"`` must not become a gigabyte of spaces.
MAX_SPACES = 100
_WHITESPACE = re.compile(r"[ \t\r\n]+")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                           load_dtd=False, remove_comments=True, remove_pis=True)


def _is_element(node: Any) -> bool:
    # Unresolved entity references are nodes too; their tag is not a string.
    return isinstance(node.tag, str)


def _collapse(text: str | None) -> str:
    # ODF collapses white space in text content; explicit spaces are text:s elements.
    return _WHITESPACE.sub(" ", text) if text else ""


def _inline(element: Any) -> str:
    parts = [_collapse(element.text)]
    for child in element:
        if _is_element(child) and child.tag not in SKIPPED:
            if child.tag == SPACE:
                count = child.get(f"{{{_TEXT}}}c", "1")
                parts.append(" " * min(int(count) if count.isdigit() else 1, MAX_SPACES))
            elif child.tag == TAB:
                parts.append("\t")
            elif child.tag == LINE_BREAK:
                parts.append("\n")
            else:
                parts.append(_inline(child))
        parts.append(_collapse(child.tail))
    return "".join(parts)


def _rows(table: Any) -> list[Any]:
    rows = []
    for child in table:
        if child.tag == ROW:
            rows.append(child)
        elif child.tag in ROW_GROUPS:
            rows.extend(_rows(child))
    return rows


def _table_lines(table: Any) -> list[str]:
    lines = []
    for row in _rows(table):
        # Covered cells (the hidden part of a merged cell) are another tag: each cell once.
        cells = [" ".join(" ".join(_block_lines(cell)).split()) for cell in row if cell.tag == CELL]
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def _block_lines(element: Any) -> list[str]:
    lines: list[str] = []
    for child in element:
        if not _is_element(child) or child.tag in SKIPPED:
            continue
        if child.tag in PARAGRAPHS:
            lines.append(_inline(child).strip())
        elif child.tag == TABLE:
            lines.extend(_table_lines(child))
        else:
            # Lists, list items, sections, frames: their paragraphs, in order.
            lines.extend(_block_lines(child))
    return lines


def _header_lines(styles: Any) -> list[str]:
    lines: list[str] = []
    for header in styles.iterfind(f".//{{{_OFFICE}}}master-styles/{{{_STYLE}}}master-page/"
                                  f"{{{_STYLE}}}header"):
        for line in _block_lines(header):
            if line and line not in lines:
                lines.append(line)
    return lines


def _document_lines(archive: zipfile.ZipFile) -> list[str]:
    lines: list[str] = []
    if "styles.xml" in archive.namelist():
        lines.extend(_header_lines(etree.fromstring(archive.read("styles.xml"), _parser())))
    content = etree.fromstring(archive.read("content.xml"), _parser())
    for body in content.iterfind(f"{{{_OFFICE}}}body/{{{_OFFICE}}}text"):
        lines.extend(_block_lines(body))
    return lines


def read_odt(data: bytes, ctx: ReadContext) -> AttachmentText:
    """Text of an ODT in document order."""
    try:
        archive = open_checked(data, max_total=ctx.limits.max_zip_total,
                               max_members=MAX_DOCX_PARTS)
    except ZipRefusedError as exc:
        return failed(ZIP_TOO_LARGE, f"odt: {exc}")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return failed(UNREADABLE, f"odt: {exc}")
    try:
        with archive:
            lines = _document_lines(archive)
    except Exception as exc:
        return failed(UNREADABLE, f"odt: {type(exc).__name__}: {exc}")
    return document_text(lines, "odt")

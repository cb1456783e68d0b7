"""Spreadsheet-safe cell values: text from mail never becomes a formula.

A subject such as ``=HYPERLINK("http://…"&A2,"x")`` or a delegate named
``=1+1`` is data written by a stranger. In a CSV, a spreadsheet reads any
value starting with ``= + - @``, a tab or a carriage return as a formula,
so such values get a leading ``'`` (OWASP's CSV injection rule). In an
XLSX, every string is stored as a string cell, never as a formula, and the
control characters the format cannot hold become U+FFFD instead of
failing the export.
"""

from __future__ import annotations

import re
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The characters XML 1.0 (and so XLSX) cannot carry; openpyxl refuses them.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_value(value: Any) -> Any:
    """The value as a CSV cell: None is empty; text that could start a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """Text an XLSX string cell can hold (no XML-illegal control characters)."""
    return _XML_ILLEGAL.sub("\ufffd", value)


def append_row(sheet: Any, values: list[Any]) -> None:
    """Append ``values`` to an openpyxl worksheet, every string typed as a string cell.

    ``Worksheet.append`` types a string starting with ``=`` as a formula;
    resetting the type of each string cell afterwards keeps it inert text.
    """
    clean = [xlsx_text(v) if isinstance(v, str) else v for v in values]
    sheet.append(clean)
    for cell, value in zip(sheet[sheet.max_row], clean, strict=False):
        if isinstance(value, str):
            cell.data_type = "s"

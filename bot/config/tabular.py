"""Read a mission list as staff make it: CSV in any usual encoding and delimiter, or XLSX.

Returns the header and the rows as strings with their line numbers, plus a
note of what was detected (``"UTF-8 with BOM, ';'-separated"``), which
``check`` shows so a wrong guess is seen before anything is sent.

Encodings tried in order: UTF-8 (with or without BOM), then Windows-1252;
a byte that Windows-1252 leaves undefined falls back to Latin-1, which
decodes every byte. Delimiters: ``,`` ``;`` and tab, sniffed from the header
line (the one line whose content we know: column names).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError

_DELIMITERS = {",": "','", ";": "';'", "\t": "tab"}


@dataclass(frozen=True)
class Table:
    """A header and its rows (line number, values), with how the file was read."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]]
    detected: str


def read_table(path: Path) -> Table:
    """The rows of ``path`` (CSV or XLSX); a one-line ConfigError when it cannot be read."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read mission list: {exc.strerror}") from None
    text, encoding = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            if not header:
                header = [_column(v) for v in values]
                continue
            if not any(v.strip() for v in values):
                continue
            rows.append((reader.line_num, dict(zip(header, values, strict=False))))
    except csv.Error as exc:
        raise ConfigError(f"{path}:{reader.line_num}: unreadable CSV: {exc}") from None
    return Table(header, rows, f"{encoding}, {_DELIMITERS[delimiter]}-separated")


def _column(name: str) -> str:
    return "_".join(name.strip().lower().split())


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (not UTF-8)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (not UTF-8)"


def _read_xlsx(path: Path) -> Table:
    from openpyxl import load_workbook  # only XLSX lists pay for the import

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ConfigError(f"{path}: cannot read the workbook: {exc}") from None
    try:
        sheet = book.worksheets[0]
        header: list[str] = []
        rows: list[tuple[int, dict[str, str]]] = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = ["" if c is None else str(c) for c in cells]
            if not header:
                header = [_column(v) for v in values]
                continue
            if not any(v.strip() for v in values):
                continue
            rows.append((number, dict(zip(header, values, strict=False))))
        return Table(header, rows, f"XLSX, sheet {sheet.title!r}")
    finally:
        book.close()

"""Read a delegation table: rows of cells joined by " | ".

HTML and DOCX tables reach the extractor as one line per row.  A header row
("Name | Title | Role | E-mail | Tel.", in any of the six languages) maps
the columns; without one, each cell is classified by what it looks like.
A "Role" column is a role context, so "Conseiller" there means adviser,
while the same word in a "Title" column stays a diplomatic rank.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.extract.fields import role_of
from bot.extract.lexicon import header_kind
from bot.extract.model import DelegateCandidate
from bot.extract.names import HONORIFIC_RE, split_cell_name
from bot.extract.names_zh import ZH_NAME_RE, is_zh_addressed_cell, is_zh_bare_name
from bot.extract.phones import EMAIL_RE, PHONE_RE, find_contacts

_SEPARATOR_ROW_RE: Final = re.compile(r"^[\s|:\-–—=+]*$")
_CAPS_NAME_RE: Final = re.compile(r"\b[A-ZÀ-ÞА-ЯЁ]{2,}\b")


def is_table_row(line: str) -> bool:
    if "|" not in line:
        # A plain-text table pasted from a spreadsheet or Outlook (tidy() turns
        # the gaps into " | " first): tab-separated, three cells or more (two
        # could be "Tel.:<TAB>number").
        return "\t" in line and len([c for c in line.split("\t") if c.strip()]) >= 3
    return len([c for c in line.split("|") if c.strip()]) >= 2 or bool(
        _SEPARATOR_ROW_RE.match(line)
    )


def has_name_header(text: str) -> bool:
    """Whether `text` lists people as a table or a form: a delegation list.

    A table whose header names a name column, or form-style lines
    ("Name: ...", "Position: ...", "姓名：……") with a name label and another one.
    """
    labels: set[str | None] = set()
    for line in text.split("\n"):
        if is_table_row(line):
            kinds = [header_kind(c) for c in _cells(line)]
            if "name" in kinds and sum(k is not None for k in kinds) >= 2:
                return True
        label = _FORM_LABEL_RE.match(line)
        if label:
            labels.add(header_kind(label.group(1)))
    return "name" in labels and bool(labels & {"title", "role"})


_FORM_LABEL_RE: Final = re.compile(r"^\s*([^:：\n|]{1,30}?)\s*[:：]")


_CELL_MARKER_RE: Final = re.compile(r"^(?:[(（]\d{1,2}[)）]|\d{1,2}[.)]|\d{1,2} ?[-–](?= ))\s*")


_CONTACT_LABEL_TAIL_RE: Final = re.compile(r"[\w .\-]{0,20}[:：]\s*$")
_ROLE_LABEL_RE: Final = re.compile(r"([^:：|]{1,30}?)\s*[:：]\s*(\S.*)")
_ROLE_PARENS_RE: Final = re.compile(r"(.+?)\s*[(（]([^()（）]{1,30})[)）]")
_NAME_TITLE_COMMA_RE: Final = re.compile(r"\s*[,،，]\s*")
_LOWER_START_RE: Final = re.compile(r"[a-zà-ÿа-яё]")


def _name_and_title(cell: str) -> tuple[str, str | None]:
    """A name cell holding "NAME, title" ("ДАДАШОВ Эльдар, заместитель …",
    "السيد خالد الحارثي، مدير …"): the name and the title after the comma.

    "SMITH, John" and "GARCÍA LÓPEZ, María" (surnames, then the given name)
    stay whole: the part before the comma must hold a given name too, or be
    in a script without case.
    """
    parts = _NAME_TITLE_COMMA_RE.split(cell, maxsplit=1)
    if len(parts) < 2 or not re.search(r"\w{2}", parts[1]):
        return cell, None
    honorific, name = split_cell_name(parts[0])
    words = name.split()
    if is_zh_bare_name(name) or ZH_NAME_RE.fullmatch(name):
        return parts[0], parts[1]
    if not 2 <= len(words) <= 6 or _LOWER_START_RE.match(words[0]):
        return cell, None
    cased = [w for w in words if w[:1].isupper() or w[:1].islower()]
    if cased and all(w.isupper() for w in cased) and not honorific:
        return cell, None
    return parts[0], parts[1]


def _cells(line: str) -> list[str]:
    separator = "|" if "|" in line else "\t"
    line = line.strip()
    if separator == "|" and len(line) > 1 and line[0] == line[-1] == "|":
        # A Markdown row ("| a | b |") has its pipes at both ends; one pipe at
        # one end only is an empty first or last cell, kept for the columns.
        line = line[1:-1]
    return [re.sub(r"\s+", " ", c).strip() for c in line.split(separator)]


def read_table(
    rows: list[str], *, region: str | None, exclude: Iterable[str], source: str
) -> list[DelegateCandidate]:
    """Delegate candidates from the rows of one table."""
    excluded = list(exclude)
    header: list[str | None] | None = None
    out: list[DelegateCandidate] = []
    for line in rows:
        if _SEPARATOR_ROW_RE.match(line):
            continue
        cells = _cells(line)
        kinds = [header_kind(c) for c in cells]
        if sum(k is not None for k in kinds) >= 2:
            header = kinds
            continue
        if header and "name" not in header:
            # A header we could read without its name column ("Nom et prénoms"
            # in a spelling we do not know): the cells by what they look like.
            candidate = _row_by_shape(cells, region, excluded, source)
        elif header and len(cells) < len(header):
            # A row short of cells (a plain-text table with a gap lost, a
            # Markdown row with empty ends) no longer lines up with the
            # header: read the cells by what they look like.
            candidate = _row_by_shape(cells, region, excluded, source)
        elif header:
            candidate = _row_with_header(cells, header, region, excluded, source)
        else:
            candidate = _row_by_shape(cells, region, excluded, source)
        if candidate is not None:
            out.append(candidate)
    return out


def _row_with_header(
    cells: list[str], header: list[str | None], region: str | None, exclude: list[str],
    source: str,
) -> DelegateCandidate | None:
    values: dict[str, str] = {}
    extra: list[str] = []
    for kind, cell in zip(header, cells, strict=False):
        if not cell:
            continue
        if kind is None and "role" not in values and role_of(cell, role_context=False):
            # A column under a header we do not know that holds "Suplente", "Head".
            values["role"] = cell
            continue
        if (kind == "title" and "title" in values and "role" not in header
                and role_of(cell, role_context=True)):
            # "Name | Title | Function": the second title-like column holds the
            # role in the delegation ("Head", "Alternate").
            values["role"] = cell
            continue
        if kind is None or kind == "skip":
            if kind is None:
                extra.append(cell)
            continue
        values[kind] = (values[kind] + " " + cell) if kind in values else cell
    if "name" not in values:
        return None
    name_cell, name_title = _name_and_title(values["name"])
    honorific, name = split_cell_name(name_cell)
    honorific = values.get("honorific") or honorific
    title = ", ".join(t for t in (name_title, values.get("title")) if t) or None
    contacts = find_contacts(
        " ; ".join(values.get(k, "") for k in ("email", "phone")) + " ; " + " ; ".join(extra),
        region, exclude,
    )
    role = role_of(values.get("role", ""), role_context=True) if "role" in values else None
    return _candidate(
        honorific, name, title, role or "member",
        contacts.emails, contacts.phones, source, with_header=True,
    )


def _row_by_shape(
    cells: list[str], region: str | None, exclude: list[str], source: str
) -> DelegateCandidate | None:
    name_cell: str | None = None
    title_parts: list[str] = []
    role: str | None = None
    contact_text: list[str] = []
    for at, cell in enumerate(cells):
        # "（1）团长 | 司法部国际合作局局长 | 慕容雪": the item number is no field.
        cell = _CELL_MARKER_RE.sub("", cell)
        if not cell or re.fullmatch(r"\d{1,2}[.)]?", cell):
            continue
        labelled = _ROLE_LABEL_RE.match(cell)
        if labelled and role is None and role_of(labelled.group(1), role_context=True):
            # "团长：国家移民管理局副司长 | 蒋文华": the role label opens the row.
            role = role_of(labelled.group(1), role_context=True)
            cell = labelled.group(2).strip()
        marked = _ROLE_PARENS_RE.fullmatch(cell)
        if marked and role is None and role_of(marked.group(2), role_context=True):
            # "魏晓东（团长）": a role in parentheses after the name.
            role = role_of(marked.group(2), role_context=True)
            cell = marked.group(1).strip()
        digits = sum(ch.isdigit() for ch in cell)
        if EMAIL_RE.search(cell) or (PHONE_RE.search(cell) and digits >= 7):
            contact_text.append(cell)
            rest = _CONTACT_LABEL_TAIL_RE.sub("", EMAIL_RE.sub("", cell)).strip(" ,;，；")
            if not EMAIL_RE.search(cell) or not re.search(r"\w{2}", rest) or PHONE_RE.search(rest):
                continue
            # "司法部国际合作局一级主任科员 baixue@moj.example": a title with its e-mail.
            cell = rest
        cell_role = role_of(cell, role_context=True)
        if cell_role and role is None:
            role = cell_role
            continue
        if name_cell is None and (
            HONORIFIC_RE.match(cell) or ZH_NAME_RE.match(cell) or _CAPS_NAME_RE.search(cell)
            or is_zh_bare_name(cell)
            or is_zh_addressed_cell(cell, cells[at + 1] if at + 1 < len(cells) else "")
        ):
            name_cell = cell
            continue
        title_parts.append(cell)
    if name_cell is None:
        return None
    contacts = find_contacts(" ; ".join(contact_text), region, exclude)
    name_cell, name_title = _name_and_title(name_cell)
    if name_title:
        title_parts.insert(0, name_title)
    honorific, name = split_cell_name(name_cell)
    return _candidate(
        honorific, name, ", ".join(title_parts) or None, role or "member",
        contacts.emails, contacts.phones, source, with_header=False,
    )


def _candidate(
    honorific: str | None, name: str, title: str | None, role: str, emails: list[str],
    phones: list[str], source: str, *, with_header: bool,
) -> DelegateCandidate | None:
    name = name.strip(" ,;.")
    if not name or len(name.split()) > 8 or not re.search(r"\w", name):
        return None
    confidence = 0.92 if with_header else 0.8
    if honorific:
        confidence += 0.03
    return DelegateCandidate(
        honorific=honorific, name=name, title=title, role=role,
        email=emails[0] if emails else None, phone=phones[0] if phones else None,
        confidence=round(min(confidence, 0.99), 2), source=source,
    )

"""``invitebot export --format participants``: the list of participants (DOCX or PDF).

Laid out the way UN secretariats publish it: sections in United Nations
order (Member States, Observer States, intergovernmental organizations,
other entities), in each the names in alphabetical order in capitals, then
one line per delegate, head of delegation first: ``H.E. Mr. John SMITH,
Ambassador, Permanent Representative``. Only missions that accepted (or
sent delegates without declining) appear. The heading is
``meeting.display_title`` (the mid-sentence ``title`` with a capital when
none is set). The PDF is drawn by :mod:`bot.service.participants_pdf`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date

from bot.results.records import DelegateRecord, MissionRecord, ordered_delegates

# The mission list's types, in the order a list of participants gives them.
SECTIONS = (("member_state", "Member States"), ("observer_state", "Observer States"),
            ("igo", "Intergovernmental organizations"), ("other", "Other entities"))


def surname_caps(name: str) -> str:
    """``John Smith`` → ``John SMITH``; a name already showing its surname in capitals stays."""
    words = name.split()
    if any(len(w) > 1 and w.isupper() for w in words) or len(words) < 2:
        return " ".join(words)
    return " ".join([*words[:-1], words[-1].upper()])


def participant_line(person: DelegateRecord) -> str:
    head = " ".join(p for p in (person.honorific, surname_caps(person.name)) if p)
    return f"{head}, {person.title}" if person.title else head


def _sort_key(country: str) -> str:
    # Accents must not send "Égypte" after "Zambia".
    plain = unicodedata.normalize("NFKD", country)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def attending(records: Sequence[MissionRecord]) -> list[MissionRecord]:
    chosen = [r for r in records if r.delegates and r.decision != "decline"]
    return sorted(chosen, key=lambda r: (_sort_key(r.country), r.code))


def sections(records: Sequence[MissionRecord],
             types: Mapping[str, str]) -> list[tuple[str, list[MissionRecord]]]:
    """(heading, missions) in UN order; a code missing from ``types`` is a Member State."""
    present = attending(records)
    out = []
    for kind, heading in SECTIONS:
        members = [r for r in present if types.get(r.code, "member_state") == kind]
        if members:
            out.append((heading, members))
    return out


def participants_text(records: Sequence[MissionRecord],
                      types: Mapping[str, str] | None = None) -> str:
    """The same list as plain text (for a terminal, and for tests)."""
    lines: list[str] = []
    grouped = sections(records, types or {})
    for heading, members in grouped:
        if types is not None:
            lines.extend([heading.upper(), ""])
        for record in members:
            lines.append(record.country.upper())
            lines.extend(participant_line(p) for p in ordered_delegates(record))
            lines.append("")
    return "\n".join(lines)


def participants_docx(records: Sequence[MissionRecord], *, title: str, reference: str,
                      issued: date, types: Mapping[str, str] | None = None) -> bytes:
    """Render the list of participants as a DOCX document (A4, page numbers)."""
    # Here, not at the top: python-docx is slow to import, and only this export needs it.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    _page_number_footer(section.footer.paragraphs[0])
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(11)
    top = document.add_paragraph(reference)
    top.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub_run = sub.add_run("List of participants")
    sub_run.bold = True
    sub_run.font.size = Pt(13)
    document.add_paragraph(f"As of {issued.isoformat()}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    for name, members in sections(records, types or {}):
        if types is not None:
            part = document.add_paragraph()
            part.paragraph_format.space_before = Pt(18)
            part.paragraph_format.keep_with_next = True
            part_run = part.add_run(name)
            part_run.bold, part_run.underline = True, True
        for record in members:
            country = document.add_paragraph()
            country.paragraph_format.space_before = Pt(12)
            country.paragraph_format.keep_with_next = True
            country_run = country.add_run(record.country.upper())
            country_run.bold = True
            for person in ordered_delegates(record):
                line = document.add_paragraph(participant_line(person))
                line.paragraph_format.left_indent = Pt(18)
                line.paragraph_format.space_after = Pt(0)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page_number_footer(paragraph: object) -> None:
    """A centred PAGE field: Word fills in the number of each page."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER  # type: ignore[attr-defined]
    run = paragraph.add_run()  # type: ignore[attr-defined]
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)

"""``invitebot export --format participants``: the list of participants (DOCX).

Laid out the way UN secretariats publish it: countries in alphabetical
order, each under its name in capitals, then one line per delegate, head of
delegation first: ``H.E. Mr. John SMITH, Ambassador, Permanent
Representative``. Only missions that accepted (or sent delegates without
declining) appear.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import date

from bot.results.records import DelegateRecord, MissionRecord, ordered_delegates


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


def participants_text(records: Sequence[MissionRecord]) -> str:
    """The same list as plain text (for a terminal, and for tests)."""
    lines: list[str] = []
    for record in attending(records):
        lines.append(record.country.upper())
        lines.extend(participant_line(p) for p in ordered_delegates(record))
        lines.append("")
    return "\n".join(lines)


def participants_docx(records: Sequence[MissionRecord], *, title: str, reference: str,
                      issued: date) -> bytes:
    """Render the list of participants as a DOCX document."""
    # Here, not at the top: python-docx is slow to import, and only this export needs it.
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = Document()
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
    for record in attending(records):
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

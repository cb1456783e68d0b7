"""The list of participants as a PDF: A4, "Page n of N" at the foot of each page.

Same content and order as the DOCX of :mod:`bot.service.participants`.
Drawn with fpdf2 in DejaVu Serif (Latin, Cyrillic, Greek), with DejaVu Sans
(Arabic letters) and WenQuanYi Micro Hei (Chinese) as fallbacks when the
system has them, so a delegate's name in any of the six languages prints
rather than turning into boxes. Arabic is printed unshaped (fpdf2 shapes
only with the optional uharfbuzz): names in Latin letters are the usual
case in a list of participants.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.results.records import MissionRecord, ordered_delegates
from bot.service.participants import participant_line, sections

FONTS = Path("/usr/share/fonts/truetype")
SERIF = FONTS / "dejavu" / "DejaVuSerif.ttf"
SERIF_BOLD = FONTS / "dejavu" / "DejaVuSerif-Bold.ttf"
FALLBACKS = (("sans", FONTS / "dejavu" / "DejaVuSans.ttf"),
             ("cjk", FONTS / "wqy" / "wqy-microhei.ttc"))


def participants_pdf(records: Sequence[MissionRecord], *, title: str, reference: str,
                     issued: date, types: Mapping[str, str] | None = None) -> bytes:
    """Render the list of participants as an A4 PDF with page numbers."""
    from fpdf import FPDF  # only this export pays for the import

    class _Document(FPDF):
        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("serif", size=9)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = _Document(format="A4", unit="mm")
    pdf.set_title(f"{reference}: List of participants")
    # The issue date, not the clock: the same list gives the same bytes.
    pdf.set_creation_date(datetime.combine(issued, time(0), tzinfo=UTC))
    pdf.add_font("serif", "", str(SERIF))
    pdf.add_font("serif", "B", str(SERIF_BOLD))
    fallbacks = []
    for name, path in FALLBACKS:
        if path.is_file():
            pdf.add_font(name, "", str(path))
            fallbacks.append(name)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks)
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("serif", size=10)
    pdf.cell(0, 6, reference, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(0, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("serif", "B", 12)
    pdf.cell(0, 7, "List of participants", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", size=10)
    pdf.cell(0, 6, f"As of {issued.isoformat()}", align="C", new_x="LMARGIN", new_y="NEXT")
    for heading, members in sections(records, types or {}):
        if types is not None:
            pdf.ln(6)
            pdf.set_font("serif", "B", 12)
            pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        for record in members:
            people = ordered_delegates(record)
            # Keep a name with its first delegate: start a new page rather
            # than leave the name alone at the foot of one.
            if pdf.will_page_break(6 + 3 + 6 * min(len(people), 2)):
                pdf.add_page()
            pdf.ln(3)
            pdf.set_font("serif", "B", 11)
            pdf.cell(0, 6, record.country.upper(), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("serif", size=11)
            for person in people:
                pdf.set_x(pdf.l_margin + 8)
                pdf.multi_cell(0, 6, participant_line(person), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

"""The list of participants as a PDF: A4, "Page n of N" at the foot of each page.

Same content and order as the DOCX of :mod:`bot.service.participants`.
Drawn with fpdf2 in DejaVu Serif (Latin, Cyrillic, Greek); a line with
Arabic letters is drawn in DejaVu Sans and a line with Chinese in
WenQuanYi Micro Hei when the system has them (both also cover Latin), so a
delegate's name in any of the six languages prints rather than turning into
boxes. The font is chosen per line, not through fpdf2's per-glyph fallback
fonts: with those, a line ending in a fallback font left the next line's
Latin text without its font (pdftotext: "No font in show"), and the
delegate after an Arabic or Chinese name vanished from the list. Text is
shaped by HarfBuzz (uharfbuzz), so Arabic letters join and run right to
left.
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
SCRIPT_FONTS = (("cjk", FONTS / "wqy" / "wqy-microhei.ttc"),
                ("sans", FONTS / "dejavu" / "DejaVuSans.ttf"))


def _needs(family: str, text: str) -> bool:
    if family == "cjk":
        return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)
    return any("\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f"
               or "\ufb50" <= ch <= "\ufefc" for ch in text)


def font_for(text: str, available: Sequence[str]) -> str:
    """The family that draws every letter of ``text``: Chinese, Arabic, else the serif."""
    return next((f for f in available if _needs(f, text)), "serif")


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
    available = []
    for name, path in SCRIPT_FONTS:
        if path.is_file():
            pdf.add_font(name, "", str(path))
            available.append(name)
    pdf.set_text_shaping(True)
    pdf.set_margins(25, 20, 25)
    pdf.set_auto_page_break(True, margin=22)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("serif", size=10)
    pdf.cell(0, 6, reference, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    family = font_for(title, available)
    pdf.set_font(family, "B" if family == "serif" else "", 13)
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
            for person in people:
                line = participant_line(person)
                pdf.set_font(font_for(line, available), size=11)
                pdf.set_x(pdf.l_margin + 8)
                pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())

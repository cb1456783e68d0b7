"""The list of participants as PDF and DOCX: A4, page numbers, sections in UN order.

The PDF is read back with poppler (pdftotext, pdftoppm) and pypdf; its first
page is rendered to PNG and checked for size and ink.
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from bot.results.records import DelegateRecord, MissionRecord
from bot.service.participants import participants_docx, participants_text
from bot.service.participants_pdf import participants_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
TITLE = "First informal meeting on the political declaration"


def _record(code: str, country: str, people: list[tuple[str, str, str | None]],
            decision: str = "accept") -> MissionRecord:
    record = MissionRecord(mission_id=hash(code) % 10_000, code=code, country=country,
                           email=f"{code.lower()}@missions.test", status="replied",
                           decision=decision)
    record.delegates = [DelegateRecord(h, n, t, r, None, None, 0.9) for h, n, t, r in
                        [(p[0].split(" ", 1)[0], p[0].split(" ", 1)[1], p[1], p[2])
                         for p in people]]
    return record


def _records() -> tuple[list[MissionRecord], dict[str, str]]:
    records = [
        _record("EU", "European Union", [("Mr. João Vale de Almeida", "Head of Delegation",
                                           "head")]),
        _record("VA", "Holy See", [("Msgr. Bernardito Auza", "Permanent Observer", "head")]),
        _record("BY", "Belarus", [("Ms. Ірына Вялічка", "Counsellor", "member")]),
        _record("IE", "Ireland", [("Ms. Aoife Byrne", "First Secretary", "member"),
                                  ("H.E. Mr. David Donoghue", "Ambassador", "head")]),
        _record("NO", "Norway", [("Mr. Ola Nordmann", "Adviser", "adviser")], "decline"),
    ]
    # Enough Member States to need a second page.
    for index in range(26):
        code = f"S{index:02d}"
        records.append(_record(code, f"State {chr(65 + index)}",
                               [(f"Mr. Person{index} Alpha", "Minister Counsellor", "head"),
                                (f"Ms. Person{index} Beta", "Second Secretary", "member")]))
    types = {"EU": "igo", "VA": "observer_state"}
    return records, types


def test_participants_pdf_is_a4_with_sections_in_un_order_and_page_numbers(
        tmp_path: Path) -> None:
    records, types = _records()
    pdf = tmp_path / "lop.pdf"
    pdf.write_bytes(participants_pdf(records, title=TITLE, reference="PGA 2017-06-13",
                                     issued=date(2017, 6, 15), types=types))
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in pt
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    pages = text.split("\f")
    assert "Page 1 of " + str(len(reader.pages)) in pages[0]
    assert f"Page 2 of {len(reader.pages)}" in pages[1]
    flat = " ".join(text.split())
    order = [flat.index(s) for s in ("Member States", "IRELAND", "STATE Z", "Observer States",
                                     "HOLY SEE", "Intergovernmental organizations",
                                     "EUROPEAN UNION")]
    assert order == sorted(order)
    # Head of delegation first, surname in capitals; a declining mission is absent.
    assert flat.index("H.E. Mr. David DONOGHUE, Ambassador") < flat.index("Ms. Aoife BYRNE")
    assert "NORWAY" not in flat and "Ms. Ірына ВЯЛІЧКА, Counsellor" in flat
    assert TITLE in flat

    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    [png] = list(tmp_path.glob("page*.png"))
    image = Image.open(png).convert("L")
    width, height = image.size
    assert abs(height / width - 297 / 210) < 0.01
    inked = sum(image.histogram()[:128])  # pixels darker than mid-grey
    assert inked > 0.002 * width * height  # text on the page, not a blank sheet


def test_a_latin_name_after_an_arabic_or_chinese_one_is_printed(tmp_path: Path) -> None:
    # With per-glyph fallback fonts, the line after an Arabic or Chinese name
    # lost its font: "Mr. Karim ADEL" vanished from the list (pdftotext: "No
    # font in show"). Arabic must also come out shaped, in reading order.
    records = [
        _record("EG", "Egypt", [("السيد أحمد حسن", "سفير", "head"),
                                ("Mr. Karim Adel", "Counsellor", "member")]),
        _record("CN", "China", [("先生 王伟", "大使", "head"),
                                ("Ms. Li Na", "Attaché", "member")]),
    ]
    pdf = tmp_path / "participants.pdf"
    pdf.write_bytes(participants_pdf(records, title=TITLE, reference="R", issued=date(2026, 1, 1)))
    read = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True)
    assert "No font" not in read.stderr, read.stderr
    for line in ("Mr. Karim ADEL, Counsellor", "Ms. Li NA, Attaché", "王伟"):
        assert line in read.stdout, read.stdout
    assert "أحمد حسن" in read.stdout, read.stdout  # unshaped, it read "نسح دمحأ"


def test_participants_docx_has_a4_sections_and_a_page_field(tmp_path: Path) -> None:
    from docx import Document

    records, types = _records()
    out = tmp_path / "lop.docx"
    out.write_bytes(participants_docx(records, title=TITLE, reference="PGA 2017-06-13",
                                      issued=date(2017, 6, 15), types=types))
    document = Document(str(out))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "PAGE" in section.footer._element.xml
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs.index("Member States") < paragraphs.index("Observer States") < (
        paragraphs.index("Intergovernmental organizations"))
    assert paragraphs[paragraphs.index("IRELAND") + 1] == "H.E. Mr. David DONOGHUE, Ambassador"
    lines = participants_text(records, types).split("\n")
    assert lines[:3] == ["MEMBER STATES", "", "BELARUS"]

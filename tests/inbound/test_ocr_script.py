"""OCR picks its models by the script of the page (issue 17: scans in all six languages).

With "ara+eng" tesseract reads some Arabic words with the English model
("بنجلون" came out as "olay", "سفير" as "ad"); with "ara" alone they are read
right. These tests run the real tesseract on rendered scans.
"""

from __future__ import annotations

import re

import docgen
import pytest

from bot.extract import extract_response
from bot.inbound.readers import ocr
from bot.inbound.readers.attachments import read_attachment

ARABIC_LETTER = (
    "تهدي البعثة الدائمة للمملكة المغربية تحياتها إلى الأمانة، وتتشرف بإبلاغها بأن الوفد "
    "سيتكون على النحو التالي:\n\n"
    "1. السيد يوسف بن عبد الكريم الزياني، سفير، رئيس الوفد\n"
    "2. السيدة فاطمة الزهراء بنجلون، مستشارة\n"
    "3. السيد حمزة العلوي، سكرتير أول\n"
)


def _langs(calls: list[list[str]]) -> list[str]:
    return [args[args.index("-l") + 1] for args in calls
            if args[0] == "tesseract" and "-l" in args]


@pytest.mark.ocr
def test_arabic_scan_is_read_with_the_arabic_model_alone(programs: list[list[str]]) -> None:
    scan = docgen.make_png(ARABIC_LETTER, lang="ar")
    result = read_attachment(scan, "image/png", "note.png", ["ar"])
    # Asked for "ara+eng"; OSD said Arabic. Only the English letterhead is then
    # re-read, on a strip of its own (latinpass), with English.
    assert _langs(programs) in (["ara"], ["ara", "eng"])
    # ara+eng read "بنجلون" as "olay" and "سفير" as "ad", with bidi marks around them.
    listed = [line for line in result.text.splitlines() if "السيد" in line]
    assert len(listed) == 3 and not any(re.search("[A-Za-z]", line) for line in listed)
    for word in ("الزياني", "سفير", "بنجلون", "حمزة العلوي"):
        assert word in result.text
    assert not any(ch in result.text for ch in "\u200e\u200f")
    names = [d.name for d in extract_response("", [result.text], language="ar").delegates]
    assert "يوسف بن عبد الكريم الزياني" in names and "حمزة العلوي" in names


@pytest.mark.ocr
def test_latin_page_in_a_six_language_campaign_is_read_with_latin_models(
        programs: list[list[str]]) -> None:
    letter = ("The Permanent Mission of Canada has the honour to inform that "
              "Ms. Alice Tremblay, Counsellor, will attend.")
    everyone = ["en", "fr", "es", "ru", "ar", "zh"]
    result = read_attachment(docgen.make_png(letter), "image/png", "note.png", everyone)
    (used,) = _langs(programs)
    assert set(used.split("+")) == {"eng", "fra", "spa", "rus"}
    assert "Alice Tremblay" in result.text


def test_script_choice() -> None:
    assert not ocr.needs_script("eng") and not ocr.needs_script("fra+eng")
    assert not ocr.needs_script("chi_sim") and not ocr.needs_script("rus+eng")
    assert ocr.needs_script("ara+eng") and ocr.needs_script("fra+spa+rus+ara+chi_sim")
    assert ocr.for_script("ara+eng", "Arabic") == "ara"
    assert ocr.for_script("fra+ara+chi_sim", "Han") == "chi_sim"
    assert ocr.for_script("ara+eng", "Han") == "ara+eng"  # no Chinese model asked for
    assert ocr.for_script("ara+eng", "") == "ara+eng"  # OSD unsure: every model
    assert ocr.for_script("ara+eng", "Latin") == "eng"

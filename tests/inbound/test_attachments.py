"""read_attachment on the documents missions actually send: each one read back to its words."""

from __future__ import annotations

import io
import subprocess
from collections.abc import Sequence
from pathlib import Path

import docgen
import pytest
from PIL import Image

from bot.inbound.readers import ocr, sniff
from bot.inbound.readers.attachments import AttachmentText, ReadLimits, read_attachment

LETTER = (
    "The Permanent Mission of Canada presents its compliments to the Secretariat "
    "and has the honour to inform that Ms. Alice Tremblay, Counsellor, will attend."
)


def osd_calls(calls: list[list[str]]) -> int:
    return sum(1 for args in calls if args[0] == "tesseract" and args[-2:] == ["--psm", "0"])


def read(data: bytes, content_type: str, languages: Sequence[str] = ("en",)) -> AttachmentText:
    result = read_attachment(data, content_type, "reply", languages)
    assert result.error is None or result.needs_review
    return result


def test_text_pdf_uses_the_text_layer() -> None:
    text = "Mission permanente de la France\nM. Jean-Pierre Dupont, Ministre conseiller"
    result = read(docgen.make_text_pdf(text), "application/pdf", ["fr"])
    assert result.engine == "pdftotext"
    assert "Jean-Pierre Dupont" in result.text
    assert result.pages == 1
    assert not result.needs_review


def test_plain_and_html_text() -> None:
    plain = read("Délégation: M. Dupont".encode("cp1252"), "text/plain")
    assert plain.engine == "plain" and "Délégation" in plain.text
    html = read(
        b"<html><style>p{}</style><body><p>Delegation</p><table>"
        b"<tr><th>Name</th><th>Title</th></tr><tr><td>Mr. A&amp;B</td><td>Counsellor</td></tr>"
        b"</table></body></html>",
        "text/html; charset=utf-8",
    )
    assert html.engine == "html"
    assert "Name | Title" in html.text and "Mr. A&B | Counsellor" in html.text
    assert "p{}" not in html.text


def test_docx_paragraphs_and_table() -> None:
    data = docgen.make_docx(
        "The Permanent Mission of Kenya",
        rows=[["Name", "Title"], ["Mr. John Kamau", "Counsellor"]],
    )
    # The declared type lies; the bytes decide.
    result = read(data, "application/octet-stream")
    assert result.engine == "docx"
    assert result.text.splitlines() == [
        "The Permanent Mission of Kenya",
        "Name | Title",
        "Mr. John Kamau | Counsellor",
    ]


def test_zip_containing_a_pdf() -> None:
    pdf = docgen.make_text_pdf("Mission of Peru\nMr. Luis Garcia, Minister")
    result = read(docgen.make_zip({"reply/letter.pdf": pdf}), "application/zip", ["es"])
    assert result.engine == "zip:pdftotext"
    assert "Luis Garcia" in result.text
    assert "=== reply/letter.pdf ===" in result.text


def test_unsupported_bytes_are_flagged_not_raised() -> None:
    result = read(bytes(range(256)) * 8, "application/octet-stream")
    assert result.engine == "none" and result.needs_review
    assert "unsupported" in result.flags


def test_other_office_packages_are_unsupported_not_dumped_as_xml() -> None:
    xlsx = docgen.make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"})
    result = read(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "unsupported" in result.flags and result.text == ""


def test_languages_map_to_tesseract_with_english() -> None:
    assert ocr.tesseract_languages(["fr"])[0] == "fra+eng"
    assert ocr.tesseract_languages(["ru-RU", "en"])[0] == "rus+eng"
    assert ocr.tesseract_languages(["ar"])[0] == "ara+eng"
    assert ocr.tesseract_languages([])[0] == "eng"
    # Chinese reads Latin itself; mixing in eng garbles names (see ocr.py).
    assert ocr.tesseract_languages(["zh"])[0] == "chi_sim"


@pytest.mark.ocr
def test_scanned_pdf_is_ocrd(programs: list[list[str]]) -> None:
    result = read(docgen.make_scanned_pdf(LETTER), "application/pdf")
    assert result.engine == "tesseract"
    # A page that is one upright JPEG is taken out as it is, not re-rendered.
    started = [args[0] for args in programs]
    assert "pdfimages" in started and "pdftoppm" not in started
    assert "Alice Tremblay" in result.text
    assert "PERMANENT MISSION" in result.text  # the letterhead


@pytest.mark.ocr
def test_png_scan_with_noise_skew_and_letterhead() -> None:
    result = read(docgen.make_png(LETTER, rotate=1.5), "image/png")
    assert result.engine == "tesseract"
    assert "Alice Tremblay" in result.text and "PERMANENT MISSION" in result.text


@pytest.mark.ocr
@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "BMP"])
def test_other_image_formats(fmt: str) -> None:
    page = Image.open(io.BytesIO(docgen.make_png(LETTER)))
    buffer = io.BytesIO()
    page.save(buffer, fmt)
    result = read(buffer.getvalue(), "application/octet-stream")
    assert result.engine == "tesseract"
    assert "Alice Tremblay" in result.text


@pytest.mark.ocr
def test_jpeg_photo_with_exif_rotation(programs: list[list[str]]) -> None:
    data = docgen.make_photo_jpeg(LETTER, exif_orientation=6)
    result = read(data, "image/jpeg")
    assert "Alice Tremblay" in result.text
    # Upright from EXIF alone: the orientation-detection fallback was not needed.
    assert osd_calls(programs) == 0


@pytest.mark.ocr
@pytest.mark.parametrize("turn", [90, 180])
def test_sideways_scan_is_turned_by_osd(programs: list[list[str]], turn: int) -> None:
    result = read(docgen.make_png(LETTER, turn=turn), "image/png")
    assert "Alice Tremblay" in result.text
    assert osd_calls(programs) == 1


@pytest.mark.ocr
def test_multipage_tiff_reads_every_page() -> None:
    data = docgen.make_tiff(["First page: Mission of Chile", "Second page: Mr. Pablo Rojas"])
    result = read(data, "image/tiff", ["es"])
    assert result.pages == 2
    assert result.text.index("Mission of Chile") < result.text.index("Pablo Rojas")


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "fr",
            "La Mission permanente de la République française présente ses compliments. "
            "M. François Lefèvre, Ministre conseiller, représentera la France.",
            ["François Lefèvre", "République"],
        ),
        (
            "ru",
            "Постоянное представительство Российской Федерации. "
            "Делегацию возглавит Иван Петрович Смирнов, советник.",
            ["Российской Федерации", "Смирнов"],
        ),
        (
            "ar",
            "البعثة الدائمة لجمهورية مصر العربية. "
            "يسر البعثة أن تبلغ أن السيد أحمد محمود سيحضر الاجتماع.",
            ["أحمد محمود", "الاجتماع"],
        ),
        (
            "zh",
            "中华人民共和国常驻联合国代表团。代表团团长：张伟先生，参赞。",
            ["常驻联合国代表团", "张伟"],
        ),
    ],
)
def test_mission_languages_are_read_back(lang: str, text: str, expected: list[str]) -> None:
    result = read(docgen.make_png(text, lang=lang), "image/png", [lang])
    for words in expected:
        assert words in result.text, (words, result.text)


@pytest.mark.ocr
def test_second_read_comes_from_the_cache(tmp_path: Path, programs: list[list[str]]) -> None:
    data = docgen.make_png(LETTER)
    first = read_attachment(data, "image/png", "a.png", ["en"], cache_dir=tmp_path)
    assert any(args[0] == "tesseract" for args in programs)
    assert len(list(tmp_path.glob("*.json"))) == 1
    programs.clear()
    second = read_attachment(data, "image/png", "a.png", ["en"], cache_dir=tmp_path)
    assert programs == []
    assert second == first
    # Other languages or limits are another question, so another entry.
    read_attachment(data, "image/png", "a.png", ["fr"], cache_dir=tmp_path)
    read_attachment(
        data, "image/png", "a.png", ["en"], cache_dir=tmp_path, limits=ReadLimits(max_pages=5)
    )
    assert len(list(tmp_path.glob("*.json"))) == 3


def _heic(data: bytes, tmp_path: Path) -> bytes:
    """``data`` (any image Pillow opens) encoded as HEIC by libheif's heif-enc."""
    source, target = tmp_path / "photo.png", tmp_path / "photo.heic"
    Image.open(io.BytesIO(data)).convert("RGB").save(source)
    subprocess.run(["heif-enc", "-q", "90", "-o", str(target), str(source)], check=True,
                   capture_output=True)
    return target.read_bytes()


@pytest.mark.ocr
def test_heic_phone_photo_is_read(tmp_path: Path, programs: list[list[str]]) -> None:
    data = _heic(docgen.make_photo_jpeg(LETTER), tmp_path)
    assert sniff.sniff(data, "application/octet-stream", "IMG_0412") == sniff.HEIF
    result = read_attachment(data, "image/heic", "IMG_0412.HEIC", ["en"])
    assert result.error is None, result.error
    assert "Alice Tremblay" in result.text and result.engine == "tesseract"
    assert result.pages == 1
    assert ["heif-convert", "input.heif", "page.png"] in programs


@pytest.mark.ocr
def test_heic_that_does_not_decode_is_flagged(tmp_path: Path) -> None:
    good = _heic(docgen.make_png(LETTER), tmp_path)
    broken = good[:200] + bytes(len(good) - 200)  # the header survives, the image does not
    result = read_attachment(broken, "image/heic", "IMG_0413.HEIC", ["en"])
    assert result.text == "" and result.needs_review
    assert "unreadable" in result.flags and result.error and result.error.startswith("heif:")


def test_heif_brands_are_recognised_from_the_bytes() -> None:
    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
        return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00" * 64

    assert sniff.sniff(ftyp(b"heic", b"mif1", b"heic"), "", "x") == sniff.HEIF
    assert sniff.sniff(ftyp(b"mif1", b"heic"), "", "x") == sniff.HEIF
    assert sniff.sniff(ftyp(b"avif", b"mif1"), "", "x") == sniff.HEIF
    # An MP4 video has the same box but other brands: not ours to read.
    assert sniff.sniff(ftyp(b"isom", b"iso2", b"mp41"), "video/mp4", "clip.mp4") is None

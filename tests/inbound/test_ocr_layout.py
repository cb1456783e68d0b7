"""OCR text laid out from the word boxes, look-alike surnames and dotted lexicon words (issue 17).

Tesseract breaks a scanned page into its printed lines and into paragraphs of
its own; a name split at the end of a line, or a signature whose lines came
out as paragraphs, read badly. ``tsv.unwrapped_text`` lays the page out from
the boxes. ``cyrillicpass`` puts back upper-case Russian surnames read with
the English model, and ``ocrclean`` mends the extractor's Arabic words read
with a dot too many or too few. No tesseract here: boxes are written by hand.
"""

from __future__ import annotations

import math
from pathlib import Path

import docgen
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from bot.inbound.readers import cyrillicpass, tails, tsv
from bot.inbound.readers.ocrclean import clean_text


def _line(texts: list[str], top: int, left: int = 200, *, key: int, rtl: bool = False,
          width: int = 150) -> list[tsv.Word]:
    words = []
    x = left
    order = list(reversed(texts)) if rtl else texts
    for text in order:
        words.append(tsv.Word(1, 1, key, x, top, width, 40, 90.0, text))
        x += width + 20
    return list(reversed(words)) if rtl else words


def test_lines_broken_by_the_page_width_are_joined_and_short_lines_kept() -> None:
    full = [f"w{i}" for i in range(12)]  # 12 words reach the margin at 200 + 12 * 170
    words = [
        *_line([*full[:11], "Mr."], 100, key=1),  # wrapped before "Anna"
        *_line(["Anna", "SMITH,", "Counsellor"], 168, key=2),  # short: a writer's break
        *_line(["Ms.", "Eva", "Lund"], 236, key=3),
        *_line(["Regards,"], 372, key=4),  # a blank line's room above
        *_line(full, 440, key=5),  # full, but the next line ends it with a colon
        *_line(["list:"], 508, key=6),
        *_line(["1.", "Mr.", "Jan", "Novak"], 576, key=7),
    ]
    assert tsv.unwrapped_text(words).split("\n") == [
        " ".join(full[:11]) + " Mr. Anna SMITH, Counsellor",
        "Ms. Eva Lund",
        "",
        "Regards,",
        " ".join(full) + " list:",
        "1. Mr. Jan Novak",
    ]


def test_arabic_lines_are_measured_from_the_right() -> None:
    full = [*["كلمة"] * 11, "السيد"]
    words = [*_line(full, 100, key=1, rtl=True),
             *_line(["أحمد", "حسن،", "مستشار"], 168, left=2040 - 3 * 170 + 20 + 200, key=2,
                    rtl=True),
             *_line(["السيدة", "منى"], 236, left=2040 - 2 * 170 + 20 + 200, key=3, rtl=True)]
    assert tsv.unwrapped_text(words).split("\n") == [
        " ".join(full) + " أحمد حسن، مستشار", "السيدة منى"]


def _tilted(lines: list[list[str]], tilt: float, pitch: int = 68) -> list[tsv.Word]:
    """Lines of words on a page turned a little: each word's box drops ``tilt``
    pixels per pixel to the right (a scan or a photo taken askew)."""
    words = []
    for key, texts in enumerate(lines, start=1):
        for n, text in enumerate(texts):
            left = 200 + n * 170
            words.append(tsv.Word(1, 1, key, left, round(100 + key * pitch + tilt * left),
                                  150, 40, 90.0, text))
    return words


def test_a_tilted_page_keeps_a_wrapped_cell_with_its_row() -> None:
    # Measured where they are, the long line's words sit 40 px above its short
    # continuation's: a blank line came between a table row and its last cell.
    row = ["ЦОЙ", "Денис", "|", *[f"w{i}" for i in range(8)], "|", "+998"]
    words = _tilted([row, ["d.tsoy@mfa.example"], ["ШАДИЕВА", "Дилноза", "|", "советник"]],
                    tilt=-0.035)
    assert tsv.page_tilt(tsv.lines_of(words)) == pytest.approx(-0.035, abs=0.002)
    assert tsv.unwrapped_text(words, 2480).split("\n") == [
        " ".join(row) + " d.tsoy@mfa.example", "ШАДИЕВА Дилноза | советник"]


@pytest.mark.parametrize(("first", "second"), [
    (["1.", "Д.В.", "Щеглов"], ["2.", "Л.А.", "Цыганкова"]),  # numbered items
    (["-", "майор", "Д.С."], ["-", "майор", "Л.Д."]),  # the same bullet
    (["ФИО", "|", "Должность", "|"], ["ЛАДЫГИНА", "Ольга", "|", "советник", "|"]),  # rows
    (["ЦВЕТКОВ", "Дмитрий", "Шамилевич,"], ["ДЕМИДОВА", "Елена", "Юрьевна,"]),  # full names
    (["Дмитриев", "Александр", "Владимирович,"], ["тел.:", "+7", "495"]),  # a contact field
])
def test_a_full_line_is_not_joined_to_the_next_item_of_a_list(
    first: list[str], second: list[str]
) -> None:
    # Both lines reach the margin, so by width alone the second would be wrapped.
    full = [*first, *[f"w{i}" for i in range(12 - len(first))]]
    lines = [full, [*second, *[f"v{i}" for i in range(12 - len(second))]]]
    assert tsv.unwrapped_text(_tilted(lines, 0.0)).count("\n") == 1


@pytest.mark.parametrize("second", [
    ["—", "советник", "Посольства"],  # a dash that was the name's, wrapped
    ["МИД", "России"],  # the end of a title, though the line began with a full name
    ["d.tsoy@mfa.example"],  # the last cell of a row, fewer separators
])
def test_a_wrapped_line_that_only_looks_like_an_item_is_joined(second: list[str]) -> None:
    full = ["ДЕМИДОВА", "Елена", "Юрьевна,", "|", *[f"w{i}" for i in range(8)]]
    assert tsv.unwrapped_text(_tilted([full, second], 0.0)).count("\n") == 0


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("HUKOJIAEB,", "НИКОЛАЕВ,"), ("AXMEJIOBA", "АХМЕЛОВА"), ("MFA", None), ("Smith", None)])
def test_look_alike_surnames_are_written_in_cyrillic(latin: str, cyrillic: str | None) -> None:
    assert cyrillicpass.transliterated(latin) == cyrillic


def test_only_latin_look_alike_words_in_cyrillic_lines_are_read_again() -> None:
    def word(text: str, left: int, line: int) -> tsv.Word:
        return tsv.Word(1, 1, line, left, 100 * line, 100, 40, 90.0, text)

    words = [word("г-н", 0, 1), word("Сергей", 100, 1), word("HUKOJIAEB,", 200, 1),
             word("PERMANENT", 0, 2), word("MISSION", 100, 2), word("TO", 200, 2),
             word("THE", 300, 2)]
    assert [[w.text for w in line] for line in cyrillicpass.suspect_lines(words)] == [
        ["г-н", "Сергей", "HUKOJIAEB,"]]


@pytest.mark.parametrize(("text", "expected"), [
    # A dot too many or too few in the extractor's own words ("ra'is", "wafd", "bi-ri'asa").
    ("السيد كريم حسن، زئيس الوقد، بزئاسة", "السيد كريم حسن، رئيس الوفد، برئاسة"),
    ("ويرافقة السيد فهد، سكرتيز ثالث", "ويرافقه السيد فهد، سكرتير ثالث"),
    # Names that are one shape with a lexicon word but two letters away stay.
    ("السيد ثابت ناجي البخاري الأمين يوسف", "السيد ثابت ناجي البخاري الأمين يوسف"),
])
def test_arabic_lexicon_words_read_with_a_dot_wrong_are_mended(text: str, expected: str) -> None:
    assert clean_text(text, "ara") == expected


def test_a_table_row_with_a_wrapped_cell_is_one_line() -> None:
    # The header has two separators; each printed line of a wrapped row has one.
    head = ["ФИО", "|", "Должность", "|", "Роль"]
    row = ["ДЕМЧЕНКО", "Людмила", "|", *[f"w{i}" for i in range(9)]]
    rest = ["людьми", "МВД", "|", "глава", "делегации"]
    after = ["ЛИЦКЕВИЧ", "Денис", "|", *[f"v{i}" for i in range(9)]]
    lines = tsv.unwrapped_text(_tilted([head, row, rest, after, ["Республике", "|", "член"]],
                                       0.0)).split("\n")
    assert lines == [" ".join(head), " ".join(row + rest),
                     " ".join(after) + " Республике | член"]


def test_junk_at_the_page_edge_places_no_margin() -> None:
    # A photo's dark border read as a word at x = 0: measured from it, the
    # mirrored margin is the page's edge and no line was ever wrapped.
    junk = tsv.Word(1, 1, 0, 0, 20, 300, 40, 22.0, "—————")
    full = [f"w{i}" for i in range(11)]  # ends at 2040 of a 2480 px page
    words = [junk, *_tilted([full, ["Ольга", "Дмитриевна"]], 0.0)]
    assert tsv.unwrapped_text(words, 2480).split("\n") == [
        "—————", "", " ".join(full) + " Ольга Дмитриевна"]


def _printed(text: str, tmp_path: Path, *, tilt: float = 0.0) -> tuple[Path, tsv.Word]:
    """``text`` printed as a scan prints it (DejaVu Serif, blurred, turned by ``tilt``),
    and the word's box as tesseract gives it."""
    page = Image.new("L", (900, 200), 255)
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(docgen.FONTS["latin"]), 40)
    draw.text((100, 60), text, font=font, fill=0)
    left, top, right, bottom = draw.textbbox((100, 60), text, font=font)
    page = page.rotate(-math.degrees(math.atan(tilt)), resample=Image.Resampling.BICUBIC,
                       fillcolor=255).filter(ImageFilter.GaussianBlur(0.8))
    path = tmp_path / "page.png"
    page.save(path)
    return path, tsv.Word(1, 1, 1, left, top - 4, right - left, bottom - top + 6, 80.0, text)


@pytest.mark.parametrize(("printed", "read", "expected"), [
    ("ЦАТУРЯН,", "ПАТУРЯН,", "ЦАТУРЯН,"),  # Ц's tail, a comma after the word
    ("ЦЫБУЛЬСКАЯ", "ПЫБУЛЬСКАЯ", "ЦЫБУЛЬСКАЯ"),
    ("ЮНОДК", "ЮНОЛК", "ЮНОДК"),  # Д's feet
    ("ЩЕДРИН", "ШЕДРИН", "ЩЕДРИН"),  # Д's own feet are read right
    ("ДЕНИС", "ЦЕНИС", "ДЕНИС"),  # a foot at Ц's left edge: Д
    ("ДЕДУЛЯ", "ЦЕЦУЛЯ", "ДЕДУЛЯ"),
    ("ЦВЕТКОВ", "ЦВЕТКОВ", "ЦВЕТКОВ"),  # Ц read right
    ("ПАТУРЯН,", "ПАТУРЯН,", "ПАТУРЯН,"),  # no tail on the page: read right
    ("Пушкарёва", "Пушкарёва", "Пушкарёва"),  # the tail is р's
])
@pytest.mark.parametrize("tilt", [0.0, 0.03])
def test_a_tail_the_reading_lost_is_put_back_from_the_picture(
    printed: str, read: str, expected: str, tilt: float, tmp_path: Path
) -> None:
    image, word = _printed(printed, tmp_path, tilt=tilt)
    assert tails.restore_tails(image, [word.with_text(read, 80.0)], tilt)[0].text == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("старштий следователь", "старший следователь"),  # a stroke read as a letter
    ("Цмитрий ЛАПТЕВ, Ценис", "Дмитрий ЛАПТЕВ, Денис"),  # given names of the gazetteer
    ("глава лелегации", "глава делегации"),  # Д read as Л
    ("ГЛАВА ЦЕЛЕГАЦИИ, Лиректор", "ГЛАВА ДЕЛЕГАЦИИ, Директор"),
    # Declined forms, names and words two letters away stay as read.
    ("советника Посольства, заместителя", "советника Посольства, заместителя"),
    ("Шилов Дмитрий, Лидия ЦВЕТКОВА, Пушкин", "Шилов Дмитрий, Лидия ЦВЕТКОВА, Пушкин"),
    ("Цатурян, Далер, Дилноза, Цина", "Цатурян, Далер, Дилноза, Цина"),
])
def test_russian_lexicon_words_read_with_a_letter_wrong_are_mended(
    text: str, expected: str
) -> None:
    assert clean_text(text, "rus+eng") == expected

"""OCR of non-Latin scans: Latin runs in Arabic pages, and text cleaned per script (issue 17).

The Arabic model has no Latin letters, so an e-mail address on an Arabic
page came out as Arabic-looking garbage; ``latinpass`` re-reads the doubtful
lines once with English. ``ocrclean`` undoes tesseract's habits per script.
The tests marked ``ocr`` run the real tesseract on pages rendered by docgen.
"""

from __future__ import annotations

import re

import docgen
import pytest

from bot.extract import extract_response
from bot.inbound.readers import tsv
from bot.inbound.readers.attachments import read_attachment
from bot.inbound.readers.latinpass import merge_line
from bot.inbound.readers.ocrclean import clean_text

ARABIC_WITH_ADDRESSES = (
    "تتشرف سفارة دولة الكويت بإبلاغكم بأن الوفد سيتكون من:\n\n"
    "1. السيد ناصر عبد الله الصباح، مستشار، رئيس الوفد\n"
    "البريد الإلكتروني: n.alsabah@mofa.example\n"
    "2. السيدة دانة فيصل المطيري، سكرتير ثالث\n"
    "البريد الإلكتروني: d.almutairi@mofa.example\n"
)


def _tesseract(calls: list[list[str]]) -> list[list[str]]:
    return [args for args in calls if args[0] == "tesseract" and "-l" in args]


@pytest.mark.ocr
def test_latin_addresses_in_an_arabic_scan_are_read_by_a_second_english_look(
        programs: list[list[str]]) -> None:
    scan = docgen.make_png(ARABIC_WITH_ADDRESSES, lang="ar")
    result = read_attachment(scan, "image/png", "note.png", ["ar"])
    runs = _tesseract(programs)
    # The page with the Arabic model alone, then one English look at a strip of its
    # doubtful lines (not the whole page a second time).
    assert [args[args.index("-l") + 1] for args in runs] == ["ara", "eng"]
    assert runs[1][1].endswith("-latin.png") and runs[1][runs[1].index("--psm") + 1] == "6"
    # Both addresses come back Latin (the Arabic model alone wrote Arabic-looking
    # garbage for them); the second one exactly, with its delegate.
    assert result.text.count("@mofa.example") == 2, result.text
    assert "d.almutairi@mofa.example" in result.text, result.text
    assert "PERMANENT MISSION TO THE UNITED NATIONS" in result.text  # the English letterhead
    for words in ("دانة فيصل المطيري", "سكرتير ثالث"):
        assert words in result.text, result.text
    got = extract_response("", [result.text], language="ar")
    emails = {d.name: d.email for d in got.delegates}
    assert emails.get("دانة فيصل المطيري") == "d.almutairi@mofa.example", got.delegates


def test_a_latin_cluster_replaces_only_the_doubtful_words_under_it() -> None:
    def word(text: str, left: int, conf: float, width: int = 80) -> tsv.Word:
        return tsv.Word(1, 1, 1, left, 100, width, 40, conf, text)

    # Right to left: "البريد الإلكتروني:" then an address read as garbage.
    line = [word("البريد", 900, 92), word("الإلكتروني:", 780, 90), word("16م80)«ع", 600, 4),
            word("زه", 520, 81), word("لمنمطام", 400, 0)]
    english = [word("r.khoury@justice.example", 400, 79, width=300), word("iS!", 780, 12),
               word("yl", 900, 30)]
    merged = merge_line(line, english)
    assert [w.text for w in merged] == ["البريد", "الإلكتروني:", "r.khoury@justice.example"]
    # An English reading of Arabic words that were read surely is not taken.
    sure = [word("وزارة", 600, 92), word("العدل", 480, 92)]
    assert merge_line(sure, [word("Jasll", 480, 85)]) == sure


def test_tsv_text_is_laid_out_like_tesseract_txt() -> None:
    header = "\t".join(["level", "page_num", "block_num", "par_num", "line_num", "word_num",
                        "left", "top", "width", "height", "conf", "text"])
    rows = [(1, 1, 1, "Dear"), (1, 1, 1, "Sir,"), (1, 1, 2, "Ms."), (1, 2, 1, "Anna"),
            (2, 1, 1, "张伟"), (2, 1, 1, "先生"), (2, 1, 1, "(PRC)")]
    lines = [header] + [f"5\t1\t{b}\t{p}\t{ln}\t1\t0\t0\t10\t10\t90\t{t}" for b, p, ln, t in rows]
    assert tsv.page_text(tsv.parse_words("\n".join(lines))) == (
        "Dear Sir,\nMs.\n\nAnna\n\n张伟先生 (PRC)")


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        # Every script: a dot read as a comma in an address, noise between phone digits.
        ("gunnar,jonsson@utn,example, tel. +43 °1°712 1229", "fra+eng",
         "gunnar.jonsson@utn.example, tel. +43 1 712 1229"),
        ("Mr. A, Counsellor, a.b@x.example, Ms. B", "eng",
         "Mr. A, Counsellor, a.b@x.example, Ms. B"),
        ("head of delegation,\nclaire. borg@gov.example; will attend. jane@x.example", "eng",
         "head of delegation,\nclaire.borg@gov.example; will attend. jane@x.example"),
        # Arabic: presentation forms, tatweel, Arabic-Indic digits.
        ("ﻣﺤﻤﺪ الســـفير ٠٠٤٣ ١", "ara", "محمد السفير 0043 1"),
        # Arabic: the comma read as a hamza, with or without the comma.
        ("السيدة رنا جورج الخوريء, قاضية", "ara", "السيدة رنا جورج الخوري, قاضية"),
        ("السيد حيدر الموسوي, مستشار,ء نائب", "ara", "السيد حيدر الموسوي, مستشار, نائب"),
        ("السيد حيدر الموسوي, مستشارء نائب رئيس الوفد", "ara",
         "السيد حيدر الموسوي, مستشار, نائب رئيس الوفد"),
        # …but words that end in hamza keep it.
        ("الأعضاء, الوزراء، شيء, جزء, المرء, سواء", "ara",
         "الأعضاء, الوزراء، شيء, جزء, المرء, سواء"),
        # Chinese: no spaces around brackets and marks; a gap between characters (a
        # column) stays, and so does the space before a Latin word.
        ("代表团团长 : 王伟大使 ( 团长 ) ， 张伟 Zhang Wei 2009 年\n团员  刘静  三等秘书",
         "chi_sim", "代表团团长:王伟大使(团长)，张伟 Zhang Wei 2009 年\n团员  刘静  三等秘书"),
        # Cyrillic: look-alike Latin letters in a Cyrillic word, and the other way round.
        ("г-жа Анна ПETPOBA, Cоветник, PERMАNENT MISSION, petrova@mid.example", "rus+eng",
         "г-жа Анна ПЕТРОВА, Советник, PERMANENT MISSION, petrova@mid.example"),
        ("IVANOV ВОЛКОВ", "rus+eng", "IVANOV ВОЛКОВ"),
    ],
)
def test_ocr_text_is_cleaned_per_script(text: str, lang: str, expected: str) -> None:
    assert clean_text(text, lang) == expected


@pytest.mark.ocr
def test_chinese_scan_comes_back_without_spaces_inside_words() -> None:
    letter = ("泰王国常驻维也纳代表团谨通知，代表团成员如下：\n"
              "1. 陈文华先生，司法部副司长（团长），chen.wenhua@moj.example\n"
              "2. 林秀英女士，一等秘书")
    result = read_attachment(docgen.make_png(letter, lang="zh"), "image/png", "scan.png", ["zh"])
    assert not re.search(r"[\u4e00-\u9fff] +[\u4e00-\u9fff，：（）]", result.text), result.text
    assert "陈文华先生" in result.text and "chen.wenhua@moj.example" in result.text
    names = [d.name for d in extract_response("", [result.text], language="zh").delegates]
    assert names == ["陈文华", "林秀英"]


@pytest.mark.ocr
def test_russian_scan_keeps_upper_case_surnames_cyrillic() -> None:
    letter = ("Постоянное представительство сообщает, что в совещании примут участие:\n"
              "1. г-н Павел ТОКАРЕВ, советник, глава делегации, tokarev@mid.example\n"
              "2. г-жа Вера КОМАРОВА, эксперт")
    result = read_attachment(docgen.make_png(letter, lang="ru"), "image/png", "scan.png", ["ru"])
    mixed = [w for w in re.findall(r"[^\W\d_]+", result.text)
             if re.search("[A-Za-z]", w) and re.search("[\u0400-\u04ff]", w)]
    assert mixed == [], result.text
    assert "ТОКАРЕВ" in result.text and "КОМАРОВА" in result.text
    assert "tokarev@mid.example" in result.text


@pytest.mark.ocr
def test_heic_photo_of_an_arabic_letter_is_read_with_its_addresses() -> None:
    data = docgen.make_heic(ARABIC_WITH_ADDRESSES, lang="ar")
    assert data[4:12] == b"ftypheic"
    result = read_attachment(data, "image/heic", "IMG_2041.HEIC", ["ar"])
    assert "unreadable" not in result.flags and result.pages == 1, result.error
    assert "d.almutairi@mofa.example" in result.text, result.text
    assert "دانة فيصل المطيري" in result.text, result.text

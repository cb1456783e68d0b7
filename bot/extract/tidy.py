"""Undo the small damage that mail clients and OCR do to a reply's text.

Non-breaking and zero-width spaces, bidi marks around Arabic, "Г.жа" for
"Г-жа", "Mr ." for "Mr.", spaces before commas: none of it changes what a
mission wrote, all of it breaks a pattern.  Column gaps (tabs, wide runs of
spaces from PDF tables and pasted spreadsheets) become " | " cell
separators.  The extractor tidies every text before reading it.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from bot.extract.lexicon import ZH_HONORIFICS, ZH_TITLE_ENDINGS

_INVISIBLE_RE: Final = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
# Runs of spaces become one (a single plain space is left as it is: no work).
_SPACES_RE: Final = re.compile(
    r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}|[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# A tab or a wide gap inside a line is a column gap (spreadsheet paste, PDF table).
_COLUMN_GAP_RE: Final = re.compile(r"(?<=\S)(?:[ ]*\t[ \t]*|[ ]{3,})(?=\S)")
# Chinese puts no spaces between words, so two spaces already align a column
# ("团长  王磊  公安部禁毒局副局长").
# A single space does the same: Chinese never spaces words ("副司长 蒋文华").
_CJK_GAP_RE: Final = re.compile(
    r"(?<=[\u4e00-\u9fff）)])[ \u3000]+(?=[\u4e00-\u9fff（(])"
)
# In a semicolon list ("成员：公安部国际合作局处长　端木宏伟；最高人民检察院检察员　上官婉清")
# the space only parts a title from its name: no column.
_ZH_SEMICOLON_RE: Final = re.compile(r"[\u4e00-\u9fff][；;]")
_ZH_TITLE_THEN_NAME_RE: Final = re.compile(
    rf"(?:{'|'.join(ZH_TITLE_ENDINGS)})\Z")
# A name of two to four characters, its form of address or its pinyin, then the line's end.
_ZH_NAME_TO_END_RE: Final = re.compile(
    rf"[\u4e00-\u9fff]{{2,4}}?({'|'.join(ZH_HONORIFICS)})?"
    r"(?:[（(][A-Za-z \-]+[)）])?[ \t]*(?:\n|$)")
# "（一）团长" numbers a heading as "一、团长" does.
_ZH_PAREN_NUMBER_RE: Final = re.compile(r"^([ \t]*)（([一二三四五六七八九十]{1,3})）", re.MULTILINE)


def _cjk_gap(gap: re.Match[str]) -> str:
    text, start = gap.string, gap.start()
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if _ZH_SEMICOLON_RE.search(line):
        return " "
    # "　　公安部刑事侦查局局长　杜航伟": the line's one gap parts a title from a name.
    name = _ZH_NAME_TO_END_RE.match(text, gap.end())
    if len(_CJK_GAP_RE.findall(line)) == 1 and name and (
            name.group(1) or _ZH_TITLE_THEN_NAME_RE.search(text, line_start, start)):
        return " "
    return " | "

_RU_HONORIFIC_RE: Final = re.compile(r"\b([ГгДд])\s?[.\-–—_~]\s?(н|жа|на|ну|ном|же|жи|жой|р)\b")
_DOT_SPACE_RE: Final = re.compile(r"\b(Mr|Mrs|Ms|Dr|Sr|Sra|Prof|H\.E|S\.E)\s+\.(?=\s)")
# "谭志勇 先生": a space typed between a Chinese name and its form of address.
_ZH_SPACED_HONORIFIC_RE: Final = re.compile(
    r"(?<=[\u4e00-\u9fff]{2}) (?=(?:先生|女士|小姐|同志)(?:[^\u4e00-\u9fff]|$))"
)
# "السيد/ أحمد", "الدكتورة/منى": Egyptian and Gulf letters put a slash after the
# form of address.
_AR_HONORIFIC_SLASH_RE: Final = re.compile(
    r"(?<![\u0621-\u064A])((?:ال|وال|بال)?(?:سيد|سيدة|دكتور|دكتورة|مستشار|مستشارة|أستاذ|أستاذة|"
    r"مهندس|مهندسة|سفير|سفيرة|لواء|عميد|عقيد|مقدم|رائد|نقيب|شيخ|شيخة)|سعادة|معالي)"
    r"[ \t]*/[ \t]*(?=[\u0621-\u064A])"
)
# "… and Ms.\nGrace Otieno", "de Mme\nSophie Gagnon": a form of address inside a
# sentence (after a word in lower case or a comma) wrapped apart from its name.
_WRAPPED_HONORIFIC_RE: Final = re.compile(
    r"(?<=[a-zà-ÿа-яё,] )(Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Mme|Mlle|Sr\.|Sra\.|Srta\.|Dña\.|Dra\.|"
    r"H\.E\.|S\.E\.|Excmo\.|Excma\.|Prof\.|г-н|г-на|г-ну|г-ном|г-жа|г-жи|г-жу|г-жой)"
    r"[ \t]*\n[ \t]*(?=[A-ZÀ-ÞА-ЯЁ][a-zà-ÿа-яё])")
_SPACE_COMMA_RE: Final = re.compile(r"[ \t]+([,;:،])(?=\S)")
# "由团长、公安部副局长邓伟，成员、处长曹颖组成": a role word and 、 label what follows,
# as 团长： does (not in a list of roles: "团长、副团长名单").
_ZH_ROLE_COMMA_RE: Final = re.compile(
    r"(团长|副团长|成员|团员|顾问)、(?!团长|副团长|成员|团员|顾问)(?=[\u4e00-\u9fff])")

# "成员：公孙丽 参赞；赵磊 二秘": two spaced name-rank pairs on one line, one a line.
_ZH_PAIR_SEMICOLON_RE: Final = re.compile(
    r"(?<=[\u4e00-\u9fff])[；;](?=[\u4e00-\u9fff·]{2,6}[ \u3000]+[\u4e00-\u9fff]{1,8}(?:[；;]|$))",
    re.MULTILINE,
)


# What each repair needs in the text at all: without it, its pattern is not run
# (most replies have no tab, no slash, no Cyrillic Г/Д, no space before a full stop).
_WIDE_SPACE_RE: Final = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_RU_LETTER_RE: Final = re.compile(r"[ГгДд]")
_SPACE_DOT_RE: Final = re.compile(r"\s\.")


def tidy(text: str) -> str:
    """NFC text with plain spaces, no invisible marks and OCR-split honorifics joined."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _INVISIBLE_RE.sub("", text)
    text = _ZH_SPACED_HONORIFIC_RE.sub("", text)
    if "（" in text:
        text = _ZH_PAREN_NUMBER_RE.sub(r"\1\2、", text)
    text = _ZH_PAIR_SEMICOLON_RE.sub("\n", text)  # before the gaps: one pair a line
    text = _CJK_GAP_RE.sub(_cjk_gap, text)
    text = _WIDE_SPACE_RE.sub(" ", text)
    if "\t" in text or "   " in text:
        text = _COLUMN_GAP_RE.sub(" | ", text)
    text = _SPACES_RE.sub(" ", text.replace("\t", " "))
    if _RU_LETTER_RE.search(text):
        text = _RU_HONORIFIC_RE.sub(r"\1-\2", text)
    if _SPACE_DOT_RE.search(text):
        text = _DOT_SPACE_RE.sub(r"\1.", text)
    text = _SPACE_COMMA_RE.sub(r"\1 ", text)
    text = _WRAPPED_HONORIFIC_RE.sub(r"\1 ", text)
    if "/" in text:
        text = _AR_HONORIFIC_SLASH_RE.sub(r"\1 ", text)
    text = _ZH_ROLE_COMMA_RE.sub(r"\1：", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))

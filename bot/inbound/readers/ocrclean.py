"""Cleans OCR text per script, so the extractor sees what the page says, not tesseract's habits.

Each fix is for a mistake tesseract makes on scans, measured on the corpus
replies rendered as scans (bench/ocr_script.py), and none can change text
that was read right:

- every script: a dot read as a comma inside an e-mail address
  ("gunnar,jonsson@utn.example"; addresses have no commas) or followed by a
  space at the start of a line or after a comma ("claire. borg@"), "©" for "@"
  between an address's two halves, a degree sign or middle dot read between
  the digits of a phone number;
- Arabic: presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF) folded to the
  letters (NFKC), tatweel (kashida) dropped, Arabic-Indic digits made ASCII,
  and the Arabic comma that comes out as a hamza, with or without a comma
  ("الخوريء,", "مستشار,ء", "مستشارء نائب"): a hamza glued to a comma is
  dropped, and a word-final hamza after the yeh of an ``al-`` surname (nisba
  names such as الخوري, الهاشمي never end in hamza; شيء has no article) or
  after a consonant at the end of a long word becomes the comma it was;
  and a word of the extractor's Arabic lexicon (honorifics, role and title
  words, decision phrases) read with one letter's dots wrong ("زئيس الوقد"
  for "رئيس الوفد") is mended when its undotted shape is that word's alone
  (never a name: two letters away from a lexicon word is left as read);
- Chinese: the spaces tesseract puts around brackets and punctuation marks
  are removed (Chinese is written without them); spaces between two
  characters are real gaps (columns) and stay, and so does the space between
  a character and a Latin word or number;
- Cyrillic: a word mixing Cyrillic and Latin look-alike letters
  ("ПETPOB") is written in the script of its majority.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from bot.extract.features import gazetteer
from bot.extract.lexicon import lexicon

# A comma inside an address: in its local part, or between the labels of its domain.
_EMAIL_COMMA = re.compile(
    r"(?<=[\w.+-]),(?=[\w.+-]*@)|(?<=@)([\w-]+(?:\.[\w-]+)*),(?=[A-Za-z]{2,}\b)", re.ASCII)
# "claire. borg@gov.example": a space read after a dot of an address's local part,
# when the part before the dot starts a line or follows a comma or a colon (so
# not "will attend. jane@…", the end of a sentence).
_EMAIL_DOT_SPACE = re.compile(
    r"(?:(?<=^)|(?<=[,:(]\s)|(?<=\n))([a-z][a-z0-9_-]{0,15})\. (?=[a-z0-9_-]+@[\w-]+\.)",
    re.ASCII | re.MULTILINE)
_COPYRIGHT_AT = re.compile(r"(?<=[A-Za-z0-9._-])©(?=[A-Za-z0-9-]+\.[A-Za-z]{2,})")
_DIGIT_NOISE = re.compile(r"(?<=\d)\s?[°·•º]\s?(?=\d)")

_TATWEEL = "\u0640"
_PRESENTATION = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]+")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_PUNCT = ",.،؛"
# A hamza glued after a comma or a dot: the comma read twice ("مستشار,ء").
_HAMZA_AFTER_COMMA = re.compile(r"(?<=[,.،؛])ء(?=\s|$)")
# A word-final hamza that is the comma read as a hamza, with or without the comma
# itself: after the yeh of an al- surname ("الخوريء,", nisba names never end in
# hamza), or after a consonant in a long word ("مستشارء"; the words that end so,
# such as جزء, عبء, المرء, are short).
_HAMZA_FOR_COMMA = re.compile(
    r"\b(ال[\u0621-\u064a]{2,}ي|[\u0621-\u064a]{4,}[\u0628-\u0647])ء([,.،؛]?)(?=\s|$)")
_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
_CJK_PUNCT_SPACE = re.compile(
    rf"(?<=[{_CJK}])[ \t]+(?=[(),.:;])"  # 大使 ( → 大使(
    rf"|(?<=[{_CJK}][(:;])[ \t]+(?=[{_CJK}])"  # 团长: 王 → 团长:王
    rf"|(?<=[(])[ \t]+(?=[{_CJK}])|(?<=[{_CJK}])[ \t]+(?=[)])"  # ( 团长 ) → (团长)
    r"|[ \t]+(?=[，。：；、（）])|(?<=[，。：；、（）])[ \t]+")  # full-width marks


_LATIN_LOOKALIKES = "AaBCcEeHKkMOoPpTXxYy"
_CYRILLIC_LOOKALIKES = "АаВСсЕеНКкМОоРрТХхУу"
_LATIN_TO_CYRILLIC = str.maketrans(_LATIN_LOOKALIKES, _CYRILLIC_LOOKALIKES)
_CYRILLIC_TO_LATIN = str.maketrans(_CYRILLIC_LOOKALIKES, _LATIN_LOOKALIKES)
_WORD = re.compile(r"[^\W\d_]+")


# Letters that differ only by their dots (or hamza): tesseract adds and loses dots
# on scans ("زئيس" for "رئيس", "الوقد" for "الوفد", "بزئاسة" for "برئاسة").
_SKELETON = str.maketrans({
    **dict.fromkeys("بتثنيىئ", "ب"), **dict.fromkeys("جحخ", "ح"), "ذ": "د", "ز": "ر",
    "ش": "س", "ض": "ص", "ظ": "ط", "غ": "ع", "ق": "ف", "ة": "ه", **dict.fromkeys("أإآ", "ا"),
})
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
# Shorter words have too many dotted twins to be mended safely.
MIN_MENDED = 4
# Letters Arabic joins to the next word: "and", "by", "for (the)".
_PREFIXES = ("", "و", "ب", "ل", "وب", "ول")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@functools.cache
def _lexicon_skeletons() -> tuple[frozenset[str], dict[str, str]]:
    """The Arabic words of the extractor's lexicon, and each unambiguous skeleton's word."""
    known = frozenset(w for entry in _strings(lexicon("ar"))
                      for w in _ARABIC_WORD.findall(entry) if len(w) >= MIN_MENDED)
    by_skeleton: dict[str, set[str]] = {}
    for word in known:
        by_skeleton.setdefault(word.translate(_SKELETON), set()).add(word)
    return known, {k: next(iter(v)) for k, v in by_skeleton.items() if len(v) == 1}


def _mend(match: re.Match[str]) -> str:
    """A word the lexicon knows but read with a dot too many or too few, mended.

    Only the extractor's own words (honorifics, role and title words, decision
    phrases) are mended, and only when their undotted shape is the word's and
    no other lexicon word's; names are never changed.
    """
    word = match.group()
    known, skeletons = _lexicon_skeletons()
    if len(word) < MIN_MENDED or word in known:
        return word
    for prefix in _PREFIXES:
        rest = word[len(prefix):]
        if not word.startswith(prefix) or len(rest) < MIN_MENDED or rest in known:
            continue
        mended = skeletons.get(rest.translate(_SKELETON))
        # One letter's dots: a word two letters away is more likely another word
        # (a name: "ثابت" is not "نائب").
        if mended is not None and sum(a != b for a, b in zip(rest, mended, strict=True)) == 1:
            return prefix + mended
    return word


def _arabic(text: str) -> str:
    text = _PRESENTATION.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    text = text.replace(_TATWEEL, "").translate(_ARABIC_DIGITS)
    text = _HAMZA_AFTER_COMMA.sub("", text)
    text = _HAMZA_FOR_COMMA.sub(lambda m: m.group(1) + (m.group(2) or ","), text)
    return _ARABIC_WORD.sub(_mend, text)


def _chinese(text: str) -> str:
    # Spaces between two characters are left alone: tesseract's txt output for
    # chi_sim keeps only real gaps there, such as the columns of a list laid out
    # with spaces ("团长  王磊  公安部禁毒局副局长"), which the extractor reads as cells.
    # Twice: a space removed before a mark can leave one after it to remove.
    return _CJK_PUNCT_SPACE.sub("", _CJK_PUNCT_SPACE.sub("", text))


def _cyrillic_word(match: re.Match[str]) -> str:
    """A word mixing the two scripts, in the one its unambiguous letters name."""
    word = match.group()
    cyrillic = [ch for ch in word if "\u0400" <= ch <= "\u04ff"]
    latin = [ch for ch in word if ch.isascii()]
    if not cyrillic or not latin:
        return word
    only_cyrillic = any(ch not in _CYRILLIC_LOOKALIKES for ch in cyrillic)  # П, Л, Ж…
    only_latin = any(ch not in _LATIN_LOOKALIKES for ch in latin)  # R, N, s…
    # Letters of one script only decide; else the majority does.
    to_cyrillic = only_cyrillic if only_cyrillic != only_latin else len(cyrillic) >= len(latin)
    fixed = word.translate(_LATIN_TO_CYRILLIC if to_cyrillic else _CYRILLIC_TO_LATIN)
    mixed = any(ch.isascii() for ch in fixed) and any("\u0400" <= ch <= "\u04ff" for ch in fixed)
    return word if mixed else fixed


# Russian letters tesseract takes for one another on scans: П, Л, Д and Ц differ
# by a tail or a foot, Ш and Щ by a tail, И and Й by a breve.
_RU_CONFUSED = ("ДЦЛП", "ШЩ", "ИЙ")
_RU_TWIN = {a: group.replace(a, "") for group in _RU_CONFUSED for a in group}
# Shorter words (Лина, Дина; глава) have too many look-alikes to be mended.
_RU_WORD = re.compile(r"[А-ЯЁа-яё]{5,}")
# Where a Russian word changes with its case ("советника"), a letter is not read in.
_RU_ENDING = 2


@functools.cache
def _russian_words() -> frozenset[str]:
    """The extractor's Russian title, rank and role words (lower case, 5 letters or more)."""
    table = lexicon("ru")
    entries = [*_strings(table.get("title_words", [])), *_strings(table.get("ranks", [])),
               *_strings(table.get("honorifics", [])), *table.get("role_phrases", {})]
    return frozenset(w.casefold() for entry in entries for w in _RU_WORD.findall(entry))


@functools.cache
def _given_names() -> frozenset[str]:
    """The Cyrillic given names of the extractor's name gazetteer (lower case)."""
    return frozenset(w for w, kind in gazetteer().items()
                     if kind in "gb" and _RU_WORD.fullmatch(w))


def _twins(word: str) -> set[str]:
    """``word`` (lower case) with one letter read as its look-alike twin put back."""
    return {(word[:i] + twin + word[i + 1:]).lower() for i, ch in enumerate(word.upper())
            for twin in _RU_TWIN.get(ch, "")}


def _ru_readings(word: str) -> set[str]:
    """What ``word`` (lower case) may have been: one letter read as its twin, or one
    letter too many inside it (a stroke read as a letter: "старштий")."""
    extra = {word[:i] + word[i + 1:] for i in range(1, len(word) - _RU_ENDING)}
    return _twins(word) | extra


def _mend_russian(match: re.Match[str]) -> str:
    """A title, rank or role word of the extractor's, or a given name of its
    gazetteer, read with one letter wrong, mended.

    Only those words are mended, and only when one of them alone is a reading
    of what was read (see _ru_readings; for a capitalised word, a given name
    with one letter's twin: "Цмитрий" -> "Дмитрий", never a surname, which no
    list holds); the case of the letters is kept.
    """
    word = match.group()
    low = word.casefold()
    known, names = _russian_words(), _given_names()
    if low in known or low in names or low in gazetteer():
        return word
    found = _ru_readings(low) & known
    if not found and word[0].isupper() and word[1:].islower():
        found = _twins(low) & names
    if len(found) != 1:
        return word
    mended = found.pop()
    if word.isupper():
        return mended.upper()
    return mended.capitalize() if word[0].isupper() else mended


def clean_text(text: str, lang: str) -> str:
    """``text`` as read with the tesseract models ``lang``, cleaned for the extractor."""
    models = set(lang.split("+"))
    text = _EMAIL_COMMA.sub(lambda m: (m.group(1) + ".") if m.group(1) else ".", text)
    text = _EMAIL_DOT_SPACE.sub(r"\1.", text)
    text = _COPYRIGHT_AT.sub("@", text)
    text = _DIGIT_NOISE.sub(" ", text)
    if "ara" in models:
        text = _arabic(text)
    if "chi_sim" in models:
        text = _chinese(text)
    if "rus" in models:
        text = _WORD.sub(_cyrillic_word, text)
        text = _RU_WORD.sub(_mend_russian, text)
    return text

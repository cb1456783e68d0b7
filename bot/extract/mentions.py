"""Does a text name this person: the one matcher of the passes that tie a sentence to a delegate.

A sentence apart from the list ("Me X conduira la délégation.", "Чобану В. —
v.ciobanu@igp.example", "البريد الإلكتروني لنورة الدوسري: ...") names a
listed delegate by a word of the name of three letters or more, whole and
in any case: the surname alone, written first or last, or another word of
the name. A particle written in lower case in a Latin name ("del", "van",
"bin") names nobody. Russian declines surnames: a Cyrillic word may take
another ending of up to two letters ("Ковалев" is "Ковалеву", "Лисина" is
"Лисиной"). Arabic writes "for", "and", "by" onto the word ("لنورة").
Chinese writes no spaces: there the whole name, spaces aside, must stand in
the text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

_WORD_RE: Final = re.compile(r"\w+")
_CJK_RE: Final = re.compile(r"[\u4e00-\u9fff]")
_CYRILLIC_RE: Final = re.compile(r"[а-яё]")
_AR_PREFIX_RE: Final = re.compile(r"^(?:ل|و|ب|ول|وب)(?=[\u0621-\u064A]{3})")
_MIN_WORD: Final = 3
# The longest Russian case ending read as another form of the same surname.
_MAX_ENDING: Final = 2


@lru_cache(maxsize=4096)
def _name_words(name: str) -> tuple[str, ...]:
    words = [w for w in _WORD_RE.findall(name) if len(w) >= _MIN_WORD]
    if any(not w.islower() for w in words):
        words = [w for w in words if not w.islower()]  # "José del Río": not "del"
    return tuple(dict.fromkeys(w.casefold() for w in words))


@lru_cache(maxsize=4096)
def _text_words(text: str) -> frozenset[str]:
    return frozenset(_AR_PREFIX_RE.sub("", w) for w in _WORD_RE.findall(text.casefold()))


def mentioned(name: str, text: str) -> bool:
    """``text`` names the person called ``name`` (a word of the name, see the module)."""
    if _CJK_RE.search(name):
        return name.replace(" ", "") in text.replace(" ", "")
    tokens = _text_words(text)
    for word in _name_words(name):
        if word in tokens:
            return True
        stem = len(word) - _MAX_ENDING
        if _CYRILLIC_RE.match(word) and stem >= _MIN_WORD and any(
                t[:stem] == word[:stem] and abs(len(t) - len(word)) <= _MAX_ENDING
                for t in tokens):
            return True
    return False

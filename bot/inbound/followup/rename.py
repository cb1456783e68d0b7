"""A correction of the spelling of a listed delegate's name: rename in place.

"le nom correct est M. Jean Lefèvre (et non Lefebvre)", "Ms. Kask, not Kass",
"просим исправить фамилию … на Петренко", "正确姓名为王晓明": the reply gives
the right spelling (and sometimes the wrong one). :func:`name_corrected` finds the
listed delegate it designates and returns the delegation with that person's
name corrected, keeping their title, role and contacts. The new spelling
must be close to the listed one (a letter or two, accents aside) and the
wrong form, when written, must designate that delegate: a newcomer with
another name is never taken for a correction.
"""

from __future__ import annotations

import re
from functools import cache

from bot.extract.names import HONORIFIC_RE
from bot.results.delegation import Person, State, names_match, person_key

# A name as written after a phrase: up to five words, or a run of CJK characters.
_NAME = r"[^\W\d_][\w'’.-]*(?:[ \t]+[^\W\d_][\w'’.-]*){0,5}"
_CJK = r"[\u4e00-\u9fff·]{2,6}"
_WORD = r"[^\W\d_][\w'’-]*"
# The words setting the wrong form against the right one.
_NOT = r"(?:et non|and not|not|y no|no|а не|وليس|لا)"
_PHRASES = (
    # fr
    rf"le nom correct est\s*:?\s*(?P<new>{_NAME})(?:\s*\(et non\s+(?P<old>{_NAME})\))?",
    rf"(?P<new>{_NAME})\s*\(et non\s+(?P<old>{_NAME})\)",
    rf"il faut lire\s+(?P<new>{_NAME})\s+au lieu de\s+(?P<old>{_NAME})",
    # en
    rf"the correct spelling(?: of (?:the|his|her) name)? is\s*:?\s*(?P<new>{_NAME})"
    rf"(?:,\s+not\s+(?P<old>{_NAME}))?",
    rf"(?P<new>{_NAME}),\s+not\s+(?P<old>{_NAME})",
    rf"please correct the name(?: of (?P<old>{_NAME}))? to\s+(?P<new>{_NAME})",
    # es
    rf"el nombre correcto es\s*:?\s*(?P<new>{_NAME})(?:\s*\(y no\s+(?P<old>{_NAME})\))?",
    rf"(?P<new>{_NAME})\s*\(y no\s+(?P<old>{_NAME})\)",
    # ru
    rf"правильно\s*:\s*(?P<new>{_NAME})",
    rf"просим исправить фамилию[^.]*?\s+на\s+(?P<new>{_NAME})",
    rf"(?P<new>{_NAME}),?\s*\(?а не\s+(?P<old>{_NAME})",
    # ar
    rf"الاسم الصحيح هو\s*:?\s*(?P<new>{_NAME})",
    rf"الصحيح هو\s*:?\s*(?P<new>{_NAME})",
    # any: the new form, a note on it, then the old one set against it ("Mme Gisèle
    # ADJOVI (avec un i), et non Adjovy", "KOWALCZYK (with a y), not Kowalczik")
    rf"(?P<new>{_NAME})\s*\([^()\n]{{1,40}}\)\s*,?\s+{_NOT}\s+(?P<old>{_NAME})",
    # any: the word respelt, in parentheses ("… الكعبي (سالم وليس سليم)", "(Adjovi, not Adjovy)")
    rf"\((?P<new>{_WORD})\s*,?\s+{_NOT}\s+(?P<old>{_WORD})\)",
    # zh
    rf"正确姓名为\s*[:：]?\s*(?P<new>{_CJK})",
    rf"应为\s*[:：]?\s*(?P<new>{_CJK})",
)


_QUOTES = re.compile(r"[«»“”„\"]")


@cache
def _patterns() -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in _PHRASES]


def _distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def _close(a: str, b: str) -> bool:
    """Two spellings of one word: a misread letter or two, accents aside."""
    fa, fb = person_key(a), person_key(b)
    return fa == fb or _distance(fa, fb) <= max(1, min(len(fa), len(fb)) // 3)


def _words(name: str) -> list[str]:
    """The words of a name, honorifics aside, up to the end of its sentence ("Tamme. Thank")."""
    words: list[str] = []
    for word in HONORIFIC_RE.sub(" ", f" {name} ").split():
        if word.strip(".,"):
            words.append(word.strip(".,"))
        if word.endswith(".") and len(word) > 3:
            break
    return words


def _windows(words: list[str]) -> list[list[str]]:
    """The runs of ``words`` that may be the name, longest first: the phrase may
    catch words around it ("We confirm Mr. Kask, not …")."""
    return [words[i:i + size] for size in range(len(words), 0, -1)
            for i in range(len(words) - size + 1)]


def _respelt(listed: str, new: list[str], longer: bool = False) -> str | None:
    """``listed`` with the words of ``new`` that respell some of its words, when
    every word of ``new`` is one of them or respells one; else None. ``longer``:
    words of ``new`` after all of ``listed`` are added ("Echeverria Lagos")."""
    words = listed.split()
    free = list(range(len(words)))
    changed = False
    for word in new:
        same = next((i for i in free if words[i].casefold() == word.casefold()), None)
        if same is None:
            # A word in lower case ("que", "et") respells no name.
            same = None if word[:1].islower() else next(
                (i for i in free if _close(words[i], word)), None)
            if same is None and longer and not free and word[:1].isupper():
                words.append(word)
                changed = True
                continue
            if same is None:
                return None
            words[same], changed = word, True
        free.remove(same)
    return " ".join(words) if changed else None


def name_corrected(text: str, before: State) -> tuple[str, tuple[Person, ...]] | None:
    """The words and the delegation with one listed delegate's name respelt, or None."""
    text = _QUOTES.sub("", text)  # «Руссу», а не «Русу»; "Kask", not "Kass"
    for pattern in _patterns():
        for match in pattern.finditer(text):
            new, old = _words(match.group("new")), match.groupdict().get("old")
            for window in _windows(new):
                if _as_listed(window, before):
                    continue  # "حمد" is how one listed delegate is written: no respelling
                found = [(i, name) for i, p in enumerate(before.people)
                         if (name := _respelt(str(p.get("name") or ""), window, old is not None)
                             or _swapped(str(p.get("name") or ""), window, old))
                         and (old is None or _designates(str(p["name"]), old))]
                if len(found) == 1:
                    i, name = found[0]
                    people = tuple({**p, "name": name} if j == i else p
                                   for j, p in enumerate(before.people))
                    return match.group(0).strip(), people
    return None


def _as_listed(window: list[str], before: State) -> bool:
    """Every word of ``window`` is written so in one listed name."""
    return any({w.casefold() for w in window} <= {w.casefold() for w in str(p.get("name") or "")
                                                  .split()} for p in before.people)


def _swapped(listed: str, new: list[str], old: str | None) -> str | None:
    """``listed`` with the words of ``old`` it holds as written replaced by ``new``,
    word for word: "(سالم وليس سليم)" says which word is wrong, however far apart."""
    wrong = _words(old) if old else []
    words = listed.split()
    at = [i for i, w in enumerate(words) if w.casefold() in {o.casefold() for o in wrong}]
    if not wrong or len(new) != len(wrong) or len(at) != len(wrong) or not all(
            _distance(person_key(words[i]), person_key(w)) <= max(1, len(words[i]) // 2)
            for i, w in zip(at, new, strict=True)):
        return None  # a respelling, not another name ("Paul Martin (et non Lefebvre)")
    for i, word in zip(at, new, strict=True):
        words[i] = word
    return " ".join(words)


def _designates(listed: str, old: str) -> bool:
    """The wrong form ("Lefebvre", "Петрова") is how ``listed`` was written."""
    words = _words(old) or old.split()
    return names_match(listed, " ".join(words)) or _respelt(listed, words) is not None

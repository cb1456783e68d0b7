"""The cue words of follow-up replies (``cues.yaml`` beside this module), compiled.

One pattern per category. A phrase of Latin or Cyrillic script matches
whole words; Arabic attaches its conjunctions and prepositions (و، ب، ل)
to the next word and Chinese has no spaces, so there a phrase may sit
inside a word. "…" (or "...") in a phrase stands for up to 80 characters,
"~" for one to three words ("ne ~ pas": "ne fera finalement pas").
A phrase ending in an elidable French word ("au lieu de") also matches
its elided form ("au lieu d'Émilie"), and "de"/"a" the Spanish "del"/"al".
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

CUES_FILE = Path(__file__).with_name("cues.yaml")
CATEGORIES = ("withdraw", "remove", "replace", "add", "followup", "leaving_before",
              "leaving_after", "leaving_oblique", "not_leaving", "correction", "title_is",
              "new_list", "rest_stays", "contact_label", "newcomer_before", "newcomer_after",
              "newcomer_object",
              "leaving_paired", "leads", "title_copula", "title_contrast", "attends",
              "leaving_pronoun")
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
_GAP = r".{0,80}?"
# "~" in a phrase: one to three words ("ne ~ pas": "ne fera finalement pas").
_WORDS = r"[\w'’-]+(?:\s+[\w'’-]+){0,2}?"
_BOUNDED = re.compile(r"^[\w'’-]", re.UNICODE)


def _script_bounded(phrase: str) -> bool:
    first = phrase[:1]
    return bool(_BOUNDED.match(first)) and not ("\u0600" <= first <= "\u06ff"
                                                or "\u3400" <= first <= "\u9fff")


# French words elided before a vowel: "au lieu de" is also "au lieu d'Émilie";
# Spanish contracts "de el" and "a el": "la inscripción del Sr. X".
_ELIDED = {"de": "d", "que": "qu", "le": "l", "la": "l", "ne": "n", "se": "s"}
_CONTRACTED = {"de": "del", "a": "al"}


# Russian declines the words of a phrase ("изменение состава": "в связи с
# изменением состава"): in a phrase of several Cyrillic words, a word of five
# letters or more keeps its stem and takes any ending. (A single word, such as
# "вместо", stays whole: "вместе" is another word.)
_CYRILLIC_WORD = re.compile(r"[а-яё]{5,}", re.IGNORECASE)
_VOWEL_END = re.compile(r"[аеёиоуыэюяйь]{1,2}$", re.IGNORECASE)


def _declined(phrase: str) -> str:
    """``phrase`` as a pattern whose Cyrillic words may take any case ending."""
    def word(match: re.Match[str]) -> str:
        stem = _VOWEL_END.sub("", match.group())
        return "\x00" + stem + "\x01"
    return _CYRILLIC_WORD.sub(word, phrase)


def _pattern(phrase: str) -> str:
    if len(phrase.split()) > 1 and "…" not in phrase and _CYRILLIC_WORD.search(phrase):
        marked = _declined(phrase)
        body = re.escape(marked).replace(r"\ ", r"\s+")
        body = body.replace("\x00", "").replace("\x01", "[а-яё]{0,4}")
        return ((r"(?<!\w)" if _script_bounded(phrase) else "") + body
                + (r"(?!\w)" if _script_bounded(phrase[::-1]) else ""))
    parts = [re.escape(p.strip()) for p in re.split(r"…|\.\.\.", phrase)]
    body = _GAP.join(p.replace(r"\ ", r"\s+").replace(r"\~", _WORDS) for p in parts if p)
    if _script_bounded(phrase):
        body = r"(?<!\w)" + body
    last = phrase.split()[-1] if phrase.split() else ""
    if len(phrase.split()) > 1 and (last in _ELIDED or last in _CONTRACTED):
        stem = body[:len(body) - len(last)]
        forms = [f"{last}(?!\\w)"] + ([f"{_CONTRACTED[last]}(?!\\w)"] if last in _CONTRACTED
                                      else []) + ([f"{_ELIDED[last]}['’]"] if last in _ELIDED
                                                  else [])
        body = stem + "(?:" + "|".join(forms) + ")"
    elif _script_bounded(phrase[::-1]):
        body += r"(?!\w)"
    return body


@cache
def phrases(category: str, language: str) -> tuple[str, ...]:
    """The phrases of ``category`` written for ``language`` in ``cues.yaml``."""
    data = yaml.safe_load(CUES_FILE.read_text("utf-8"))
    return tuple((data.get(category, {}) or {}).get(language) or ())


@cache
def cue_patterns() -> dict[str, re.Pattern[str]]:
    """One compiled pattern per category, from ``cues.yaml`` (read once)."""
    data = yaml.safe_load(CUES_FILE.read_text("utf-8"))
    patterns = {}
    for category in CATEGORIES:
        phrases = [p for lang in LANGUAGES for p in (data.get(category, {}).get(lang) or [])]
        # Longest first: "will no longer participate" before "will no longer".
        phrases.sort(key=len, reverse=True)
        patterns[category] = re.compile("|".join(_pattern(p) for p in phrases) or r"(?!x)x",
                                        re.IGNORECASE | re.DOTALL)
    return patterns


def find_cues(text: str) -> dict[str, str]:
    """The first words of each category found in ``text``, as written there."""
    found = {}
    for category, pattern in cue_patterns().items():
        match = pattern.search(text)
        if match:
            found[category] = " ".join(match.group(0).split())
    return found

"""A listed delegate named by the given name alone as leaving.

An informal follow-up names a colleague by the given name: "Derek is no longer
able to join us", "Sean will not be travelling after all". Beside a leaving cue
of ``cues.yaml``, in the cue's sentence, a capitalised word that is the first
given name of exactly one listed delegate (Latin script; Russian and Arabic
letters name people otherwise) is that delegate. Read by
:func:`bot.inbound.followup.leaving.leaving` when no surname was found.
"""

from __future__ import annotations

import re

from bot.inbound.followup.cues import cue_patterns
from bot.inbound.followup.mentions import CLAUSE
from bot.results.delegation import Person, State, person_key

_LATIN_NAME = re.compile(r"[A-ZÀ-Þ][a-zà-ÿ'’-]+")
_SENTENCE = re.compile(r"[.!?;:\n]\s")


def _given(person: Person) -> str | None:
    words = str(person.get("name") or "").split()
    if len(words) < 2 or not _LATIN_NAME.fullmatch(words[0]):
        return None  # "BERG, Oskar" or a single word: no given name known to come first
    return person_key(words[0]) if len(words[0]) >= 3 else None


def leaving_by_given_name(text: str, before: State) -> list[str]:
    """Listed delegates named by their given name alone beside a leaving cue."""
    given = [(g, p["name"]) for p in before.people if (g := _given(p))]
    counts = {g: sum(1 for h, _ in given if h == g) for g, _ in given}
    patterns = cue_patterns()
    found: list[str] = []
    for category, side in (("leaving_before", 1), ("leaving_after", -1)):
        for match in patterns[category].finditer(text):
            if side > 0:
                window = _SENTENCE.split(text[match.end():match.end() + 80])[0]
            else:
                window = _SENTENCE.split(text[max(0, match.start() - 80):match.start()])[-1]
                # "Ms. Christine X regrets that Austria will not …": the clause the cue ends.
                window = CLAUSE.split(window)[-1]
            words = {person_key(w) for w in _LATIN_NAME.findall(window)}
            found += [name for g, name in given
                      if g in words and counts[g] == 1 and name not in found]
    return found

"""Decide what one reply does to its mission's delegation.

Input: the delegation recorded so far (:class:`bot.results.delegation.State`,
the fold of the earlier replies), what the extractor read in this reply
(decision, people, the names it withdraws) and the reply's own words.
Output: an operation of ``models.Operation`` with the words that caused it
and, when the reading is a guess, why it must be confirmed. The cue words
are data, per operation and language, in ``cues.yaml`` beside this module.

The order of the questions is the point:

1. nothing recorded yet: the ``first`` answer (or ``none`` if it says nothing);
2. a declining message naming nobody: ``withdraw`` (decline after
   accepting; a remove-cue without a name is only a guess, to confirm), or
   ``complete`` when the earlier answer was undecided;
3. names taken off: ``remove``, or ``replace`` when others come in;
4. people named: ``complete`` when none were named before, ``resend`` when
   they are the same people, else ``replace`` / ``add`` by the cue words (a
   list that keeps every earlier name and adds some is an ``add``; a
   different list without a cue is read as a replacement, to confirm);
5. no people: a changed decision, else ``none``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.models import Operation
from bot.results.delegation import Person, State, names_match, person_key, same_people

CUES_FILE = Path(__file__).with_name("cues.yaml")
CATEGORIES = ("withdraw", "remove", "replace", "add", "followup", "leaving_before",
              "leaving_after")
# How far from a leaving cue the name of the one leaving may be written.
_WINDOW = 50
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
_GAP = r".{0,80}?"
_BOUNDED = re.compile(r"^[\w'’-]", re.UNICODE)


def _script_bounded(phrase: str) -> bool:
    # Arabic attaches its conjunctions and prepositions (و، ب، ل) to the next
    # word and Chinese has no spaces: there a phrase may sit inside a word.
    first = phrase[:1]
    return bool(_BOUNDED.match(first)) and not ("\u0600" <= first <= "\u06ff"
                                                or "\u3400" <= first <= "\u9fff")


def _pattern(phrase: str) -> str:
    parts = [re.escape(p.strip()) for p in re.split(r"…|\.\.\.", phrase)]
    body = _GAP.join(p.replace(r"\ ", r"\s+") for p in parts if p)
    if _script_bounded(phrase):
        body = r"(?<!\w)" + body
    if _script_bounded(phrase[::-1]):
        body += r"(?!\w)"
    return body


@cache
def cue_patterns() -> dict[str, re.Pattern[str]]:
    """One compiled pattern per category, from ``cues.yaml`` (read once)."""
    data = yaml.safe_load(CUES_FILE.read_text("utf-8"))
    patterns = {}
    for category in CATEGORIES:
        phrases = [p for lang in LANGUAGES for p in (data.get(category, {}).get(lang) or [])]
        # Longest first: "will no longer participate" before "will no longer".
        phrases.sort(key=len, reverse=True)
        patterns[category] = re.compile("|".join(_pattern(p) for p in phrases),
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


def _stem_match(a: str, b: str) -> bool:
    # Case endings change the end of a name ("Хольцер" / "Хольцера",
    # "Иванова" / "Ивановой"): a common beginning of all but two letters.
    if a == b:
        return True
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y),
                  min(len(a), len(b)))
    return common >= 3 and common >= max(len(a), len(b)) - 2


def _named_in(window: str, person: Person) -> bool:
    words = [w for w in person_key(person["name"]).split() if len(w) >= 2]
    if any("\u3400" <= ch <= "\u9fff" for ch in person["name"]):
        # Chinese names are written without spaces: look for the name itself.
        return "".join(person["name"].split()) in "".join(window.split())
    seen = person_key(window).split()
    surname = person_key(person["name"].split()[-1]) if person["name"].split() else ""
    return bool(words) and any(_stem_match(surname, w) for w in seen if len(w) >= 3)


def leaving(text: str, before: State) -> list[str]:
    """Names of the delegation ``before`` that ``text`` says are leaving or replaced.

    Read beside the extractor's own list: a name right after "instead of",
    "en sustitución de", "вместо"…, or right before "will no longer",
    "ne participera pas", "больше не"…, in any grammatical case.
    """
    patterns = cue_patterns()
    found: list[str] = []
    for category, side in (("leaving_before", 1), ("leaving_after", -1)):
        for match in patterns[category].finditer(text):
            window = (text[match.end():match.end() + _WINDOW] if side > 0
                      else text[max(0, match.start() - _WINDOW):match.start()])
            # Only the line next to the cue (not a period: "Mr." is in names).
            window = re.split(r"[;\n]", window)[0 if side > 0 else -1]
            found += [p["name"] for p in before.people
                      if _named_in(window, p) and p["name"] not in found]
    return found


@dataclass(frozen=True)
class Decided:
    """The operation, the words that caused it, the names taken off, and any doubt."""

    operation: Operation
    cue: str
    removed: tuple[str, ...] = ()
    to_confirm: str | None = None


def _said(category: str, cues: dict[str, str]) -> str:
    word = cues[category]
    return word if word.startswith("(") else f'"{word}"'


def decide_operation(before: State, decision: str | None, people: list[Person],
                     withdrawn: list[str], text: str, amendment: str | None = None) -> Decided:
    """The operation this reply performs on the delegation ``before``.

    ``amendment`` is the extractor's own reading ("extend" or "replace"),
    counted as a cue when the words of ``cues.yaml`` say nothing.
    """
    cues = find_cues(text)
    written = dict(cues)  # the words of the message itself, before the extractor's reading
    if amendment == "extend":
        cues.setdefault("add", "(read by the extractor as an addition)")
    elif amendment == "replace":
        cues.setdefault("replace", "(read by the extractor as a replacement)")
    if not before.said_something:
        if decision is None and not people:
            return Decided(Operation.NONE, "no decision and nobody named")
        return Decided(Operation.FIRST, "the first answer")
    named = [p["name"] for p in before.people
             if any(names_match(p["name"], w) or _named_in(w, p) for w in withdrawn)]
    removed = tuple(dict.fromkeys([*named, *leaving(text, before)]))
    unknown = [w for w in withdrawn
               if not any(names_match(p["name"], w) or _named_in(w, p) for p in before.people)]
    people = [p for p in people if p["name"] not in removed
              and not any(names_match(p["name"], r) for r in removed)]
    if "withdraw" in cues and not people and not removed and before.decision != "decline":
        return Decided(Operation.WITHDRAW, _said("withdraw", cues))
    if decision == "decline" and not people and not removed:
        if before.decision in (None, "undecided"):
            return Decided(Operation.COMPLETE, "declines after an undecided answer")
        if before.decision == "decline" and not before.people:
            return Decided(Operation.RESEND, "declines again")
        if "withdraw" in cues or "remove" not in cues:
            return Decided(Operation.WITHDRAW, _said("withdraw", cues) if "withdraw" in cues
                           else "declines after accepting")
        return Decided(Operation.WITHDRAW, _said("remove", cues),
                       to_confirm=f"{_said('remove', cues)} names nobody of the delegation; "
                                  "read as a withdrawal")
    if removed:
        known = {person_key(p["name"]) for p in before.people}
        newcomers = [p for p in people if person_key(p["name"]) not in known]
        if newcomers:
            cue = next((_said(c, cues) for c in ("replace", "remove", "withdraw") if c in cues),
                       "names taken off: " + ", ".join(removed))
            return Decided(Operation.REPLACE, cue, removed)
        cue = next((_said(c, cues) for c in ("remove", "withdraw", "replace") if c in cues),
                   "names taken off: " + ", ".join(removed))
        # "B is replaced by…" with nobody read after it: the newcomer was missed.
        missed = ("replace" in written or "add" in written) and "remove" not in written
        return Decided(Operation.REMOVE, cue, removed, to_confirm=(
            f"{_said('replace' if 'replace' in written else 'add', written)} but no newcomer "
            "was read; only the departure is recorded") if missed else None)
    doubt = (f"names {', '.join(unknown)} as leaving, who is not in the delegation"
             if unknown else None)
    if people:
        if not before.people:
            if before.decision == "decline":
                return Decided(Operation.REPLACE, "names a delegation after declining",
                               to_confirm=doubt)
            return Decided(Operation.COMPLETE, "names the delegation announced before",
                           to_confirm=doubt)
        if same_people(people, before.people):
            return Decided(Operation.RESEND, "the same people as recorded", to_confirm=doubt)
        if "replace" in cues:
            return Decided(Operation.REPLACE, _said("replace", cues), to_confirm=doubt)
        if "add" in cues:
            return Decided(Operation.ADD, _said("add", cues), to_confirm=doubt)
        old = {person_key(p["name"]) for p in before.people}
        if old <= {person_key(p["name"]) for p in people}:
            return Decided(Operation.ADD, "the recorded list again, with more names",
                           to_confirm=doubt)
        return Decided(Operation.REPLACE, _said("followup", cues) if "followup" in cues
                       else "a different list", to_confirm=doubt or (
                           "a new list with no word saying whether it adds to or replaces "
                           "the recorded one; read as a replacement"))
    if decision is not None and decision != before.decision:
        if before.decision in (None, "undecided"):
            return Decided(Operation.COMPLETE, f"{decision} after an undecided answer")
        if decision == "accept":
            return Decided(Operation.REPLACE, "accepts after declining")
    if "remove" in written or "withdraw" in written:
        word = _said("remove" if "remove" in written else "withdraw", written)
        return Decided(Operation.NONE, word, to_confirm=f"{word} but no delegate of the "
                                                        "recorded list is named")
    if "add" in written or "replace" in written:
        word = _said("add" if "add" in written else "replace", written)
        return Decided(Operation.NONE, word, to_confirm=f"{word} but no name was read; "
                                                        "the delegation is unchanged")
    return Decided(Operation.NONE, "nothing that changes the delegation", to_confirm=doubt)

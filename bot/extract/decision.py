"""Decide what a reply says: accept, decline or undecided, and whether it amends.

The text is cut into clauses (sentences, and the halves of a "but"), and
each clause is read on its own, so that a negation only reaches the words
of its own clause: "regrets that the Minister cannot attend, but the
Ambassador will" declines nothing.  Per clause, from the lexicons'
[decision] tables:

- phrases that only quote or ask ("the invitation to participate", "do not
  hesitate") are blanked first: they state nothing;
- a deferral ("will revert", "names to follow", "not yet decided") makes
  the clause undecided, whatever else it says;
- an explicit declining phrase, or a negator with a participation word in
  the same clause ("no representative ... will be in a position to attend",
  "لن يتسنى ... المشاركة"), declines;
- otherwise an accepting phrase accepts, unless a negator sits before it;
  a condition ("subject to funding") makes that acceptance conditional.

Named delegates count as an acceptance only where some clause accepts or
nothing declines: a regret that names a contact person still declines.  A
reply that both declines and accepts is a conflict: the stronger reading
wins and the confidence drops, so the reply goes to the review queue.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from bot.extract.alternation import alternation, merged
from bot.extract.lexicon import (
    DELEGATION_CUE,
    LANGUAGES,
    SELF_FOLLOW_UP,
    STRONG_EXTEND,
    lexicon,
)


@dataclass
class Decision:
    decision: str | None
    confidence: float
    notes: list[str] = field(default_factory=list)
    # False when nothing but names would make the reply an acceptance:
    # the people it names are then contacts, not delegates.
    accept_stated: bool = True
    # "We will participate; names will follow": no names is what it says.
    names_later: bool = False


# Decision phrases are matched on the lower-cased text, per script, without
# re.IGNORECASE: a case-insensitive alternation of a few hundred phrases costs
# more than the rest of the extraction.  Entries are written in lower case.
_SCRIPTS: Final = {
    "latin": ("en", "fr", "es"),
    "cyrillic": ("ru",),
    "arabic": ("ar",),
    "han": ("zh",),
}
_SCRIPT_RES: Final = {
    "latin": re.compile(r"[a-zà-öø-ÿ]{3}"),
    "cyrillic": re.compile(r"[а-яё]"),
    "arabic": re.compile(r"[\u0600-\u06ff]"),
    "han": re.compile(r"[\u4e00-\u9fff]"),
}
# An address is written in ASCII: in Chinese or Arabic running text without spaces
# ("蒋文（jiang.wen@moj.example）。其余人员不变。") it ends where the script changes.
_ADDRESS_RE: Final = re.compile(r"[!-~]+@[!-~]+|https?://[!-~]+|www\.[!-~]+")


def _entries(kind: str, languages: tuple[str, ...] = LANGUAGES) -> tuple[str, ...]:
    return tuple(p for lang in languages for p in lexicon(lang).get("decision", {}).get(kind, ()))


@cache
def _pattern(kind: str, script: str | None = None) -> re.Pattern[str]:
    """One alternation of the `kind` entries of a script's languages (all when None)."""
    entries = _entries(kind, _SCRIPTS[script] if script else LANGUAGES)
    # A word boundary shared by many entries is written once, in front: the
    # regular expression engine then skips ahead far faster.
    bounded = [e[2:] for e in entries if e.startswith(r"\b")]
    others = [e for e in entries if not e.startswith(r"\b")]
    parts = ([r"\b(?:" + alternation(bounded) + ")"] if bounded else [])
    parts += [alternation(others)] if others else []
    return re.compile("|".join(parts) or "(?!)")


# Sentence ends.  A full stop after an abbreviation ("Mr.", "H.E.") or an
# initial ends nothing.
_SENTENCE_END_RE: Final = re.compile(r"[.!?]+(?=\s|$)|[؟!。！？;；؛]+|\n\s*\n")
_ABBREVIATION_RE: Final = re.compile(
    r"(?:\b(?:mr|ms|mrs|dr|st|no|mme|mlle|sr|sra|srta|amb|prof|h\.e|s\.e|etc|m|г|ул)"
    r"|(?<!\w)\w)$",
    re.IGNORECASE,
)
_JOIN_LINES_RE: Final = re.compile(r"(?<=[^\s.!?؟。！？;:：])[ \t]*\n(?=[ \t]*[^\s\-•*·▪\d])")


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for end in _SENTENCE_END_RE.finditer(text):
        tail = text[max(start, end.start() - 8):end.start()]
        if end.group().startswith(".") and _ABBREVIATION_RE.search(tail):
            continue
        out.append((start, end.start()))
        start = end.end()
    out.append((start, len(text)))
    return out


@dataclass
class Reading:
    """What the clauses of a reply say, counted."""

    accept: int = 0
    participate: int = 0
    decline: int = 0
    defer: int = 0
    conditional: int = 0
    cue: int = 0
    positive: int = 0


_PIECE_RE: Final = re.compile(r"[,،，、]")


# The lexicon compiles this case-insensitive; the text here is lower case already.
_CUE_RE: Final = merged(DELEGATION_CUE)
_KINDS: Final = ("undecided", "decline", "participate", "accept", "negators", "participation",
                  "conditional", "contrast")


def _scripts(text: str) -> list[str]:
    # (An address holds "@", "http" or "www.": most replies need no blanking.)
    plain = _ADDRESS_RE.sub(" ", text) if "@" in text or "http" in text or "www." in text else text
    return [name for name, script in _SCRIPT_RES.items() if script.search(plain)]


class _Spans:
    """Where each kind of phrase matches in a text, for questions about a range."""

    def __init__(self, text: str, scripts: list[str]) -> None:
        # `text` is lower case; `scripts` are those it is written in.
        def spans(kind: str) -> list[tuple[int, int]]:
            return sorted(m.span() for script in scripts
                          for m in _pattern(kind, script).finditer(text))

        self.found = {kind: spans(kind) for kind in _KINDS}
        self.found["cue"] = [m.span() for m in _CUE_RE.finditer(text)]
        self.starts = {kind: [a for a, _ in spans] for kind, spans in self.found.items()}
        self.commas = [m.start() for m in _PIECE_RE.finditer(text)]

    def first(self, kind: str, start: int, end: int) -> tuple[int, int] | None:
        """The first match of `kind` that starts in [start, end)."""
        index = bisect_left(self.starts[kind], start)
        spans = self.found[kind]
        return spans[index] if index < len(spans) and spans[index][0] < end else None

    def cuts(self, points: list[int], start: int, end: int) -> list[tuple[int, int]]:
        """[start, end) cut at the `points` inside it."""
        inside = points[bisect_left(points, start):bisect_left(points, end)]
        edges = [start, *inside, end]
        return list(itertools.pairwise(edges))


def clauses(text: str) -> list[str]:
    """The reply cut into clauses: sentences, then the parts around "but"."""
    joined = _JOIN_LINES_RE.sub(" ", text).lower()
    found = _Spans(joined, _scripts(joined))
    return [joined[a:b] for a, b in _clause_bounds(joined, found) if joined[a:b].strip()]


# A question states nothing: "Could two experts attend?", "هل يمكن مشاركة ...؟".
_QUESTION_END_RE: Final = re.compile(r"\s*[?؟？]")
_QUESTION_START_RE: Final = re.compile(r"\s*(?:هل|أيمكن|¿|est-ce que|можно ли|могут ли|может ли)")


def _clause_bounds(text: str, found: _Spans) -> list[tuple[int, int]]:
    contrasts = found.starts["contrast"]
    return [part for a, b in _sentence_bounds(text)
            if not (_QUESTION_END_RE.match(text, b) or _QUESTION_START_RE.match(text, a))
            for part in found.cuts(contrasts, a, b)]


def read_clause(found: _Spans, start: int, end: int) -> set[str]:
    """What the clause text[start:end] states: a set of "undecided", "decline",
    "participate", "accept" and "conditional" (empty when it states nothing)."""
    kinds: set[str] = set()
    deferral = found.first("undecided", start, end)
    if deferral:
        kinds.add("undecided")
    if found.first("decline", start, end):
        kinds.add("decline")
    conditional = found.first("conditional", start, end) is not None
    # A comma ends a negation's reach for an accepting phrase: "while X is
    # unable to attend, the country will be represented by ...".
    for a, b in found.cuts(found.commas, start, end):
        if deferral and deferral[0] < b and deferral[1] > a:
            continue
        participates = found.first("participate", a, b) is not None
        stated = participates or found.first("accept", a, b) is not None
        if found.first("negators", a, b) and (stated or found.first("participation", a, b)):
            kinds.add("decline")
        elif stated:
            kinds.add("conditional" if conditional else
                      "participate" if participates else "accept")
        elif found.first("participation", a, b):
            # "Ms. Holm ... will join the delegation": a participation word that no
            # negator reaches, weaker than a phrase (it counts only beside names).
            kinds.add("positive")
    if (not kinds - {"positive"} and found.first("negators", start, end)
            and found.first("participation", start, end)):
        kinds.add("decline")
    return kinds


def read(text: str) -> Reading:
    """Count what each clause of `text` states."""
    joined = _JOIN_LINES_RE.sub(" ", text).lower()
    scripts = _scripts(joined)
    # Phrases that quote or ask are blanked, keeping every offset.
    for script in scripts:
        joined = _pattern("neutral", script).sub(lambda m: " " * len(m.group()), joined)
    found = _Spans(joined, scripts)
    reading = Reading()
    for start, end in _clause_bounds(joined, found):
        kinds = read_clause(found, start, end)
        if not kinds and found.first("cue", start, end):
            reading.cue += 1
        reading.defer += "undecided" in kinds
        reading.decline += "decline" in kinds
        reading.conditional += "conditional" in kinds
        reading.accept += bool(kinds & {"accept", "participate"})
        reading.participate += "participate" in kinds
        reading.positive += "positive" in kinds
    return reading


def decide(text: str, *, delegates: int, amendment: str | None) -> Decision:
    """The decision a reply states, given how many delegates were found in it."""
    r = read(text)
    accepts = r.accept + r.conditional
    if delegates:
        if r.decline and amendment is None:
            if accepts or r.positive:
                return Decision("accept", 0.6, ["declining phrase but delegates are named"])
            return Decision("decline", 0.7, ["declines; the people it names are contacts"],
                            accept_stated=False)
        if r.defer and not (accepts or r.cue or amendment):
            return Decision("undecided", 0.7, ["defers; the people it names are contacts"],
                            accept_stated=False)
        if r.defer:
            return Decision("accept", 0.9, ["more details announced for later"])
        if r.conditional and not r.accept:
            return Decision("accept", 0.7, ["acceptance under a condition"])
        return Decision("accept", 0.95 if accepts or amendment else 0.8)
    if r.decline:
        if r.participate:
            return Decision("decline", 0.7, ["declining and accepting phrases both present"])
        return Decision("decline", 0.95)
    if r.participate:
        note = (
            "participation confirmed, names to follow" if r.defer
            else "accepted but no delegates found"
        )
        return Decision("accept", 0.75 if r.defer else 0.7, [note],
                        names_later=bool(r.defer))
    if r.conditional:
        return Decision("accept", 0.5, ["acceptance under a condition, no names"])
    if r.defer:
        return Decision("undecided", 0.85 if not accepts else 0.8)
    if r.accept:
        return Decision("accept", 0.5, ["delegation announced but no names found"])
    return Decision(None, 0.0, ["no decision found"])


# The lexicon compiles these case-insensitive; these read lower-cased text.
_STRONG_EXTEND_RE: Final = merged(STRONG_EXTEND)
_SELF_FOLLOW_UP_RE: Final = merged(SELF_FOLLOW_UP)


def detect_amendment(text: str) -> str | None:
    """"replace" or "extend" when the reply changes a delegation already sent, else None."""
    low = text.lower()
    scripts = _scripts(low)

    def found(kind: str, where: str) -> bool:
        return any(_pattern(kind, script).search(where) for script in scripts)

    # "The rest of the delegation remains unchanged" replaces nothing.
    rest = low
    for script in scripts:
        rest = _pattern("unchanged", script).sub(" ", rest)
    follow_up = found("follow_up", rest)
    for script in scripts:
        rest = _pattern("follow_up", script).sub(" ", rest)
    if found("replace", rest):
        return "replace"
    if _STRONG_EXTEND_RE.search(rest) or (follow_up and found("extend", rest)):
        return "extend"
    # A new list sent "further to our previous note" supersedes the old one.
    return "replace" if _SELF_FOLLOW_UP_RE.search(low) else None

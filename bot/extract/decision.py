"""Decide what a reply says: accept, decline or undecided, and whether it amends.

Phrases come from `lexicon`; named delegates count as an acceptance.  A
reply that both declines and lists people (or both defers and accepts) is
a conflict: the stronger reading wins and the confidence drops, so the
reply goes to the review queue instead of straight into the delegation list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.extract.lexicon import (
    ACCEPT_RE,
    DECLINE_RE,
    EXTEND_RE,
    FOLLOW_UP_RE,
    PARTICIPATE_RE,
    REPLACE_RE,
    SELF_FOLLOW_UP_RE,
    STRONG_EXTEND_RE,
    UNDECIDED_RE,
)


@dataclass
class Decision:
    decision: str | None
    confidence: float
    notes: list[str] = field(default_factory=list)
    # "We will participate; names will follow": no names is what it says.
    names_later: bool = False


def decide(text: str, *, delegates: int, amendment: str | None) -> Decision:
    """The decision a reply states, given how many delegates were found in it."""
    declines = bool(DECLINE_RE.search(text))
    defers = bool(UNDECIDED_RE.search(text))
    participates = bool(PARTICIPATE_RE.search(text))
    accepts = participates or bool(ACCEPT_RE.search(text))
    if delegates:
        if declines and amendment is None:
            return Decision("accept", 0.6, ["declining phrase but delegates are named"])
        if defers:
            return Decision("accept", 0.9, ["more details announced for later"])
        return Decision("accept", 0.95 if accepts or amendment else 0.8)
    if declines:
        if participates:
            return Decision("decline", 0.7, ["declining and accepting phrases both present"])
        return Decision("decline", 0.95)
    if participates:
        note = (
            "participation confirmed, names to follow" if defers
            else "accepted but no delegates found"
        )
        return Decision("accept", 0.75 if defers else 0.7, [note], names_later=defers)
    if defers:
        return Decision("undecided", 0.85 if not accepts else 0.8)
    if accepts:
        return Decision("accept", 0.5, ["delegation announced but no names found"])
    return Decision(None, 0.0, ["no decision found"])


def detect_amendment(text: str) -> str | None:
    """"replace" or "extend" when the reply changes a delegation already sent, else None."""
    follow_up = FOLLOW_UP_RE.search(text) is not None
    rest = FOLLOW_UP_RE.sub(" ", text)
    if REPLACE_RE.search(rest):
        return "replace"
    if STRONG_EXTEND_RE.search(rest) or (follow_up and EXTEND_RE.search(rest)):
        return "extend"
    # A new list sent "further to our previous note" supersedes the old one.
    return "replace" if SELF_FOLLOW_UP_RE.search(text) else None

"""Result types of the extractor: what a reply says, and how sure we are."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DelegateCandidate:
    """One person a mission names as part of its delegation."""

    honorific: str | None
    name: str
    title: str | None
    role: str | None  # "head" | "alternate" | "member" | "adviser" | None
    email: str | None
    phone: str | None  # E.164
    confidence: float
    source: str  # "body" | "attachment"


@dataclass
class Extraction:
    """The decision and delegation read from one reply."""

    decision: str | None  # "accept" | "decline" | "undecided" | None
    decision_confidence: float
    delegates: list[DelegateCandidate] = field(default_factory=list)
    amendment: str | None = None  # None | "replace" | "extend"
    confidence: float = 0.0
    notes: list[str] = field(default_factory=list)
    # People the reply withdraws or replaces ("Ms. C will replace Mr. B" -> ["B"]),
    # so a person swap need not discard the rest of an earlier delegation.
    withdrawn: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class NameMatch:
    """A name read at a position of the text, with its form of address."""

    start: int
    end: int
    honorific: str | None
    name: str
    title_hint: str | None = None  # Chinese rank written between name and honorific

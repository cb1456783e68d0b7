"""The verdict on one message: which mission, by what evidence, how sure.

Pure: it reads the message and the run's :class:`Directory`, never the
database, so worker processes (:mod:`bot.inbound.intake.prepare`) can compute it
without loading the database layer. :mod:`bot.inbound.stages.match` is the stage
that writes it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from bot.inbound.matchers import MATCHERS, Evidence, Matcher, MatchInput, trust
from bot.inbound.matchers.base import Directory

TOKEN_METHODS = ("token_address", "token_subject", "token_body", "token_attachment")


@dataclass
class MatchResult:
    """The verdict: a mission (or none), a method, a confidence, and why."""

    mission_id: int | None
    invitation_id: int | None
    method: str | None
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    trusted: bool = True

    def needs_review(self, threshold: float) -> bool:
        return self.mission_id is None or not self.trusted or self.confidence < threshold

    def detail(self) -> dict[str, object]:
        return {"evidence": [asdict(e) for e in self.evidence], "reasons": self.reasons}


def find_evidence(directory: Directory, msg: MatchInput,
                  matchers: tuple[Matcher, ...] = MATCHERS) -> list[Evidence]:
    """Every matcher's evidence, in matcher order."""
    found = []
    for matcher in matchers:
        evidence = matcher.match(directory, msg)
        if evidence is not None:
            found.append(evidence)
    return found


def weigh(directory: Directory, msg: MatchInput, evidence: list[Evidence],
          authserv_id: str | None = None) -> MatchResult:
    """Combine the evidence into one verdict."""
    if not evidence:
        return MatchResult(None, None, None, 0.0, [], ["no evidence of any mission"])
    best = max(evidence, key=lambda e: e.confidence)
    mission_id = best.mission_id
    agreeing = [e for e in evidence if e.mission_id == mission_id]
    doubt = 1.0
    for item in agreeing:
        doubt *= 1.0 - item.confidence
    confidence = 1.0 - doubt
    reasons: list[str] = []
    conflicts = [(e, e.mission_id) for e in evidence if e.mission_id != mission_id]
    conflicts += [(e, other) for e in evidence for other in e.others if other != mission_id]
    if conflicts:
        strongest = max(e.confidence for e, _ in conflicts)
        confidence *= 1.0 - 0.5 * strongest
        names = sorted({f"{directory.missions[m].code} ({e.method})" for e, m in conflicts
                        if m in directory.missions})
        reasons.append("conflicting evidence: " + ", ".join(names))
    entry = directory.missions[mission_id]
    trusted = True
    sender = msg.msg.from_addr or ""
    if (any(e.method in TOKEN_METHODS for e in agreeing)
            and not directory.sender_known(mission_id, sender)):
        trusted = False
        confidence = min(confidence, 0.5)
        reasons.append(f"token of {entry.code} used by {sender or 'an unknown sender'}, "
                       f"who is not known for {entry.code}")
    # The sender rules' own reading of our server's verdict: one decision of
    # "failed at our server" for the matcher and for the sender trust.
    auth = trust.authenticate(msg.msg.header_all("authentication-results"), authserv_id, sender)
    if auth.state == "fail":
        trusted = False
        reasons.append(auth.detail)
    return MatchResult(mission_id, entry.invitation_id, best.method, round(confidence, 3),
                       evidence, reasons, trusted)


def match_message(directory: Directory, msg: MatchInput,
                  authserv_id: str | None = None) -> MatchResult:
    """Run the matchers and weigh what they found."""
    return weigh(directory, msg, find_evidence(directory, msg), authserv_id)

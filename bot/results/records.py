"""The results of a campaign read back as plain records, one per mission.

Status, exports, the digest and the list of participants all read the same
records, built here with a handful of bulk queries (not one per mission), so
the four views can never disagree about a mission's state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session, col, select

from bot import models
from bot.clock import as_utc

STATUSES = tuple(s.value for s in models.InvitationStatus)
ROLE_ORDER = {"head": 0, "alternate": 1, "member": 2, "adviser": 3}


@dataclass(frozen=True)
class DelegateRecord:
    honorific: str | None
    name: str
    title: str | None
    role: str | None
    email: str | None
    phone: str | None
    confidence: float

    def as_dict(self) -> dict[str, object]:
        return {"honorific": self.honorific, "name": self.name, "title": self.title,
                "role": self.role, "email": self.email, "phone": self.phone,
                "confidence": round(self.confidence, 3)}


@dataclass
class MissionRecord:
    """One mission with its invitation state, current decision and delegates."""

    mission_id: int
    code: str
    country: str
    email: str
    status: str = models.InvitationStatus.PENDING.value
    decision: str | None = None
    sent_at: datetime | None = None
    replied_at: datetime | None = None
    last_event: str | None = None
    last_event_at: datetime | None = None
    error: str | None = None
    delegates: list[DelegateRecord] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    # Why the recorded delegation waits for confirmation (Response.to_confirm).
    to_confirm: str | None = None
    # A message the match stage held for review names this mission as its
    # best guess: an answer may be waiting, so the mission is not silent.
    awaiting_review: int = 0
    # The current delegation is an answer staff entered (a note verbale by
    # hand, a call: bot.inbound.staffentry), not one the mission mailed.
    entered_by_staff: bool = False

    @property
    def silent(self) -> bool:
        """Invited and delivered, and nothing has come back (nor waits for review)."""
        return self.status == models.InvitationStatus.SENT.value and not self.awaiting_review

    @property
    def review_waiting(self) -> bool:
        """Sent, and an answer naming this mission waits in the review queue."""
        return self.status == models.InvitationStatus.SENT.value and bool(self.awaiting_review)

    @property
    def state(self) -> str:
        """The status a person reads: "answer waiting for review" and "replied (entered
        by staff)" beside the stored ones."""
        if self.review_waiting:
            return "answer waiting for review"
        if self.status == models.InvitationStatus.REPLIED.value and self.entered_by_staff:
            return "replied (entered by staff)"
        return self.status


def _opt(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def find_campaign(session: Session, reference: str) -> models.Campaign:
    campaign = session.exec(
        select(models.Campaign).where(models.Campaign.reference == reference)).one()
    return campaign


def load_missions(session: Session, campaign_id: int) -> list[MissionRecord]:
    """Every mission of the campaign, in code order, with what is known of it."""
    missions = session.exec(select(models.Mission)
                            .where(models.Mission.campaign_id == campaign_id)
                            .order_by(col(models.Mission.code))).all()
    records = {m.id: MissionRecord(mission_id=m.id, code=m.code, country=m.country,
                                   email=m.email)
               for m in missions if m.id is not None}
    invitations = session.exec(select(models.Invitation)
                               .where(models.Invitation.campaign_id == campaign_id)).all()
    by_invitation: dict[int, MissionRecord] = {}
    for inv in invitations:
        record = records.get(inv.mission_id)
        if record is None or inv.id is None:
            continue
        by_invitation[inv.id] = record
        record.status = inv.status
        record.sent_at = _opt(inv.sent_at)
        record.replied_at = _opt(inv.replied_at)
        record.last_event = inv.last_event
        record.last_event_at = _opt(inv.last_event_at)
        record.error = inv.error
    _attach_responses(session, by_invitation)
    held = session.exec(
        select(models.InboundMessage.mission_id)
        .join(models.ReviewItem, col(models.ReviewItem.inbound_id) == models.InboundMessage.id)
        .where(models.ReviewItem.state == "open")
        .where(models.InboundMessage.campaign_id == campaign_id)
        .where(col(models.InboundMessage.mission_id).is_not(None))).all()
    for mission_id in held:
        if mission_id in records:
            records[mission_id].awaiting_review += 1
    inbound = session.exec(
        select(models.InboundMessage)
        .where(models.InboundMessage.campaign_id == campaign_id)
        .where(col(models.InboundMessage.mission_id).is_not(None))
        .order_by(col(models.InboundMessage.received_at), col(models.InboundMessage.id))).all()
    for message in inbound:
        record = records.get(message.mission_id or -1)
        if record is not None:
            record.messages.append(message.message_id or message.message_key)
    return list(records.values())


def _attach_responses(session: Session, by_invitation: dict[int, MissionRecord]) -> None:
    if not by_invitation:
        return
    responses = session.exec(
        select(models.Response)
        .where(col(models.Response.invitation_id).in_(list(by_invitation)))
        .where(col(models.Response.current).is_(True))
        .order_by(col(models.Response.created_at), col(models.Response.id))).all()
    if not responses:
        return
    delegates: dict[int, list[models.Delegate]] = defaultdict(list)
    for delegate in session.exec(
            select(models.Delegate)
            .where(col(models.Delegate.response_id).in_([r.id for r in responses]))
            .order_by(col(models.Delegate.position), col(models.Delegate.id))):
        delegates[delegate.response_id].append(delegate)
    by_staff = set(session.exec(
        select(models.InboundMessage.id)
        .where(col(models.InboundMessage.id).in_([r.inbound_id for r in responses]))
        .where(models.InboundMessage.classification == models.MessageKind.STAFF_ENTRY)).all())
    for response in responses:
        record = by_invitation[response.invitation_id]
        record.entered_by_staff = response.inbound_id in by_staff
        # The latest current response decides; an "extend" amendment keeps
        # the earlier delegates current beside its own.
        record.decision = response.decision
        record.to_confirm = response.to_confirm
        for d in delegates.get(response.id or -1, []):
            record.delegates.append(DelegateRecord(
                honorific=d.honorific, name=d.name, title=d.title, role=d.role,
                email=d.email, phone=d.phone, confidence=d.confidence))


def ordered_delegates(record: MissionRecord) -> list[DelegateRecord]:
    """Head of delegation first, then alternates, members, advisers, the rest."""
    return sorted(record.delegates, key=lambda d: ROLE_ORDER.get(d.role or "", 9))

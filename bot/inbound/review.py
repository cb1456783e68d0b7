"""The review queue: what the machine could not decide, and a human's answer.

A stage that doubts (a weak or conflicting match, a suspicious sender, an
extraction below threshold, a message cut by the limits) calls
:func:`open_review`; the message waits in ``needs_review`` until
``invitebot review assign`` names its mission (matching is then settled
and read, extract and record run again) or ``review dismiss`` sets it
aside. Both are written to the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot import audit, models
from bot.clock import utcnow
from bot.errors import InvitebotError, NotFoundError


@dataclass(frozen=True)
class ReviewRow:
    """One line of ``invitebot review list``."""

    inbound_id: int
    from_addr: str
    subject: str
    reason: str
    suggested: str | None
    since: str


def open_review(session: Session, row: models.InboundMessage, reason: str) -> None:
    """Put the message in the queue (one open item per message, reason updated)."""
    row.status = models.InboundStatus.NEEDS_REVIEW
    item = session.exec(select(models.ReviewItem).where(
        models.ReviewItem.inbound_id == row.id, models.ReviewItem.state == "open")).first()
    if item is None:
        item = models.ReviewItem(inbound_id=row.id or 0, reason=reason)
    item.reason = reason or "needs a human look"
    session.add(item)


def list_open(session: Session) -> list[ReviewRow]:
    """Open items, oldest first, with the machine's best guess of the mission."""
    rows = []
    items = session.exec(select(models.ReviewItem, models.InboundMessage)
                         .join(models.InboundMessage,
                               col(models.InboundMessage.id) == models.ReviewItem.inbound_id)
                         .where(models.ReviewItem.state == "open")
                         .order_by(col(models.ReviewItem.id)))
    for item, message in items:
        suggested = None
        if message.mission_id is not None:
            mission = session.get(models.Mission, message.mission_id)
            if mission is not None:
                suggested = f"{mission.code} ({message.confidence or 0:.2f})"
        since = item.created_at.isoformat(timespec="minutes")
        rows.append(ReviewRow(message.id or 0, message.from_addr or "", message.subject or "",
                              item.reason, suggested, since))
    return rows


def find_message(session: Session, ref: str) -> models.InboundMessage:
    """A message by row id or Message-ID; NotFoundError otherwise."""
    row = None
    if ref.isdigit():
        row = session.get(models.InboundMessage, int(ref))
    if row is None:
        key = ref if ref.startswith("<") else f"<{ref}>"
        row = session.exec(select(models.InboundMessage).where(
            models.InboundMessage.message_id == key)).first()
    if row is None:
        raise NotFoundError(f"no inbound message {ref!r}")
    return row


def close_items(session: Session, row: models.InboundMessage, state: str, actor: str) -> None:
    for item in session.exec(select(models.ReviewItem).where(
            models.ReviewItem.inbound_id == row.id, models.ReviewItem.state == "open")):
        item.state, item.resolved_at, item.resolved_by = state, utcnow(), actor
        session.add(item)


def refuse_staff_entry(row: models.InboundMessage) -> None:
    """An answer staff entered (bot.inbound.staffentry) is no mail to review: it has
    no raw message to read again."""
    if row.classification == models.MessageKind.STAFF_ENTRY:
        raise InvitebotError(f"message {row.id} is an answer entered by staff, not a mail: "
                             "change it on the mission's page of the console")


def assign(session: Session, row: models.InboundMessage, mission_code: str,
           campaign_id: int, actor: str | None = None) -> models.Mission:
    """Settle the match by hand; the caller re-runs the later stages."""
    refuse_staff_entry(row)
    mission = session.exec(select(models.Mission).where(
        models.Mission.campaign_id == campaign_id,
        models.Mission.code == mission_code.upper())).first()
    if mission is None:
        raise NotFoundError(f"no mission with code {mission_code!r}")
    invitation = session.exec(select(models.Invitation).where(
        models.Invitation.mission_id == mission.id)).first()
    actor = actor or audit.current_actor()
    previous = row.mission_id
    row.campaign_id, row.mission_id = campaign_id, mission.id
    row.invitation_id = invitation.id if invitation else None
    row.match_method, row.confidence = "manual", 1.0
    row.status, row.error, row.stage = models.InboundStatus.NEW, None, "review"
    close_items(session, row, "assigned", actor)
    audit.record(session, "review.assign", f"inbound:{row.id}", actor=actor,
                 mission=mission.code, message_id=row.message_id, previous_mission_id=previous)
    session.add(row)
    return mission


def dismiss(session: Session, row: models.InboundMessage, actor: str | None = None) -> None:
    """Set the message aside for good (spam, a misdirected mail)."""
    refuse_staff_entry(row)
    actor = actor or audit.current_actor()
    row.status, row.stage = models.InboundStatus.DISMISSED, "review"
    close_items(session, row, "dismissed", actor)
    audit.record(session, "review.dismiss", f"inbound:{row.id}", actor=actor,
                 message_id=row.message_id)
    session.add(row)

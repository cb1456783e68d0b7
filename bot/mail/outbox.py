"""The outbox table: enqueue once, claim before sending, record what happened.

A row is born ``queued`` with its Message-ID fixed and its CRLF bytes
stored (what is stored is what is sent, and re-sent). The dispatcher claims
rows in batches (``hotpath.claim``: ``queued``/``deferred`` and due →
``sending``; on PostgreSQL with ``FOR UPDATE SKIP LOCKED`` so several
processes can drain one outbox), then records each outcome here: ``sent``, ``deferred`` with
exponential back-off, or ``failed`` with the server's words. Invitation
rows follow their outbox rows (sent → ``sent``/``sent_at``, failed →
``failed`` with the error).

While a row is ``sending``, ``sent_at`` doubles as the end-of-data marker:
it is committed (``hotpath.EndOfDataMarker``) just before the SMTP ``.`` is
written, and cleared again if the server refuses the ``.``. A row found in
``sending`` after a crash therefore tells by itself whether the server may
have accepted it (see ``dispatch``). ``claimed_by`` (``host:pid:nonce``)
names the run holding the row, and stays on a sent row until its copy is
in the Sent folder (``appended``); ``claimer_gone`` tells dead runs from
live ones.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Literal

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot import audit
from bot.clock import as_utc, utcnow
from bot.config.campaign import Mail
from bot.models import Invitation, InvitationStatus, OutboxKind, OutboxMessage, OutboxState

SMTP_POLICY = policy.SMTP
CLAIM_LEASE = timedelta(minutes=30)
_RETRYABLE = (OutboxState.QUEUED, OutboxState.DEFERRED)
# Claims of dispatch runs alive in this process: rows they hold are not stale.
ACTIVE_CLAIMS: set[str] = set()


def new_claimer() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def make_message_id(dedupe_key: str, domain: str) -> str:
    """``<invitebot.<hash of the key>.<random>@domain>``: fixed once, stored in the row.

    The random part keeps two databases (a reset, a test run) from ever
    producing the same Message-ID for different messages in one Sent folder.
    """
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:16]
    return f"<invitebot.{digest}.{secrets.token_hex(5)}@{domain}>"


def enqueue_message(session: Session, *, kind: str, dedupe_key: str, message: EmailMessage,
                    campaign_id: int | None = None, invitation_id: int | None = None,
                    mail_from: str | None = None,
                    expires_at: datetime | None = None) -> OutboxMessage | None:
    """Store ``message`` for sending; None if ``dedupe_key`` was enqueued before.

    Sets a Message-ID if the message has none. Envelope recipients are To,
    Cc and Bcc (Bcc is removed from the stored bytes). The envelope sender
    is ``mail_from``, else the Reply-To address (so bounces carry the
    token), else From.
    """
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)).first():
        return None
    sender = parseaddr(str(message.get("From", "")))[1]
    if not sender:
        raise ValueError(f"outbox {dedupe_key}: the message has no From address")
    if message.get("Message-ID") is None:
        message["Message-ID"] = make_message_id(dedupe_key, sender.rpartition("@")[2])
    recipients = [a for _, a in getaddresses(
        [str(v) for h in ("To", "Cc", "Bcc") for v in message.get_all(h, [])]) if a]
    if not recipients:
        raise ValueError(f"outbox {dedupe_key}: the message has no recipients")
    del message["Bcc"]
    envelope = mail_from or parseaddr(str(message.get("Reply-To", "")))[1] or sender
    return enqueue_raw(session, kind=kind, dedupe_key=dedupe_key,
                       raw=message.as_bytes(policy=SMTP_POLICY),
                       message_id=str(message["Message-ID"]).strip(), mail_from=envelope,
                       recipients=recipients, subject=str(message.get("Subject", "")),
                       campaign_id=campaign_id, invitation_id=invitation_id,
                       expires_at=expires_at)


def enqueue_raw(session: Session, *, kind: str, dedupe_key: str, raw: bytes, message_id: str,
                mail_from: str, recipients: list[str], subject: str = "",
                campaign_id: int | None = None, invitation_id: int | None = None,
                expires_at: datetime | None = None) -> OutboxMessage | None:
    """Store bytes already rendered (CRLF, Message-ID inside); None if the key exists."""
    row = OutboxMessage(
        dedupe_key=dedupe_key, kind=kind, campaign_id=campaign_id, invitation_id=invitation_id,
        message_id=message_id, mail_from=mail_from,
        recipients=",".join(dict.fromkeys(recipients)), subject=subject, raw=raw,
        expires_at=expires_at,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Someone else enqueued the same key between our check and insert.
        return None
    return row


def count_due(session: Session, due: datetime) -> int:
    rows = session.exec(select(OutboxMessage.id).where(
        col(OutboxMessage.state).in_(_RETRYABLE), OutboxMessage.next_attempt_at <= due)).all()
    return len(rows)


def mark_appended(session: Session, ids: list[int]) -> None:
    """The copies of these sent rows are in the Sent folder: the run lets go of them.

    Twin of ``hotpath.record_appended``; keep the two equal.
    """
    session.execute(update(OutboxMessage).where(col(OutboxMessage.id).in_(ids))
                    .values(appended=True, claimed_by=None, claimed_at=None))


@dataclass(frozen=True)
class Outcome:
    """The result of one attempt, applied by ``record``."""

    row_id: int
    state: Literal["sent", "deferred", "failed", "released"]
    detail: str | None = None
    at: datetime | None = None


def retry_delay(attempts: int, mail: Mail) -> timedelta:
    """Postfix-like back-off: first delay, doubling, capped."""
    minutes = min(mail.retry_first_minutes * 2 ** max(attempts - 1, 0), mail.retry_max_minutes)
    return timedelta(minutes=minutes)


def record(session: Session, outcomes: Iterable[Outcome], mail: Mail) -> dict[str, int]:
    """Apply outcomes to rows and their invitations; return counts by final state.

    For ``sent`` outcomes of rows other than reminders, ``hotpath.record_plain_sent``
    is the raw-SQL twin the dispatcher uses; keep the two equal.
    """
    counts = {"sent": 0, "deferred": 0, "failed": 0, "released": 0}
    for outcome in outcomes:
        row = session.get(OutboxMessage, outcome.row_id)
        if row is None or row.state != OutboxState.SENDING:
            continue
        now = outcome.at or utcnow()
        state = outcome.state
        if state == "deferred":
            expires = as_utc(row.expires_at) if row.expires_at else (
                as_utc(row.created_at) + timedelta(days=mail.retry_lifetime_days))
            if now >= expires:
                state = "failed"
                outcome = Outcome(outcome.row_id, "failed",
                                  f"gave up after {row.attempts} attempts: {outcome.detail}", now)
        counts[state] += 1
        if state == "sent":
            mark_sent(session, row, now, outcome.detail)
            continue
        row.sent_at = None
        row.claimed_by = None
        row.claimed_at = None
        if state == "released":
            # Claimed but never tried: hand it back untouched.
            row.state = OutboxState.DEFERRED if row.attempts > 1 else OutboxState.QUEUED
            row.attempts -= 1
        elif state == "deferred":
            row.state = OutboxState.DEFERRED
            row.next_attempt_at = now + retry_delay(row.attempts, mail)
            row.last_error = outcome.detail
        else:
            row.state = OutboxState.FAILED
            row.last_error = outcome.detail
            _invitation_failed(session, row, outcome.detail or "failed", now)
    return counts


def mark_sent(session: Session, row: OutboxMessage, now: datetime, detail: str | None) -> None:
    """The server accepted (or may have accepted) the row; its invitation follows."""
    row.state = OutboxState.SENT
    row.sent_at = row.sent_at or now
    row.last_error = detail
    invitation = session.get(Invitation, row.invitation_id) if row.invitation_id else None
    if invitation is None:
        return
    if row.kind == OutboxKind.INVITATION:
        if invitation.status in (InvitationStatus.PENDING, InvitationStatus.FAILED):
            invitation.status = InvitationStatus.SENT
            invitation.error = None
        invitation.sent_at = invitation.sent_at or now
        _event(invitation, "invitation sent", now)
    elif row.kind == OutboxKind.REMINDER:
        number = int(row.dedupe_key.rsplit(":", 1)[-1])
        invitation.reminders_sent = max(invitation.reminders_sent, number)
        _event(invitation, f"reminder {number} sent", now)


def _invitation_failed(session: Session, row: OutboxMessage, detail: str, now: datetime) -> None:
    invitation = session.get(Invitation, row.invitation_id) if row.invitation_id else None
    audit.record(session, f"outbox.{row.kind}.failed", row.dedupe_key, actor="invitebot",
                 error=detail, message_id=row.message_id)
    if invitation is None:
        return
    if row.kind == OutboxKind.INVITATION and invitation.status == InvitationStatus.PENDING:
        invitation.status = InvitationStatus.FAILED
        invitation.error = detail
    _event(invitation, f"{row.kind} failed", now)


def _event(invitation: Invitation, what: str, now: datetime) -> None:
    invitation.last_event = what
    invitation.last_event_at = now


def stale_claims(session: Session, now: datetime | None = None,
                 state: str = OutboxState.SENDING) -> list[OutboxMessage]:
    """Rows in ``state`` held by a claimer that is gone: dead process here, or lease expired.

    With ``state="sent"``: sent rows whose Sent-folder copy a dead run still owed.
    """
    now = now or utcnow()
    host = socket.gethostname()
    stale = []
    query = select(OutboxMessage).where(OutboxMessage.state == state)
    if state == OutboxState.SENT:
        query = query.where(OutboxMessage.appended == False)  # noqa: E712 - SQL expression
    for row in session.exec(query.order_by(col(OutboxMessage.id))):
        claimer = row.claimed_by or ""
        claimed_at = as_utc(row.claimed_at) if row.claimed_at else None
        if claimed_at is None or now - claimed_at > CLAIM_LEASE or claimer_gone(claimer, host):
            stale.append(row)
    return stale


def claimer_gone(claimer: str, host: str) -> bool:
    parts = claimer.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return claimer not in ACTIVE_CLAIMS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def requeue(row: OutboxMessage, now: datetime) -> None:
    """Never accepted by the server: back in line, due now."""
    row.state = OutboxState.QUEUED if row.attempts <= 1 else OutboxState.DEFERRED
    row.next_attempt_at = now
    row.sent_at = None
    row.claimed_by = None
    row.claimed_at = None

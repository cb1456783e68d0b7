"""The tables. Each stage reads one table and writes the next.

Outbound: Campaign → Mission → Invitation → OutboxMessage.
Inbound: MailboxState → Sighting → InboundMessage → Attachment →
Response → Delegate, with DelegationEvent (each reply's operation on the
mission's delegation; the current Response is their fold), ReviewItem for
what a human must decide and AuditEvent for everything a human did.

All timestamps are UTC; SQLite returns them naive, so read them through
``bot.clock.as_utc``.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.clock import utcnow


def _ts(nullable: bool = True) -> Column[datetime]:
    return Column(DateTime(timezone=True), nullable=nullable)


class InvitationStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    BOUNCED = "bounced"
    REPLIED = "replied"
    NEEDS_REVIEW = "needs_review"


class OutboxState(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DEFERRED = "deferred"
    FAILED = "failed"


class OutboxKind(StrEnum):
    INVITATION = "invitation"
    REMINDER = "reminder"
    ACKNOWLEDGEMENT = "acknowledgement"
    DIGEST = "digest"
    ECHO = "echo"  # the confirmation echo of a recorded delegation (bot/mail/echo.py)


class InboundStatus(StrEnum):
    NEW = "new"
    PROCESSED = "processed"
    NEEDS_REVIEW = "needs_review"
    FAILED = "failed"
    DISMISSED = "dismissed"


class MessageKind(StrEnum):
    """The values of ``InboundMessage.classification`` (what the classifiers' result,
    ``classifiers.base.Classification``, says in its ``kind``)."""

    REPLY = "reply"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    UNRELATED = "unrelated"
    # Not a mail: an answer staff entered in the console from a note verbale
    # delivered by hand, a fax or a call (bot/inbound/staffentry.py). No raw
    # message; ``subject`` and ``body_text`` say where it came from.
    STAFF_ENTRY = "staff_entry"


class Campaign(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(index=True, unique=True)
    title: str
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class Mission(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    code: str
    country: str
    mission_name: str
    email: str = Field(index=True)
    cc: str = ""  # comma-separated
    language: str = "en"


class Invitation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "mission_id"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    mission_id: int = Field(foreign_key="mission.id", index=True)
    token: str = Field(unique=True, index=True)
    status: str = Field(default=InvitationStatus.PENDING, index=True)
    reminders_sent: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    sent_at: datetime | None = Field(default=None, sa_column=_ts())
    replied_at: datetime | None = Field(default=None, sa_column=_ts())
    last_event_at: datetime | None = Field(default=None, sa_column=_ts())
    last_event: str | None = None
    error: str | None = Field(default=None, sa_column=Column(Text))


class OutboxMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # What this row is for, unique so that a re-run never enqueues twice:
    # "invitation:<inv id>", "reminder:<inv id>:<n>", "digest:<date>".
    dedupe_key: str = Field(unique=True, index=True)
    kind: str = Field(index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id", index=True)
    message_id: str = Field(unique=True, index=True)
    mail_from: str
    recipients: str  # comma-separated envelope recipients
    subject: str = ""
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    state: str = Field(default=OutboxState.QUEUED, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    expires_at: datetime | None = Field(default=None, sa_column=_ts())
    claimed_at: datetime | None = Field(default=None, sa_column=_ts())
    claimed_by: str | None = None
    sent_at: datetime | None = Field(default=None, sa_column=_ts())
    appended: bool = False  # copy stored in the IMAP Sent folder
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class MailboxState(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("account", "mailbox"),)
    id: int | None = Field(default=None, primary_key=True)
    account: str
    mailbox: str
    uidvalidity: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_uid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class InboundMessage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # Message-ID plus a hash of the body (the raw hash without a Message-ID):
    # the same mail seen in two folders, or again after a UIDVALIDITY change,
    # is one row, while a different mail reusing a Message-ID is not lost.
    message_key: str = Field(unique=True, index=True)
    message_id: str | None = Field(default=None, index=True)
    raw_sha256: str = Field(index=True)
    raw_size: int
    received_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    from_addr: str | None = None
    subject: str | None = Field(default=None, sa_column=Column(Text))
    classification: str | None = Field(default=None, index=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    mission_id: int | None = Field(default=None, foreign_key="mission.id", index=True)
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id", index=True)
    match_method: str | None = None
    confidence: float | None = None
    status: str = Field(default=InboundStatus.NEW, index=True)
    stage: str | None = None  # the stage that set status (or raised)
    error: str | None = Field(default=None, sa_column=Column(Text))
    flags: str = ""  # comma-separated limit flags
    detail: str | None = Field(default=None, sa_column=Column(Text))  # JSON: evidence, DSN info
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    claimed_by: str | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class Sighting(SQLModel, table=True):
    """Where an inbound message was seen: (account, mailbox, UIDVALIDITY, UID)."""

    __table_args__ = (UniqueConstraint("account", "mailbox", "uidvalidity", "uid"),)
    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inboundmessage.id", index=True)
    account: str
    mailbox: str
    uidvalidity: int = Field(sa_column=Column(BigInteger, nullable=False))
    uid: int = Field(sa_column=Column(BigInteger, nullable=False))
    flagged: bool = False  # processed flag / move done on the server
    seen_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class Attachment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inboundmessage.id", index=True)
    filename: str = ""  # as the sender gave it, for display only
    content_type: str = "application/octet-stream"
    size: int = 0
    sha256: str = Field(index=True)
    text: str | None = Field(default=None, sa_column=Column(Text))
    engine: str | None = None
    flags: str = ""
    needs_review: bool = False


class Response(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    inbound_id: int = Field(foreign_key="inboundmessage.id", index=True)
    decision: str | None = None  # accept | decline | undecided
    confidence: float = 0.0
    amendment: str | None = None  # replace | extend
    current: bool = True  # False once a later message replaced it
    needs_review: bool = False
    notes: str | None = Field(default=None, sa_column=Column(Text))
    # Set when the recorded delegation waits for the mission or a human to
    # confirm it: why. Nothing proves the sender is the mission (a "claim",
    # see bot.inbound.matchers.trust), the extraction is in doubt, or a
    # follow-up is ambiguous. The answer still counts: the invitation is
    # ``replied``. None when nothing is in doubt.
    to_confirm: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class Operation(StrEnum):
    """What one reply does to its mission's delegation (``DelegationEvent.operation``)."""

    FIRST = "first"  # the first answer: decision and delegates as read
    ADD = "add"  # more people beside those already named
    REPLACE = "replace"  # a new list, or named people swapped for others
    REMOVE = "remove"  # named people leave; the others stay
    WITHDRAW = "withdraw"  # the mission declines after all: no delegates
    COMPLETE = "complete"  # an undecided (or "names to follow") answer completed
    RESEND = "resend"  # the same list again (e.g. as a scan): no change
    NONE = "none"  # says nothing that changes the delegation (thanks, a question)


class DelegationEvent(SQLModel, table=True):
    """One reply's operation on a mission's delegation, with what caused it.

    Events of an invitation, in ``inbound_id`` order, fold into its current
    delegation (``bot.results.delegation.fold``); the current ``Response``
    and its ``Delegate`` rows are that fold, written down. ``delegates`` is
    the JSON list of people the message itself names, ``removed`` the names
    it takes off; ``cue`` the words that decided the operation.
    """

    __table_args__ = (UniqueConstraint("invitation_id", "inbound_id"),)
    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    inbound_id: int = Field(foreign_key="inboundmessage.id", index=True)
    response_id: int | None = Field(default=None, foreign_key="response.id")
    operation: str
    decision: str | None = None  # the decision the message states, if any
    delegates: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    removed: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    cue: str | None = Field(default=None, sa_column=Column(Text))
    to_confirm: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class StaffEdit(SQLModel, table=True):
    """A delegation as staff set it by hand (the console), folded with the replies.

    ``delegates`` is the whole delegation after the edit (JSON, the fold's
    people) and ``decision`` the decision; in the fold it stands after the
    reply ``after_inbound_id`` (the latest one when staff edited, 0 for none)
    and before any later reply, so a follow-up from the mission changes
    the corrected delegation instead of the one read before the correction.
    """

    id: int | None = Field(default=None, primary_key=True)
    invitation_id: int = Field(foreign_key="invitation.id", index=True)
    after_inbound_id: int = 0
    actor: str
    action: str  # decision | add | correct | remove
    decision: str | None = None
    delegates: str = Field(default="[]", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))


class Delegate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    position: int = 0
    honorific: str | None = None
    name: str
    title: str | None = None
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    confidence: float = 0.0
    source: str = "body"


class ReviewItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    inbound_id: int = Field(foreign_key="inboundmessage.id", index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(default="open", index=True)  # open | assigned | dismissed
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    resolved_at: datetime | None = Field(default=None, sa_column=_ts())
    resolved_by: str | None = None


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))
    actor: str
    action: str = Field(index=True)
    subject: str
    detail: str | None = Field(default=None, sa_column=Column(Text))


class DigestRun(SQLModel, table=True):
    """One row per digest built for sending: the period it covered."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    period_key: str = Field(unique=True)  # "<campaign id>:<local date>"
    since: datetime | None = Field(default=None, sa_column=_ts())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_ts(False))

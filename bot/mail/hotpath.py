"""The outbox's per-message database work, in plain SQL.

Decides nothing ``outbox`` does not; it does the same things for the
common case at a tenth of the ORM's CPU cost, because the dispatcher runs
them for every message on the event-loop thread: claim a batch
(``queued``/``deferred`` → ``sending``), commit the end-of-data marker,
record accepted messages. Anything unusual (a deferral, a failure, a
reminder, a note from the server) goes through ``outbox.record``.

Each state change here has an ORM twin in ``outbox``, named in its
docstring; ``tests/outbound/test_outbox_twins.py`` runs both on equal
databases and compares the rows, so a change to one that the other does
not follow fails there. ``claim`` and ``EndOfDataMarker`` have no twin:
only the dispatcher claims and marks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Engine, bindparam, text

from bot.clock import utcnow
from bot.db import is_postgres

_TS = DateTime(timezone=True)
_SELECT_DUE = (
    "SELECT id FROM outboxmessage WHERE state IN ('queued', 'deferred')"
    " AND next_attempt_at <= :due ORDER BY id LIMIT :limit"
)
_CLAIM = text(
    "UPDATE outboxmessage SET state = 'sending', claimed_by = :claimer, claimed_at = :now,"
    " sent_at = NULL, attempts = attempts + 1"
    " WHERE id IN :ids AND state IN ('queued', 'deferred')"
).bindparams(bindparam("ids", expanding=True), bindparam("now", type_=_TS))
_CLAIMED = text(
    "SELECT id, dedupe_key, message_id, mail_from, recipients, raw, attempts"
    " FROM outboxmessage WHERE id IN :ids AND claimed_by = :claimer AND state = 'sending'"
    " ORDER BY id"
).bindparams(bindparam("ids", expanding=True))
_SENT = text(
    "UPDATE outboxmessage SET state = 'sent', last_error = NULL,"
    " sent_at = COALESCE(sent_at, :now)"
    " WHERE id IN :ids AND state = 'sending' AND kind != 'reminder'"
).bindparams(bindparam("ids", expanding=True), bindparam("now", type_=_TS))
# The same, for rows whose Sent copy is already stored: one write per row, not two.
_SENT_STORED = text(
    "UPDATE outboxmessage SET state = 'sent', last_error = NULL,"
    " sent_at = COALESCE(sent_at, :now), appended = :yes, claimed_by = NULL, claimed_at = NULL"
    " WHERE id IN :ids AND state = 'sending' AND kind != 'reminder'"
).bindparams(bindparam("ids", expanding=True), bindparam("now", type_=_TS))
_SENT_IDS = text(
    "SELECT id, kind, invitation_id FROM outboxmessage"
    " WHERE id IN :ids AND state = 'sending' AND kind != 'reminder'"
).bindparams(bindparam("ids", expanding=True))
_APPENDED = text(
    "UPDATE outboxmessage SET appended = :yes, claimed_by = NULL, claimed_at = NULL"
    " WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_INVITATIONS_SENT = text(
    "UPDATE invitation SET status = CASE WHEN status IN ('pending', 'failed')"
    " THEN 'sent' ELSE status END,"
    " error = CASE WHEN status IN ('pending', 'failed') THEN NULL ELSE error END,"
    " sent_at = COALESCE(sent_at, :now), last_event = 'invitation sent', last_event_at = :now"
    " WHERE id IN :ids"
).bindparams(bindparam("ids", expanding=True), bindparam("now", type_=_TS))


@dataclass(frozen=True)
class Claimed:
    """What a worker needs of a claimed outbox row."""

    id: int
    dedupe_key: str
    message_id: str
    mail_from: str
    recipients: str
    raw: bytes
    attempts: int


def claim(engine: Engine, claimer: str, *, limit: int, due: datetime) -> list[Claimed]:
    """Move up to ``limit`` due rows to ``sending`` for ``claimer``; return them (committed).

    On PostgreSQL the candidate rows are locked with ``FOR UPDATE SKIP
    LOCKED``, so concurrent claimers split the outbox instead of queueing.
    """
    select_due = text(_SELECT_DUE + (" FOR UPDATE SKIP LOCKED" if is_postgres(engine) else ""))
    select_due = select_due.bindparams(bindparam("due", type_=_TS))
    with engine.connect() as connection:
        ids = [row_id for (row_id,) in connection.execute(
            select_due, {"due": due, "limit": limit})]
        if not ids:
            connection.rollback()
            return []
        connection.execute(_CLAIM, {"claimer": claimer, "now": utcnow(), "ids": ids})
        connection.commit()
        rows = connection.execute(_CLAIMED, {"ids": ids, "claimer": claimer}).all()
        connection.rollback()
    return [Claimed(*row) for row in rows]


def record_plain_sent(engine: Engine, ids: list[int], now: datetime, *,
                      stored: bool = False) -> set[int]:
    """Mark accepted rows (not reminders) sent, and their invitations; return the ids done.

    ``stored``: their copies are in the Sent folder too, so the run lets go of them.
    Twin: ``outbox.record`` with ``Outcome(id, "sent")`` (then ``outbox.mark_appended``
    when ``stored``).
    """
    if not ids:
        return set()
    with engine.begin() as connection:
        rows = connection.execute(_SENT_IDS, {"ids": ids}).all()
        done = [row_id for row_id, _, _ in rows]
        if not done:
            return set()
        if stored:
            connection.execute(_SENT_STORED, {"ids": done, "now": now, "yes": True})
        else:
            connection.execute(_SENT, {"ids": done, "now": now})
        invitations = [inv for _, kind, inv in rows if kind == "invitation" and inv]
        if invitations:
            connection.execute(_INVITATIONS_SENT, {"ids": invitations, "now": now})
    return set(done)


def record_appended(engine: Engine, ids: list[int]) -> None:
    """The copies of these sent rows are in the Sent folder: the run lets go of them.

    Twin: ``outbox.mark_appended``.
    """
    if not ids:
        return
    with engine.begin() as connection:
        connection.execute(_APPENDED, {"ids": ids, "yes": True})


class EndOfDataMarker:
    """Commits the end-of-data marker of one row at a time, on a DBAPI connection kept open.

    The caller writes the SMTP ``.`` as soon as a call returns; the driver's
    commit is the last thing a call does.
    """

    def __init__(self, engine: Engine, claimer: str) -> None:
        self.claimer = claimer
        self.connection = engine.raw_connection()
        dialect = engine.dialect
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.sql = (f"UPDATE outboxmessage SET sent_at = {mark} WHERE id = {mark}"
                    f" AND claimed_by = {mark} AND state = 'sending'")
        processor: Callable[[Any], Any] | None = _TS.dialect_impl(dialect).bind_processor(dialect)
        self.to_db: Callable[[Any], Any] = processor or (lambda value: value)
        self.cursor = self.connection.cursor()
        # A commit that crosses the WAL threshold runs the checkpoint, fsyncs
        # included, before returning: on this connection that would hold up
        # the "." and the whole event loop. The dispatcher's other
        # connections commit off the loop and checkpoint for it.
        self.sqlite = dialect.name == "sqlite"
        if self.sqlite:
            self.cursor.execute("PRAGMA wal_autocheckpoint=0")

    def __call__(self, row_id: int) -> None:
        try:
            self.cursor.execute(self.sql, (self.to_db(utcnow()), row_id, self.claimer))
            self.connection.commit()
        except BaseException:
            self.connection.rollback()
            raise

    def close(self) -> None:
        try:
            if self.sqlite:
                # The connection goes back to the pool: give it back as found.
                self.cursor.execute("PRAGMA wal_autocheckpoint=1000")
            self.cursor.close()
        finally:
            self.connection.close()

"""Who may run the scheduler: exactly one process per campaign and database.

APScheduler 3's job store must never be shared between two schedulers. On
PostgreSQL, the process holding a session-level advisory lock (taken with
``pg_try_advisory_lock`` on a dedicated connection, kept for the process
lifetime) schedules; the others only drain the queues and try again from
time to time, so one of them takes over when the leader dies. On SQLite
there is one process per database file: an ``fcntl`` lock beside the file
makes a second ``invitebot run`` refuse with a clear message.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from bot.db import is_postgres, make_engine
from bot.errors import InvitebotError

log = logging.getLogger(__name__)


class AlreadyRunning(InvitebotError):
    """Another ``invitebot run`` owns this SQLite database."""


class Leadership(Protocol):
    def try_acquire(self) -> bool:
        """Become the scheduler if nobody else is; True while we are."""

    def still_held(self) -> bool:
        """False once the lock was lost (e.g. the database connection dropped)."""

    def release(self) -> None: ...


def lock_key(reference: str) -> int:
    """A stable signed 64-bit advisory-lock key for a campaign reference."""
    digest = hashlib.sha256(b"invitebot-scheduler:" + reference.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class PostgresLeadership:
    """A session advisory lock on a connection of its own."""

    def __init__(self, engine: Engine, key: int) -> None:
        self.engine = engine
        self.key = key
        self._conn: Connection | None = None
        self._held = False

    def _connection(self) -> Connection:
        if self._conn is None:
            # Autocommit: the lock belongs to the session, not to a
            # transaction, and an idle-in-transaction connection would hold
            # back vacuum for the whole life of the process.
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def try_acquire(self) -> bool:
        if self._held:
            return self.still_held()
        try:
            got = self._connection().execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar()
        except DBAPIError as exc:
            log.warning("advisory lock attempt failed: %s", exc)
            self._drop()
            return False
        self._held = bool(got)
        return self._held

    def still_held(self) -> bool:
        if not self._held or self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
        except DBAPIError:
            log.error("lost the scheduler lock: its database connection dropped")
            self._drop()
            return False
        return True

    def _drop(self) -> None:
        self._held = False
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except DBAPIError:
                pass
            self._conn = None

    def release(self) -> None:
        if self._conn is not None and self._held:
            with contextlib.suppress(DBAPIError):
                self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._held = False


class FileLeadership:
    """An exclusive ``flock`` beside the SQLite file; a second process refuses."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None

    def try_acquire(self) -> bool:
        if self._handle is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(
                f"another 'invitebot run' ({owner}) already uses this SQLite database "
                f"(lock {self.path}); SQLite serves one process, use PostgreSQL for several"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def still_held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


def leadership_for(engine: Engine, reference: str) -> Leadership:
    """The election that fits the database behind ``engine``."""
    if is_postgres(engine):
        return PostgresLeadership(engine, lock_key(reference))
    database = engine.url.database or "invitebot.db"
    return FileLeadership(Path(database + ".run.lock"))


@contextlib.contextmanager
def startup_lock(url: str, reference: str) -> Iterator[None]:
    """Serialize schema migration and campaign sync of processes starting together.

    On PostgreSQL a blocking advisory lock (another key than the scheduler's)
    is held on a connection of a plain engine, which migrates nothing itself;
    SQLite needs none (one process per file).
    """
    engine = make_engine(url)
    if not is_postgres(engine):
        yield
        return
    key = lock_key("startup:" + reference)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})

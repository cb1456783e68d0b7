"""One place to ask the time, so tests can move it.

Every timestamp in invitebot is timezone-aware UTC; naive datetimes break
schedules across DST changes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return _now()


def set_clock(func: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _now
    _now = func if func is not None else (lambda: datetime.now(UTC))


def as_utc(value: datetime) -> datetime:
    """Treat a naive value read back from a database as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

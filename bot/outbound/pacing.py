"""Sending limits of the mail provider, kept with sliding windows, and throttling backed off.

Microsoft 365 and Google Workspace count what a mailbox sends over rolling
periods (messages a minute, recipients a day) and refuse, or hold, what
goes over. ``Pacer`` keeps a window per limit: a send of ``weight`` (1 for
a message, the envelope's recipients for a recipient limit) is let through
only when every window has room for it, else it waits until the oldest
sends leave the window. The windows start from what the outbox recorded as
sent during their span, so a restart does not reset the day.

A throttling reply (``421``, or an enhanced status ``4.7.x``) pauses all
sending: 60 s, doubling up to 15 min, back to 60 s after an accepted message.
``estimate`` says how long a campaign takes under the windows.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import math
import re
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.clock import utcnow
from bot.config.providers import Limit
from bot.mail.outbox import _RETRYABLE as RETRYABLE
from bot.models import OutboxMessage

THROTTLED = re.compile(r"^(?:connect: )?(?:421\b|4\d\d 4\.7\.\d+)|\b4\.7\.\d+\b")
BACKOFF_FIRST = 60.0
BACKOFF_MAX = 900.0


class SlidingWindow:
    """The sends of the last ``limit.seconds``, by time and weight."""

    def __init__(self, limit: Limit) -> None:
        self.limit = limit
        self.sends: collections.deque[tuple[float, int]] = collections.deque()
        self.used = 0

    def _expire(self, now: float) -> None:
        while self.sends and now - self.sends[0][0] >= self.limit.seconds:
            self.used -= self.sends.popleft()[1]

    def delay(self, now: float, weight: int) -> float:
        """Seconds until a send of ``weight`` fits (0: now)."""
        self._expire(now)
        # A single send heavier than the whole limit waits for an empty window.
        weight = min(weight, self.limit.amount)
        excess = self.used + weight - self.limit.amount
        if excess <= 0:
            return 0.0
        freed = 0
        for at, sent in self.sends:
            freed += sent
            if freed >= excess:
                return at + self.limit.seconds - now
        return self.limit.seconds  # unreachable: the sends hold ``used``

    def record(self, at: float, weight: int) -> None:
        self.sends.append((at, weight))
        self.used += weight


class Pacer:
    """Every window of a provider's limits, shared by the workers of one dispatch run."""

    def __init__(self, limits: Iterable[Limit], clock: Callable[[], float] = time.monotonic,
                 backoff: float = BACKOFF_FIRST) -> None:
        self.windows = [SlidingWindow(limit) for limit in limits]
        self.clock = clock
        self.paused_until = 0.0
        self.first_backoff = self.backoff = backoff
        self.granted: list[float] = []  # grant times, for the rate tests and the bench
        self._lock = asyncio.Lock()

    @property
    def limits(self) -> list[Limit]:
        return [w.limit for w in self.windows]

    def _weight(self, window: SlidingWindow, recipients: int) -> int:
        return recipients if window.limit.unit == "recipients" else 1

    def delay(self, recipients: int = 1) -> float:
        now = self.clock()
        waits = [w.delay(now, self._weight(w, recipients)) for w in self.windows]
        return max([self.paused_until - now, *waits, 0.0])

    def take(self, recipients: int = 1) -> None:
        now = self.clock()
        for window in self.windows:
            window.record(now, self._weight(window, recipients))
        self.granted.append(now)

    async def wait(self, recipients: int = 1, stop: asyncio.Event | None = None) -> bool:
        """True once a message to ``recipients`` addresses may go (counted then);
        False if ``stop`` was set meanwhile (nothing counted)."""
        if not self.windows and self.paused_until <= self.clock():
            self.take(recipients)
            return True
        stop = stop or asyncio.Event()
        async with self._lock:  # one waiter at a time keeps the order of the queue
            while (pause := self.delay(recipients)) > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=pause)
                if stop.is_set():
                    return False
            self.take(recipients)
            return True

    def observe(self, state: str, detail: str | None) -> bool:
        """Note a send's outcome; True (and a pause) when it was a throttling reply."""
        if state == "deferred" and detail and THROTTLED.search(detail):
            self.paused_until = self.clock() + self.backoff
            self.backoff = min(self.backoff * 2, max(BACKOFF_MAX, self.first_backoff))
            return True
        if state == "sent":
            self.backoff = self.first_backoff
        return False

    def seed(self, sent: Iterable[tuple[datetime, int]], now: datetime | None = None) -> None:
        """Count what was sent before this run (wall-clock times) in the windows."""
        now, mono = now or utcnow(), self.clock()
        for at, recipients in sorted(sent):
            age = (now - at).total_seconds()
            for window in self.windows:
                if 0 <= age < window.limit.seconds:
                    window.record(mono - age, self._weight(window, recipients))


def estimate(limits: Iterable[Limit], messages: int, recipients: int,
             per_minute: int | None = None) -> timedelta:
    """How long ``messages`` to ``recipients`` addresses take from empty windows."""
    seconds = 0.0
    for limit in limits:
        amount = recipients if limit.unit == "recipients" else messages
        if amount > limit.amount:
            # Full windows one after another; the last one starts when the one before ends.
            seconds = max(seconds, (math.ceil(amount / limit.amount) - 1) * limit.seconds)
    if per_minute and messages > 1:
        seconds = max(seconds, (messages - 1) * 60.0 / per_minute)
    return timedelta(seconds=round(seconds))


def sent_since(session: Session, since: datetime) -> list[tuple[datetime, int]]:
    """(sent_at, recipients) of what the outbox sent since ``since``: the windows' history."""
    rows = session.exec(select(OutboxMessage.sent_at, OutboxMessage.recipients).where(
        col(OutboxMessage.sent_at).is_not(None), col(OutboxMessage.sent_at) >= since)).all()
    return [(at, len(r.split(","))) for at, r in rows if at is not None]


def due_load(session: Session, due: datetime) -> tuple[int, int]:
    """(messages, recipients) of what is due to be sent at ``due``."""
    rows = session.exec(select(OutboxMessage.recipients).where(
        col(OutboxMessage.state).in_(RETRYABLE), OutboxMessage.next_attempt_at <= due)).all()
    return len(rows), sum(r.count(",") + 1 for r in rows)


def describe_duration(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 60:
        return "under a minute"
    hours, minutes = divmod(seconds // 60, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "",
             f"{minutes} min" if minutes else ""]
    return "about " + " ".join(p for p in parts if p)

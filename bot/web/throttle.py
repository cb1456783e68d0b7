"""Slow down password guessing at the login form.

Failed logins are counted in a sliding window per user name and per client
address; once either count reaches its limit, the form refuses further
attempts for that name or address (HTTP 429, ``Retry-After``) without
checking the password, until the oldest failure leaves the window. A
success clears the user name's count. The counts live in the console's
process (the console runs as one process per campaign); they are bounded,
so a flood of invented names cannot grow memory without end.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_KEYS = 10_000


@dataclass
class LoginThrottle:
    per_user: int = 5
    per_client: int = 30
    window_seconds: float = 15 * 60
    clock: Callable[[], float] = time.monotonic
    _failures: OrderedDict[str, deque[float]] = field(default_factory=OrderedDict)

    @staticmethod
    def _keys(username: str, client: str) -> tuple[str, str]:
        return "user:" + username.strip().casefold(), "client:" + client

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_seconds:
            times.popleft()
        return times

    def retry_after(self, username: str, client: str) -> int:
        """Seconds until this name and address may try again; 0 if they may now."""
        now = self.clock()
        wait = 0.0
        for key, limit in zip(self._keys(username, client), (self.per_user, self.per_client),
                              strict=True):
            times = self._recent(key, now)
            if len(times) >= limit:
                wait = max(wait, times[-limit] + self.window_seconds - now)
        return math.ceil(wait)

    def failed(self, username: str, client: str) -> None:
        now = self.clock()
        for key in self._keys(username, client):
            times = self._recent(key, now)
            times.append(now)
            self._failures[key] = times
            self._failures.move_to_end(key)
        while len(self._failures) > MAX_KEYS:
            self._failures.popitem(last=False)

    def succeeded(self, username: str) -> None:
        self._failures.pop(self._keys(username, "")[0], None)


def minutes(seconds: int) -> str:
    """"3 minutes", "1 minute" — for the one-line refusal."""
    count = max(1, math.ceil(seconds / 60))
    return f"{count} minute{'s' if count != 1 else ''}"

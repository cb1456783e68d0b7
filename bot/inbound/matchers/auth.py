"""Decide whether the sender's authentication results let a match be trusted.

Only ``Authentication-Results`` headers (RFC 8601) whose authserv-id equals
the configured ``settings.authserv_id`` count: anyone can write such a
header, only our own receiving server's is evidence. ``dkim=fail`` or
``dmarc=fail`` there means the message is not trusted automatically: the
matcher sends it to the review queue with :func:`check_authentication`'s
reason. Without a configured authserv-id nothing is checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.inbound.matchers import trust

FAILING = {"dkim": ("fail",), "dmarc": ("fail",)}


@dataclass(frozen=True)
class AuthVerdict:
    """What our own server said; ``reason`` is set when the message is not trusted."""

    checked: bool
    results: tuple[tuple[str, str], ...] = ()
    reason: str | None = None

    @property
    def trusted(self) -> bool:
        return self.reason is None


def parse_results(value: str) -> tuple[str, list[tuple[str, str]]]:
    """``(authserv-id, [(method, result), …])`` of one header value (the sender
    rules' parser, :func:`bot.inbound.matchers.trust.parse_results`, without the properties)."""
    authserv, results = trust.parse_results(value)
    return authserv, [(r.method, r.result) for r in results]


def check_authentication(headers: Iterable[str], authserv_id: str | None) -> AuthVerdict:
    """Verdict from the Authentication-Results values of one message."""
    if not authserv_id:
        return AuthVerdict(checked=False)
    wanted = authserv_id.strip().lower()
    for value in headers:
        authserv, results = parse_results(value)
        if authserv != wanted:
            continue
        # The topmost header from our server is the one it added on receipt.
        failed = [f"{m}={r}" for m, r in results if r in FAILING.get(m, ())]
        reason = f"authentication failed at {wanted}: {', '.join(failed)}" if failed else None
        return AuthVerdict(checked=True, results=tuple(results), reason=reason)
    return AuthVerdict(checked=False)

"""Token matchers: the secret reply token of an invitation names its mission.

The token travels in the Reply-To plus-address (``secretariat+K7Q2-MX@…``),
which mail clients keep in To/Cc and servers in Delivered-To or
X-Original-To, and in the subject line (``[Ref. … · K7Q2-MX]``), which
survives a new message, a forward or a stripped header. People retype it,
so case, spaces and one mistyped character (caught by the check
character) are tolerated by :mod:`bot.tokens`.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot import tokens
from bot.inbound.matchers.base import Directory, Evidence, MatchInput

ADDRESS_HEADERS = ("x-original-to", "envelope-to", "x-delivered-to")


MAX_CANDIDATES = 50


def resolve_token(ctx: Directory, candidate: str) -> tuple[int, str, bool] | None:
    """``(mission id, token, corrected?)`` for a token as written, or None."""
    token = tokens.normalize_token(candidate)
    if token is not None and token in ctx.by_token:
        return ctx.by_token[token], token, False
    if token is not None or not ctx.near_known_token(candidate):
        # A well-formed token we never issued is not a typo of ours (the check
        # symbol catches every single typo); nor is a word far from all of ours.
        return None
    fixed = tokens.correct_token(candidate, ctx.by_token.keys())
    if fixed is not None and fixed in ctx.by_token:
        return ctx.by_token[fixed], fixed, fixed != token
    return None


def _evidence(found: list[tuple[int, str, str, float]]) -> Evidence | None:
    if not found:
        return None
    mission_id, method, detail, confidence = found[0]
    others = tuple(dict.fromkeys(m for m, *_ in found if m != mission_id))
    return Evidence(mission_id, method, confidence, detail, others)


class TokenInAddress:
    """The plus-address of our Reply-To, with a token as its detail."""

    name = "token_address"

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None:
        local, _, domain = ctx.reply_to.lower().partition("@")
        addresses: list[str] = [*msg.msg.to, *msg.msg.cc, *msg.msg.delivered_to]
        for header in ADDRESS_HEADERS:
            addresses.extend(msg.msg.header_all(header))
        found: list[tuple[int, str, str, float]] = []
        for address in addresses:
            a_local, _, a_domain = address.strip().strip("<>").lower().rpartition("@")
            if a_domain != domain or not a_local.startswith(local + "+"):
                continue
            hit = resolve_token(ctx, a_local[len(local) + 1:])
            if hit is not None:
                mission_id, token, corrected = hit
                confidence = 0.9 if corrected else 0.98
                found.append((mission_id, self.name, f"{token} in {address.strip()}", confidence))
        return _evidence(found)


class TokenInText:
    """A token written in the subject, the body or an attachment."""

    name = "token_text"

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None:
        places: list[tuple[str, float, Iterable[str]]] = [
            ("subject", 0.95, (msg.msg.subject,)),
            ("body", 0.9, (msg.msg.text[:200_000], msg.msg.plain_text[:200_000])),
            ("attachment", 0.85, msg.attachment_texts),
        ]
        found: list[tuple[int, str, str, float]] = []
        for place, confidence, texts in places:
            for text in texts:
                for candidate in tokens.find_candidates(text)[:MAX_CANDIDATES]:
                    hit = resolve_token(ctx, candidate)
                    if hit is None:
                        continue
                    mission_id, token, corrected = hit
                    score = confidence - (0.1 if corrected else 0.0)
                    found.append((mission_id, f"token_{place}", f"{token} in {place}", score))
        return _evidence(found)

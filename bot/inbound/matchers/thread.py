"""Thread matcher: In-Reply-To or References name one of our Message-IDs.

Every invitation and reminder was sent with a Message-ID fixed at enqueue
time (``OutboxMessage.message_id``); a reply that keeps the thread headers
points straight at it.
"""

from __future__ import annotations

from bot.inbound.matchers.base import Directory, Evidence, MatchInput


class ThreadReference:
    """In-Reply-To (strong) or References (slightly weaker) against our outbox."""

    name = "thread"

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None:
        found: list[tuple[int, str, str, float]] = []
        if msg.msg.in_reply_to and msg.msg.in_reply_to in ctx.by_outbound_id:
            found.append((ctx.by_outbound_id[msg.msg.in_reply_to], "in_reply_to",
                          msg.msg.in_reply_to, 0.95))
        # The newest reference is last: prefer it when several are ours.
        for ref in reversed(msg.msg.references):
            if ref in ctx.by_outbound_id:
                found.append((ctx.by_outbound_id[ref], "references", ref, 0.9))
        if not found:
            return None
        mission_id, method, detail, confidence = found[0]
        others = tuple(dict.fromkeys(m for m, *_ in found if m != mission_id))
        return Evidence(mission_id, method, confidence, detail, others)

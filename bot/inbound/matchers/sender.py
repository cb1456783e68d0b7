"""Sender matcher: the From address, or its domain, belongs to one mission.

An exact address (the mission's email or one of its cc addresses) is good
evidence; a domain is weaker, and counts only when no other mission uses it
and it is not a public webmail domain.
"""

from __future__ import annotations

from bot.inbound.matchers.base import PUBLIC_DOMAINS, Directory, Evidence, MatchInput


class SenderKnown:
    """From (or Reply-To) address or domain known for exactly one mission."""

    name = "sender"

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None:
        candidates = [msg.msg.from_addr, *msg.msg.reply_to]
        for address in (a.lower() for a in candidates if a):
            missions = sorted(ctx.by_address.get(address, set()))
            if missions:
                return Evidence(missions[0], "sender_address", 0.9 if len(missions) == 1 else 0.5,
                                address, tuple(missions[1:]))
        sender = (msg.msg.from_addr or "").lower()
        domain = sender.rpartition("@")[2]
        if domain and domain not in PUBLIC_DOMAINS:
            missions = sorted(ctx.by_domain.get(domain, set()))
            if len(missions) == 1:
                return Evidence(missions[0], "sender_domain", 0.6, domain)
        return None

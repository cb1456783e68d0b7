"""Sender matcher: the From address, or its domain, belongs to one mission.

An exact address (the mission's email or one of its cc addresses) is good
evidence; a domain is weaker, and counts only when no other mission uses it
and it is not a public webmail domain. ``Reply-To`` is never read: anybody
may put a mission's address there, and it says nothing about who wrote the
message (issue 16, defect 1).
"""

from __future__ import annotations

from bot.inbound.matchers.base import PUBLIC_DOMAINS, Directory, Evidence, MatchInput


class SenderKnown:
    """From address or domain known for exactly one mission."""

    name = "sender"

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None:
        sender = (msg.msg.from_addr or "").lower()
        missions = sorted(ctx.by_address.get(sender, set())) if sender else []
        if missions:
            return Evidence(missions[0], "sender_address", 0.9 if len(missions) == 1 else 0.5,
                            sender, tuple(missions[1:]))
        domain = sender.rpartition("@")[2]
        if domain and domain not in PUBLIC_DOMAINS:
            missions = sorted(ctx.by_domain.get(domain, set()))
            if len(missions) == 1:
                return Evidence(missions[0], "sender_domain", 0.6, domain)
        return None

"""Which other campaign of the database a message answers, when it is not ours.

Many campaigns share one database and, often, one secretariat mailbox:
the same missions are invited to several meetings. The matchers of a
campaign only know that campaign's tokens and Message-IDs, and would take
a reply to another campaign for a reply from the same mission to theirs
(the sender matches). Before a weaker match is trusted, the message's
token (in the Reply-To plus-address, the subject or the body) and its
thread headers are looked up across all campaigns; if they name another
campaign, the message is left to that campaign's queue, untouched.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot import models, tokens
from bot.inbound.parse.parsed import ParsedMessage

# Verdict methods that already rest on this campaign's token or thread.
OWN_PROOF = ("token_address", "token_subject", "token_body", "token_attachment",
             "in_reply_to", "references")


def _token_campaign(session: Session, candidates: list[str], campaign_id: int) -> int | None:
    found = [t for t in (tokens.normalize_token(c) for c in candidates) if t]
    if not found:
        return None
    for other in session.exec(select(models.Invitation.campaign_id).where(
            col(models.Invitation.token).in_(found),
            models.Invitation.campaign_id != campaign_id)):
        return other
    return None


def other_campaign(session: Session, campaign_id: int, parsed: ParsedMessage,
                   reply_to: str) -> int | None:
    """The id of another campaign this message's token or thread belongs to, or None."""
    local, _, domain = reply_to.lower().partition("@")
    candidates: list[str] = []
    for address in [*parsed.to, *parsed.cc, *parsed.delivered_to]:
        a_local, _, a_domain = address.strip().strip("<>").lower().rpartition("@")
        if a_domain == domain and a_local.startswith(local + "+"):
            candidates.append(a_local[len(local) + 1:])
    candidates.extend(tokens.find_candidates(parsed.subject))
    candidates.extend(tokens.find_candidates(parsed.text[:200_000]))
    other = _token_campaign(session, candidates, campaign_id)
    if other is not None:
        return other
    ids = [i for i in (parsed.in_reply_to, *parsed.references) if i]
    if not ids:
        return None
    # Both sides are "<id@host>" (normalise_msgid, make_message_id).
    for owner in session.exec(select(models.OutboxMessage.campaign_id).where(
            col(models.OutboxMessage.message_id).in_(ids[:200]),
            col(models.OutboxMessage.campaign_id).is_not(None),
            models.OutboxMessage.campaign_id != campaign_id)):
        return owner
    return None

"""The mission directory the matchers look messages up in, read from the database once per run.

Built by :func:`bot.inbound.context.build_context` before any stage runs, so
the stages only read it. Besides the campaign's own list, it knows the
senders staff confirmed for the same mission codes in any campaign.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot import models
from bot.inbound.matchers.base import Directory, MissionEntry
from bot.inbound.matchers.country import compile_names
from bot.inbound.parse.message import normalise_msgid


def load_directory(session: Session, campaign_id: int, reply_to: str) -> Directory:
    """Read missions, invitations and our outbound Message-IDs into lookup tables."""
    invitations = {
        inv.mission_id: inv
        for inv in session.exec(
            select(models.Invitation).where(models.Invitation.campaign_id == campaign_id))
    }
    entries: dict[int, MissionEntry] = {}
    directory = Directory(missions=entries, reply_to=reply_to.lower())
    for row in session.exec(
            select(models.Mission).where(models.Mission.campaign_id == campaign_id)):
        assert row.id is not None
        inv = invitations.get(row.id)
        emails = tuple(e.strip().lower() for e in [row.email, *row.cc.split(",")] if e.strip())
        entries[row.id] = MissionEntry(row.id, row.code, row.country, row.mission_name, emails,
                                       row.language, inv.id if inv else None,
                                       inv.token if inv else None)
        if inv is not None:
            directory.by_token[inv.token] = row.id
        for email in emails:
            directory.by_address.setdefault(email, set()).add(row.id)
            directory.by_domain.setdefault(email.rpartition("@")[2], set()).add(row.id)
    _confirmed_senders(session, directory, {e.code: e.id for e in entries.values()})
    by_invitation = {inv.id: inv.mission_id for inv in invitations.values()}
    outbound = session.exec(
        select(models.OutboxMessage.message_id, models.OutboxMessage.invitation_id).where(
            models.OutboxMessage.campaign_id == campaign_id,
            models.OutboxMessage.kind.in_(  # type: ignore[attr-defined]
                (models.OutboxKind.INVITATION, models.OutboxKind.REMINDER)),
        ))
    for message_id, invitation_id in outbound:
        key = normalise_msgid(message_id)
        if key and invitation_id in by_invitation:
            directory.by_outbound_id[key] = by_invitation[invitation_id]
    directory.names = compile_names(entries.values())
    return directory


def _confirmed_senders(session: Session, directory: Directory, by_code: dict[str, int]) -> None:
    """Senders staff assigned to a mission by hand, in any campaign, count as its addresses.

    The same missions are invited meeting after meeting: an attaché's own
    address confirmed once (``review assign``) is known to every later
    campaign of the database, by mission code. Exact addresses only; a
    confirmed sender never makes its domain the mission's.
    """
    if not by_code:
        return
    rows = session.exec(
        select(models.InboundMessage.from_addr, models.Mission.code)
        .where(models.InboundMessage.mission_id == models.Mission.id,
               models.InboundMessage.match_method == "manual",
               col(models.InboundMessage.from_addr).is_not(None),
               col(models.Mission.code).in_(list(by_code))).distinct())
    for address, code in rows:
        if address:
            directory.by_address.setdefault(address.strip().lower(), set()).add(by_code[code])

"""The mission directory the matchers look messages up in, read from the database once per run.

Built by :func:`bot.inbound.context.build_context` before any stage runs, so
the stages only read it.
"""

from __future__ import annotations

from sqlmodel import Session, select

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

"""What the campaigns of the database learnt about the missions' addresses.

A secretariat invites the same missions meeting after meeting; an address
that bounced last time will bounce again. ``check`` reads the other
campaigns' bounced invitations and names those addresses before anything is
sent, so staff correct the list instead of waiting for the same bounce;
``missions init --addresses-from-database`` starts a new list from the
addresses the latest campaign used, leaving out those that bounced.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot import models
from bot.clock import as_utc


@dataclass(frozen=True)
class Bounced:
    email: str
    campaign: str
    when: datetime | None
    error: str | None


def bounced_elsewhere(session: Session, reference: str, emails: Iterable[str]) -> list[Bounced]:
    """Addresses among ``emails`` whose invitation bounced in another campaign, latest first."""
    wanted = sorted({e.lower() for e in emails})
    if not wanted:
        return []
    rows = session.exec(
        select(models.Mission.email, models.Campaign.reference, models.Invitation.last_event_at,
               models.Invitation.error)
        .where(models.Invitation.mission_id == models.Mission.id,
               models.Invitation.campaign_id == models.Campaign.id,
               models.Invitation.status == models.InvitationStatus.BOUNCED,
               models.Campaign.reference != reference,
               col(models.Mission.email).in_(wanted))
        .order_by(col(models.Invitation.last_event_at).desc()))
    seen: dict[str, Bounced] = {}
    for email, campaign, when, error in rows:
        seen.setdefault(email, Bounced(email, campaign, as_utc(when) if when else None, error))
    return list(seen.values())


@dataclass(frozen=True)
class Known:
    """A mission's addresses as the latest campaign of the database had them."""

    code: str
    email: str
    cc: str
    language: str
    mission_name: str
    campaign: str
    bounced: bool


def latest_addresses(session: Session) -> dict[str, Known]:
    """Mission code -> its addresses in the most recent campaign that listed it."""
    bounced = set(session.exec(select(models.Invitation.mission_id).where(
        models.Invitation.status == models.InvitationStatus.BOUNCED)).all())
    known: dict[str, Known] = {}
    rows = session.exec(select(models.Mission, models.Campaign.reference)
                        .where(models.Mission.campaign_id == models.Campaign.id)
                        .order_by(col(models.Campaign.id).desc(), col(models.Mission.id)))
    for mission, reference in rows:
        if mission.code not in known:
            known[mission.code] = Known(mission.code, mission.email, mission.cc.replace(",", ";"),
                                        mission.language, mission.mission_name, reference,
                                        mission.id in bounced)
    return known

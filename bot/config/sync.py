"""Bring the database in line with the campaign file and the mission list.

Missions are upserted by code; a mission removed from the CSV keeps its row
(its invitation and replies are history) but gets no new mail.
"""

from __future__ import annotations

from sqlmodel import Session, select

from bot import models
from bot.config.campaign import LoadedConfig


def sync_campaign(session: Session, config: LoadedConfig) -> models.Campaign:
    """Upsert the campaign row and its missions; return the campaign."""
    meeting = config.campaign.meeting
    campaign = session.exec(
        select(models.Campaign).where(models.Campaign.reference == meeting.reference)
    ).first()
    if campaign is None:
        campaign = models.Campaign(reference=meeting.reference, title=meeting.title)
        session.add(campaign)
        session.flush()
    elif campaign.title != meeting.title:
        campaign.title = meeting.title
    assert campaign.id is not None
    existing = {
        m.code: m
        for m in session.exec(
            select(models.Mission).where(models.Mission.campaign_id == campaign.id)
        )
    }
    for mission in config.missions:
        row = existing.get(mission.code)
        if row is None:
            row = models.Mission(campaign_id=campaign.id, code=mission.code, country="",
                                 mission_name="", email="")
            session.add(row)
        row.country = mission.country
        row.mission_name = mission.mission_name
        row.email = mission.email
        row.cc = ",".join(mission.cc)
        row.language = mission.language
    session.flush()
    return campaign


def active_missions(session: Session, campaign: models.Campaign,
                    config: LoadedConfig) -> list[models.Mission]:
    """Missions of the campaign that are still on the mission list, in list order."""
    codes = [m.code for m in config.missions]
    rows = {
        m.code: m
        for m in session.exec(
            select(models.Mission).where(models.Mission.campaign_id == campaign.id)
        )
    }
    return [rows[c] for c in codes if c in rows]

"""The schema on a real database: SQLite file and PostgreSQL, through Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from bot import models
from bot.clock import as_utc
from bot.db import make_engine, migrate, session_scope

TABLES = {"campaign", "mission", "invitation", "outboxmessage", "inboundmessage", "sighting",
          "attachment", "response", "delegate", "reviewitem", "auditevent", "mailboxstate",
          "digestrun", "alembic_version"}


def _exercise(url: str) -> None:
    migrate(url)
    migrate(url)  # idempotent: a second upgrade is a no-op
    engine = make_engine(url)
    assert set(inspect(engine).get_table_names()) >= TABLES
    with session_scope(engine) as session:
        campaign = models.Campaign(reference="CU 2009/33 (A)", title="TIP working group")
        session.add(campaign)
        session.flush()
        mission = models.Mission(campaign_id=campaign.id or 0, code="NE", country="Niger",
                                 mission_name="PM of the Niger", email="pm-ne@missions.test")
        session.add(mission)
        session.flush()
        session.add(models.Invitation(campaign_id=campaign.id or 0, mission_id=mission.id or 0,
                                      token="K7Q2MXA"))
        session.add(models.MailboxState(account="sec@unodc.test", mailbox="INBOX",
                                        uidvalidity=4_000_000_000, last_uid=3_999_999_999))
    with Session(engine) as session:
        invitation = session.exec(select(models.Invitation)).one()
        assert invitation.status == models.InvitationStatus.PENDING
        assert as_utc(invitation.created_at).utcoffset() is not None
        state = session.exec(select(models.MailboxState)).one()
        assert state.uidvalidity == 4_000_000_000  # beyond a signed 32-bit column
    # One invitation per mission per campaign, enforced by the database.
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(models.Invitation(campaign_id=invitation.campaign_id,
                                      mission_id=invitation.mission_id, token="OTHER01"))
    # The same message seen twice is one row.
    with session_scope(engine) as session:
        session.add(models.InboundMessage(message_key="<a@b>", raw_sha256="x", raw_size=1))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(models.InboundMessage(message_key="<a@b>", raw_sha256="y", raw_size=1))


def test_schema_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db' / 'invitebot.db'}"
    _exercise(url)
    with make_engine(url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


@pytest.mark.postgres
def test_schema_on_postgres(pg_url: str) -> None:
    _exercise(pg_url)

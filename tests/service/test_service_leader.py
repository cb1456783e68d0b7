"""Election: one scheduler per campaign (PostgreSQL advisory lock), one process per SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db import make_engine
from bot.service.leader import (
    AlreadyRunning,
    FileLeadership,
    PostgresLeadership,
    leadership_for,
    lock_key,
)


def test_lock_key_is_stable_and_per_campaign() -> None:
    assert lock_key("CU 2009/33 (A)") == lock_key("CU 2009/33 (A)")
    assert lock_key("CU 2009/33 (A)") != lock_key("CU 2009/34 (A)")
    assert -(2**63) <= lock_key("x") < 2**63


def test_second_sqlite_process_refuses(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'invitebot.db'}")
    first = leadership_for(engine, "ref")
    assert isinstance(first, FileLeadership)
    assert first.try_acquire()
    second = leadership_for(engine, "another campaign, same file")
    with pytest.raises(AlreadyRunning, match=r"already uses this SQLite database.*PostgreSQL"):
        second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


@pytest.mark.postgres
def test_one_postgres_leader_at_a_time(pg_url: str) -> None:
    engine = make_engine(pg_url)
    a, b = leadership_for(engine, "ref"), leadership_for(engine, "ref")
    assert isinstance(a, PostgresLeadership)
    assert a.try_acquire()
    assert not b.try_acquire()
    assert a.still_held() and not b.still_held()
    # A different campaign in the same database elects its own scheduler.
    other = leadership_for(engine, "other ref")
    assert other.try_acquire()
    other.release()
    a.release()
    assert b.try_acquire()
    b.release()


@pytest.mark.postgres
def test_lost_connection_means_lost_leadership(pg_url: str) -> None:
    engine = make_engine(pg_url)
    a, b = leadership_for(engine, "ref"), leadership_for(engine, "ref")
    assert a.try_acquire()
    assert isinstance(a, PostgresLeadership) and a._conn is not None
    pid = a._conn.execute(text("SELECT pg_backend_pid()")).scalar()
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    assert not a.still_held()
    # The server released the lock with the session: someone else may lead.
    assert b.try_acquire()
    b.release()
    a.release()

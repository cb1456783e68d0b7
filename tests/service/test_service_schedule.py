"""The schedule: triggers computed with an explicit *now*, and the persistent job store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from sqlalchemy import inspect
from sqlmodel import select

from bot import jobs, models
from bot.digest.build import digest_slot
from bot.service.scheduler import install_jobs, job_id, job_table, make_scheduler


def fire_times(trigger: Any, start: datetime, count: int) -> list[datetime]:
    """The next ``count`` fire times after ``start``, as APScheduler computes them."""
    out: list[datetime] = []
    previous = None
    now = start
    for _ in range(count):
        nxt = trigger.get_next_fire_time(previous, now)
        out.append(nxt.astimezone(UTC))
        previous, now = nxt, nxt + timedelta(microseconds=1)
    return out


def test_digest_follows_local_time_across_both_dst_changes(app_factory: Any) -> None:
    campaign = app_factory(missions=1).config.campaign
    assert campaign.meeting.timezone == "Europe/Vienna"
    trigger = jobs.digest_trigger(campaign)
    spring = fire_times(trigger, datetime(2026, 3, 27, 12, 0, tzinfo=UTC), 3)
    assert spring == [datetime(2026, 3, 28, 7, 0, tzinfo=UTC),   # 08:00 CET
                      datetime(2026, 3, 29, 6, 0, tzinfo=UTC),   # 08:00 CEST, same day
                      datetime(2026, 3, 30, 6, 0, tzinfo=UTC)]
    autumn = fire_times(trigger, datetime(2026, 10, 23, 12, 0, tzinfo=UTC), 3)
    assert autumn == [datetime(2026, 10, 24, 6, 0, tzinfo=UTC),  # 08:00 CEST
                      datetime(2026, 10, 25, 7, 0, tzinfo=UTC),  # 08:00 CET, same day
                      datetime(2026, 10, 26, 7, 0, tzinfo=UTC)]
    # The idempotency key agrees with the trigger on every one of those days.
    for when in spring + autumn:
        assert digest_slot(campaign, when) == when
        assert digest_slot(campaign, when - timedelta(seconds=1)) < when


def test_digest_time_and_zone_come_from_the_campaign(app_factory: Any) -> None:
    campaign = app_factory(missions=1, meeting__timezone="America/New_York",
                           schedule__digest__time="07:30").config.campaign
    trigger = jobs.digest_trigger(campaign)
    assert fire_times(trigger, datetime(2026, 10, 31, 0, 0, tzinfo=UTC), 2) == [
        datetime(2026, 10, 31, 11, 30, tzinfo=UTC),  # 07:30 EDT
        datetime(2026, 11, 1, 12, 30, tzinfo=UTC)]   # 07:30 EST, hours after the change


def test_invitations_wait_for_the_local_send_time(app_factory: Any) -> None:
    campaign = app_factory(missions=1, schedule__send_at="2026-04-01T09:00:00").config.campaign
    assert jobs.send_time(campaign) == datetime(2026, 4, 1, 7, 0, tzinfo=UTC)
    trigger = jobs.invite_trigger(campaign, 60)
    first = trigger.get_next_fire_time(None, datetime(2026, 3, 1, tzinfo=UTC))
    assert first.astimezone(UTC) == datetime(2026, 4, 1, 7, 0, tzinfo=UTC)


def test_every_job_has_a_deliberate_misfire_policy() -> None:
    names = [j.name for j in jobs.JOBS]
    assert names == ["invite", "intake", "remind", "digest"]
    for job in jobs.JOBS:
        assert job.coalesce, job.name
        assert job.misfire_grace_time is not None and job.misfire_grace_time > 0
    digest = next(j for j in jobs.JOBS if j.name == "digest")
    # Late by a whole night (a restart) still sends; the next day's slot is its own.
    assert 6 * 3600 < (digest.misfire_grace_time or 0) < 24 * 3600


async def test_restart_keeps_stored_next_run_time(app_factory: Any) -> None:
    app = app_factory(missions=1)
    cid = app.campaign_id()
    scheduler = make_scheduler(app, cid)
    scheduler.start(paused=True)
    try:
        assert sorted(c.split()[0] for c in install_jobs(scheduler, app, cid)) == ["added"] * 4
        assert job_table(cid) in inspect(app.engine).get_table_names()
        missed = datetime.now(UTC) - timedelta(days=2)
        scheduler.modify_job(job_id(cid, "digest"), next_run_time=missed)
    finally:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0.05)
    again = make_scheduler(app, cid)
    again.start(paused=True)
    await asyncio.sleep(1.1)  # a trigger anchored on "now" would now differ
    try:
        assert install_jobs(again, app, cid) == []
        job = again.get_job(job_id(cid, "digest"))
        assert abs(job.next_run_time - missed) < timedelta(seconds=1)
    finally:
        again.shutdown(wait=False)
        await asyncio.sleep(0.05)


async def test_changed_digest_time_replaces_the_job(app_factory: Any) -> None:
    app = app_factory(missions=1)
    cid = app.campaign_id()
    scheduler = make_scheduler(app, cid)
    scheduler.start(paused=True)
    try:
        install_jobs(scheduler, app, cid)
        # Same campaign, its digest moved to 09:15: the job is replaced.
        moved = app_factory(missions=1, schedule__digest__time="09:15")
        assert install_jobs(scheduler, moved, cid) == [f"updated {job_id(cid, 'digest')}"]
        trigger = scheduler.get_job(job_id(cid, "digest")).trigger
        assert "hour='9', minute='15'" in str(trigger)
    finally:
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0.05)


async def test_restart_after_missed_digests_sends_exactly_one(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_factory(missions=3)
    cid = app.campaign_id()
    digest_only = tuple(j for j in jobs.JOBS if j.name == "digest")
    monkeypatch.setattr(jobs, "JOBS", digest_only)
    jobs.bind(app)
    # The service was down for three days: the stored next run is 3 days old.
    scheduler = make_scheduler(app, cid)
    scheduler.start(paused=True)
    install_jobs(scheduler, app, cid)
    trigger = scheduler.get_job(job_id(cid, "digest")).trigger
    missed = trigger.get_next_fire_time(None, datetime.now(UTC) - timedelta(days=3))
    scheduler.modify_job(job_id(cid, "digest"), next_run_time=missed)
    scheduler.shutdown(wait=False)
    await asyncio.sleep(0.05)

    ran: list[JobExecutionEvent] = []
    restarted = make_scheduler(app, cid)
    restarted.add_listener(ran.append, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    restarted.start(paused=True)
    install_jobs(restarted, app, cid)
    restarted.resume()
    try:
        for _ in range(100):
            if ran:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.0)  # room for any extra (uncoalesced) run to show up
        # The next run is the next slot, not another catch-up.
        upcoming = restarted.get_job(job_id(cid, "digest")).next_run_time
        assert datetime.now(UTC) < upcoming <= datetime.now(UTC) + timedelta(days=1)
    finally:
        restarted.shutdown(wait=False)
        await asyncio.sleep(0.05)
        jobs.bind(None)
    assert len(ran) == 1 and ran[0].exception is None
    with app.session() as session:
        digests = session.exec(select(models.OutboxMessage)
                               .where(models.OutboxMessage.kind == "digest")).all()
        runs = session.exec(select(models.DigestRun)).all()
    assert len(digests) == 1 and len(runs) == 1

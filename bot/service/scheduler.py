"""The APScheduler 3 scheduler of the elected process, with its job store.

Jobs live in the campaign's own table (``apscheduler_jobs_c<id>``) in the
invitebot database, so a restart finds the missed runs and runs them once
(``coalesce``) within each job's grace time. Installing the schedule never
resets a stored job whose trigger is unchanged: ``replace_existing`` would
recompute its next run time from *now* and so skip the digest that was
missed while the service was down.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot import jobs
from bot.app import App
from bot.clock import utcnow

log = logging.getLogger(__name__)


def job_table(campaign_id: int) -> str:
    return f"apscheduler_jobs_c{campaign_id}"


def job_id(campaign_id: int, name: str) -> str:
    return f"c{campaign_id}:{name}"


def make_scheduler(app: App, campaign_id: int) -> AsyncIOScheduler:
    """A scheduler whose only job store is the campaign's table in our database."""
    store = SQLAlchemyJobStore(engine=app.engine, tablename=job_table(campaign_id))
    return AsyncIOScheduler(
        jobstores={"default": store},
        job_defaults={"max_instances": 1, "coalesce": True},
        timezone="UTC",
    )


def _first_run(job: jobs.Job, app: App, now: datetime) -> datetime | None:
    # The invitation job runs at the send time, or at once when that has
    # passed; the others follow their trigger.
    if job.name == "invite":
        due = jobs.send_time(app.config.campaign)
        return now if due is None or due <= now else due
    return None


def install_jobs(scheduler: AsyncIOScheduler, app: App, campaign_id: int,
                 *, poll_seconds: float = 60, now: datetime | None = None,
                 skip: Collection[str] = ()) -> list[str]:
    """Add or update every job of ``bot.jobs.JOBS`` but ``skip``; return what changed.

    The scheduler must be started (paused) so the stored jobs are visible.
    """
    now = now or utcnow()
    changes: list[str] = []
    specs = [j for j in jobs.JOBS if j.name not in skip]
    wanted = {job_id(campaign_id, j.name) for j in specs}
    for stored in scheduler.get_jobs():
        if stored.id not in wanted:
            scheduler.remove_job(stored.id)
            changes.append(f"removed {stored.id}")
    for spec in specs:
        ident = job_id(campaign_id, spec.name)
        trigger = spec.trigger(app.config.campaign, poll_seconds)
        existing = scheduler.get_job(ident)
        if (existing is not None and repr(existing.trigger) == repr(trigger)
                and existing.func_ref == spec.func):
            if (existing.misfire_grace_time != spec.misfire_grace_time
                    or existing.coalesce != spec.coalesce):
                existing.modify(misfire_grace_time=spec.misfire_grace_time,
                                coalesce=spec.coalesce)
            continue
        options = {
            "trigger": trigger, "id": ident, "name": spec.name,
            "misfire_grace_time": spec.misfire_grace_time, "coalesce": spec.coalesce,
            "max_instances": 1, "replace_existing": True,
        }
        first = _first_run(spec, app, now)
        if first is not None:
            options["next_run_time"] = first
        scheduler.add_job(spec.func, **options)
        changes.append(f"{'updated' if existing else 'added'} {ident}")
    for change in changes:
        log.info("schedule: %s", change)
    return changes


def start_scheduler(app: App, campaign_id: int, *, poll_seconds: float = 60,
                    skip: Collection[str] = ()) -> AsyncIOScheduler:
    """Start the scheduler on the running event loop with the schedule installed."""
    jobs.bind(app)
    scheduler = make_scheduler(app, campaign_id)
    scheduler.start(paused=True)
    install_jobs(scheduler, app, campaign_id, poll_seconds=poll_seconds, skip=skip)
    scheduler.resume()
    return scheduler

"""``invitebot run --once``: one pass of every job, for cron users.

Each job of ``bot.jobs.JOBS`` runs once, in that order (its ``once``
function), each followed by the drain it feeds: plan what is due, dispatch,
read the mailbox, process what arrived, queue reminders and the digest if
its time has come, dispatch again, and exit.
The same election as the service applies: on SQLite a second process
refuses; on PostgreSQL a pass that finds another scheduler only drains.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot import events, jobs
from bot.app import App
from bot.inbound.intake.queue import process_pending
from bot.outbound.dispatch import dispatch, recover_sending
from bot.service.leader import leadership_for, startup_lock
from bot.service.run import count_done

log = logging.getLogger(__name__)


@dataclass
class OnceReport:
    scheduler: bool = False
    recovered: int = 0
    planned: int = 0
    dispatched: int = 0
    polled: str = ""
    processed: int = 0
    reminders: int = 0
    digest: str = "not due"

    def lines(self) -> list[str]:
        role = "scheduled" if self.scheduler else "drained only (another process schedules)"
        return [f"pass: {role}", f"recovered from 'sending': {self.recovered}",
                f"invitations planned: {self.planned}", f"messages dispatched: {self.dispatched}",
                f"mailbox: {self.polled or 'not read'}", f"inbound processed: {self.processed}",
                f"reminders queued: {self.reminders}", f"digest: {self.digest}"]


async def _dispatch_all(app: App, stop: asyncio.Event) -> int:
    total = 0
    while not stop.is_set():
        report = await dispatch(app, stop=stop)
        events.sent(report)
        done = count_done(report)
        total += done
        if done == 0:
            return total
    return total


def _process_all(app: App) -> int:
    total = 0
    while (done := count_done(process_pending(app, limit=100))) > 0:
        total += done
    return total


# Which line of the report each job's result fills.
REPORT_FIELD = {"invite": "planned", "intake": "polled", "remind": "reminders",
                "digest": "digest"}


async def _drain_after(job: str, app: App, stop: asyncio.Event, report: OnceReport) -> None:
    """Move on what ``job`` queued: invitations are sent, new mail is processed."""
    if job == "invite":
        report.dispatched += await _dispatch_all(app, stop)
    elif job == "intake":
        report.processed = await asyncio.to_thread(_process_all, app)
    elif job == jobs.JOBS[-1].name and report.scheduler and not stop.is_set():
        report.dispatched += await _dispatch_all(app, stop)


async def run_once(app: App, stop: asyncio.Event | None = None) -> OnceReport:
    stop = stop or asyncio.Event()
    report = OnceReport()
    with startup_lock(app.settings.database_url, app.config.campaign.meeting.reference):
        app.campaign_id()
    leadership = leadership_for(app.engine, app.config.campaign.meeting.reference)
    try:
        report.scheduler = leadership.try_acquire()
        if report.scheduler:
            report.recovered = await asyncio.to_thread(recover_sending, app)
        for job in jobs.JOBS:
            # Only the elected process schedules; a stopped pass starts no
            # job, but every process drains what is already queued.
            if report.scheduler and not stop.is_set() and job.once is not None:
                result = await asyncio.to_thread(job.once, app)
                if result is not None:
                    field = REPORT_FIELD[job.name]
                    setattr(report, field, str(result) if field in ("polled", "digest")
                            else result)
            await _drain_after(job.name, app, stop, report)
    finally:
        leadership.release()
    return report

"""``invitebot run --once``: one pass of every job, for cron users.

Plan what is due, dispatch, read the mailbox, process what arrived, queue
reminders and the digest if its time has come, dispatch again, and exit.
The same election as the service applies: on SQLite a second process
refuses; on PostgreSQL a pass that finds another scheduler only drains.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from bot.app import App
from bot.clock import utcnow
from bot.service import jobs
from bot.service.leader import leadership_for, startup_lock

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
    from bot.outbound.dispatch import dispatch
    from bot.service.run import count_done

    total = 0
    while not stop.is_set():
        done = count_done(await dispatch(app, stop=stop))
        total += done
        if done == 0:
            return total
    return total


def _process_all(app: App) -> int:
    from bot.inbound.intake.queue import process_pending
    from bot.service.run import count_done

    total = 0
    while (done := count_done(process_pending(app, limit=100))) > 0:
        total += done
    return total


async def run_once(app: App, stop: asyncio.Event | None = None) -> OnceReport:
    from bot.digest.build import digest_due, send_digest
    from bot.inbound.intake.poll import poll_once
    from bot.mail.reminders import enqueue_reminders
    from bot.outbound.dispatch import recover_sending
    from bot.outbound.plan import plan_invitations

    stop = stop or asyncio.Event()
    report = OnceReport()
    with startup_lock(app.settings.database_url, app.config.campaign.meeting.reference):
        app.campaign_id()
    leadership = leadership_for(app.engine, app.config.campaign.meeting.reference)
    try:
        report.scheduler = leadership.try_acquire()
        if report.scheduler:
            report.recovered = await asyncio.to_thread(recover_sending, app)
            due = jobs.send_time(app.config.campaign)
            if due is None or due <= utcnow():
                report.planned = await asyncio.to_thread(plan_invitations, app)
        report.dispatched = await _dispatch_all(app, stop)
        if report.scheduler and not stop.is_set():
            report.polled = str(await asyncio.to_thread(poll_once, app))
        report.processed = await asyncio.to_thread(_process_all, app)
        if report.scheduler and not stop.is_set():
            report.reminders = await asyncio.to_thread(enqueue_reminders, app)
            if await asyncio.to_thread(digest_due, app):
                report.digest = str(await asyncio.to_thread(send_digest, app))
            report.dispatched += await _dispatch_all(app, stop)
    finally:
        leadership.release()
    return report

"""The schedule: what the elected scheduler runs, and when, one line per job.

Jobs only move work into queues (plan invitations, enqueue reminders and
digests, read the mailbox); every process, leader or not, drains those
queues (``bot.service.run``). Job functions are referenced by name so the
persistent job store (``apscheduler_jobs_c<campaign id>``) can reload them;
they find the ``App`` of this process through ``bind``.

Misfire policy, chosen per job: every job coalesces (a backlog of missed
runs runs once); the digest tolerates ~a day of lateness, so a digest missed
during a restart is sent once on start, and ``bot.digest.build`` is
idempotent per local date besides.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import events
from bot.app import App
from bot.clock import utcnow
from bot.config.campaign import CampaignFile
from bot.digest.build import digest_due, send_digest
from bot.errors import InvitebotError
from bot.inbound.intake.poll import poll_once
from bot.mail.reminders import enqueue_reminders
from bot.outbound.plan import plan_invitations

log = logging.getLogger(__name__)

_app: App | None = None


def bind(app: App | None) -> None:
    """Make ``app`` the one the job functions of this process work on."""
    global _app
    _app = app


def current_app() -> App:
    if _app is None:
        raise RuntimeError("no App bound for scheduled jobs (bot.jobs.bind)")
    return _app


# --- triggers: campaign file → APScheduler trigger -------------------------

def send_time(campaign: CampaignFile) -> datetime | None:
    """``schedule.send_at`` as an aware datetime (naive values are meeting-local)."""
    send_at = campaign.schedule.send_at
    if send_at is None:
        return None
    if send_at.tzinfo is None:
        send_at = send_at.replace(tzinfo=ZoneInfo(campaign.meeting.timezone))
    return send_at


# Interval triggers start from a fixed instant, never from "now": a trigger
# built at each start would differ from the stored one, replace it, and so
# postpone its next run at every restart.
ANCHOR = datetime(2020, 1, 1, tzinfo=UTC)


def invite_trigger(campaign: CampaignFile, poll_seconds: float) -> BaseTrigger:
    # Re-planning every few minutes from the send time also invites missions
    # added to the list later; planning is idempotent.
    return IntervalTrigger(minutes=5, start_date=send_time(campaign) or ANCHOR, timezone="UTC")


def intake_trigger(campaign: CampaignFile, poll_seconds: float) -> BaseTrigger:
    return IntervalTrigger(seconds=max(1, int(poll_seconds)), start_date=ANCHOR, timezone="UTC")


def remind_trigger(campaign: CampaignFile, poll_seconds: float) -> BaseTrigger:
    return IntervalTrigger(hours=1, start_date=send_time(campaign) or ANCHOR, timezone="UTC")


def digest_trigger(campaign: CampaignFile, poll_seconds: float = 0) -> CronTrigger:
    """Every day at ``schedule.digest.time`` in ``meeting.timezone`` (DST-aware)."""
    at = campaign.schedule.digest.time
    return CronTrigger(hour=at.hour, minute=at.minute, second=at.second,
                       timezone=ZoneInfo(campaign.meeting.timezone))


# --- job functions (referenced by name from the job store) -----------------

def plan_if_due(app: App) -> int | None:
    """Plan an invitation for every mission once the send time has come (None before)."""
    due = send_time(app.config.campaign)
    if due is not None and utcnow() < due:
        return None
    return plan_invitations(app)


def digest_if_due(app: App) -> str | None:
    """``run --once``: queue the digest if its slot has none yet (None when not due)."""
    return str(send_digest(app)) if digest_due(app) else None


async def invite() -> None:
    """Plan an invitation for every mission, once the send time has come."""
    try:
        planned = await asyncio.to_thread(plan_if_due, current_app())
    except InvitebotError as exc:
        # E.g. the fresh-start check: one line, and the next run asks again.
        log.error("invitations not planned: %s", exc, extra={"fields": {"job": "invite"}})
        return
    if planned is not None:
        log.info("planned %d invitations", planned, extra={"fields": {"job": "invite"}})
        events.note("planned", planned, f"planned {planned} invitation(s)")


async def intake() -> None:
    """Read new mail from the IMAP folders into the inbound store."""
    report = await asyncio.to_thread(poll_once, current_app())
    log.info("intake: %s", report, extra={"fields": {"job": "intake"}})


async def remind() -> None:
    """Queue reminders for the missions that are still silent."""
    queued = await asyncio.to_thread(enqueue_reminders, current_app())
    log.info("queued %d reminders", queued, extra={"fields": {"job": "remind"}})
    events.note("reminders", queued, f"queued {queued} reminder(s)")


async def digest() -> None:
    """Queue today's digest (at most one per local date)."""
    result = await asyncio.to_thread(send_digest, current_app())
    log.info("digest: %s", result, extra={"fields": {"job": "digest"}})
    events.note("digest", int(result.sent), f"digest {result}")


@dataclass(frozen=True)
class Job:
    """One scheduled job: its name, function, trigger and misfire policy."""

    name: str
    func: str
    # Built from the campaign and the IMAP poll interval (only intake uses it).
    trigger: Callable[[CampaignFile, float], BaseTrigger]
    misfire_grace_time: int | None
    coalesce: bool = True
    # What ``run --once`` does for this job, in a thread; None means "not due".
    once: Callable[[App], object] | None = None


_HOUR = 3600
_DAY_LESS_AN_HOUR = int(timedelta(hours=23).total_seconds())

# name      function             trigger          misfire grace      coalesce  once
JOBS: tuple[Job, ...] = (
    Job("invite", "bot.jobs:invite", invite_trigger, _HOUR, True, plan_if_due),
    Job("intake", "bot.jobs:intake", intake_trigger, 60, True, poll_once),
    Job("remind", "bot.jobs:remind", remind_trigger, _HOUR, True, enqueue_reminders),
    Job("digest", "bot.jobs:digest", digest_trigger, _DAY_LESS_AN_HOUR, True, digest_if_due),
)

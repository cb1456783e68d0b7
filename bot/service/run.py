"""``invitebot run``: the long-running service, and ``--once`` for cron users.

Every process drains the two queues: the outbox (``dispatch``) and the
inbound store (``process_pending``); rows are claimed with ``FOR UPDATE
SKIP LOCKED`` so several processes share the work. The elected process
(``bot.service.leader``) also runs the scheduler (``bot.jobs``): planning,
IMAP intake, reminders and the digest put work into those queues.

On SIGTERM or SIGINT the stop event is set: ``dispatch`` finishes the
message in hand, the loops end, the scheduler stops and the lock is
released. A row left in ``sending`` by a harder death is resolved by
``recover_sending`` when the next leader starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
from dataclasses import dataclass, field
from typing import Any

from bot import events
from bot.app import App
from bot.db import is_postgres
from bot.inbound.intake.queue import process_pending
from bot.operrors import operational_line
from bot.outbound.dispatch import dispatch, recover_sending
from bot.service.leader import Leadership, leadership_for, startup_lock
from bot.service.scheduler import start_scheduler

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunOptions:
    """Intervals of the service loops, in seconds."""

    poll_seconds: float = 60.0
    idle: bool = True  # IMAP IDLE for intake; False: an interval job every poll_seconds
    idle_seconds: float = 2.0
    leader_retry_seconds: float = 10.0
    batch: int = 50


@dataclass
class RunStats:
    """What this process did, reported when it stops."""

    instance: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    leader: bool = False
    dispatched: int = 0
    processed: int = 0
    errors: int = 0


def _fields(**values: Any) -> dict[str, Any]:
    return {"fields": values}


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def _log_failure(what: str, exc: Exception) -> None:
    """An operational failure in one line; anything else with its traceback."""
    line = operational_line(exc)
    if line is not None:
        log.error("%s: %s", what, line)
    else:
        log.exception(what)


def count_done(report: object) -> int:
    """How much a drain call did, whatever shape its report has."""
    if isinstance(report, int):
        return report
    for name in ("sent", "processed", "attempted", "claimed"):
        value = getattr(report, name, None)
        if isinstance(value, int):
            return value
    return 0


async def drain_outbox(app: App, stop: asyncio.Event, options: RunOptions,
                       stats: RunStats) -> None:
    while not stop.is_set():
        try:
            report = await dispatch(app, limit=options.batch, stop=stop)
        except Exception as exc:
            stats.errors += 1
            _log_failure("outbox drain failed; retrying", exc)
            await _pause(stop, options.idle_seconds * 5)
            continue
        events.sent(report)
        done = count_done(report)
        stats.dispatched += done
        if done == 0:
            await _pause(stop, options.idle_seconds)


async def drain_inbound(app: App, stop: asyncio.Event, options: RunOptions,
                        stats: RunStats) -> None:
    while not stop.is_set():
        try:
            done = count_done(await asyncio.to_thread(process_pending, app, limit=options.batch))
        except Exception as exc:
            stats.errors += 1
            _log_failure("inbound drain failed; retrying", exc)
            await _pause(stop, options.idle_seconds * 5)
            continue
        stats.processed += done
        if done == 0:
            await _pause(stop, options.idle_seconds)


class _Reign:
    """What the elected process runs on top of draining: the scheduler and IMAP IDLE."""

    def __init__(self, app: App, campaign_id: int, options: RunOptions) -> None:
        skip = {"intake"} if options.idle else set()
        self.scheduler = start_scheduler(app, campaign_id, poll_seconds=options.poll_seconds,
                                         skip=skip)
        self.halt = asyncio.Event()
        self.watcher: asyncio.Task[None] | None = None
        if options.idle:
            from bot.inbound.intake.poll import watch

            # IDLE wakes the intake as soon as a reply lands; it also polls
            # every poll_seconds and processes what it stored.
            self.watcher = asyncio.create_task(
                watch(app, self.halt, poll_interval=options.poll_seconds))

    def failed(self) -> BaseException | None:
        if self.watcher is not None and self.watcher.done() and not self.watcher.cancelled():
            return self.watcher.exception()
        return None

    async def end(self) -> None:
        self.scheduler.shutdown(wait=False)
        self.halt.set()
        if self.watcher is not None:
            await asyncio.gather(self.watcher, return_exceptions=True)
        # The AsyncIO scheduler shuts down on its loop: let it run.
        await asyncio.sleep(0)


async def lead(app: App, campaign_id: int, leadership: Leadership, stop: asyncio.Event,
               options: RunOptions, stats: RunStats) -> None:
    """Become the scheduler when the lock is free; stop scheduling if it is lost."""
    reign: _Reign | None = None
    try:
        while not stop.is_set():
            if reign is None and leadership.try_acquire():
                try:
                    recovered = await asyncio.to_thread(recover_sending, app)
                except Exception as exc:  # dispatch retries this before every run
                    log.warning("could not settle interrupted sends yet: %s", exc)
                    recovered = 0
                reign = _Reign(app, campaign_id, options)
                stats.leader = True
                log.info("elected: this process schedules",
                         extra=_fields(instance=stats.instance, recovered=recovered))
            elif reign is not None and not leadership.still_held():
                await reign.end()
                reign = None
                log.warning("scheduler stopped: lock lost", extra=_fields(instance=stats.instance))
            if reign is not None and (error := reign.failed()) is not None:
                raise error
            await _pause(stop, options.leader_retry_seconds)
    finally:
        if reign is not None:
            await reign.end()
        leadership.release()


async def serve(app: App, stop: asyncio.Event, options: RunOptions | None = None) -> RunStats:
    """Run until ``stop`` is set; return what this process did."""
    options = options or RunOptions()
    stats = RunStats()
    with startup_lock(app.settings.database_url, app.config.campaign.meeting.reference):
        campaign_id = app.campaign_id()
    leadership = leadership_for(app.engine, app.config.campaign.meeting.reference)
    # On SQLite this raises at once when another process owns the database.
    leadership.try_acquire()
    log.info("service started", extra=_fields(instance=stats.instance, campaign=campaign_id))
    tasks = [
        asyncio.create_task(lead(app, campaign_id, leadership, stop, options, stats)),
        asyncio.create_task(drain_outbox(app, stop, options, stats)),
    ]
    if is_postgres(app.engine):
        # Followers share the processing (SKIP LOCKED); on SQLite the one
        # process already processes what its intake stores, and a second
        # writer thread would only contend for the database lock.
        tasks.append(asyncio.create_task(drain_inbound(app, stop, options, stats)))
    stopper = asyncio.create_task(stop.wait())
    try:
        # A loop that dies takes the whole process down (and its supervisor
        # restarts it) rather than leaving a service that silently schedules
        # or drains nothing.
        await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop.set()
        results = await asyncio.gather(*tasks, stopper, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        log.error("service task failed: %s", operational_line(failures[0]) or failures[0])
        raise failures[0]
    log.info("service stopped", extra=_fields(instance=stats.instance, leader=stats.leader,
                                              dispatched=stats.dispatched,
                                              processed=stats.processed))
    return stats


def run_forever(app: App, options: RunOptions | None = None) -> RunStats:
    """Serve until SIGTERM or SIGINT, then stop cleanly."""

    async def main() -> RunStats:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        return await serve(app, stop, options)

    return asyncio.run(main())

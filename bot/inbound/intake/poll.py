"""The poller: intake from every folder, process the queue, flag what is done.

``poll_once`` is one pass (``invitebot poll``). ``idle_loop`` is the
long-running form (``invitebot run``): it waits with IMAP IDLE on the first
folder where the server offers it, re-issuing IDLE every ten minutes (well
inside the 29 minutes RFC 2177 allows), polls every folder after each wake
or every ``poll_interval`` otherwise, and reconnects with exponential
back-off after a network error or a server BYE. Nothing here decides
anything about a message: that is :mod:`bot.inbound.pipeline`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from imapclient import IMAPClient

from bot.app import App
from bot.inbound.intake.imap import NETWORK_ERRORS, IntakeReport, flag_done, sync_folder
from bot.inbound.intake.queue import process_batches, retry_failed
from bot.inbound.intake.store import StoreError
from bot.operrors import ServerError, describe
from bot.transport import imap_connect

log = logging.getLogger(__name__)

IDLE_RENEW = 600.0
IDLE_CHECK = 5.0
MAX_BACKOFF = 300.0
FIRST_BACKOFF = 1.0
ClientFactory = Callable[[App], IMAPClient]
_RECONNECT: tuple[type[BaseException], ...] = (*NETWORK_ERRORS, ServerError)


def connect(app: App) -> IMAPClient:
    return imap_connect(app.settings.imap)


@dataclass
class PollReport:
    """What one poll did; ``errors`` are per folder, the poll itself went on."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    processed: int = 0
    failed: int = 0
    needs_review: int = 0
    flagged: int = 0
    errors: tuple[str, ...] = ()

    def __str__(self) -> str:
        # Words, not the dataclass repr: this is printed by run --once.
        text = (f"fetched {self.fetched}, new {self.stored}, duplicates {self.duplicates}; "
                f"processed {self.processed} (failed {self.failed}, needs review "
                f"{self.needs_review}); flagged {self.flagged}")
        return text + (f"; {len(self.errors)} folder error(s)" if self.errors else "")


def _logout(client: IMAPClient | None) -> None:
    if client is None:
        return
    try:
        client.logout()
    except Exception:  # the connection is being dropped anyway
        try:
            client.shutdown()
        except Exception:
            log.debug("IMAP shutdown failed", exc_info=True)


def intake_all(app: App, client: IMAPClient, report: IntakeReport) -> None:
    """Sync every configured folder; a folder error is reported, not raised."""
    for folder in app.config.campaign.mail.inbox_folders:
        try:
            sync_folder(app, client, folder, report)
        except NETWORK_ERRORS:
            raise
        except StoreError as exc:
            report.errors.append(f"{folder}: {exc}")
            log.error("%s: raw store failed, will retry: %s", folder, exc)
            return
        except Exception as exc:
            report.errors.append(f"{folder}: {type(exc).__name__}: {exc}")
            log.exception("intake of %s failed", folder)


def flag_all(app: App, client: IMAPClient, report: IntakeReport) -> None:
    for folder in app.config.campaign.mail.inbox_folders:
        try:
            flag_done(app, client, folder, report)
        except NETWORK_ERRORS:
            raise
        except Exception as exc:
            report.errors.append(f"{folder}: flag: {type(exc).__name__}: {exc}")
            log.exception("flagging in %s failed", folder)


def _with_retries(app: App, step: Callable[[IMAPClient], None], factory: ClientFactory,
                  attempts: int) -> None:
    delay = FIRST_BACKOFF
    for attempt in range(1, attempts + 1):
        client = None
        try:
            client = factory(app)
            step(client)
            return
        except NETWORK_ERRORS as exc:
            if attempt == attempts:
                raise
            # Info, not warning: the caller reports the failure if it lasts.
            log.info("IMAP connection lost (%s); retrying in %.0fs", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, MAX_BACKOFF)
        finally:
            _logout(client)


def poll_once(app: App, *, retry: bool = False, read_images: bool = True,
              factory: ClientFactory = connect, attempts: int = 6,
              intake: IntakeReport | None = None,
              progress: Callable[[int], None] | None = None) -> PollReport:
    """Intake every folder, process every pending row, flag what was processed.

    ``intake`` (given by the caller) still holds what was saved when a
    network error ends the poll; ``progress`` hears how many were processed.
    """
    intake = IntakeReport() if intake is None else intake
    if retry:
        retry_failed(app)
    _with_retries(app, lambda c: intake_all(app, c, intake), factory, attempts)
    counts = process_batches(app, read_images=read_images, progress=progress)
    _with_retries(app, lambda c: flag_all(app, c, intake), factory, attempts)
    return PollReport(
        fetched=intake.fetched, stored=intake.stored, duplicates=intake.duplicates,
        processed=sum(counts.values()), failed=counts["failed"],
        needs_review=counts["needs_review"], flagged=intake.flagged,
        errors=tuple(intake.errors))


def _cycle(app: App, client: IMAPClient, read_images: bool) -> None:
    report = IntakeReport()
    intake_all(app, client, report)
    process_batches(app, read_images=read_images)
    flag_all(app, client, report)
    if report.fetched or report.errors:
        log.info("poll: %s", report)


def _wait(app: App, client: IMAPClient, stop: threading.Event, poll_interval: float,
          idle_renew: float) -> None:
    """Block until new mail, ``poll_interval`` or ``stop``; IDLE where offered."""
    folders = app.config.campaign.mail.inbox_folders
    if not client.has_capability("IDLE"):
        stop.wait(poll_interval)
        return
    client.select_folder(folders[0])
    # IDLE only reports mail that lands after it starts: a message delivered
    # between the last intake and this SELECT would wait for the renewal
    # (10 minutes). So IDLE never waits longer than the poll interval.
    limit = min(idle_renew, poll_interval)
    started = time.monotonic()
    client.idle()
    try:
        while not stop.is_set():
            left = limit - (time.monotonic() - started)
            if left <= 0:
                break
            if client.idle_check(timeout=min(IDLE_CHECK, left)):
                break
    finally:
        client.idle_done()


def idle_loop(app: App, stop: threading.Event, *, poll_interval: float = 60.0,
              idle_renew: float = IDLE_RENEW, read_images: bool = True,
              factory: ClientFactory = connect) -> None:
    """Poll and process until ``stop`` is set; survives server restarts."""
    backoff = 1.0
    while not stop.is_set():
        client = None
        try:
            client = factory(app)
            backoff = 1.0
            while not stop.is_set():
                _cycle(app, client, read_images)
                _wait(app, client, stop, poll_interval, idle_renew)
        except _RECONNECT as exc:
            # A refused login waits like a lost connection: one line, no traceback.
            log.warning("IMAP: %s; reconnecting in %.0fs", describe(exc), backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
        except Exception:
            # A database or server error must not end the service; it is
            # logged, and the next cycle tries again after the back-off.
            log.exception("inbound cycle failed; retrying in %.0fs", backoff)
            stop.wait(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF)
        finally:
            _logout(client)


async def watch(app: App, stop: asyncio.Event, **options: float | bool) -> None:
    """``idle_loop`` in a worker thread, stopped when ``stop`` is set."""
    halt = threading.Event()
    worker = asyncio.ensure_future(asyncio.to_thread(idle_loop, app, halt, **options))  # type: ignore[arg-type]
    waiter = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({worker, waiter}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        halt.set()
        waiter.cancel()
        await worker

"""Dispatch: drain the outbox through reused SMTP connections, exactly once per row.

Decides the order of one send, which is what makes ``kill -9`` at any
moment yield exactly one copy per recipient:

1. claim a batch of rows (``sending``, committed, ``claimed_by`` = this run);
2. per row, over a kept-open SMTP connection: MAIL, RCPT, DATA (pipelined),
   then the body;
3. commit the end-of-data marker (``sent_at`` on the ``sending`` row);
4. at once, from the same thread with nothing scheduled in between, write
   the final ``.``: the one step that lets the server accept the message;
5. APPEND the copies of what was accepted to the IMAP Sent folder
   (batched, MULTIAPPEND), then record in one write per row that it is
   ``sent`` and ``appended``. Outcomes that need more than that (a
   deferral, a failure, a note from the server, a reminder) are recorded
   first and marked ``appended`` after their copy is stored.

Only steps 2–4 run on the event loop. The batched bookkeeping (claims,
outcomes, ``appended``) runs on one database thread, so its commits and
the checkpoints they trigger (SQLite fsyncs there) never stall the SMTP
connections; the marker is committed on the loop thread, on its own
connection, so nothing can be scheduled between it and the ``.``.

At the start of every run ``recover_sending`` settles rows a dead run left
in ``sending``: marker set → the ``.`` may have gone → ``sent``; no
marker → the server cannot have accepted the message → queued again.
Then ``store_missing_copies`` puts in Sent the copies a dead run still
owed, after checking by Message-ID that they are not there already (a
copy stored just before the kill, its row still ``sending``, is found
there and not stored twice).

Why not use the Sent folder itself as the oracle (APPEND after ``250``,
look it up after a crash)? Because a kill between ``250`` and the APPEND
leaves no copy, and the lookup then resends: a duplicate. Why not APPEND
before the ``.``? It works the same way, but costs one IMAP round trip
and one server-side fsync per message (~20 ms on Dovecot, serialised per
folder); a local commit costs well under a millisecond. The residual
window is the same in both designs and cannot be closed by any client:
a kill after the marker commit and before the ``.`` reaches the kernel
(microseconds; a few ms on a loaded machine) loses that message: it is
recorded as sent, never sent twice (audit action ``outbox.recovered.sent`` names it). A reply lost
after the ``.`` is treated the same way. The marker survives the death of
the process; on SQLite (``synchronous=NORMAL``) not a power cut, on
PostgreSQL both.

Workers (``mail.concurrency``) share one rate limiter
(``mail.rate_limit_per_minute``) and the provider's sliding windows
(``mail.provider``, ``pacing.Pacer``), which also pause on throttling
replies. When ``stop`` is set each worker finishes the message in hand;
claimed rows not yet started are handed back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from bot import audit
from bot.app import App
from bot.clock import utcnow
from bot.config.providers import PROFILES
from bot.mail.hotpath import (
    Claimed,
    EndOfDataMarker,
    claim,
    record_appended,
    record_plain_sent,
)
from bot.mail.outbox import (
    ACTIVE_CLAIMS,
    Outcome,
    count_due,
    mark_appended,
    mark_sent,
    new_claimer,
    record,
    requeue,
    stale_claims,
)
from bot.models import OutboxState
from bot.outbound.pacing import Pacer, sent_since
from bot.outbound.sentfolder import SentFolder
from bot.outbound.smtp import SmtpSession

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
T = TypeVar("T")
APPEND_BATCH = 64
APPENDERS = 4
# Seconds: how soon another thread must hand the GIL back (default 0.005).
MARKER_SWITCH_INTERVAL = 0.0002


@dataclass
class DispatchReport:
    """What one dispatch run did."""

    sent: int = 0
    deferred: int = 0
    failed: int = 0
    recovered: int = 0


def recover_sending(app: App) -> int:
    """Settle rows that dead runs left in ``sending``, from their marker; return how many."""
    with app.session() as session:
        rows = stale_claims(session)
        now = utcnow()
        for row in rows:
            if row.sent_at is not None:
                mark_sent(session, row, now, "recovered: end of data was written before "
                          "the run was interrupted; assumed delivered")
                action = "outbox.recovered.sent"
            else:
                requeue(row, now)
                action = "outbox.recovered.requeued"
            audit.record(session, action, row.dedupe_key, actor="invitebot",
                         message_id=row.message_id)
        return len(rows)


def store_missing_copies(app: App) -> int:
    """APPEND to Sent the copies dead runs still owed (unless already there); return count."""
    with app.session() as session:
        rows = stale_claims(session, state=OutboxState.SENT)
        if not rows:
            return 0
        folder = SentFolder(app.settings.imap, app.config.campaign.mail.sent_folder)
        try:
            missing = [row for row in rows if not folder.contains(row.message_id)]
            for start in range(0, len(missing), APPEND_BATCH):
                folder.append_many([row.raw for row in missing[start:start + APPEND_BATCH]])
        finally:
            folder.close()
        mark_appended(session, [row.id for row in rows if row.id is not None])
        return len(missing)


class RateLimiter:
    """Evenly spaced starts: at most ``per_minute`` messages a minute across all workers."""

    def __init__(self, per_minute: int) -> None:
        self.interval = 60.0 / per_minute
        self.next_slot = 0.0

    async def wait(self) -> None:
        now = asyncio.get_running_loop().time()
        slot = max(self.next_slot, now)
        self.next_slot = slot + self.interval
        # Below a millisecond the wait is noise, not a limit worth a loop turn.
        if slot - now > 0.001:
            await asyncio.sleep(slot - now)


class _Run:
    def __init__(self, app: App, limit: int | None, progress: Progress | None,
                 stop: asyncio.Event, pacer: Pacer | None = None) -> None:
        self.app = app
        self.mail = app.config.campaign.mail
        self.limit = limit
        self.progress = progress
        self.stop = stop
        self.claimer = new_claimer()
        self.queue: asyncio.Queue[Claimed | None] = asyncio.Queue()
        self.results: list[Outcome] = []
        self.rows: dict[int, Claimed] = {}
        self.copies: list[Claimed] = []
        # Plain acceptances, recorded once their copy is stored (or cannot be).
        self.unrecorded: dict[int, Outcome] = {}
        self.wakeup = asyncio.Event()
        self.limiter = RateLimiter(self.mail.rate_limit_per_minute)
        self.pacer = pacer or Pacer(PROFILES[self.mail.provider].limits)
        # Several IMAP connections: a Sent-folder APPEND waits on the
        # server's fsyncs (Maildir: one per message), and with two the copies
        # fell behind the SMTP side and the run ended seconds after the last
        # 250; four keep up on the local Dovecot.
        self.folders = [SentFolder(app.settings.imap, self.mail.sent_folder)
                        for _ in range(APPENDERS)]
        self.appenders: list[asyncio.Task[None] | None] = [None] * APPENDERS
        self.marker: EndOfDataMarker | None = None
        # One thread: the bookkeeping commits stay in the order they are asked for.
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="invitebot-outbox")
        self.report = DispatchReport()
        self.batch = max(16, 4 * self.mail.concurrency)
        self.done = 0
        self.released = 0
        self.total = 0

    async def run(self) -> DispatchReport:
        due = utcnow()
        with self.app.session() as session:
            self.total = count_due(session, due)
        if self.limit is not None:
            self.total = min(self.total, self.limit)
        if self.total == 0:
            return self.report
        if self.pacer.windows:
            span = max(w.limit.seconds for w in self.pacer.windows)
            with self.app.session() as session:
                self.pacer.seed(sent_since(session, due - timedelta(seconds=span)), due)
        ACTIVE_CLAIMS.add(self.claimer)
        self.marker = EndOfDataMarker(self.app.engine, self.claimer)
        # The driver lets go of the GIL during the marker's commit; getting it
        # back can wait a whole switch interval (5 ms) behind the database and
        # IMAP threads, which widens the marker-to-"." gap a kill can fall in.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(MARKER_SWITCH_INTERVAL)
        workers = [asyncio.create_task(self.worker()) for _ in range(self.mail.concurrency)]
        try:
            await self.coordinate(due)
        finally:
            sys.setswitchinterval(interval)
            for _ in workers:
                self.queue.put_nowait(None)
            await asyncio.gather(*workers, return_exceptions=True)
            await self.flush()
            await asyncio.gather(*(t for t in self.appenders if t is not None))
            for folder in self.folders:
                await asyncio.to_thread(folder.close)
            self.marker.close()
            self.marker = None
            self.db.shutdown()
            ACTIVE_CLAIMS.discard(self.claimer)
        return self.report

    async def coordinate(self, due: datetime) -> None:
        batch = self.batch
        claimed = 0
        exhausted = False
        while True:
            room = self.limit - claimed if self.limit is not None else batch
            if (not exhausted and not self.stop.is_set()
                    and self.queue.qsize() < 2 * self.mail.concurrency):
                if room <= 0:
                    exhausted = True
                else:
                    rows = await self.in_db(partial(claim, self.app.engine, self.claimer,
                                                    limit=min(batch, room), due=due))
                    exhausted = not rows
                    claimed += len(rows)
                    for row in rows:
                        self.queue.put_nowait(row)
            if len(self.results) >= batch or (self.results and self.queue.empty()):
                await self.flush()
            if (exhausted or self.stop.is_set()) and self.done + self.released >= claimed:
                return
            self.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout=0.2)

    async def in_db(self, work: Callable[[], T]) -> T:
        """Run ``work`` on the database thread; the loop keeps serving the connections."""
        return await asyncio.get_running_loop().run_in_executor(self.db, work)

    def record_outcomes(self, outcomes: list[Outcome], *, stored: bool = False
                        ) -> dict[str, int]:
        plain = [o.row_id for o in outcomes if o.state == "sent" and o.detail is None]
        done = record_plain_sent(self.app.engine, plain, utcnow(), stored=stored)
        counts = {"sent": 0, "deferred": 0, "failed": 0, "released": 0}
        rest = [o for o in outcomes if o.row_id not in done]
        if rest:
            with self.app.session() as session:
                counts = record(session, rest, self.mail)
            if stored:
                record_appended(self.app.engine, [o.row_id for o in rest])
        counts["sent"] += len(done)
        return counts

    def count(self, counts: dict[str, int]) -> None:
        self.report.sent += counts["sent"]
        self.report.deferred += counts["deferred"]
        self.report.failed += counts["failed"]

    async def flush(self) -> None:
        if not self.results:
            return
        outcomes, self.results = self.results, []
        plain = [o for o in outcomes if o.state == "sent" and o.detail is None]
        other = [o for o in outcomes if not (o.state == "sent" and o.detail is None)]
        if other:
            self.count(await self.in_db(partial(self.record_outcomes, other)))
        # A plain acceptance is recorded with its copy, in one write
        # (``record_copies``); its marker already tells a crash recovery
        # that it may be delivered, and the Message-ID that it is in Sent.
        self.unrecorded.update((o.row_id, o) for o in plain)
        self.copies.extend(self.rows.pop(o.row_id) for o in outcomes if o.state == "sent")
        for outcome in outcomes:
            self.rows.pop(outcome.row_id, None)
        for index, task in enumerate(self.appenders):
            if self.copies and (task is None or task.done()):
                self.appenders[index] = asyncio.create_task(
                    self.append_copies(self.folders[index]))

    async def append_copies(self, folder: SentFolder) -> None:
        while self.copies:
            batch, self.copies = self.copies[:APPEND_BATCH], self.copies[APPEND_BATCH:]
            try:
                await asyncio.to_thread(folder.append_many, [r.raw for r in batch])
            except Exception as exc:
                log.warning("could not store %d copies in %s: %s; the next run will",
                            len(batch) + len(self.copies), self.mail.sent_folder, exc)
                batch, self.copies = batch + self.copies, []
                await self.record_copies(batch, stored=False)
                return
            await self.record_copies(batch, stored=True)

    async def record_copies(self, batch: list[Claimed], *, stored: bool) -> None:
        """Record the batch's plain acceptances; mark the rest ``appended`` if ``stored``."""
        plain = [self.unrecorded.pop(r.id) for r in batch if r.id in self.unrecorded]
        plain_ids = {o.row_id for o in plain}
        recorded = [r.id for r in batch if r.id is not None and r.id not in plain_ids]
        if plain:
            self.count(await self.in_db(partial(self.record_outcomes, plain, stored=stored)))
        if recorded and stored:
            await self.in_db(partial(record_appended, self.app.engine, recorded))

    async def worker(self) -> None:
        smtp = SmtpSession(self.app.settings.smtp)
        try:
            while True:
                row = await self.queue.get()
                if row is None:
                    return
                if not self.stop.is_set():
                    await self.limiter.wait()
                    await self.pacer.wait(row.recipients.count(",") + 1, self.stop)
                if self.stop.is_set():
                    self.results.append(Outcome(row.id, "released"))
                    self.released += 1
                    self.wakeup.set()
                    continue
                self.rows[row.id] = row
                # Not ``self.results.append(await ...)``: flush swaps the list meanwhile.
                outcome = await self.send_one(row, smtp)
                if self.pacer.observe(outcome.state, outcome.detail):
                    log.warning("throttled by the server (%s); pausing sends", outcome.detail)
                self.results.append(outcome)
                self.done += 1
                if self.progress is not None:
                    self.progress(self.done, self.total)
                # Wake the coordinator only when it has something to do.
                if (self.queue.qsize() < 2 * self.mail.concurrency
                        or len(self.results) >= self.batch):
                    self.wakeup.set()
        finally:
            await smtp.close()

    async def send_one(self, row: Claimed, smtp: SmtpSession) -> Outcome:
        row_id = row.id
        marker = self.marker
        assert marker is not None

        try:
            result = await smtp.send(row.mail_from, row.recipients.split(","), row.raw,
                                     lambda: marker(row_id))
        except Exception as exc:
            log.exception("outbox row %s: unexpected error", row.id)
            smtp.abort()
            return Outcome(row.id, "deferred", f"internal error: {exc!r}", utcnow())
        if result.detail:
            log.info("outbox row %s (%s): %s: %s", row.id, row.dedupe_key, result.status,
                     result.detail)
        return Outcome(row.id, result.status, result.detail, utcnow())


async def dispatch(app: App, *, limit: int | None = None, progress: Progress | None = None,
                   stop: asyncio.Event | None = None,
                   pacer: Pacer | None = None) -> DispatchReport:
    """Recover interrupted sends, then send what is due (at most ``limit`` messages)."""
    recovered = await asyncio.to_thread(recover_sending, app)
    try:
        await asyncio.to_thread(store_missing_copies, app)
    except Exception as exc:
        log.warning("could not store missing copies in the Sent folder: %s", exc)
    report = await _Run(app, limit, progress, stop or asyncio.Event(), pacer).run()
    report.recovered = recovered
    return report

"""The processing queue: every ``new`` inbound row goes through the stages once.

Rows are taken in batches, one transaction per batch, each message inside
its own savepoint (see :mod:`bot.inbound.pipeline`). On PostgreSQL rows
are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``, one per transaction,
so that several processes share the queue without taking the same message
twice or waiting on each other's invitation locks. After the
commit, :func:`bot.inbound.intake.imap.flag_done` may mark the messages on the
server.
"""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, or_, select, update

from bot import events, models
from bot.app import App
from bot.db import is_postgres
from bot.inbound.context import PipelineContext, build_context
from bot.inbound.intake.prepare import LOOKAHEAD, PREPARE_MIN, WorkAhead
from bot.inbound.pipeline import STAGES, run_stages

log = logging.getLogger(__name__)

BATCH = 50
# On PostgreSQL each worker takes one message per transaction: it then
# holds at most one invitation lock (see record), so workers never deadlock.
PG_BATCH = 1


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _ours(campaign_id: int) -> Any:
    """New rows not yet known to be another campaign's (see stages.match)."""
    return or_(col(models.InboundMessage.campaign_id).is_(None),
               col(models.InboundMessage.campaign_id) == campaign_id)


def _claim(session: Session, app: App, size: int,
           campaign_id: int) -> list[models.InboundMessage]:
    query = (select(models.InboundMessage)
             .where(models.InboundMessage.status == models.InboundStatus.NEW,
                    _ours(campaign_id))
             .order_by(col(models.InboundMessage.id)).limit(size))
    if is_postgres(app.engine):
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query))
    for row in rows:
        row.claimed_by = worker_name()
    return rows


def _waiting(app: App, after: int, size: int, campaign_id: int) -> list[tuple[int, str]]:
    """(id, raw hash) of up to ``size`` new rows past ``after``, in queue order."""
    with app.session() as session:
        rows = session.exec(
            select(models.InboundMessage.id, models.InboundMessage.raw_sha256)
            .where(models.InboundMessage.status == models.InboundStatus.NEW,
                   col(models.InboundMessage.id) > after, _ours(campaign_id))
            .order_by(col(models.InboundMessage.id)).limit(size))
        return [(row_id, sha) for row_id, sha in rows if row_id is not None]


def _work_ahead(app: App, ctx: PipelineContext, limit: int | None,
                workers: int | None) -> WorkAhead | None:
    """Worker processes when the backlog is worth them (see bot.inbound.intake.prepare)."""
    workers = app.settings.process_workers if workers is None else workers
    if workers <= 0 or (limit is not None and limit < PREPARE_MIN):
        return None
    waiting = _waiting(app, 0, LOOKAHEAD, ctx.campaign_id)
    if len(waiting) < PREPARE_MIN:
        return None
    try:
        ahead = WorkAhead(ctx.store_dir, ctx.directory, ctx.authserv_id, ctx.exclude_contacts,
                          workers)
    except (OSError, ValueError) as exc:
        log.warning("no worker processes (%s); processing in this process only", exc)
        return None
    log.info("%d or more messages wait: %d worker process(es) compute ahead",
             PREPARE_MIN, workers)
    # The rows that showed the backlog are the workers' first work.
    ahead.submit(waiting)
    return ahead


def process_batches(app: App, *, limit: int | None = None, read_images: bool = True,
                    ctx: PipelineContext | None = None,
                    workers: int | None = None,
                    progress: Callable[[int], None] | None = None) -> Counter[str]:
    """Process pending rows; return a count per final status.

    ``workers``: processes computing ahead (default ``Settings.process_workers``);
    used only for a backlog of ``PREPARE_MIN`` messages or more.
    """
    counts: Counter[str] = Counter()
    if ctx is None:
        with app.session() as session:
            ctx = build_context(app, session, read_images=read_images)
    ahead = _work_ahead(app, ctx, limit, workers)
    done = 0
    batch = PG_BATCH if is_postgres(app.engine) else BATCH
    try:
        while limit is None or done < limit:
            if ahead is not None and ahead.ahead < LOOKAHEAD // 2:
                ahead.submit(_waiting(app, ahead.last_id, LOOKAHEAD - ahead.ahead,
                                      ctx.campaign_id))
            size = batch if limit is None else min(batch, limit - done)
            with app.session() as session:
                rows = _claim(session, app, size, ctx.campaign_id)
                for row in rows:
                    if (ahead is not None and row.id is not None
                            and (ready := ahead.take(row.id)) is not None):
                        ctx.prefill(row.id, ready)
                    status = run_stages(session, ctx, row, STAGES)
                    counts[status] += 1
                    events.inbound(session, row, status)
            if not rows:
                break
            done += len(rows)
            if progress is not None:
                progress(done)
    finally:
        if ahead is not None:
            ahead.close()
    return counts


def process_pending(app: App, *, limit: int | None = None, read_images: bool = True) -> int:
    """Run every pending message through the stages; return how many were taken."""
    return sum(process_batches(app, limit=limit, read_images=read_images).values())


def retry_failed(app: App) -> int:
    """Put failed messages back in the queue; return how many."""
    with app.session() as session:
        result = session.exec(
            update(models.InboundMessage)
            .where(col(models.InboundMessage.status) == models.InboundStatus.FAILED)
            .values(status=models.InboundStatus.NEW, error=None))
        return int(result.rowcount or 0)

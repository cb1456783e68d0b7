"""The processing queue: every ``new`` inbound row goes through the stages once.

Rows are taken in batches, one transaction per batch, each message inside
its own savepoint (see :mod:`bot.inbound.pipeline`). On PostgreSQL rows
are claimed with ``SELECT … FOR UPDATE SKIP LOCKED``, one per transaction,
so that several processes share the queue without taking the same message
twice or waiting on each other's invitation locks. After the
commit, :func:`bot.inbound.imap.flag_done` may mark the messages on the
server.
"""

from __future__ import annotations

import os
import socket
from collections import Counter

from sqlmodel import Session, col, select, update

from bot import models
from bot.app import App
from bot.db import is_postgres
from bot.inbound.context import PipelineContext, build_context
from bot.inbound.pipeline import STAGES, run_stages

BATCH = 50
# On PostgreSQL each worker takes one message per transaction: it then
# holds at most one invitation lock (see record), so workers never deadlock.
PG_BATCH = 1


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _claim(session: Session, app: App, size: int) -> list[models.InboundMessage]:
    query = (select(models.InboundMessage)
             .where(models.InboundMessage.status == models.InboundStatus.NEW)
             .order_by(col(models.InboundMessage.id)).limit(size))
    if is_postgres(app.engine):
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query))
    for row in rows:
        row.claimed_by = worker_name()
    return rows


def process_batches(app: App, *, limit: int | None = None, read_images: bool = True,
                    ctx: PipelineContext | None = None) -> Counter[str]:
    """Process pending rows; return a count per final status."""
    counts: Counter[str] = Counter()
    if ctx is None:
        with app.session() as session:
            ctx = build_context(app, session, read_images=read_images)
    done = 0
    batch = PG_BATCH if is_postgres(app.engine) else BATCH
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        with app.session() as session:
            rows = _claim(session, app, size)
            for row in rows:
                counts[run_stages(session, ctx, row, STAGES)] += 1
        if not rows:
            break
        done += len(rows)
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

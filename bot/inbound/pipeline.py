"""The order of the inbound stages, and the loop that runs them on each message.

``STAGES`` is data: a message row goes through each stage in turn until one
says stop (an unrelated mail after ``classify``, a bounce once recorded, a
doubtful match sent to review). A stage that raises sets the row ``failed``
with the error and the stage's name, everything the stages wrote for that
message is rolled back, and the loop goes on with the next message:
nothing stops the queue.
Any stage can be re-run alone (``run_stages(…, ("extract", "record"))``),
because each reads what it needs from the row, the raw store and the
database. Failed rows are retried by ``invitebot poll --retry-failed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from sqlmodel import Session

from bot import models
from bot.clock import utcnow
from bot.inbound.context import PipelineContext
from bot.inbound.stages import acknowledge, classify, extract, match, read, record

log = logging.getLogger(__name__)

Stage = Callable[[Session, PipelineContext, models.InboundMessage], bool]

STAGES: tuple[str, ...] = ("classify", "read", "match", "extract", "record", "acknowledge")

STAGE_FUNCTIONS: Mapping[str, Stage] = {
    "classify": classify.stage_classify,
    "read": read.stage_read,
    "match": match.stage_match,
    "extract": extract.stage_extract,
    "record": record.stage_record,
    "acknowledge": acknowledge.stage_acknowledge,
}

# After a human has assigned the mission, matching is settled.
AFTER_REVIEW: tuple[str, ...] = ("read", "extract", "record", "acknowledge")


def run_stages(session: Session, ctx: PipelineContext, row: models.InboundMessage,
               stages: Sequence[str] = STAGES) -> str:
    """Run ``stages`` on one row; return its final status. Never raises for a stage error."""
    # One savepoint per message: a failing stage takes back everything this
    # message wrote, so a failed row never leaves half a Response behind.
    savepoint = session.begin_nested()
    name = stages[0] if stages else ""
    try:
        # Set before the stages so that record's flush writes them with the
        # rest of the row, instead of a second UPDATE at the savepoint's end.
        row.error = None
        row.updated_at = utcnow()
        # Within one message the stages never read back what they just wrote
        # (record flushes explicitly), so queries need not flush first.
        with session.no_autoflush:
            for name in stages:
                if not STAGE_FUNCTIONS[name](session, ctx, row):
                    break
            else:
                if row.status == models.InboundStatus.NEW:
                    row.status = models.InboundStatus.PROCESSED
        session.add(row)
        savepoint.commit()
    except Exception as exc:
        savepoint.rollback()
        log.exception("inbound message %s failed in stage %s", row.id, name)
        row.status = models.InboundStatus.FAILED
        row.stage = name
        row.error = f"{type(exc).__name__}: {exc}"[:4000]
        row.updated_at = utcnow()
        session.add(row)
    finally:
        ctx.forget(row)
    return row.status

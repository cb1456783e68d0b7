"""Acknowledge stage, the last: a receipt to the mission that replied, when the campaign wants one.

If ``templates.acknowledgement`` is set, the receipt is queued through
:func:`bot.mail.reminders.enqueue_acknowledgement`, once per reply whatever
the re-runs (its outbox key holds a hash of the reply's Message-ID). The
message is then done: the pipeline sets it ``processed``.
"""

from __future__ import annotations

from sqlmodel import Session

from bot import models
from bot.inbound.context import PipelineContext
from bot.mail.reminders import enqueue_acknowledgement


def stage_acknowledge(session: Session, ctx: PipelineContext,
                      row: models.InboundMessage) -> bool:
    """Queue a receipt to the mission if ``templates.acknowledgement`` is set (once per reply)."""
    if not ctx.app.config.campaign.templates.acknowledgement:
        return True
    if row.invitation_id is None or not row.message_id:
        return True
    enqueue_acknowledgement(ctx.app, session, row.invitation_id, row.message_id)
    return True

"""Extract stage: what the reply decides (accept, decline, delegate) and whom it names.

:func:`bot.extract.extract_response` reads the mission's own words and the
texts of its attachments (from :mod:`bot.inbound.stages.read`), with the
mission's country for national phone numbers. A summary is kept in the row's
detail; the message goes next to :mod:`bot.inbound.stages.record`, which
writes it down.

An informational campaign asks for no delegation, so a courtesy reply
("we will attend") that names nobody is as sure as its decision, not
marked down for the missing names as a registration would be.
"""

from __future__ import annotations

import json
from dataclasses import replace

from sqlmodel import Session, select

from bot import models
from bot.extract import extract_response
from bot.extract.model import Extraction
from bot.inbound.context import PipelineContext
from bot.inbound.parse.forwards import reading_text


def extraction_for(ctx: PipelineContext, row: models.InboundMessage,
                   session: Session, *, followup: bool = False) -> Extraction:
    """The extraction of the row's reply, computed ahead by a worker when it can be.

    ``followup``: read it as a change to a delegation already recorded (see
    :func:`bot.extract.extract_response`); never the worker's reading."""
    work = ctx.work(row)
    texts = work.attachment_texts
    if not work.attachments_read:
        texts = [a.text for a in session.exec(select(models.Attachment).where(
            models.Attachment.inbound_id == row.id)) if a.text]
    region = ctx.directory.region(row.mission_id)
    if (work.ready_extraction is not None and not texts and work.attachments_read
            and region == work.ready_region and not followup):
        ready: Extraction = work.ready_extraction  # computed ahead by a worker, same inputs
        return for_campaign(ctx, ready)
    return for_campaign(ctx, extract_response(reading_text(work.parsed), texts, region=region,
                                              exclude_contacts=ctx.exclude_contacts,
                                              followup=followup))


def for_campaign(ctx: PipelineContext, extraction: Extraction) -> Extraction:
    """The extraction as the campaign weighs it: no names asked, none missing."""
    if (ctx.expects_reply or extraction.delegates
            or extraction.decision not in ("accept", "decline")):
        return extraction
    note = "informational campaign: no delegation asked"
    return replace(extraction, confidence=extraction.decision_confidence,
                   notes=[*extraction.notes, note])


def stage_extract(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> bool:
    """Read decision and delegates; keep a summary in the row's detail."""
    extraction = extraction_for(ctx, row, session)
    ctx.work(row).extraction = extraction
    detail = json.loads(row.detail) if row.detail else {}
    detail["extraction"] = {"decision": extraction.decision,
                            "confidence": extraction.confidence,
                            "amendment": extraction.amendment,
                            "delegates": len(extraction.delegates),
                            "notes": list(extraction.notes)}
    row.detail = json.dumps(detail, ensure_ascii=False, default=str)
    row.stage = "extract"
    return True

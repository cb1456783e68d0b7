"""Read stage: the reply's own words and the text of its attachments.

The body is cut to what the mission wrote (quoted history and our pasted
invitation removed) and kept on the row; each attachment is read by
:func:`bot.inbound.readers.attachments.read_attachment` (PDF text, OCR of scans,
DOCX, ZIP) into an ``Attachment`` row keyed by its content hash. The texts
go next to :mod:`bot.inbound.stages.match` (a token or a country may be written
only in the scanned letter), then to extraction.
"""

from __future__ import annotations

import logging

from sqlmodel import Session, col, delete

from bot import models
from bot.extract.quotes import strip_quoted
from bot.inbound.context import PipelineContext
from bot.inbound.intake.prepare import OWN_TEXT_LIMIT
from bot.inbound.parse.forwards import reading_text
from bot.inbound.readers.attachments import read_attachment

log = logging.getLogger(__name__)

MAX_ATTACHMENTS = 20
# Inline images are logos and signatures, not letters.
SKIP_INLINE_IMAGES = True


def stage_read(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> bool:
    """Fill ``body_text`` and the message's ``Attachment`` rows; always continue."""
    work = ctx.work(row)
    msg = work.parsed
    own = (work.own_text if work.own_text is not None
           else strip_quoted(reading_text(msg))[:OWN_TEXT_LIMIT])
    row.body_text = own
    if not work.first_pass:
        session.exec(delete(models.Attachment).where(
            col(models.Attachment.inbound_id) == row.id))
    texts: list[str] = []
    languages = list(ctx.app.config.campaign.meeting.languages)
    for part in msg.attachments[:MAX_ATTACHMENTS]:
        image = part.content_type.startswith("image/")
        if image and ((part.is_inline and SKIP_INLINE_IMAGES) or not ctx.read_images):
            continue
        attachment = models.Attachment(
            inbound_id=row.id or 0, filename=part.filename_display[:255],
            content_type=part.content_type[:255], size=part.size, sha256=part.sha256)
        result = read_attachment(part.data, part.content_type, part.filename_display,
                                 languages, cache_dir=ctx.store_dir / "text-cache")
        attachment.text = result.text or None
        attachment.engine = result.engine
        attachment.flags = ",".join(result.flags)
        attachment.needs_review = bool(result.needs_review or result.error)
        if result.text:
            texts.append(result.text)
        session.add(attachment)
    work.attachment_texts = texts
    work.attachments_read = True
    row.stage = "read"
    return True

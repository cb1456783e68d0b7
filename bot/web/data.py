"""The console's one door into the rest of invitebot.

Every function the pages need from the service, inbound and export code
is imported here and nowhere else in ``bot.web``: the records behind
``invitebot status``, the digest's counting, the review queue's actions,
the exports and the raw store. When those modules move, only this file's
imports change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, or_, select

from bot import audit, models
from bot.app import App
from bot.clock import utcnow
from bot.digest.build import TOTALS, count_totals
from bot.digest.build import _problems as digest_problems
from bot.errors import NotFoundError
from bot.inbound import review as review_queue
from bot.inbound.intake.store import load_raw
from bot.inbound.staffentry import record_staff_entry
from bot.results import export as exporter
from bot.results import sheets
from bot.results.records import (
    STATUSES,
    DelegateRecord,
    MissionRecord,
    load_missions,
    ordered_delegates,
)

__all__ = ["STATUSES", "TOTALS", "DelegateRecord", "MissionRecord", "NotFoundError",
           "load_missions", "ordered_delegates", "record_staff_entry"]

# The campaign page's totals, in the order shown: the digest's own numbers
# (``count_totals``) plus the length of the digest's review list.
SHOWN_TOTALS = ("missions", "invited", "delivered", "replied", "accepted", "declined",
                "undecided", "awaiting_review", "silent", "bounced", "failed", "to_review",
                "to_confirm")


def campaign_totals(session: Session, campaign_id: int,
                    records: Sequence[MissionRecord]) -> dict[str, int]:
    """The totals exactly as the digest counts them."""
    totals = count_totals(list(records))
    review, _failed = digest_problems(session, campaign_id)
    totals["to_review"] = len(review)
    # Recorded answers not yet proven to be the mission's (``Response.to_confirm``).
    totals["to_confirm"] = len(session.exec(
        select(models.Response.id)
        .join(models.Invitation, col(models.Invitation.id) == models.Response.invitation_id)
        .where(models.Invitation.campaign_id == campaign_id)
        .where(col(models.Response.current).is_(True))
        .where(col(models.Response.to_confirm).is_not(None))).all())
    return totals


def record_audit(session: Session, actor: str, action: str, subject: str,
                 **detail: Any) -> None:
    audit.record(session, action, subject, actor=f"web:{actor}", **detail)


def export_xlsx(session: Session, app: App, campaign_id: int) -> bytes:
    """The same workbook as ``invitebot export --format xlsx``."""
    campaign = app.config.campaign
    return sheets.to_xlsx(exporter.delegations(session, campaign_id), "delegations",
                          language=campaign.meeting.language,
                          silent_sheet=campaign.expects_reply)


def export_participants(session: Session, app: App, campaign_id: int) -> bytes:
    """The same document as ``invitebot export --format participants``."""
    from bot.service.participants import participants_docx

    meeting = app.config.campaign.meeting
    return participants_docx(load_missions(session, campaign_id), title=meeting.heading,
                             reference=meeting.reference, issued=utcnow().date(),
                             types={m.code: m.type for m in app.config.missions})


def raw_message(app: App, message: models.InboundMessage) -> bytes:
    """The message as it arrived, from the content-addressed raw store."""
    return load_raw(app.settings.store_dir, message.raw_sha256)


def assign_and_reread(app: App, session: Session, message: models.InboundMessage,
                      code: str, campaign_id: int, actor: str) -> str:
    """``invitebot review assign``: settle the match, then read, extract, record again."""
    from bot.inbound.context import build_context
    from bot.inbound.pipeline import AFTER_REVIEW, run_stages

    review_queue.assign(session, message, code, campaign_id, actor=f"web:{actor}")
    ctx = build_context(app, session)
    ctx.manual = True
    return str(run_stages(session, ctx, message, AFTER_REVIEW))


def dismiss(session: Session, message: models.InboundMessage, actor: str) -> None:
    review_queue.dismiss(session, message, actor=f"web:{actor}")


def close_review(session: Session, message: models.InboundMessage, state: str,
                 actor: str) -> None:
    review_queue.close_items(session, message, state, f"web:{actor}")


def open_items(session: Session, campaign_id: int) -> list[tuple[models.ReviewItem,
                                                               models.InboundMessage]]:
    """Open review items of this campaign or of no campaign yet, oldest first."""
    return [(item, message) for item, message in session.exec(
        select(models.ReviewItem, models.InboundMessage)
        .join(models.InboundMessage, col(models.InboundMessage.id) == models.ReviewItem.inbound_id)
        .where(models.ReviewItem.state == "open")
        .where(or_(col(models.InboundMessage.campaign_id) == campaign_id,
                   col(models.InboundMessage.campaign_id).is_(None)))
        .order_by(col(models.ReviewItem.id)))]


def parse_raw(raw: bytes) -> Any:
    """The parsed message (``bot.inbound.parsed.ParsedMessage``): text, HTML, attachments."""
    from bot.inbound.parse.message import parse_message

    return parse_message(raw)

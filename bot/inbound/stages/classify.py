"""Classify stage: what kind of mail this is, and the end of the road for most.

``classify()`` says bounce, auto_reply, reply or unrelated. Unrelated mail
stops here (status ``processed``), unless a parse limit cut it: then it
waits in review, as every message cut by a limit does. Auto-replies are
matched for the record but never count as an answer. A permanent bounce, found through the
original Message-ID or the bounced recipient, marks its invitation
``bounced`` with the server's diagnostic; a delay notice changes nothing.
Only replies go on, to :mod:`bot.inbound.stages.read`, carrying the
classifier's flags (a lure inside a thread is a reply flagged
``suspect_phishing``, which the match stage sends to a human).
"""

from __future__ import annotations

import json

from sqlmodel import Session

from bot import models
from bot.clock import utcnow
from bot.inbound.context import PipelineContext
from bot.inbound.matchers.base import MatchInput
from bot.inbound.matchers.verdict import match_message
from bot.inbound.parse.message import normalise_msgid
from bot.inbound.review import open_review

# Parse flags that mean the message was cut: a human must see the whole thing.
LIMIT_FLAGS = frozenset({"too_large", "too_many_lines", "too_many_parts", "too_deep",
                         "too_many_headers", "attachment_too_large", "oversize"})
# An invitation in these states may be marked bounced; a reply outranks a bounce.
BOUNCEABLE = (models.InvitationStatus.PENDING, models.InvitationStatus.SENT,
              models.InvitationStatus.FAILED)


def stage_classify(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> bool:
    """Set the classification; return True only for replies."""
    work = ctx.work(row)
    work.first_pass = row.stage is None
    msg = work.parsed
    result = ctx.classification(row)
    row.classification = result.kind
    row.from_addr = (msg.from_addr or None) and msg.from_addr[:320]
    row.subject = msg.subject[:2000] or None
    flags = [f for f in row.flags.split(",") if f] + [f for f in msg.flags if f not in row.flags]
    flags += result.flags  # what the classifier doubts, e.g. suspect_phishing
    row.flags = ",".join(dict.fromkeys(flags))
    row.detail = json.dumps({"classifier": result.classifier, "reason": result.reason},
                            ensure_ascii=False)
    row.stage = "classify"
    if result.kind == "reply":
        return True  # the match stage sends a reply cut by the limits to review
    if result.kind == "bounce":
        _record_bounce(session, ctx, row)
    elif result.kind == "auto_reply":
        _note_auto_reply(ctx, row)
    row.status = models.InboundStatus.PROCESSED
    # A message cut by a limit was not read whole: what looked empty or
    # automatic may hide a reply, so a human sees it (issue 16, defect 6).
    cut = sorted(set(row.flags.split(",")) & LIMIT_FLAGS)
    if cut:
        open_review(session, row, f"message exceeds limits: {', '.join(cut)} "
                                  f"(classified {result.kind})")
    return False


def _record_bounce(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> None:
    result = ctx.classification(row)
    directory = ctx.directory
    mission_id: int | None = None
    method = None
    original = normalise_msgid(result.original_message_id)
    if original and original in directory.by_outbound_id:
        mission_id, method = directory.by_outbound_id[original], "dsn_message_id"
    else:
        for address in result.bounced_recipients:
            missions = directory.by_address.get(address.lower(), set())
            if len(missions) == 1:
                mission_id, method = next(iter(missions)), "dsn_recipient"
                break
    detail = {
        "classifier": result.classifier, "reason": result.reason,
        "permanent": result.permanent, "delay": result.is_delay, "status": result.status,
        "diagnostic": result.diagnostic, "recipients": list(result.bounced_recipients),
        "original_message_id": original,
    }
    row.detail = json.dumps(detail, ensure_ascii=False)
    if mission_id is None:
        return
    entry = directory.missions[mission_id]
    row.mission_id, row.invitation_id = mission_id, entry.invitation_id
    row.campaign_id = ctx.campaign_id
    row.match_method, row.confidence = method, 1.0 if method == "dsn_message_id" else 0.9
    if not result.permanent or entry.invitation_id is None:
        return
    invitation = session.get(models.Invitation, entry.invitation_id)
    if invitation is None or invitation.status not in BOUNCEABLE:
        return
    invitation.status = models.InvitationStatus.BOUNCED
    invitation.error = (result.diagnostic or result.reason or "bounced")[:4000]
    invitation.last_event, invitation.last_event_at = "bounced", utcnow()
    session.add(invitation)


def _note_auto_reply(ctx: PipelineContext, row: models.InboundMessage) -> None:
    # Knowing which mission is away helps the digest; it is never an answer.
    work = ctx.work(row)
    verdict = match_message(ctx.directory, MatchInput(work.parsed, ""), ctx.authserv_id)
    if verdict.mission_id is not None and verdict.confidence >= ctx.match_threshold:
        row.campaign_id = ctx.campaign_id
        row.mission_id, row.invitation_id = verdict.mission_id, verdict.invitation_id
        row.match_method, row.confidence = verdict.method, verdict.confidence

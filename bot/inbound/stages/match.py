"""Decide which mission (and invitation) a message answers, and how sure we are.

Every matcher in ``MATCHERS`` runs; the mission with the strongest evidence
wins, agreeing evidence raises the confidence, conflicting evidence lowers
it. The sender-trust rules (:mod:`bot.inbound.matchers.trust`) send an
otherwise good match to a human: a sender the mission is not known for, and an
``Authentication-Results`` header from our own server saying DKIM or DMARC
failed. Below ``thresholds.match`` the message goes to the review queue;
above it, on to extraction (:mod:`bot.inbound.stages.read`, then
:mod:`bot.inbound.stages.record`). A message whose token or thread belongs
to another campaign of the database is handed to that campaign
(:mod:`bot.inbound.matchers.campaigns`), however well its sender matches.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from bot import models
from bot.extract.quotes import strip_quoted
from bot.inbound.matchers import MatchInput
from bot.inbound.matchers.campaigns import OWN_PROOF, other_campaign
from bot.inbound.matchers.verdict import MatchResult, match_message
from bot.inbound.parse.forwards import reading_text
from bot.inbound.review import open_review
from bot.inbound.stages.classify import LIMIT_FLAGS
from bot.inbound.trust_stage import review_reason_at_match

if TYPE_CHECKING:
    from bot.inbound.context import PipelineContext


SUSPECT_FLAG = "suspect_phishing"


def _classifier_reason(row: models.InboundMessage) -> str:
    detail = json.loads(row.detail) if row.detail else {}
    return str(detail.get("reason") or "a lure inside a thread")


def evidence_json(result: MatchResult) -> str:
    return json.dumps(result.detail(), ensure_ascii=False)


def stage_match(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> bool:
    """Set mission, invitation, method and confidence; doubtful cases go to review."""
    if row.match_method == "manual" and row.mission_id is not None:
        return True
    work = ctx.work(row)
    texts = work.attachment_texts
    if not work.attachments_read:
        texts = [a.text for a in session.exec(select(models.Attachment).where(
            models.Attachment.inbound_id == row.id)) if a.text]
    own = row.body_text if row.body_text is not None else strip_quoted(reading_text(work.parsed))
    if work.verdict is not None and not texts and own == work.own_text:
        verdict = work.verdict  # computed ahead by a worker from the same inputs
    else:
        verdict = match_message(ctx.directory, MatchInput(work.parsed, own, tuple(texts)),
                                ctx.authserv_id)
    if verdict.method not in OWN_PROOF:
        other = other_campaign(session, ctx.campaign_id, work.parsed, ctx.directory.reply_to)
        if other is not None:
            # Another campaign's token or thread: that campaign's queue takes
            # it (status stays new), rather than this one taking the sender's word.
            row.campaign_id, row.stage = other, "match"
            return False
    row.campaign_id = ctx.campaign_id
    row.mission_id, row.invitation_id = verdict.mission_id, verdict.invitation_id
    row.match_method, row.confidence = verdict.method, verdict.confidence
    detail = json.loads(row.detail) if row.detail else {}
    detail["match"] = verdict.detail()
    row.detail = json.dumps(detail, ensure_ascii=False)
    row.stage = "match"
    reasons = list(verdict.reasons)
    doubt = review_reason_at_match(ctx, row, tuple(
        e.method for e in verdict.evidence if e.mission_id == verdict.mission_id))
    if doubt and verdict.trusted:
        reasons.append(doubt)
    flags = set(row.flags.split(","))
    cut = sorted(flags & LIMIT_FLAGS)
    if cut:
        reasons.append("message exceeds limits: " + ", ".join(cut))
    # A lure inside a thread (a hijacked or compromised mailbox) is never an
    # answer without a human: it would otherwise be matched with certainty.
    lure = SUSPECT_FLAG in flags
    if lure:
        reasons.append("suspect phishing: " + _classifier_reason(row))
    if verdict.confidence < ctx.match_threshold and verdict.mission_id is not None:
        reasons.append(f"match confidence {verdict.confidence:.2f} below "
                       f"{ctx.match_threshold:.2f} ({verdict.method})")
    if verdict.needs_review(ctx.match_threshold) or cut or doubt or lure:
        open_review(session, row, "; ".join(dict.fromkeys(reasons)))
        return False
    return True

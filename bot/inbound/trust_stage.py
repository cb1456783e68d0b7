"""Where the pipeline applies the sender-trust rules of :mod:`bot.inbound.matchers.trust`.

Two call sites: the match stage (:func:`review_reason_at_match`: a failed
authentication or a sender unknown for the mission goes to review) and
the record stage (:func:`judge_answer`: a change to an existing answer
needs the token or thread from an address already seen, a claim is
recorded "to confirm"). This module gathers the facts from the row, the
parsed message, the run's directory and the database; the rules stay pure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlmodel import Session, col, select

from bot import models
from bot.inbound.context import PipelineContext
from bot.inbound.matchers.base import PUBLIC_DOMAINS
from bot.inbound.matchers.trust import Facts, Trust, assess, change_refused


def facts_for(ctx: PipelineContext, row: models.InboundMessage, methods: tuple[str, ...],
              seen: frozenset[str] = frozenset()) -> Facts | None:
    """The facts about ``row`` and the mission it was matched to; None without a mission."""
    directory = ctx.directory
    if row.mission_id is None or row.mission_id not in directory.missions:
        return None
    entry = directory.missions[row.mission_id]
    parsed = ctx.work(row).parsed
    sender = (parsed.from_addr or "").strip().lower()
    domain = sender.rpartition("@")[2]
    own_domain = (bool(domain) and domain not in PUBLIC_DOMAINS
                  and directory.by_domain.get(domain, set()) == {row.mission_id})
    return Facts(mission=entry.code, from_addr=sender,
                 auth_headers=tuple(parsed.header_all("authentication-results")),
                 authserv_id=ctx.authserv_id, methods=methods,
                 addresses=frozenset(entry.emails), own_domain=own_domain, seen=seen,
                 reply_to=parsed.reply_to)


def _methods_of(row: models.InboundMessage) -> tuple[str, ...]:
    """The methods of the match evidence for the row's mission, from its detail."""
    detail = json.loads(row.detail) if row.detail else {}
    evidence = (detail.get("match") or {}).get("evidence") or []
    return tuple(str(e.get("method")) for e in evidence
                 if isinstance(e, dict) and e.get("mission_id") == row.mission_id)


def review_reason_at_match(ctx: PipelineContext, row: models.InboundMessage,
                           methods: tuple[str, ...]) -> str | None:
    """Why the matched message must wait for a human (failed or unknown sender), or None.

    The verdict is kept in the row's detail (``trust``) for whoever reviews it.
    """
    facts = facts_for(ctx, row, methods)
    if facts is None:
        return None
    trust = assess(facts)
    detail = json.loads(row.detail) if row.detail else {}
    detail["trust"] = {"level": trust.level, "reason": trust.reason}
    row.detail = json.dumps(detail, ensure_ascii=False)
    return trust.reason if trust.to_review else None


def _seen_addresses(session: Session, invitation_id: int, row_id: int | None) -> frozenset[str]:
    """From addresses of the invitation's answers recorded without doubt."""
    found = session.exec(
        select(models.InboundMessage.from_addr)
        .join(models.Response, col(models.Response.inbound_id) == models.InboundMessage.id)
        .where(models.Response.invitation_id == invitation_id)
        .where(col(models.Response.to_confirm).is_(None))
        .where(models.InboundMessage.id != row_id))
    return frozenset(a.strip().lower() for a in found if a)


def has_answer(session: Session, response: models.Response | None) -> bool:
    """The response says something: a decision or at least one delegate."""
    if response is None:
        return False
    if response.decision is not None:
        return True
    return session.exec(select(models.Delegate.id).where(
        models.Delegate.response_id == response.id)).first() is not None


@dataclass(frozen=True)
class Judgement:
    """What the record stage does: send to review (``review``) or record, maybe to confirm."""

    review: str | None = None
    to_confirm: str | None = None


def judge_answer(session: Session, ctx: PipelineContext, row: models.InboundMessage,
                 invitation_id: int, changes: bool) -> Judgement:
    """Apply the trust rules to an answer about to be recorded.

    ``changes``: it would replace a current answer that said something. A
    mission assigned by a human (``ctx.manual``) is settled: no rule applies.
    """
    if ctx.manual or row.match_method == "manual":
        return Judgement()
    seen = _seen_addresses(session, invitation_id, row.id) if changes else frozenset()
    facts = facts_for(ctx, row, _methods_of(row), seen)
    if facts is None:
        return Judgement()
    trust: Trust = assess(facts)
    if trust.to_review:
        return Judgement(review=trust.reason)
    if changes:
        refused = change_refused(trust, facts)
        if refused is not None:
            return Judgement(review=refused)
    return Judgement(to_confirm=trust.reason if trust.level == "claim" else None)

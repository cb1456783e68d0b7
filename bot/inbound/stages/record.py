"""Record stage: what the reply says, written as a Response.

``stage_record`` takes the extraction of :mod:`bot.inbound.stages.extract`
and writes one ``Response`` with
its ``Delegate`` rows for the invitation and sets the invitation
``replied`` (or ``needs_review`` when the extraction is below
``thresholds.extraction``, which also opens a review item). A follow-up
keeps history: the earlier response stays, marked ``current=False``;
``amendment="extend"`` carries its delegates over, ``"replace"`` does not,
unless it names whom it replaces: then everyone else is carried over.
A follow-up that says nothing new leaves the earlier response current.
The sender-trust rules (:mod:`bot.inbound.trust_stage`) come first: a
change to an answer needs the token or thread from an address already
seen, else review; an answer nothing proves is recorded "to confirm".
The message goes next to :mod:`bot.inbound.stages.acknowledge`; a doubtful
one also waits in the review queue.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, delete, select

from bot import models
from bot.clock import utcnow
from bot.inbound.context import PipelineContext
from bot.inbound.review import open_review
from bot.inbound.stages.extract import extraction_for
from bot.inbound.trust_stage import has_answer, judge_answer


def _forget_earlier_run(session: Session, row: models.InboundMessage) -> None:
    # Re-running record replaces what this same message wrote before.
    ids = [r.id for r in session.exec(select(models.Response).where(
        models.Response.inbound_id == row.id))]
    if ids:
        session.exec(delete(models.Delegate).where(
            col(models.Delegate.response_id).in_(ids)))
        session.exec(delete(models.Response).where(
            col(models.Response.id).in_(ids)))
        session.flush()


def _current(session: Session, invitation_id: int) -> models.Response | None:
    return session.exec(select(models.Response).where(
        models.Response.invitation_id == invitation_id, col(models.Response.current))
        .order_by(col(models.Response.inbound_id).desc())).first()


def stage_record(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> bool:
    """Write the Response and Delegates; move the invitation to replied / needs_review."""
    work = ctx.work(row)
    extraction = (work.extraction if work.extraction is not None
                  else extraction_for(ctx, row, session))
    row.stage = "record"
    # Locked (on PostgreSQL): two workers recording replies of one mission
    # must not both see "no current response" and both become current.
    # SQLite has no row locks (the batch already holds the write lock), so
    # there an invitation the session knows is not fetched again.
    invitation = (session.get(models.Invitation, row.invitation_id,
                              with_for_update=ctx.row_locks)
                  if row.invitation_id else None)
    if invitation is None or invitation.id is None:
        open_review(session, row, "matched a mission that has no invitation")
        return False
    if not work.first_pass:
        _forget_earlier_run(session, row)
    previous = _current(session, invitation.id)
    newer = previous is not None and previous.inbound_id > (row.id or 0)
    substantive = extraction.decision is not None or bool(extraction.delegates)
    # Any answer over one that said something replaces it (even "we confirm"
    # alone leaves no delegates current): that is a change.
    judged = judge_answer(session, ctx, row, invitation.id, changes=(
        not newer and substantive and has_answer(session, previous)))
    if judged.review is not None:
        open_review(session, row, judged.review)
        return False
    low = extraction.confidence < ctx.extraction_threshold and not ctx.manual
    response = models.Response(
        invitation_id=invitation.id, inbound_id=row.id or 0,
        decision=extraction.decision, confidence=extraction.confidence,
        amendment=extraction.amendment, needs_review=low,
        current=not newer and (substantive or previous is None),
        notes="; ".join(extraction.notes) or None, to_confirm=judged.to_confirm)
    people: list[models.Delegate] = []
    # "extend" keeps every earlier delegate; a "replace" that names whom it
    # replaces ("Ms. C will replace Mr. B") keeps everyone but those named.
    swap = extraction.amendment == "replace" and bool(extraction.withdrawn)
    if previous is not None and response.current and (extraction.amendment == "extend" or swap):
        if response.decision is None:
            response.decision = previous.decision
        people = [models.Delegate(**_copy(d)) for d in session.exec(
            select(models.Delegate).where(models.Delegate.response_id == previous.id)
            .order_by(col(models.Delegate.position)))
            if not _withdrawn(d.name, extraction.withdrawn)]
    known = {d.name.casefold() for d in people}
    for cand in extraction.delegates:
        if cand.name.casefold() in known:
            continue
        people.append(models.Delegate(
            response_id=0, name=cand.name, honorific=cand.honorific, title=cand.title,
            role=cand.role, email=cand.email, phone=cand.phone,
            confidence=cand.confidence, source=cand.source))
    if response.current and previous is not None:
        previous.current = False
        session.add(previous)
    # The row's status is settled before the flush that gives the response
    # its id, so the row is written once per message, not twice.
    if low:
        open_review(session, row, f"extraction confidence {extraction.confidence:.2f} below "
                                  f"{ctx.extraction_threshold:.2f}")
    else:
        row.status = models.InboundStatus.PROCESSED
    session.add(response)
    session.flush()
    for position, person in enumerate(people):
        person.response_id, person.position = response.id or 0, position
        session.add(person)
    now = utcnow()
    if response.current:
        invitation.status = (models.InvitationStatus.NEEDS_REVIEW if low
                             else models.InvitationStatus.REPLIED)
    invitation.replied_at = invitation.replied_at or now
    invitation.last_event, invitation.last_event_at = "replied", now
    session.add(invitation)
    return True


def _withdrawn(name: str, withdrawn: list[str]) -> bool:
    """True if ``name`` is one of the people a follow-up withdraws (surname or full name)."""
    words = set(name.casefold().split())
    return any(w and set(w.casefold().split()) <= words for w in withdrawn)


def _copy(delegate: models.Delegate) -> dict[str, Any]:
    data = delegate.model_dump(exclude={"id", "response_id"})
    data["response_id"] = 0
    return data

"""Record stage: what the reply does to the mission's delegation, written down.

Two doubts are kept apart. Whether the message belongs to the mission was
settled by the match stage; whether its delegation was read right is the
extraction's confidence. A reply whose match is certain (confidence at
least ``CERTAIN_MATCH``, or a mission a human assigned) counts as the
mission's answer at once: the invitation is ``replied`` even when the
extraction is unsure, and the delegation is then recorded *to confirm*
(``Response.to_confirm``, with the reason), for the mission (the
confirmation echo) and the desk officer (the digest) to check. Only a reply
whose match is not certain *and* whose extraction is doubtful waits in the
review queue.

The sender-trust rules (:mod:`bot.inbound.trust_stage`, issue 16) are one
input: a reply that would change a delegation already recorded needs the
token or thread from an address already seen, else review; an answer
nothing proves is recorded to confirm, its reason joined to any other.

Each reply becomes one ``DelegationEvent``: the operation
(:func:`bot.inbound.followup.operation.decide_operation`) on the
delegation folded from the earlier replies, the people the message names
and the words that decided it. The events of the invitation are then
folded again (:mod:`bot.results.delegation`) and the result written as the
message's ``Response`` with its ``Delegate`` rows, current; earlier
responses stay as history, ``current=False``.

When the delegation changed, the confirmation echo is queued in the same
transaction (:func:`bot.mail.echo.enqueue_echo`). The message goes next to
:mod:`bot.inbound.stages.acknowledge`.
"""

from __future__ import annotations

import json

from sqlmodel import Session, col, delete, select

from bot import models
from bot.clock import utcnow
from bot.extract.model import Extraction
from bot.extract.quotes import strip_quoted
from bot.inbound.context import PipelineContext
from bot.inbound.followup.operation import Decided, decide_operation
from bot.inbound.review import open_review
from bot.inbound.stages.extract import extraction_for
from bot.inbound.trust_stage import Judgement, judge_answer
from bot.mail.echo import enqueue_echo
from bot.models import Operation
from bot.results.current import edits_of, events_of, rewrite_current, write_people
from bot.results.delegation import Person, State, fold, in_order

# A match at least this sure (a token, the invitation's thread) settles the
# mission: the reply counts as answered whatever the extraction's doubt.
CERTAIN_MATCH = 0.95
# Operations whose result is what the extractor read (names, a decision).
READ_OPERATIONS = frozenset({Operation.FIRST, Operation.ADD, Operation.REPLACE,
                             Operation.COMPLETE})
# Operations that change a delegation already recorded (the sender rules
# of issue 16 ask more of a message that does this).
CHANGES = frozenset({Operation.ADD, Operation.REPLACE, Operation.REMOVE, Operation.WITHDRAW,
                     Operation.COMPLETE})


def sender_gate(session: Session, ctx: PipelineContext, row: models.InboundMessage,
                invitation_id: int, changes: bool) -> Judgement:
    """The sender-trust verdict (issue 16) on recording this reply: review, or record,
    maybe to confirm. ``changes``: it alters a delegation already recorded."""
    return judge_answer(session, ctx, row, invitation_id, changes=changes)


def _forget_earlier_run(session: Session, row: models.InboundMessage) -> None:
    # Re-running record replaces what this same message wrote before.
    ids = [r.id for r in session.exec(select(models.Response).where(
        models.Response.inbound_id == row.id))]
    session.exec(delete(models.DelegationEvent).where(
        col(models.DelegationEvent.inbound_id) == row.id))
    if ids:
        session.exec(delete(models.Delegate).where(
            col(models.Delegate.response_id).in_(ids)))
        session.exec(delete(models.Response).where(
            col(models.Response.id).in_(ids)))
    session.flush()


def people_of(extraction: Extraction) -> list[Person]:
    """The extractor's candidates as the fold's people."""
    return [{"honorific": d.honorific, "name": d.name, "title": d.title, "role": d.role,
             "email": d.email, "phone": d.phone, "confidence": d.confidence,
             "source": d.source} for d in extraction.delegates]


def _own_words(ctx: PipelineContext, row: models.InboundMessage, session: Session) -> str:
    work = ctx.work(row)
    body = row.body_text if row.body_text is not None else strip_quoted(work.parsed.text)
    texts = work.attachment_texts if work.attachments_read else [
        a.text for a in session.exec(select(models.Attachment).where(
            models.Attachment.inbound_id == row.id)) if a.text]
    return "\n\n".join([body, *texts])


def _doubts(*reasons: str | None) -> str | None:
    return "; ".join(dict.fromkeys(r for r in reasons if r)) or None


def stage_record(session: Session, ctx: PipelineContext, row: models.InboundMessage) -> bool:
    """Record the reply's operation and the delegation it leaves; queue the echo if it changed."""
    work = ctx.work(row)
    extraction = (work.extraction if work.extraction is not None
                  else extraction_for(ctx, row, session))
    row.stage = "record"
    # Locked (on PostgreSQL): two workers recording replies of one mission
    # must not both fold the same events. SQLite has no row locks (the
    # batch already holds the write lock), so there an invitation the
    # session knows is not fetched again.
    invitation = (session.get(models.Invitation, row.invitation_id,
                              with_for_update=ctx.row_locks)
                  if row.invitation_id else None)
    if invitation is None or invitation.id is None:
        open_review(session, row, "matched a mission that has no invitation")
        return False
    if not work.first_pass:
        _forget_earlier_run(session, row)
    events = events_of(session, invitation.id)
    edits = edits_of(session, invitation.id)
    before = fold(in_order(events, edits, until=row.id or 0, including=False))
    people = people_of(extraction)
    decided = decide_operation(before, extraction.decision, people, extraction.withdrawn,
                               _own_words(ctx, row, session), extraction.amendment)
    # The extraction's doubt is about names and a decision read from the
    # message; a "thank you" (none), or a departure or withdrawal its own
    # words state about people already recorded, does not rest on it.
    read = decided.operation in READ_OPERATIONS or not decided.cue.startswith('"')
    low = (extraction.confidence < ctx.extraction_threshold and not ctx.manual and read
           and (decided.operation != Operation.NONE or not before.said_something))
    doubt = (f"extraction confidence {extraction.confidence:.2f} below "
             f"{ctx.extraction_threshold:.2f}"
             + (f" ({'; '.join(extraction.notes)})" if extraction.notes else "")) if low else None
    certain = ctx.manual or row.match_method == "manual" or (row.confidence or 0) >= CERTAIN_MATCH
    if low and not certain:
        # Both doubts at once: neither the mission nor the reading is sure.
        open_review(session, row, f"{doubt}; match {row.confidence or 0:.2f} not certain")
        return False
    gate = sender_gate(session, ctx, row, invitation.id,
                       changes=before.said_something and decided.operation in CHANGES)
    if gate.review is not None:
        open_review(session, row, gate.review)
        return False
    event = models.DelegationEvent(
        invitation_id=invitation.id, inbound_id=row.id or 0, operation=decided.operation,
        decision=extraction.decision, delegates=json.dumps(people, ensure_ascii=False),
        removed=json.dumps(list(decided.removed), ensure_ascii=False), cue=decided.cue,
        to_confirm=_doubts(gate.to_confirm, doubt, decided.to_confirm))
    session.add(event)
    # In message order: a re-run of an older reply goes back in its place.
    ordered = sorted([*events, event], key=lambda e: e.inbound_id)
    after = _write_fold(session, row, invitation, ordered, edits, extraction, decided)
    row.status = models.InboundStatus.PROCESSED
    now = utcnow()
    invitation.status = models.InvitationStatus.REPLIED
    invitation.replied_at = invitation.replied_at or now
    invitation.last_event, invitation.last_event_at = "replied", now
    session.add(invitation)
    _note(row, decided, event.to_confirm)
    # Echo a change; and a first answer nothing could be read from, so the
    # mission learns it was not understood (and can answer in plain words).
    changed = after != before and after.said_something
    unread = not before.said_something and not after.said_something and bool(event.to_confirm)
    if (changed or unread) and row.classification in (
            None, models.MessageKind.REPLY) and ctx.app.config.campaign.confirmation_echo:
        session.flush()
        enqueue_echo(ctx.app, session, invitation.id, row, event)
    return True


def _write_fold(session: Session, row: models.InboundMessage, invitation: models.Invitation,
                events: list[models.DelegationEvent], edits: list[models.StaffEdit],
                extraction: Extraction, decided: Decided) -> State:
    """Write this message's Response (the fold up to it); the latest one is current."""
    latest = max(e.inbound_id for e in events) == row.id
    # The latest reply's response is the current delegation: everything,
    # staff edits made after an earlier run of this reply included.
    upto = fold(in_order(events, edits, until=None if latest else row.id or 0))
    previous = session.exec(select(models.Response).where(
        models.Response.invitation_id == invitation.id, col(models.Response.current))).all()
    # A doubt stays on the delegation until a change by the mission replaces it.
    carried = next((r.to_confirm for r in previous if r.to_confirm), None)
    this = next(e for e in events if e.inbound_id == row.id)
    changed = decided.operation not in (Operation.RESEND, Operation.NONE)
    response = models.Response(
        invitation_id=invitation.id or 0, inbound_id=row.id or 0, decision=upto.decision,
        confidence=extraction.confidence,
        amendment={Operation.ADD: "extend", Operation.REPLACE: "replace"}.get(decided.operation),
        needs_review=this.to_confirm is not None, current=latest,
        notes="; ".join(extraction.notes) or None,
        to_confirm=this.to_confirm if changed else _doubts(carried, this.to_confirm))
    if latest:
        for old in previous:
            old.current = False
            session.add(old)
    session.add(response)
    session.flush()
    this.response_id = response.id
    write_people(session, response, upto)
    if not latest:
        # A reply older than one already recorded (mail arrives out of order):
        # the current response is the fold of every event, rewritten.
        rewrite_current(session, invitation.id or 0, events)
    return upto


def _note(row: models.InboundMessage, decided: Decided, to_confirm: str | None) -> None:
    detail = json.loads(row.detail) if row.detail else {}
    detail["operation"] = {"operation": decided.operation.value, "cue": decided.cue,
                           "removed": list(decided.removed), "to_confirm": to_confirm}
    row.detail = json.dumps(detail, ensure_ascii=False)

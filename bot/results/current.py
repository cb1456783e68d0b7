"""Write a mission's delegation down: the fold of its replies and staff edits.

The current ``Response`` of an invitation and its ``Delegate`` rows are what
status, exports, the digest and the console read; they are always the fold
(:mod:`bot.results.delegation`) of the invitation's ``DelegationEvent`` rows
(one per reply) and ``StaffEdit`` rows (one per change made by hand), in the
order they happened. The record stage and the console both write through here.
"""

from __future__ import annotations

from sqlmodel import Session, col, delete, select

from bot import models
from bot.results.delegation import State, fold, in_order


def events_of(session: Session, invitation_id: int) -> list[models.DelegationEvent]:
    return list(session.exec(select(models.DelegationEvent)
                             .where(models.DelegationEvent.invitation_id == invitation_id)
                             .order_by(col(models.DelegationEvent.inbound_id))))


def edits_of(session: Session, invitation_id: int) -> list[models.StaffEdit]:
    return list(session.exec(select(models.StaffEdit)
                             .where(models.StaffEdit.invitation_id == invitation_id)
                             .order_by(col(models.StaffEdit.id))))


def write_people(session: Session, response: models.Response, state: State) -> None:
    """``state``'s people as the response's ``Delegate`` rows, in order."""
    for position, person in enumerate(state.people):
        session.add(models.Delegate(
            response_id=response.id or 0, position=position, name=person["name"],
            honorific=person.get("honorific"), title=person.get("title"),
            role=person.get("role"), email=person.get("email"), phone=person.get("phone"),
            confidence=float(person.get("confidence") or 0.0),
            source=str(person.get("source") or "body")))


def rewrite_current(session: Session, invitation_id: int,
                    events: list[models.DelegationEvent] | None = None) -> State | None:
    """Fold everything recorded for the invitation into its current response."""
    current = session.exec(select(models.Response).where(
        models.Response.invitation_id == invitation_id, col(models.Response.current))).first()
    if current is None:
        return None
    events = events_of(session, invitation_id) if events is None else events
    state = fold(in_order(events, edits_of(session, invitation_id)))
    session.exec(delete(models.Delegate).where(
        col(models.Delegate.response_id) == current.id))
    current.decision = state.decision
    session.add(current)
    write_people(session, current, state)
    return state

"""An answer that did not come by email, entered by staff: a note verbale
delivered by hand or by fax, a telephone call.

It is recorded within the event model, as a reply would be, so the fold,
``status``, the digest and the exports read it like any other answer:

- an ``InboundMessage`` of its own kind (``MessageKind.STAFF_ENTRY``): no
  raw message (``raw_sha256`` empty, size 0), ``match_method`` ``staff``,
  ``status`` processed; ``subject`` names the staff user and the source note,
  ``detail`` keeps them as JSON. It never enters the inbound queue, and the
  review actions refuse it (:func:`bot.inbound.review.refuse_staff_entry`);
- its ``DelegationEvent``, operation ``staff`` (the fold's
  :data:`bot.results.delegation.STAFF`: the delegation is what staff entered),
  ``cue`` the source note;
- the fold of every event and staff edit, written as the invitation's
  current ``Response`` with its ``Delegate`` rows (``source`` ``staff``);
- the invitation ``replied`` (the mission is no longer silent);
- the confirmation echo to the mission's listed address, in the same
  transaction, keyed on the entry's own message key (at most one per entry;
  none when the entry changes nothing), so the mission can correct it by a
  plain reply, which is then a follow-up folded on top of it.

The caller writes the audit event (the console: ``web.entry`` by ``web:<user>``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from bot import models
from bot.app import App
from bot.clock import utcnow
from bot.db import is_postgres
from bot.mail.echo import enqueue_echo
from bot.results.current import edits_of, events_of, write_people
from bot.results.delegation import STAFF, Person, State, fold, in_order

SOURCE_MAX = 300
# What the echo shows of each delegate: a change in these is a change to confirm.
SHOWN = ("honorific", "name", "title", "role", "email", "phone")


def _shown(state: State) -> tuple[object, ...]:
    return (state.decision, tuple(tuple(p.get(k) for k in SHOWN) for p in state.people))


def record_staff_entry(
    app: App,
    session: Session,
    invitation_id: int,
    *,
    decision: str,
    people: Sequence[Person],
    source: str,
    actor: str,
) -> tuple[models.InboundMessage, State, bool]:
    """Record what staff entered for the invitation; returns the entry's row, the
    delegation after it, and whether an echo was queued."""
    invitation = session.get(
        models.Invitation, invitation_id, with_for_update=is_postgres(app.engine)
    )
    if invitation is None or invitation.id is None:
        raise ValueError(f"no invitation {invitation_id}")
    source = " ".join(source.split())[:SOURCE_MAX]
    now = utcnow()
    row = models.InboundMessage(
        message_key=f"staff:{invitation.id}:{uuid.uuid4().hex}",
        message_id=None,
        raw_sha256="",
        raw_size=0,
        received_at=now,
        from_addr=None,
        subject=f"Entered by staff ({actor}): {source}",
        classification=models.MessageKind.STAFF_ENTRY,
        campaign_id=invitation.campaign_id,
        mission_id=invitation.mission_id,
        invitation_id=invitation.id,
        match_method="staff",
        confidence=1.0,
        status=models.InboundStatus.PROCESSED,
        stage="staff",
        body_text=source,
        detail=json.dumps({"staff_entry": {"actor": actor, "source": source}}, ensure_ascii=False),
        updated_at=now,
    )
    session.add(row)
    session.flush()
    events = events_of(session, invitation.id)
    edits = edits_of(session, invitation.id)
    before = fold(in_order(events, edits))
    people = [{**p, "confidence": 1.0, "source": "staff"} for p in people]
    event = models.DelegationEvent(
        invitation_id=invitation.id,
        inbound_id=row.id or 0,
        operation=STAFF,
        decision=decision,
        delegates=json.dumps(people, ensure_ascii=False),
        cue=source,
    )
    session.add(event)
    after = fold(in_order([*events, event], edits))
    previous = session.exec(
        select(models.Response).where(
            models.Response.invitation_id == invitation.id, col(models.Response.current)
        )
    ).all()
    for old in previous:
        old.current = False
        session.add(old)
    response = models.Response(
        invitation_id=invitation.id,
        inbound_id=row.id or 0,
        decision=after.decision,
        confidence=1.0,
        current=True,
        notes=f"entered by {actor}: {source}",
    )
    session.add(response)
    session.flush()
    event.response_id = response.id
    write_people(session, response, after)
    invitation.status = models.InvitationStatus.REPLIED
    invitation.replied_at = invitation.replied_at or now
    invitation.last_event, invitation.last_event_at = "entered by staff", now
    session.add(invitation)
    echoed = False
    if _shown(after) != _shown(before):
        session.flush()
        echoed = enqueue_echo(app, session, invitation.id, row, event) is not None
    return row, after, echoed

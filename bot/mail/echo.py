"""The confirmation echo: the mission is told exactly what was recorded from its reply.

When a reply records or changes a mission's delegation, the record stage
calls :func:`enqueue_echo` in the same transaction. The echo goes to the
mission's listed address (and its listed copies), never to the reply's
sender or its Reply-To: so a mission also learns when someone else wrote in
its name. It says, in the mission's language (``templates.confirmation``,
rendered by the one renderer), the decision, every delegate with title,
role and contacts, which message it was read from and what that message
did, and asks for a correction by plain reply. It carries the reply token
(Reply-To plus-address and subject tag), so a correction matches with
certainty and is a follow-up like any other.

At most one per change: the outbox key is ``echo:<invitation id>:<hash of
the reply's message key>``, unique, so re-running the stages never queues a
second one, and the outbox's send rules (end-of-data marker) keep ``kill
-9`` from sending one twice. Threaded to the invitation and the reply;
``Auto-Submitted: auto-replied`` so the mission's responders stay quiet.
Off when the campaign says ``confirmation_echo: false``.

An answer staff entered in the console (``MessageKind.STAFF_ENTRY``: a note
verbale delivered by hand, a call) is echoed the same way, keyed on its own
row's message key; the mail then says what the Secretariat recorded and from
what (``source.kind`` is ``staff``, ``source.note`` the staff's note).
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlmodel import Session, col, select

from bot import models
from bot.app import App
from bot.mail.compose import composer_for, listed, one_line
from bot.mail.outbox import enqueue_message
from bot.models import OutboxKind, OutboxMessage


def echo_key(invitation_id: int, message_key: str) -> str:
    """The outbox key of the echo of one reply: the same whatever the re-runs."""
    digest = hashlib.sha256(message_key.encode("utf-8")).hexdigest()[:16]
    return f"echo:{invitation_id}:{digest}"


def _clean(value: Any) -> Any:
    return one_line(value) if isinstance(value, str) else value


def recorded(session: Session, response: models.Response) -> dict[str, Any]:
    """The delegation as written down: what the echo shows."""
    people = session.exec(select(models.Delegate)
                          .where(models.Delegate.response_id == response.id)
                          .order_by(col(models.Delegate.position))).all()
    return {"decision": response.decision,
            "to_confirm": _clean(response.to_confirm) if response.to_confirm else None,
            "delegates": [{k: _clean(getattr(d, k)) for k in
                           ("honorific", "name", "title", "role", "email", "phone")}
                          for d in people]}


def enqueue_echo(app: App, session: Session, invitation_id: int, reply: models.InboundMessage,
                 event: models.DelegationEvent) -> OutboxMessage | None:
    """Queue the echo of ``reply``'s change; None if off, already queued, or nothing recorded."""
    if not app.config.campaign.confirmation_echo:
        return None
    invitation = session.get(models.Invitation, invitation_id)
    if invitation is None:
        return None
    mission = session.get(models.Mission, invitation.mission_id)
    response = session.exec(select(models.Response).where(
        models.Response.invitation_id == invitation_id, col(models.Response.current))).first()
    if mission is None or response is None:
        return None
    key = echo_key(invitation_id, reply.message_key)
    if session.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)).first():
        return None
    original = session.exec(select(OutboxMessage.message_id).where(
        OutboxMessage.dedupe_key == f"invitation:{invitation_id}")).first()
    thread = [m for m in (original, reply.message_id) if m]
    composer = composer_for(app.config)
    recipient = listed(mission)
    # An answer staff entered from a note delivered by hand (or a call) is
    # echoed too: the mission reads what the Secretariat wrote down, and from what.
    staff = reply.classification == models.MessageKind.STAFF_ENTRY
    source = {"message_id": reply.message_id or "", "from": reply.from_addr or "",
              "subject": reply.subject or "",
              "received": reply.received_at.strftime("%Y-%m-%d %H:%M UTC"),
              "operation": event.operation, "kind": "staff" if staff else "reply",
              "note": (event.cue or "") if staff else ""}
    rendered = composer.render(app.config.campaign.templates.confirmation, recipient,
                               invitation.token, shipped=True,
                               delegation=recorded(session, response),
                               source={k: _clean(v) for k, v in source.items()})
    headers = {"Auto-Submitted": "auto-replied"}
    if thread:
        headers |= {"In-Reply-To": thread[-1], "References": " ".join(thread)}
    message = composer.build(rendered, recipient, invitation.token, attach=False,
                             headers=headers)
    return enqueue_message(session, kind=OutboxKind.ECHO, dedupe_key=key, message=message,
                           campaign_id=invitation.campaign_id, invitation_id=invitation_id)

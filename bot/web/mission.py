"""The mission page: its timeline, its delegation, and a staff member's edits.

The timeline merges what went out (invitation, reminders, receipts), what
came back (replies, bounces, echoes) and what staff did (the audit log).
Edits (add, correct or remove a delegate, set the decision) are kept as
``StaffEdit`` rows folded with the mission's replies (a later follow-up
changes the corrected delegation, it does not undo the correction), and
each writes an audit event with the staff user's name and the values
before and after.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, or_, select
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot import models
from bot.clock import as_utc
from bot.results.current import events_of, rewrite_current
from bot.results.delegation import PERSON_FIELDS, Person
from bot.web import data
from bot.web.auth import Staff
from bot.web.base import back_to, console, db, describe, render, require_staff
from bot.web.security import checked_form

FIELDS = ("honorific", "name", "title", "role", "email", "phone")
ROLES = ("head", "alternate", "member", "adviser")
DECISIONS = ("accept", "decline", "undecided")
# The form for an answer received outside email (bot.web.entry): the
# delegation recorded so far, a few blank rows, at most MAX_ROWS rows.
SPARE_ROWS = 3
MAX_ROWS = 20


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str
    text: str
    link: str | None = None


def find_mission(session: Session, campaign_id: int, mission_id: int) -> models.Mission:
    mission = session.get(models.Mission, mission_id)
    if mission is None or mission.campaign_id != campaign_id:
        raise HTTPException(404, "no such mission in this campaign")
    return mission


def invitation_of(session: Session, mission: models.Mission) -> models.Invitation | None:
    return session.exec(select(models.Invitation)
                        .where(models.Invitation.mission_id == mission.id)).first()


def current_responses(session: Session, invitation: models.Invitation | None
                      ) -> list[models.Response]:
    if invitation is None:
        return []
    return list(session.exec(select(models.Response)
                             .where(models.Response.invitation_id == invitation.id)
                             .where(col(models.Response.current).is_(True))
                             .order_by(col(models.Response.created_at), col(models.Response.id))))


def delegates_of(session: Session, responses: list[models.Response]) -> list[models.Delegate]:
    if not responses:
        return []
    return list(session.exec(select(models.Delegate)
                             .where(col(models.Delegate.response_id).in_(
                                 [r.id for r in responses]))
                             .order_by(col(models.Delegate.position), col(models.Delegate.id))))


def source_words(session: Session, delegates: list[models.Delegate],
                 source: dict[int | None, int]) -> dict[int, str]:
    """For each delegate, the line of its message (or attachment text) that names it."""
    texts: dict[int, list[str]] = {}
    for inbound_id in set(source.values()):
        message = session.get(models.InboundMessage, inbound_id)
        lines = (message.body_text or "").splitlines() if message else []
        for attachment in session.exec(select(models.Attachment)
                                       .where(models.Attachment.inbound_id == inbound_id)):
            lines += (attachment.text or "").splitlines()
        texts[inbound_id] = lines
    found: dict[int, str] = {}
    for d in delegates:
        words = d.name.casefold().split()
        for line in texts.get(source.get(d.response_id, -1), []):
            if words and all(w in line.casefold() for w in words):
                found[d.id or 0] = " ".join(line.split())[:200]
                break
    return found


def timeline(session: Session, mission: models.Mission,
             invitation: models.Invitation | None) -> list[Event]:
    events: list[Event] = []
    if invitation is not None:
        for out in session.exec(select(models.OutboxMessage)
                                .where(models.OutboxMessage.invitation_id == invitation.id)):
            when = out.sent_at or out.created_at
            events.append(Event(as_utc(when), out.kind, f"{out.subject} ({out.state})"
                                + (f": {out.last_error}" if out.last_error else "")))
    inbound = list(session.exec(select(models.InboundMessage)
                                .where(models.InboundMessage.mission_id == mission.id)))
    for msg in inbound:
        if msg.classification == models.MessageKind.STAFF_ENTRY:  # no mail: who and from what
            events.append(Event(as_utc(msg.received_at), "entry", msg.subject or "",
                                f"/messages/{msg.id}"))
            continue
        kind = {"bounce": "bounce", "auto_reply": "echo"}.get(msg.classification or "",
                                                               "reply")
        events.append(Event(as_utc(msg.received_at), kind,
                            f"{msg.subject or '(no subject)'} from {msg.from_addr or '?'} "
                            f"[{msg.status}]", f"/messages/{msg.id}"))
    subjects = [f"mission:{mission.id}", *(f"inbound:{m.id}" for m in inbound)]
    for audit in session.exec(select(models.AuditEvent)
                              .where(or_(*(col(models.AuditEvent.subject) == s
                                           for s in subjects)))):
        detail = describe(audit.detail)
        events.append(Event(as_utc(audit.at), "staff", f"{audit.action} by {audit.actor}"
                            + (f": {detail}" if detail else "")))
    return sorted(events, key=lambda e: e.at)


def mission_page(request: Request) -> Response:
    staff = require_staff(request)
    con = console(request)
    with db(request) as session:
        mission = find_mission(session, con.campaign_id, int(request.path_params["mission_id"]))
        invitation = invitation_of(session, mission)
        responses = current_responses(session, invitation)
        delegates = delegates_of(session, responses)
        events = timeline(session, mission, invitation)
        source = {r.id: r.inbound_id for r in responses}
        words = source_words(session, delegates, source)
        latest = (session.get(models.InboundMessage, responses[-1].inbound_id)
                  if responses else None)
        by_staff = latest is not None and latest.classification == models.MessageKind.STAFF_ENTRY
    decision = responses[-1].decision if responses else None
    rows = [_snapshot(d) for d in delegates][:MAX_ROWS]
    rows += [dict.fromkeys(FIELDS, None)] * min(max(SPARE_ROWS, 6 - len(rows)),
                                                MAX_ROWS - len(rows))
    return render(request, "mission.html", {
        "mission": mission, "invitation": invitation, "decision": decision,
        "delegates": [(d, source.get(d.response_id)) for d in delegates],
        "events": events, "roles": ROLES, "decisions": DECISIONS, "words": words,
        "has_response": bool(responses), "notice": request.query_params.get("notice", ""),
        "entry_rows": rows, "entered_by_staff": by_staff,
    }, staff=staff)


# An address as a mission would write it (one @, a dot in the domain, no spaces).
EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")


def clean(form: Mapping[str, Any], where: str = "") -> dict[str, str | None]:
    """One delegate's fields, spaces folded; 400 with one line on a bad role or e-mail.
    ``where`` names the delegate in the message ("delegate 2")."""
    prefix = f"{where}: " if where else ""
    values: dict[str, str | None] = {}
    for name in FIELDS:
        value = " ".join(str(form.get(name, "")).split())[:200]
        values[name] = value or None
    if values["role"] not in (None, *ROLES):
        raise HTTPException(400, f"{prefix}role must be one of {', '.join(ROLES)}")
    if values["email"] and not EMAIL.fullmatch(values["email"]):
        raise HTTPException(400, f"{prefix}not an e-mail address: {values['email']!r}")
    if where and not values["name"]:
        raise HTTPException(400, f"{prefix}a delegate needs a name")
    return values


def _snapshot(d: models.Delegate) -> dict[str, Any]:
    return {name: getattr(d, name) for name in FIELDS}


def _person(d: models.Delegate) -> Person:
    return {name: getattr(d, name) for name in PERSON_FIELDS}


Edited = tuple[str | None, list[Person], str, dict[str, Any]]


def _edited(action: str, form: FormData, decision: str | None, people: list[Person],
            delegates: list[models.Delegate]) -> Edited:
    """The decision and people after the edit, the notice, and the audit detail."""
    if action == "decision":
        chosen = str(form.get("decision", ""))
        if chosen not in DECISIONS:
            raise HTTPException(400, f"decision must be one of {', '.join(DECISIONS)}")
        return chosen, people, f"decision set to {chosen}", {"before": decision,
                                                             "after": chosen}
    values = clean(form)
    if action == "add":
        if not values["name"]:
            raise HTTPException(400, "a delegate needs a name")
        added = {**values, "confidence": 1.0, "source": "staff"}
        return decision, [*people, added], f"added {values['name']}", {"after": values}
    raw_id = str(form.get("delegate_id", ""))
    index = next((i for i, d in enumerate(delegates) if str(d.id) == raw_id), None)
    if index is None:
        raise HTTPException(404, "no such delegate in this mission's delegation")
    target = delegates[index]
    if action == "remove":
        rest = people[:index] + people[index + 1:]
        return decision, rest, f"removed {target.name}", {"before": _snapshot(target)}
    if action == "correct":
        if not values["name"]:
            raise HTTPException(400, "a delegate needs a name")
        corrected = {**values, "confidence": 1.0, "source": "staff"}
        changed = [*people[:index], corrected, *people[index + 1:]]
        return decision, changed, f"corrected {values['name']}", {
            "before": _snapshot(target), "after": values}
    raise HTTPException(404, "no such action")


def apply_edit(session: Session, campaign_id: int, mission_id: int, action: str,
               form: FormData, staff: Staff) -> str:
    """Do one edit; returns the notice shown on the page.

    The edit is kept as a ``StaffEdit`` (the whole delegation after it) and
    the current response rewritten as the fold of replies and edits, so a
    later follow-up from the mission changes the corrected delegation.
    """
    mission = find_mission(session, campaign_id, mission_id)
    invitation = invitation_of(session, mission)
    responses = current_responses(session, invitation)
    if invitation is None or invitation.id is None or not responses:
        raise HTTPException(409, "this mission has no recorded reply to edit yet")
    latest = responses[-1]
    delegates = delegates_of(session, [latest])
    decision, people, notice, detail = _edited(action, form, latest.decision,
                                               [_person(d) for d in delegates], delegates)
    after = max((e.inbound_id for e in events_of(session, invitation.id)),
                default=latest.inbound_id)
    session.add(models.StaffEdit(
        invitation_id=invitation.id, after_inbound_id=after, actor=staff.username,
        action=action, decision=decision, delegates=json.dumps(people, ensure_ascii=False)))
    session.flush()
    rewrite_current(session, invitation.id)
    data.record_audit(session, staff.username, f"web.{'delegate.' * (action != 'decision')}"
                      f"{action}", f"mission:{mission.id}", mission=mission.code, **detail)
    return notice


async def mission_edit(request: Request) -> Response:
    staff = await run_in_threadpool(require_staff, request)
    form = await checked_form(request, staff)
    mission_id = int(request.path_params["mission_id"])
    action = str(request.path_params["action"])
    con = console(request)

    def work() -> str:
        with db(request) as session:
            return apply_edit(session, con.campaign_id, mission_id, action, form, staff)

    notice = await run_in_threadpool(work)
    back = str(form.get("back_message", ""))
    target = f"/messages/{int(back)}" if back.isdigit() else f"/missions/{mission_id}"
    return back_to(target, notice=notice)

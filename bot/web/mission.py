"""The mission page: its timeline, its delegation, and a staff member's edits.

The timeline merges what went out (invitation, reminders, receipts), what
came back (replies, bounces, echoes) and what staff did (the audit log).
Edits (add, correct or remove a delegate, set the decision) change the
mission's latest current ``Response`` and each writes an audit event with
the staff user's name and the values before and after.
"""

from __future__ import annotations

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
from bot.web import data
from bot.web.auth import Staff
from bot.web.base import back_to, console, db, describe, render, require_staff
from bot.web.security import checked_form

FIELDS = ("honorific", "name", "title", "role", "email", "phone")
ROLES = ("head", "alternate", "member", "adviser")
DECISIONS = ("accept", "decline", "undecided")


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
    decision = responses[-1].decision if responses else None
    return render(request, "mission.html", {
        "mission": mission, "invitation": invitation, "decision": decision,
        "delegates": [(d, source.get(d.response_id)) for d in delegates],
        "events": events, "roles": ROLES, "decisions": DECISIONS, "words": words,
        "has_response": bool(responses), "notice": request.query_params.get("notice", ""),
    }, staff=staff)


def _clean(form: FormData) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name in FIELDS:
        value = " ".join(str(form.get(name, "")).split())[:200]
        values[name] = value or None
    if values["role"] not in (None, *ROLES):
        raise HTTPException(400, f"role must be one of {', '.join(ROLES)}")
    return values


def _snapshot(d: models.Delegate) -> dict[str, Any]:
    return {name: getattr(d, name) for name in FIELDS}


def apply_edit(session: Session, campaign_id: int, mission_id: int, action: str,
               form: FormData, staff: Staff) -> str:
    """Do one edit; returns the notice shown on the page."""
    mission = find_mission(session, campaign_id, mission_id)
    responses = current_responses(session, invitation_of(session, mission))
    if not responses:
        raise HTTPException(409, "this mission has no recorded reply to edit yet")
    latest = responses[-1]
    subject = f"mission:{mission.id}"
    if action == "decision":
        decision = str(form.get("decision", ""))
        if decision not in DECISIONS:
            raise HTTPException(400, f"decision must be one of {', '.join(DECISIONS)}")
        before, latest.decision = latest.decision, decision
        session.add(latest)
        data.record_audit(session, staff.username, "web.decision", subject,
                          mission=mission.code, before=before, after=decision)
        return f"decision set to {decision}"
    if action == "add":
        values = _clean(form)
        if not values["name"]:
            raise HTTPException(400, "a delegate needs a name")
        position = 1 + max((d.position for d in delegates_of(session, [latest])), default=-1)
        added = models.Delegate(response_id=latest.id or 0, position=position,
                                name=values["name"] or "", confidence=1.0, source="staff")
        for name, value in values.items():
            setattr(added, name, value or added.name if name == "name" else value)
        session.add(added)
        data.record_audit(session, staff.username, "web.delegate.add", subject,
                          mission=mission.code, after=values)
        return f"added {values['name']}"
    raw_id = str(form.get("delegate_id", ""))
    delegate = session.get(models.Delegate, int(raw_id)) if raw_id.isdigit() else None
    if delegate is None or delegate.response_id not in {r.id for r in responses}:
        raise HTTPException(404, "no such delegate in this mission's delegation")
    snapshot = _snapshot(delegate)
    if action == "remove":
        session.delete(delegate)
        data.record_audit(session, staff.username, "web.delegate.remove", subject,
                          mission=mission.code, before=snapshot)
        return f"removed {delegate.name}"
    if action == "correct":
        values = _clean(form)
        if not values["name"]:
            raise HTTPException(400, "a delegate needs a name")
        for name, value in values.items():
            setattr(delegate, name, value if name != "name" else value or delegate.name)
        delegate.confidence, delegate.source = 1.0, "staff"
        session.add(delegate)
        data.record_audit(session, staff.username, "web.delegate.correct", subject,
                          mission=mission.code, before=snapshot, after=values)
        return f"corrected {delegate.name}"
    raise HTTPException(404, "no such action")


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

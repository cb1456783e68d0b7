"""The review queue and the message page: why a message is held, and a human's answer.

The message page shows the reason, the missions ranked by the matchers'
evidence, the text (and the HTML part, sanitised by nh3), the attachments
drawn as pages, and the delegation extracted from it. Actions: assign to
a mission (then read, extract and record run again, as with
``invitebot review assign``), confirm the extracted delegation, dismiss,
mark as spam. Each goes to the audit log; then the next open item opens.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import nh3
from sqlmodel import Session, col, select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot import models
from bot.web import data, render
from bot.web.base import back_to, console, db, require_staff
from bot.web.base import render as render_page
from bot.web.mission import DECISIONS, ROLES
from bot.web.security import checked_form

# Mail HTML keeps its structure and links, nothing that runs or loads.
HTML_TAGS = {"a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr",
             "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody",
             "td", "th", "thead", "tr", "u", "ul"}


@dataclass(frozen=True)
class Guess:
    code: str
    country: str
    score: float
    evidence: list[str]


@dataclass(frozen=True)
class Shown:
    """An attachment as the page lists it."""

    id: int
    filename: str
    content_type: str
    size: int
    kind: str
    pages: int
    text: str


def clean_html(html: str | None) -> str:
    if not html:
        return ""
    return nh3.clean(html, tags=HTML_TAGS, attributes={"a": {"href", "title"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer",
                     strip_comments=True)


def find_message(session: Session, campaign_id: int, message_id: int) -> models.InboundMessage:
    """A message of this campaign (or of none yet); 404 for any other."""
    message = session.get(models.InboundMessage, message_id)
    if message is None or message.campaign_id not in (None, campaign_id):
        raise HTTPException(404, "no such message in this campaign")
    return message


def ranked(session: Session, campaign_id: int, message: models.InboundMessage) -> list[Guess]:
    """Missions by combined evidence, strongest first (1 - Π(1 - confidence))."""
    try:
        detail = json.loads(message.detail or "{}")
        evidence = detail.get("match", {}).get("evidence", [])
    except (ValueError, AttributeError):
        evidence = []
    by_mission: dict[int, list[dict[str, object]]] = {}
    for item in evidence if isinstance(evidence, list) else []:
        if isinstance(item, dict) and isinstance(item.get("mission_id"), int):
            by_mission.setdefault(item["mission_id"], []).append(item)
    if message.mission_id is not None and message.mission_id not in by_mission:
        by_mission[message.mission_id] = [{"method": message.match_method or "?",
                                           "confidence": message.confidence or 0.0,
                                           "detail": "current match"}]
    missions = {m.id: m for m in session.exec(
        select(models.Mission).where(models.Mission.campaign_id == campaign_id)
        .where(col(models.Mission.id).in_(list(by_mission))))}
    guesses = []
    for mission_id, items in by_mission.items():
        mission = missions.get(mission_id)
        if mission is None:
            continue
        doubt = 1.0
        for item in items:
            doubt *= 1.0 - float(str(item.get("confidence", 0.0)))
        guesses.append(Guess(mission.code, mission.country, 1.0 - doubt, [
            f"{item.get('method')} ({float(str(item.get('confidence', 0))):.2f}): "
            f"{item.get('detail', '')}" for item in items]))
    return sorted(guesses, key=lambda g: (-g.score, g.code))


def queue_page(request: Request) -> Response:
    staff = require_staff(request)
    with db(request) as session:
        items = data.open_items(session, console(request).campaign_id)
    return render_page(request, "queue.html", {
        "items": items, "notice": request.query_params.get("notice", "")}, staff=staff)


def message_page(request: Request) -> Response:
    staff = require_staff(request)
    con = console(request)
    with db(request) as session:
        message = find_message(session, con.campaign_id, int(request.path_params["message_id"]))
        item = session.exec(select(models.ReviewItem)
                            .where(models.ReviewItem.inbound_id == message.id)
                            .order_by(col(models.ReviewItem.id).desc())).first()
        guesses = ranked(session, con.campaign_id, message)
        attachments = list(session.exec(select(models.Attachment)
                                        .where(models.Attachment.inbound_id == message.id)
                                        .order_by(col(models.Attachment.id))))
        responses = list(session.exec(select(models.Response)
                                      .where(models.Response.inbound_id == message.id)
                                      .order_by(col(models.Response.id))))
        delegates = list(session.exec(select(models.Delegate).where(
            col(models.Delegate.response_id).in_([r.id for r in responses]))
            .order_by(col(models.Delegate.position)))) if responses else []
        codes = [m.code for m in session.exec(
            select(models.Mission).where(models.Mission.campaign_id == con.campaign_id)
            .order_by(col(models.Mission.code)))]
        mission = session.get(models.Mission, message.mission_id) if message.mission_id else None
        queue_ids = [m.id for _i, m in data.open_items(session, con.campaign_id)]
    html, shown, raw_error, blobs = "", [], "", {}
    try:
        if message.classification != models.MessageKind.STAFF_ENTRY:  # no mail to show
            parsed = data.parse_raw(data.raw_message(con.app, message))
            html = clean_html(parsed.html)
            blobs = {a.sha256: a.data for a in parsed.attachments}
    except OSError as exc:
        raw_error = f"the raw message is not in the store ({exc.strerror})"
    for a in attachments:
        kind = render.kind_of(a.content_type, a.filename)
        blob = blobs.get(a.sha256)
        pages = render.page_count(kind, blob) if blob is not None and kind != "file" else 0
        shown.append(Shown(a.id or 0, a.filename, a.content_type, a.size, kind, pages,
                           a.text or ""))
    position = queue_ids.index(message.id) if message.id in queue_ids else -1
    return render_page(request, "message.html", {
        "message": message, "item": item, "guesses": guesses, "attachments": shown,
        "html": html, "raw_error": raw_error, "response": responses[-1] if responses else None,
        "pairs": [(d, None) for d in delegates], "codes": codes, "mission": mission, "roles": ROLES,
        "decisions": DECISIONS, "top": guesses[0].code if guesses else "",
        "held": (item is not None and item.state == "open")
        or bool(responses and responses[-1].current and responses[-1].to_confirm),
        "queue_position": position + 1, "queue_size": len(queue_ids),
        "notice": request.query_params.get("notice", ""),
    }, staff=staff)


def confirm(session: Session, message: models.InboundMessage, actor: str) -> str:
    response = session.exec(select(models.Response)
                            .where(models.Response.inbound_id == message.id)
                            .order_by(col(models.Response.id).desc())).first()
    if response is None:
        raise HTTPException(409, "nothing was extracted from this message: assign it first")
    reason, response.needs_review, response.to_confirm = response.to_confirm, False, None
    session.add(response)
    invitation = session.get(models.Invitation, response.invitation_id)
    if invitation is not None and invitation.status == models.InvitationStatus.NEEDS_REVIEW:
        invitation.status = models.InvitationStatus.REPLIED
        session.add(invitation)
    message.status, message.stage = models.InboundStatus.PROCESSED, "review"
    session.add(message)
    data.close_review(session, message, "confirmed", actor)
    data.record_audit(session, actor, "web.review.confirm", f"inbound:{message.id}",
                      decision=response.decision, message_id=message.message_id,
                      was_to_confirm=reason)
    return f"message {message.id}: delegation confirmed"


def act(request: Request, message_id: int, action: str, code: str, actor: str) -> str:
    con = console(request)
    with db(request) as session:
        message = find_message(session, con.campaign_id, message_id)
        if message.classification == models.MessageKind.STAFF_ENTRY:
            raise HTTPException(409, "this is an answer entered by staff, not a mail: "
                                     "change it on the mission's page")
        if action == "assign":
            if not code:
                raise HTTPException(400, "choose a mission to assign")
            try:
                status = data.assign_and_reread(con.app, session, message, code,
                                                con.campaign_id, actor)
            except data.NotFoundError as exc:
                raise HTTPException(404, str(exc)) from None
            return f"message {message_id} assigned to {code.upper()}: {status}"
        if action == "confirm":
            return confirm(session, message, actor)
        if action in ("dismiss", "spam"):
            data.dismiss(session, message, actor)
            if action == "spam":
                data.record_audit(session, actor, "web.review.spam", f"inbound:{message.id}",
                                  from_addr=message.from_addr, message_id=message.message_id)
            return f"message {message_id} {'marked as spam' if action == 'spam' else 'dismissed'}"
    raise HTTPException(404, "no such action")


def next_open(request: Request) -> str:
    with db(request) as session:
        items = data.open_items(session, console(request).campaign_id)
    return f"/messages/{items[0][1].id}" if items else "/review"


async def message_action(request: Request) -> Response:
    staff = await run_in_threadpool(require_staff, request)
    form = await checked_form(request, staff)
    message_id = int(request.path_params["message_id"])
    action = str(request.path_params["action"])
    code = str(form.get("mission", "")).strip()[:20]
    notice = await run_in_threadpool(act, request, message_id, action, code, staff.username)
    return back_to(await run_in_threadpool(next_open, request), notice=notice)

"""An answer that did not come by email, entered on the mission page.

A note verbale delivered by hand or by fax, a telephone call: an officer
records the decision and the delegates with a short note saying where the
answer came from. It goes through :func:`bot.web.data.record_staff_entry`
(``bot.inbound.staffentry``): an entry of its own kind in the event model,
folded like a reply, the mission ``replied``, the confirmation echo queued
to its listed address. The same form serves a silent mission and one that
has replied (the entry then stands for the whole delegation). Each field
is checked as the delegate edits check it (:func:`bot.web.mission.clean`);
the audit log gets ``web.entry`` under the staff user's name.
"""

from __future__ import annotations

from itertools import zip_longest

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot.app import App
from bot.results.delegation import Person
from bot.web import data
from bot.web.auth import Staff
from bot.web.base import back_to, console, db, require_staff
from bot.web.mission import (
    DECISIONS,
    FIELDS,
    MAX_ROWS,
    clean,
    current_responses,
    find_mission,
    invitation_of,
)
from bot.web.security import checked_form

# The most rows a form may carry: each row is six fields, beside the CSRF
# token, the decision and the source.
FORM_FIELDS = MAX_ROWS * len(FIELDS) + 10
SOURCE_EXAMPLE = "e.g. note verbale 123/2026 received by hand"


def read_entry(form: FormData) -> tuple[str, list[Person], str]:
    """The decision, the delegates and the source note; 400 with one line on bad input."""
    source = " ".join(str(form.get("source", "")).split())
    if not source:
        raise HTTPException(400, f"say where this answer came from ({SOURCE_EXAMPLE})")
    decision = str(form.get("decision", ""))
    if decision not in DECISIONS:
        raise HTTPException(400, f"decision must be one of {', '.join(DECISIONS)}")
    columns = [form.getlist(name) for name in FIELDS]
    if max(len(c) for c in columns) > MAX_ROWS:
        raise HTTPException(400, f"at most {MAX_ROWS} delegates at a time: add more afterwards")
    people: list[Person] = []
    for number, row in enumerate(zip_longest(*columns, fillvalue=""), start=1):
        values = dict(zip(FIELDS, (str(v) for v in row), strict=True))
        if not any(v.strip() for v in values.values()):
            continue  # a blank row
        people.append(dict(clean(values, where=f"delegate {number}")))
    if decision == "decline" and people:
        raise HTTPException(
            400,
            "a mission that declines sends nobody: clear the delegates or choose another decision",
        )
    return decision, people, source


def record_entry(
    session: Session, app: App, campaign_id: int, mission_id: int, form: FormData, staff: Staff
) -> str:
    """Record the entry; returns the notice shown on the page."""
    decision, people, source = read_entry(form)
    mission = find_mission(session, campaign_id, mission_id)
    invitation = invitation_of(session, mission)
    if invitation is None or invitation.id is None:
        raise HTTPException(409, "this mission has no invitation yet")
    had_answer = bool(current_responses(session, invitation))
    row, after, echoed = data.record_staff_entry(
        app,
        session,
        invitation.id,
        decision=decision,
        people=people,
        source=source,
        actor=staff.username,
    )
    data.record_audit(
        session,
        staff.username,
        "web.entry",
        f"mission:{mission.id}",
        mission=mission.code,
        source=row.body_text,
        decision=after.decision,
        delegates="; ".join(p["name"] for p in after.people) or "none",
        entry=row.id,
        replaced_an_answer=had_answer or None,
    )
    echo = (
        f"confirmation queued to {mission.email}"
        if echoed
        else "no change, nothing to confirm"
        if app.config.campaign.confirmation_echo
        else "confirmation echo off"
    )
    return (
        f"answer entered from {row.body_text}: {after.decision}, "
        f"{len(after.people)} delegate(s); {echo}"
    )


async def mission_entry(request: Request) -> Response:
    """POST /missions/N/enter: CSRF and role checked as for every console write."""
    staff = await run_in_threadpool(require_staff, request)
    form = await checked_form(request, staff, fields=FORM_FIELDS)
    mission_id = int(request.path_params["mission_id"])
    con = console(request)

    def work() -> str:
        with db(request) as session:
            return record_entry(session, con.app, con.campaign_id, mission_id, form, staff)

    notice = await run_in_threadpool(work)
    return back_to(f"/missions/{mission_id}", notice=notice)

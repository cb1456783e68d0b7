"""The campaign page, the audit log and the exports.

Totals are the digest's (``data.campaign_totals``); the table is one row
per mission from the same records as ``invitebot status``. Filtering,
search and sorting are query parameters handled here on the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import Response

from bot import models
from bot.web import data
from bot.web.base import console, db, describe, render, require_staff

SORTS: dict[str, Callable[[data.MissionRecord], Any]] = {
    "code": lambda r: r.code,
    "country": lambda r: r.country.lower(),
    "state": lambda r: (data.STATUSES.index(r.status) if r.status in data.STATUSES else 99,
                        r.code),
    "event": lambda r: (r.last_event_at.timestamp() if r.last_event_at else 0.0, r.code),
    "delegates": lambda r: (len(r.delegates), r.code),
}


def matches(record: data.MissionRecord, query: str) -> bool:
    needle = query.casefold()
    haystack = [record.code, record.country, record.email, record.decision or "",
                record.last_event or "", *(d.name for d in record.delegates)]
    return any(needle in h.casefold() for h in haystack)


def select_rows(records: list[data.MissionRecord], *, state: str, query: str, sort: str,
                descending: bool) -> list[data.MissionRecord]:
    rows = [r for r in records if (not state or r.status == state)
            and (not query or matches(r, query))]
    rows.sort(key=SORTS.get(sort, SORTS["code"]), reverse=descending)
    return rows


def campaign_page(request: Request) -> Response:
    staff = require_staff(request)
    con = console(request)
    params = request.query_params
    state = params.get("state", "")
    state = state if state in data.STATUSES else ""
    query = params.get("q", "").strip()[:100]
    sort = params.get("sort", "code")
    sort = sort if sort in SORTS else "code"
    descending = params.get("dir") == "desc"
    with db(request) as session:
        records = data.load_missions(session, con.campaign_id)
        totals = data.campaign_totals(session, con.campaign_id, records)
    rows = select_rows(records, state=state, query=query, sort=sort, descending=descending)
    return render(request, "campaign.html", {
        "totals": totals, "shown": data.SHOWN_TOTALS, "rows": rows, "statuses": data.STATUSES,
        "state": state, "q": query, "sort": sort, "descending": descending,
        "sorts": tuple(SORTS), "total_rows": len(records),
    }, staff=staff)


def audit_page(request: Request) -> Response:
    staff = require_staff(request)
    with db(request) as session:
        events = session.exec(select(models.AuditEvent)
                              .order_by(col(models.AuditEvent.id).desc()).limit(300)).all()
    rows = [(e, describe(e.detail)) for e in events]
    return render(request, "audit.html", {"events": rows}, staff=staff)


def _download(body: bytes, filename: str, media_type: str) -> Response:
    return Response(body, media_type=media_type, headers={
        "content-disposition": f'attachment; filename="{filename}"'})


def export_xlsx(request: Request) -> Response:
    require_staff(request)
    con = console(request)
    with db(request) as session:
        body = data.export_xlsx(session, con.app, con.campaign_id)
    return _download(body, "delegations.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def export_participants(request: Request) -> Response:
    require_staff(request)
    con = console(request)
    with db(request) as session:
        body = data.export_participants(session, con.app, con.campaign_id)
    return _download(body, "participants.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")

"""``invitebot export``: the results in the machine-readable shapes of docs/design.md.

Delegations: one object per mission (JSON) or one row per delegate (CSV and
XLSX; a mission without delegates still gets one row). Messages: one
object or row per inbound message. The field names and value sets are the
interface contract; ``tests/service/test_export.py`` checks them against a schema.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, or_, select

from bot import models
from bot.cells import csv_value
from bot.clock import as_utc
from bot.results.records import MissionRecord, load_missions

DELEGATION_COLUMNS = ("mission_code", "country", "status", "decision", "honorific", "name",
                      "title", "role", "email", "phone", "confidence")
MESSAGE_COLUMNS = ("message_id", "received_at", "from", "subject", "classification",
                   "mission_code", "match_method", "confidence", "status", "error",
                   "decision", "operation", "cue", "to_confirm", "delegates")
FORMATS = ("json", "csv", "xlsx")  # xlsx: bot.results.sheets
WHATS = ("delegations", "messages")


def delegations(session: Session, campaign_id: int) -> list[dict[str, Any]]:
    """The delegations export: one object per mission."""
    return [delegation(record) for record in load_missions(session, campaign_id)]


def delegation(record: MissionRecord) -> dict[str, Any]:
    return {
        "mission_code": record.code,
        "country": record.country,
        # A mission whose answer waits in the review queue is not silent.
        "status": "needs_review" if record.review_waiting else record.status,
        "decision": record.decision,
        "to_confirm": record.to_confirm,
        "delegates": [d.as_dict() for d in record.delegates],
        "messages": list(record.messages),
    }


def delegation_rows(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flatten to one row per delegate; a mission without delegates keeps one row."""
    rows: list[dict[str, Any]] = []
    for item in items:
        base = {k: item[k] for k in ("mission_code", "country", "status", "decision")}
        people = item["delegates"] or [{}]
        for person in people:
            rows.append(base | {k: person.get(k) for k in DELEGATION_COLUMNS[4:]})
    return rows


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def messages(session: Session, campaign_id: int) -> list[dict[str, Any]]:
    """Every inbound message of the campaign, and every one matched to none."""
    codes = {m.id: m.code for m in session.exec(
        select(models.Mission).where(models.Mission.campaign_id == campaign_id))}
    rows = session.exec(
        select(models.InboundMessage)
        .where(or_(col(models.InboundMessage.campaign_id) == campaign_id,
                   col(models.InboundMessage.campaign_id).is_(None)))
        .order_by(col(models.InboundMessage.received_at), col(models.InboundMessage.id))).all()
    events = {e.inbound_id: e for e in session.exec(
        select(models.DelegationEvent)
        .join(models.Invitation, col(models.Invitation.id) == models.DelegationEvent.invitation_id)
        .where(models.Invitation.campaign_id == campaign_id))}
    return [{
        "message_id": m.message_id or m.message_key,
        "received_at": _iso(m.received_at),
        "from": m.from_addr,
        "subject": m.subject,
        "classification": m.classification,
        "mission_code": codes.get(m.mission_id) if m.mission_id is not None else None,
        "match_method": m.match_method,
        "confidence": m.confidence,
        "status": m.status,
        "error": m.error,
        **_operation(events.get(m.id or -1)),
    } for m in rows]


def _operation(event: models.DelegationEvent | None) -> dict[str, Any]:
    """What the message did to its mission's delegation: the decision and people it
    states, the operation, the words that decided it, and any doubt."""
    if event is None:
        return {"decision": None, "operation": None, "cue": None, "to_confirm": None,
                "delegates": []}
    people = json.loads(event.delegates or "[]")
    return {"decision": event.decision, "operation": event.operation, "cue": event.cue,
            "to_confirm": event.to_confirm,
            "delegates": [{k: p.get(k) for k in DELEGATION_COLUMNS[4:]} for p in people]}


def flat_cell(value: Any) -> Any:
    # CSV and XLSX cells: a message's delegates as "Name (role); Name".
    if isinstance(value, list):
        return "; ".join(f"{p.get('name')} ({p.get('role')})" if p.get("role") else
                         str(p.get("name")) for p in value)
    return value


def collect(session: Session, campaign_id: int, what: str) -> list[dict[str, Any]]:
    if what == "messages":
        return messages(session, campaign_id)
    return delegations(session, campaign_id)


def to_json(items: list[dict[str, Any]]) -> bytes:
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode()


def to_csv(items: list[dict[str, Any]], what: str) -> bytes:
    columns, rows = (MESSAGE_COLUMNS, items) if what == "messages" else (
        DELEGATION_COLUMNS, delegation_rows(items))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_value(flat_cell(row.get(c))) for c in columns])
    # With a BOM: Excel, where most of these files are opened, otherwise
    # reads UTF-8 as the local code page and garbles every accent.
    return BOM + out.getvalue().encode()


BOM = b"\xef\xbb\xbf"


def render(items: list[dict[str, Any]], fmt: str, what: str) -> bytes:
    """JSON or CSV; the XLSX for people is :func:`bot.results.sheets.to_xlsx`."""
    if fmt == "json":
        return to_json(items)
    return to_csv(items, what)


def write(data: bytes, output: Path | None) -> None:
    """Write to ``output``, or to standard output when none is given."""
    if output is None:
        import sys

        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    tmp = output.with_name(output.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(output)

"""What the service did, one line per event, and the tally it ends with.

``invitebot run`` calls ``enable``: from then on the ``invitebot.events``
logger prints at normal verbosity (``-v`` adds the other loggers' detail,
``--log-json`` makes each event a JSON object with its fields). The places
that do the work report through ``sent``, ``inbound`` and ``note``; each
call also counts into ``TALLY``, so the line printed at the end counts
what this process really did, wherever it did it (the drain loops, the
IMAP IDLE watcher, the scheduler's jobs). Nothing here costs anything while
events are not enabled (``poll``, ``send``, the benches).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from typing import Any

from sqlmodel import Session, col, select

from bot import models

log = logging.getLogger("invitebot.events")
_lock = threading.Lock()
TALLY: Counter[str] = Counter()
_enabled = False
_DECISIONS = {"accept": "accepted", "decline": "declined", "undecided": "undecided"}
# The order and the words of the final tally.
_TALLY_WORDS = (("sent", "sent"), ("deferred", "deferred"), ("send_failed", "send failed"),
                ("reply", "replies"), ("bounce", "bounces"), ("auto_reply", "auto-replies"),
                ("unrelated", "unrelated"), ("needs_review", "to review"),
                ("failed", "failed to process"), ("reminders", "reminders queued"),
                ("planned", "invitations planned"), ("digest", "digests"))


def enable() -> None:
    """Print events at normal verbosity (the ``invitebot run`` service)."""
    global _enabled
    _enabled = True
    log.setLevel(logging.INFO)


def enabled() -> bool:
    return _enabled


def note(kind: str, count: int, message: str, **fields: Any) -> None:
    """Count ``count`` of ``kind`` and print ``message`` (nothing when ``count`` is 0)."""
    if count <= 0:
        return
    with _lock:
        TALLY[kind] += count
    if _enabled:
        log.info(message, extra={"fields": {"event": kind, "count": count, **fields}})


def sent(report: Any) -> None:
    """A dispatch run's outcome: sent, deferred, failed."""
    note("sent", report.sent, f"sent {report.sent} message(s)")
    note("deferred", report.deferred,
         f"deferred {report.deferred} message(s): {report.last_deferral or 'will retry'}")
    note("send_failed", report.failed, f"{report.failed} message(s) refused for good "
         "(see status)")


def inbound(session: Session, row: models.InboundMessage, status: str) -> None:
    """One processed message: who it came from and what it said."""
    kind = row.classification or "unclassified"
    if status in ("failed", "needs_review"):
        kind = status
    if not _enabled:
        with _lock:
            TALLY[kind] += 1
        return
    who = row.from_addr or "(no sender)"
    code = None
    if row.mission_id is not None:
        mission = session.get(models.Mission, row.mission_id)
        code = mission.code if mission is not None else None
    where = f" ({code})" if code else ""
    if status == "failed":
        text = f"message from {who}{where} failed in {row.stage}: {row.error}"
    elif status == "needs_review":
        text = f"{row.classification or 'message'} from {who}{where}: needs review"
    elif row.classification == "reply":
        text = f"reply from {who}{where}: {_answer(session, row)}"
    elif row.classification == "bounce":
        text = f"bounce from {who}{where}"
    else:
        text = f"{(row.classification or 'message').replace('_', '-')} from {who}{where}"
    note(kind, 1, " ".join(text.split()), sender=who, mission=code, status=status)


def _answer(session: Session, row: models.InboundMessage) -> str:
    response = session.exec(select(models.Response)
                            .where(models.Response.inbound_id == row.id)
                            .order_by(col(models.Response.id).desc())).first()
    if response is None:
        return "no answer recorded"
    people = len(session.exec(select(models.Delegate.id)
                              .where(models.Delegate.response_id == response.id)).all())
    decision = _DECISIONS.get(response.decision or "", "no decision")
    return f"{decision}, {people} delegate{'s' if people != 1 else ''}"


def tally_line() -> str:
    """What this process did, e.g. ``sent 12, replies 5, bounces 1, digests 1``."""
    with _lock:
        parts = [f"{words} {TALLY[key]}" for key, words in _TALLY_WORDS if TALLY[key]]
    return ", ".join(parts) if parts else "nothing to do"

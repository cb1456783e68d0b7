"""The audit log: every human decision and every state change worth explaining."""

from __future__ import annotations

import getpass
import json
from typing import Any

from sqlmodel import Session

from bot.models import AuditEvent


def current_actor() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(session: Session, action: str, subject: str, *, actor: str | None = None,
           **detail: Any) -> AuditEvent:
    """Add an audit event to the session (committed with the caller's transaction)."""
    event = AuditEvent(
        actor=actor or current_actor(),
        action=action,
        subject=subject,
        detail=json.dumps(detail, default=str, ensure_ascii=False) if detail else None,
    )
    session.add(event)
    return event

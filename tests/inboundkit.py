"""Helpers for the inbound tests: seed invitations, put raw mail in the queue.

The corpus campaign uses the fixed mission list and tokens of
``tests/corpus/inbound`` (``missions.csv``, ``invitations.json``).
"""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path
from typing import Any, Protocol

from sqlmodel import select

from bot import models
from bot.app import App
from bot.inbound.intake.imap import IntakeReport, fetched_item, record_batch
from bot.inbound.intake.store import store_raw
from bot.tokens import new_token

CORPUS = Path(__file__).resolve().parent / "corpus" / "inbound"
SECRETARIAT = "secretariat@unodc.test"
AUTHSERV = "mx.unodc.test"
_uids = itertools.count(1)


def corpus_app(app_factory: Any, **overrides: Any) -> App:
    """An App on the corpus mission list, secretariat@unodc.test, our authserv-id."""
    env = {"INVITEBOT_AUTHSERV_ID": AUTHSERV, **overrides.pop("env", {})}
    app: App = app_factory(secretariat=SECRETARIAT, missions_file=str(CORPUS / "missions.csv"),
                           env=env, **overrides)
    fixed = json.loads((CORPUS / "invitations.json").read_text(encoding="utf-8"))
    seed_invitations(app, fixed)
    return app


def seed_invitations(app: App, fixed: dict[str, dict[str, str]] | None = None,
                     ) -> dict[str, models.Invitation]:
    """One sent invitation per mission, with an outbox row for it and a reminder."""
    campaign_id = app.campaign_id()
    out = {}
    with app.session() as session:
        missions = session.exec(select(models.Mission).where(
            models.Mission.campaign_id == campaign_id)).all()
        for mission in missions:
            spec = (fixed or {}).get(mission.code, {})
            token = spec.get("token") or new_token()
            invitation = models.Invitation(campaign_id=campaign_id, mission_id=mission.id or 0,
                                           token=token, status=models.InvitationStatus.SENT)
            session.add(invitation)
            session.flush()
            for kind, key in (("invitation", "invitation_message_id"),
                              ("reminder", "reminder_message_id")):
                msgid = spec.get(key) or f"<{kind}-{token}@unodc.test>"
                session.add(models.OutboxMessage(
                    dedupe_key=f"{kind}:{invitation.id}", kind=kind, campaign_id=campaign_id,
                    invitation_id=invitation.id, message_id=msgid, mail_from=SECRETARIAT,
                    recipients=mission.email, raw=b"", state="sent"))
            out[mission.code] = invitation
    return out


def ingest(app: App, raw: bytes, *, mailbox: str = "TEST", uidvalidity: int = 1,
           uid: int | None = None) -> IntakeReport:
    """Store ``raw`` and record it as if intake had fetched it."""
    report = IntakeReport()
    digest = store_raw(app.settings.store_dir, raw)
    uid = uid if uid is not None else next(_uids)
    item = fetched_item(uid, raw, digest)
    record_batch(app, "test", mailbox, uidvalidity, [item], uid, report)
    return report


def inbound_rows(app: App) -> list[models.InboundMessage]:
    with app.session() as session:
        return list(session.exec(select(models.InboundMessage).order_by(
            models.InboundMessage.id)))  # type: ignore[arg-type]


def mission_code(app: App, mission_id: int | None) -> str | None:
    if mission_id is None:
        return None
    with app.session() as session:
        mission = session.get(models.Mission, mission_id)
        return mission.code if mission else None


# ---------------------------------------------------------------- the mail stack


class StackLike(Protocol):
    @property
    def host(self) -> str: ...
    @property
    def imap_port(self) -> int: ...
    @property
    def smtp_port(self) -> int: ...
    @property
    def password(self) -> str: ...
    @property
    def dir(self) -> Path: ...


def app_env(stack: StackLike, user: str) -> dict[str, str]:
    """Settings that point an App at ``stack`` as IMAP ``user``."""
    return {"INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
            "INVITEBOT_IMAP_USER": user, "INVITEBOT_IMAP_PASSWORD": stack.password,
            "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port)}


def kick(stack: StackLike, user: str) -> None:
    """Cut the user's IMAP sessions, as a server restart or a network failure would.

    Dovecot's own restart lets running sessions finish, so a restart alone
    would not cut the poller's connection.
    """
    subprocess.run(["doveadm", "-c", str(stack.dir / "dovecot" / "dovecot.conf"), "kick", user],
                   check=True, capture_output=True)

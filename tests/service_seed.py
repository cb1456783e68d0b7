"""Seed a campaign's tables with a known mix of results (for status, export, digest tests).

Missions M000.. get, in order: replied+accept with two delegates (member
listed first, head second), replied+decline, needs_review, bounced, failed,
sent (silent), sent (silent, older), and pending for the rest.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from bot import models
from bot.app import App


@dataclass
class Seeded:
    campaign_id: int
    codes: dict[str, str]  # mission code -> intended status


def _id(value: int | None) -> int:
    assert value is not None
    return value


def _inbound(session: Session, campaign_id: int, mission: models.Mission,
             invitation: models.Invitation, at: datetime, subject: str,
             status: str = "processed", classification: str = "reply",
             error: str | None = None) -> models.InboundMessage:
    key = f"<{secrets.token_hex(6)}@{mission.code.lower()}.test>"
    msg = models.InboundMessage(
        message_key=key, message_id=key, raw_sha256=secrets.token_hex(32), raw_size=100,
        received_at=at, from_addr=mission.email, subject=subject, classification=classification,
        campaign_id=campaign_id, mission_id=mission.id, invitation_id=invitation.id,
        match_method="token", confidence=0.99, status=status, error=error,
        stage="extract" if error else None)
    session.add(msg)
    session.flush()
    return msg


def seed_results(app: App, now: datetime) -> Seeded:
    campaign_id = app.campaign_id()
    plan = ["replied", "replied", "needs_review", "bounced", "failed", "sent", "sent"]
    codes: dict[str, str] = {}
    with app.session() as session:
        missions = session.exec(select(models.Mission)
                                .where(models.Mission.campaign_id == campaign_id)
                                .order_by(models.Mission.code)).all()
        for index, mission in enumerate(missions):
            status = plan[index] if index < len(plan) else "pending"
            codes[mission.code] = status
            sent_at = now - timedelta(days=3 + index) if status != "pending" else None
            inv = models.Invitation(
                campaign_id=campaign_id, mission_id=_id(mission.id), token=secrets.token_hex(8),
                status=status, sent_at=sent_at, last_event=f"invitation {status}",
                last_event_at=sent_at, error="550 no such user" if status == "failed" else None)
            session.add(inv)
            session.flush()
            if status == "replied" and index == 0:
                msg = _inbound(session, campaign_id, mission, inv, now - timedelta(hours=2),
                               "Re: Invitation")
                resp = models.Response(invitation_id=_id(inv.id), inbound_id=_id(msg.id),
                                       decision="accept", confidence=0.95)
                session.add(resp)
                session.flush()
                session.add(models.Delegate(response_id=_id(resp.id), position=0, honorific="Ms.",
                                            name="Anna Berger", title="First Secretary",
                                            role="member", email="anna.berger@example.test",
                                            phone="+43 1 123 4567", confidence=0.9))
                session.add(models.Delegate(response_id=_id(resp.id), position=1,
                                            honorific="H.E. Mr.", name="Johann Schmidt",
                                            title="Ambassador, Permanent Representative",
                                            role="head", confidence=0.93))
            elif status == "replied":
                msg = _inbound(session, campaign_id, mission, inv, now - timedelta(hours=1),
                               "Re: Invitation - regrets")
                session.add(models.Response(invitation_id=_id(inv.id), inbound_id=_id(msg.id),
                                            decision="decline", confidence=0.9))
            elif status == "needs_review":
                msg = _inbound(session, campaign_id, mission, inv, now - timedelta(days=2),
                               "Our delegation", status="needs_review")
                session.add(models.ReviewItem(inbound_id=_id(msg.id),
                                              reason="extraction below threshold (0.52)"))
            elif status == "failed":
                session.add(models.OutboxMessage(
                    dedupe_key=f"invitation:{inv.id}", kind="invitation",
                    campaign_id=campaign_id, invitation_id=inv.id,
                    message_id=f"<{secrets.token_hex(6)}@unodc.test>",
                    mail_from="secretariat@unodc.test", recipients=mission.email,
                    subject="Invitation", raw=b"x", state="failed",
                    last_error="550 5.1.1 no such user"))
        # A message that broke a stage and matched nothing.
        session.add(models.InboundMessage(
            message_key="<broken@elsewhere.test>", message_id="<broken@elsewhere.test>",
            raw_sha256=secrets.token_hex(32), raw_size=10, received_at=now - timedelta(hours=3),
            from_addr="someone@elsewhere.test", subject="???", status="failed",
            stage="read", error="PDF too many pages"))
    return Seeded(campaign_id=campaign_id, codes=codes)

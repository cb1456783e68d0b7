"""Follow-ups: reminders to the silent missions, acknowledgements of replies.

Decides who is reminded and when: an invitation still ``sent`` (no reply,
no bounce, no failure, nothing under review) gets reminder *n* once
``schedule.reminders.after_days[n-1]`` days have passed since it was sent,
at most ``max_per_mission`` of them. When several are due at once (the bot
was off), only the latest is sent. A mission with an answer waiting in
the review queue is not silent and is not reminded. Reminders and acknowledgements are
threaded to the invitation (In-Reply-To / References) and go to the
outbox with keys ``reminder:<invitation id>:<n>`` and
``acknowledgement:<invitation id>:<hash of the reply's Message-ID>``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot import models
from bot.app import App
from bot.clock import as_utc, utcnow
from bot.config.campaign import LoadedConfig
from bot.config.sync import active_missions, sync_campaign
from bot.mail.compose import composer_for, listed
from bot.mail.outbox import enqueue_message, enqueue_raw, make_message_id
from bot.models import Invitation, InvitationStatus, OutboxKind, OutboxMessage


def reminder_due(sent_at: datetime, after_days: list[int], now: datetime) -> int:
    """The highest reminder number due at ``now`` (0 when none is)."""
    due = 0
    for number, days in enumerate(after_days, start=1):
        if now >= sent_at + timedelta(days=days):
            due = number
    return due


def _invitation_row(session: Session, invitation_id: int) -> OutboxMessage | None:
    return session.exec(select(OutboxMessage).where(
        OutboxMessage.dedupe_key == f"invitation:{invitation_id}")).first()


def reminders_in(session: Session, config: LoadedConfig, campaign: models.Campaign,
                 now: datetime) -> int:
    """Enqueue due reminders in ``session``; return how many."""
    if not config.campaign.reminders_enabled:  # informational letters remind nobody
        return 0
    settings = config.campaign.schedule.reminders
    after_days = sorted(settings.after_days)[:settings.max_per_mission]
    if not after_days:
        return 0
    missions = {m.id: m for m in active_missions(session, campaign, config)}
    composer = composer_for(config)
    domain = config.campaign.mail.sender.address.rpartition("@")[2]
    created = 0
    # A mission whose answer waits in the review queue (its match in doubt)
    # is not silent: no reminder while a human decides.
    held = set(session.exec(
        select(models.InboundMessage.mission_id)
        .join(models.ReviewItem, col(models.ReviewItem.inbound_id) == models.InboundMessage.id)
        .where(models.ReviewItem.state == "open")
        .where(models.InboundMessage.campaign_id == campaign.id)).all())
    for invitation in session.exec(select(Invitation).where(
            Invitation.campaign_id == campaign.id,
            Invitation.status == InvitationStatus.SENT)):
        mission = missions.get(invitation.mission_id)
        if (mission is None or invitation.sent_at is None or invitation.id is None
                or invitation.mission_id in held):
            continue
        sent_at = as_utc(invitation.sent_at)
        number = reminder_due(sent_at, after_days, now)
        if number == 0 or invitation.reminders_sent >= number:
            continue
        prefix = f"reminder:{invitation.id}:"
        earlier = session.exec(select(OutboxMessage.dedupe_key).where(
            OutboxMessage.invitation_id == invitation.id,
            OutboxMessage.kind == OutboxKind.REMINDER)).all()
        if any(int(key.removeprefix(prefix)) >= number for key in earlier):
            continue
        original = _invitation_row(session, invitation.id)
        thread = [original.message_id] if original is not None else []
        key = f"{prefix}{number}"
        message_id = make_message_id(key, domain)
        recipient = listed(mission)
        raw, subject = composer.reminder_raw(recipient, invitation.token, number=number,
                                             sent_at=sent_at.date(), thread=thread,
                                             message_id=message_id)
        if enqueue_raw(session, kind=OutboxKind.REMINDER, dedupe_key=key, raw=raw,
                       message_id=message_id, mail_from=composer.reply_address(invitation.token),
                       recipients=[recipient.email, *recipient.cc], subject=subject,
                       campaign_id=campaign.id, invitation_id=invitation.id) is not None:
            created += 1
    return created


def enqueue_reminders(app: App, now: datetime | None = None) -> int:
    """Enqueue the reminders due at ``now`` (default: the clock); return how many."""
    with app.session() as session:
        campaign = sync_campaign(session, app.config)
        return reminders_in(session, app.config, campaign, now or utcnow())


def enqueue_acknowledgement(app: App, session: Session, invitation_id: int,
                            reply_message_id: str) -> OutboxMessage | None:
    """Acknowledge a mission's reply, if ``templates.acknowledgement`` is set; once per reply."""
    if not app.config.campaign.templates.acknowledgement:
        return None
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        return None
    mission = session.get(models.Mission, invitation.mission_id)
    if mission is None:
        return None
    original = _invitation_row(session, invitation_id)
    thread = [m for m in (original.message_id if original else None, reply_message_id) if m]
    message = composer_for(app.config).acknowledgement(
        listed(mission), invitation.token, thread=thread)
    digest = hashlib.sha256(reply_message_id.encode("utf-8")).hexdigest()[:16]
    return enqueue_message(session, kind=OutboxKind.ACKNOWLEDGEMENT,
                           dedupe_key=f"acknowledgement:{invitation_id}:{digest}",
                           message=message, campaign_id=invitation.campaign_id,
                           invitation_id=invitation_id)

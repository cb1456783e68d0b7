"""Plan: one Invitation per mission per campaign, each with its own reply token.

Decides who still needs an invitation: every mission on the list without
one gets an Invitation (a fresh token) and an outbox row
``invitation:<id>`` rendered now, in the same transaction, so a crash
leaves either both or neither. Re-running never creates a second
invitation (unique campaign+mission) nor a second outbox row (unique
dedupe key). The rows go next to ``dispatch``.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select

from bot import models
from bot.app import App
from bot.clock import utcnow
from bot.config.campaign import LoadedConfig
from bot.config.sync import active_missions, sync_campaign
from bot.mail.compose import composer_for, listed
from bot.mail.outbox import enqueue_raw, make_message_id
from bot.models import Invitation, InvitationStatus, OutboxKind, OutboxMessage
from bot.outbound.freshstart import guard_fresh_start
from bot.tokens import new_token


def plan_in(session: Session, config: LoadedConfig, campaign: models.Campaign) -> int:
    """Create missing invitations and their outbox rows in ``session``; return how many."""
    assert campaign.id is not None
    missions = active_missions(session, campaign, config)
    invitations = {
        inv.mission_id: inv
        for inv in session.exec(select(Invitation).where(Invitation.campaign_id == campaign.id))
    }
    taken = set(session.exec(select(Invitation.token)).all())
    created = 0
    for mission in missions:
        assert mission.id is not None
        if mission.id in invitations:
            continue
        token = new_token()
        while token in taken:
            token = new_token()
        taken.add(token)
        invitation = Invitation(campaign_id=campaign.id, mission_id=mission.id, token=token)
        session.add(invitation)
        invitations[mission.id] = invitation
        created += 1
    session.flush()
    queued = set(session.exec(select(OutboxMessage.invitation_id).where(
        OutboxMessage.kind == OutboxKind.INVITATION,
        OutboxMessage.campaign_id == campaign.id)).all())
    composer = composer_for(config)
    mail = config.campaign.mail
    expires = utcnow() + timedelta(days=mail.retry_lifetime_days)
    domain = mail.sender.address.rpartition("@")[2]
    for mission in missions:
        invitation = invitations[mission.id]  # type: ignore[index]
        if invitation.id in queued or invitation.status != InvitationStatus.PENDING:
            continue
        key = f"invitation:{invitation.id}"
        message_id = make_message_id(key, domain)
        recipient = listed(mission)
        raw, subject = composer.invitation_raw(recipient, invitation.token, message_id)
        # Bounces go to the token's plus-address, like replies.
        enqueue_raw(session, kind=OutboxKind.INVITATION, dedupe_key=key, raw=raw,
                    message_id=message_id, mail_from=composer.reply_address(invitation.token),
                    recipients=[recipient.email, *recipient.cc], subject=subject,
                    campaign_id=campaign.id, invitation_id=invitation.id, expires_at=expires)
    return created


def plan_invitations(app: App, *, allow_fresh: bool = False) -> int:
    """Sync the campaign, create missing invitations and enqueue them; return how many.

    The first plan of a campaign looks in Sent first (``freshstart``) unless
    ``allow_fresh``.
    """
    if not allow_fresh:
        guard_fresh_start(app)
    with app.session() as session:
        campaign = sync_campaign(session, app.config)
        return plan_in(session, app.config, campaign)


def pending_rows(session: Session, campaign_id: int) -> list[OutboxMessage]:
    """Rows of the campaign not yet sent (queued or deferred), oldest first."""
    return list(session.exec(select(OutboxMessage).where(
        OutboxMessage.campaign_id == campaign_id,
        col(OutboxMessage.state).in_(("queued", "deferred"))).order_by(col(OutboxMessage.id))))

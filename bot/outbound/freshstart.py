"""A campaign never starts afresh silently: look in Sent before the first invitation.

A database that holds no invitation for a campaign is either a campaign
that has not started, or the wrong database (another folder, another
``INVITEBOT_DATABASE_URL``): planning there would invite every mission a
second time. So before the first invitations of a campaign are planned,
the account's Sent folder is searched for invitations already sent for
it: each carries its campaign reference in ``X-Invitebot-Campaign`` (and,
from before that header, in the ``[Ref. <reference> · <token>]`` tag of
its subject). Finding any refuses the plan with one line saying what to
do; ``--new-database-ok`` (``allow_fresh``) proceeds anyway.

Campaigns sharing one database are told apart by their reference, as in
``bot.config.sync``: a second campaign finds none of the first one's mail.
"""

from __future__ import annotations

import contextlib
import email
import imaplib
import logging
from email import policy

from sqlmodel import select

from bot import models
from bot.app import App
from bot.errors import InvitebotError
from bot.mail.compose import one_line
from bot.transport import imap_connect

log = logging.getLogger(__name__)

HEADER = "X-Invitebot-Campaign"
# Enough to tell "some" from "none" and to show the operator an example.
_SAMPLE = 20


class FreshStartRefused(InvitebotError):
    """The database knows nothing of a campaign the Sent folder says has started."""


def subject_tag(reference: str) -> str:
    return f"[Ref. {reference} \u00b7 "


def _is_ours(raw: bytes, reference: str) -> bool:
    message = email.message_from_bytes(raw, policy=policy.default)
    header = message.get(HEADER)
    if header is not None and " ".join(str(header).split()) == reference:
        return True
    return subject_tag(reference) in " ".join(str(message.get("Subject", "")).split())


def count_sent(app: App) -> int:
    """How many invitations for this campaign the Sent folder holds (up to a sample)."""
    # As compose writes it into the header and the subject tag.
    reference = one_line(app.config.campaign.meeting.reference)
    folder = app.config.campaign.mail.sent_folder
    client = imap_connect(app.settings.imap)
    try:
        if not client.folder_exists(folder):
            return 0
        client.select_folder(folder, readonly=True)
        criteria = ["OR", "HEADER", HEADER, reference, "SUBJECT", subject_tag(reference)]
        uids = client.search(criteria, charset="UTF-8")
        if not uids:
            return 0
        wanted = b"BODY[HEADER.FIELDS (X-INVITEBOT-CAMPAIGN SUBJECT)]"
        fetched = client.fetch(sorted(uids)[:_SAMPLE],
                               ["BODY.PEEK[HEADER.FIELDS (X-INVITEBOT-CAMPAIGN SUBJECT)]"])
        # The server's search is a substring match; the reference must match exactly.
        return sum(1 for data in fetched.values() if _is_ours(data.get(wanted, b""), reference))
    finally:
        with contextlib.suppress(Exception):  # the answer is already known
            client.logout()


def has_invitations(app: App) -> bool:
    """True when the database holds any invitation for this campaign."""
    with app.session() as session:
        found = session.exec(
            select(models.Invitation.id)
            .join(models.Campaign, models.Campaign.id == models.Invitation.campaign_id)  # type: ignore[arg-type]
            .where(models.Campaign.reference == app.config.campaign.meeting.reference)
            .limit(1)).first()
    return found is not None


def guard_fresh_start(app: App) -> None:
    """Refuse to plan a campaign's first invitations if Sent shows it already started."""
    if has_invitations(app):
        return
    reference = app.config.campaign.meeting.reference
    try:
        found = count_sent(app)
    except (InvitebotError, imaplib.IMAP4.error) as exc:
        # Without the mailbox the check cannot be made; say so, do not block sending.
        log.warning("could not look in the Sent folder for invitations already sent for "
                    "%s: %s", reference, exc)
        return
    if found:
        raise FreshStartRefused(
            f"campaign {reference!r} has no invitations in the database "
            f"{app.settings.database_url.split('@')[-1]}, but the Sent folder "
            f"'{app.config.campaign.mail.sent_folder}' holds {found}"
            f"{'+' if found >= _SAMPLE else ''} already sent for it: this is probably not the "
            "database that sent them (set database: in the campaign file or "
            "INVITEBOT_DATABASE_URL); to start afresh anyway, run send --new-database-ok")

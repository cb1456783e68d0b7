"""Sending for real: Postfix + Dovecot on loopback (scripts/mailstack).

Seed a campaign, run ``send`` once, and look in each mission's mailbox and
in the secretariat's Sent folder.
"""

from __future__ import annotations

import asyncio
import csv
import email
import time
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from appfixtures import REPO, AppFactory
from click.testing import CliRunner
from conftest import Stack, count_messages, imap_login, wait_for_messages
from sqlmodel import select

from bot.app import App
from bot.cli import main
from bot.clock import utcnow
from bot.config.settings import load_settings
from bot.mail.reminders import enqueue_reminders
from bot.models import Invitation, Mission, OutboxMessage, OutboxState
from bot.outbound.dispatch import dispatch
from bot.outbound.plan import plan_invitations

pytestmark = pytest.mark.stack


def stack_app(app_factory: AppFactory, stack: Stack, **overrides: Any) -> App:
    """An App whose settings point at ``stack`` (shared or private)."""
    app = app_factory(**overrides)
    secretariat = app.config.campaign.mail.reply_to
    env = {
        "INVITEBOT_DATABASE_URL": app.settings.database_url,
        "INVITEBOT_STORE_DIR": str(app.settings.store_dir),
        "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port),
        "INVITEBOT_SMTP_TIMEOUT": "10",
        "INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
        "INVITEBOT_IMAP_USER": secretariat, "INVITEBOT_IMAP_PASSWORD": stack.password,
    }
    return App(config_path=app.config_path, template_dir=REPO / "templates",
               _settings=load_settings(env))


def received(stack: Stack, user: str, count: int = 1) -> list[EmailMessage]:
    """Wait for ``count`` messages, then parse their raw bytes (a compat32
    round trip would refold the headers and change what we assert on)."""
    wait_for_messages(stack, user, count=count)
    client = imap_login(stack, user)
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        fetched = client.fetch(uids, ["BODY.PEEK[]"])
    finally:
        client.logout()
    messages = []
    for uid in sorted(uids):
        message = email.message_from_bytes(fetched[uid][b"BODY[]"], policy=policy.default)
        assert isinstance(message, EmailMessage)
        messages.append(message)
    return messages


def tokens(app: App) -> dict[str, str]:
    with app.session() as session:
        return dict(session.exec(select(Mission.email, Invitation.token).where(
            Invitation.mission_id == Mission.id)).all())


def run_send(app: App, *args: str) -> str:
    env = {k: v for k, v in {
        "INVITEBOT_DATABASE_URL": app.settings.database_url,
        "INVITEBOT_SMTP_HOST": app.settings.smtp.host,
        "INVITEBOT_SMTP_PORT": str(app.settings.smtp.port),
        "INVITEBOT_IMAP_HOST": app.settings.imap.host,
        "INVITEBOT_IMAP_PORT": str(app.settings.imap.port),
        "INVITEBOT_IMAP_USER": app.settings.imap.user,
        "INVITEBOT_IMAP_PASSWORD": app.settings.imap.password.get_secret_value()
        if app.settings.imap.password else None,
    }.items() if v is not None}
    result = CliRunner().invoke(main, ["send", "-c", str(app.config_path),
                                       "--templates", str(app.template_dir), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.output


def test_each_mission_gets_exactly_one_invitation(mailstack: Stack,
                                                  app_factory: AppFactory) -> None:
    app = stack_app(app_factory, mailstack, missions=6)
    output = run_send(app)
    assert "planned 6 new invitation(s)" in output and "sent 6," in output
    issued = tokens(app)
    languages = {m.email: m.language for m in app.config.missions}
    sent_ids = set()
    for address, token in issued.items():
        (message,) = received(mailstack, address)
        assert message["Content-Language"] == languages[address]
        assert token in str(message["Subject"])
        assert f"+{token}@" in str(message["Reply-To"])
        text = message.get_body(("plain",))
        assert text is not None and token in text.get_content()
        attachments = list(message.iter_attachments())
        assert [a.get_filename() for a in attachments] == ["information-note.pdf"]
        pdf = attachments[0].get_content()
        assert pdf == (REPO / "config" / "information-note.pdf").read_bytes()
        sent_ids.add(str(message["Message-ID"]))
    secretariat = app.config.campaign.mail.reply_to
    copies = wait_for_messages(mailstack, secretariat, folder="Sent", count=6)
    assert {str(m["Message-ID"]) for m in copies} == sent_ids
    with app.session() as session:
        rows = session.exec(select(OutboxMessage)).all()
        assert all(r.state == OutboxState.SENT and r.appended for r in rows)
        assert all(i.status == "sent" and i.sent_at for i in session.exec(select(Invitation)))
    # Again: nothing new is planned or sent, no mailbox grows.
    output = run_send(app)
    assert "planned 0 new invitation(s)" in output and "sent 0," in output
    time.sleep(1.0)
    assert all(count_messages(mailstack, address) == 1 for address in issued)
    assert count_messages(mailstack, secretariat, "Sent") == 6


def _rewrite_missions(app: App, emails: list[str]) -> None:
    path = app.config_path.parent / "missions.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        for i, address in enumerate(emails):
            writer.writerow([f"X{i}", f"Country {i}", f"Mission {i}", address, "", "en"])


def test_rejected_and_deferred_recipients(mailstack: Stack, app_factory: AppFactory,
                                          unique_user: str) -> None:
    app = stack_app(app_factory, mailstack, missions=1)
    _rewrite_missions(app, [unique_user, "pm-x@reject.test", "pm-y@defer.test"])
    plan_invitations(app)
    report = asyncio.run(dispatch(app))
    assert (report.sent, report.deferred, report.failed) == (1, 1, 1)
    with app.session() as session:
        rows = {r.recipients: r for r in session.exec(select(OutboxMessage))}
        invitations = {m.email: i for m, i in session.exec(
            select(Mission, Invitation).where(Invitation.mission_id == Mission.id))}
    rejected = rows["pm-x@reject.test"]
    assert rejected.state == OutboxState.FAILED
    assert rejected.last_error is not None and "550" in rejected.last_error
    assert invitations["pm-x@reject.test"].status == "failed"
    assert "550" in (invitations["pm-x@reject.test"].error or "")
    deferred = rows["pm-y@defer.test"]
    assert deferred.state == OutboxState.DEFERRED
    assert deferred.last_error is not None and "450" in deferred.last_error
    assert deferred.next_attempt_at is not None
    assert invitations["pm-y@defer.test"].status == "pending"
    assert rows[unique_user].state == OutboxState.SENT
    wait_for_messages(mailstack, unique_user)


def test_reminder_is_threaded_to_the_invitation(mailstack: Stack, app_factory: AppFactory,
                                                unique_user: str) -> None:
    app = stack_app(app_factory, mailstack, missions=1)
    _rewrite_missions(app, [unique_user])
    plan_invitations(app)
    asyncio.run(dispatch(app))
    assert enqueue_reminders(app, now=utcnow() + timedelta(days=15)) == 1
    assert enqueue_reminders(app, now=utcnow() + timedelta(days=15)) == 0
    assert asyncio.run(dispatch(app)).sent == 1
    invitation, reminder = received(mailstack, unique_user, count=2)
    assert reminder["In-Reply-To"] == invitation["Message-ID"]
    assert str(reminder["Subject"]).startswith("Reminder")
    with app.session() as session:
        (row,) = session.exec(select(Invitation)).all()
    assert row.reminders_sent == 1 and row.token in str(reminder["Subject"])


def test_smtp_down_mid_campaign_defers_then_sends(private_mailstack: Stack,
                                                  app_factory: AppFactory) -> None:
    stack = private_mailstack
    app = stack_app(app_factory, stack, missions=6, mail__retry_first_minutes=0.01)
    plan_invitations(app)
    first = asyncio.run(dispatch(app, limit=2))
    assert first.sent == 2
    stack.ctl("stop-smtp")
    try:
        down = asyncio.run(dispatch(app))
        assert (down.sent, down.deferred) == (0, 4)
        with app.session() as session:
            rows = session.exec(select(OutboxMessage).where(
                OutboxMessage.state == OutboxState.DEFERRED)).all()
        assert len(rows) == 4
        assert all(r.last_error and "connect" in r.last_error for r in rows)
    finally:
        stack.ctl("start-smtp")
    time.sleep(1.0)  # past the 0.6 s back-off
    back = asyncio.run(dispatch(app))
    assert back.sent == 4
    for mission in app.config.missions:
        wait_for_messages(stack, mission.email)
    time.sleep(0.5)
    assert all(count_messages(stack, m.email) == 1 for m in app.config.missions)


def test_imap_down_sends_and_stores_copies_later(private_mailstack: Stack,
                                                 app_factory: AppFactory) -> None:
    stack = private_mailstack
    app = stack_app(app_factory, stack, missions=3)
    plan_invitations(app)
    stack.ctl("stop-imap")
    try:
        assert asyncio.run(dispatch(app)).sent == 3
    finally:
        stack.ctl("start-imap")
    with app.session() as session:
        assert not any(r.appended for r in session.exec(select(OutboxMessage)))
    # The run that owed the copies is over, so the next run stores them.
    asyncio.run(dispatch(app))
    secretariat = app.config.campaign.mail.reply_to
    assert len(wait_for_messages(stack, secretariat, folder="Sent", count=3)) == 3
    with app.session() as session:
        assert all(r.appended for r in session.exec(select(OutboxMessage)))


def test_stop_finishes_the_message_in_hand_and_hands_back_the_rest(
        mailstack: Stack, app_factory: AppFactory) -> None:
    app = stack_app(app_factory, mailstack, missions=12, mail__concurrency=2)
    plan_invitations(app)

    async def run() -> tuple[int, int]:
        stop = asyncio.Event()

        def progress(done: int, _total: int) -> None:
            if done >= 3:
                stop.set()

        report = await dispatch(app, progress=progress, stop=stop)
        return report.sent, report.recovered

    sent, recovered = asyncio.run(run())
    assert 3 <= sent <= 4 and recovered == 0
    with app.session() as session:
        states = [r.state for r in session.exec(select(OutboxMessage))]
    assert states.count(OutboxState.SENT) == sent
    assert states.count(OutboxState.QUEUED) == 12 - sent
    assert asyncio.run(dispatch(app)).sent == 12 - sent

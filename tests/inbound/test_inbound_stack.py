"""Intake against a real Postfix + Dovecot: once and only once, whatever happens.

These tests run on ``private_mailstack`` (its own state directory and
ports) because they stop Dovecot, cut sessions and delete mailboxes, which
must not disturb anybody else's tests on the shared instance.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from email.message import EmailMessage
from typing import Any

import pytest
from conftest import Stack, deliver, imap_login, wait_for_messages
from inboundkit import app_env, kick, seed_invitations
from sqlmodel import col, select

from bot import models
from bot.app import App
from bot.inbound.intake import imap as intake
from bot.inbound.intake.poll import connect, idle_loop, poll_once

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def stack(private_mailstack: Stack) -> Stack:
    return private_mailstack


def make_app(app_factory: Any, stack: Stack, **overrides: Any) -> App:
    user = f"sec-{uuid.uuid4().hex[:10]}@unodc.test"
    app: App = app_factory(secretariat=user, env=app_env(stack, user), **overrides)
    seed_invitations(app)
    return app


def user_of(app: App) -> str:
    return app.config.campaign.mail.reply_to


def invitations(app: App) -> list[tuple[models.Mission, models.Invitation]]:
    with app.session() as session:
        rows = session.exec(select(models.Mission, models.Invitation).join(
            models.Invitation, col(models.Invitation.mission_id) == models.Mission.id)).all()
        return sorted(rows, key=lambda pair: pair[0].code)


def reply(app: App, mission: models.Mission, token: str, *, n: int = 0,
          body: str = "", parts: int = 0, blob: int = 0) -> bytes:
    local, domain = user_of(app).split("@")
    msg = EmailMessage()
    msg["From"] = f"{mission.mission_name} <{mission.email}>"
    msg["To"] = f"{local}+{token}@{domain}"
    msg["Subject"] = f"Re: Invitation [Ref. · {token}]"
    msg["Message-ID"] = f"<reply-{n}-{uuid.uuid4().hex}@{mission.email.split('@')[1]}>"
    msg["Date"] = "Mon, 23 Feb 2009 10:00:00 +0100"
    msg.set_content(body or f"{mission.country} will attend. Head of delegation: "
                            f"Ambassador Maria Example.\n")
    if blob:
        msg.add_attachment(os.urandom(blob), maintype="application", subtype="octet-stream",
                           filename="archive.bin")
    for index in range(parts):
        msg.add_attachment(f"part {index}\n".encode(), maintype="application",
                           subtype="octet-stream", filename=f"p{index}.bin")
    return msg.as_bytes()


def counts(app: App) -> tuple[int, int]:
    with app.session() as session:
        return (len(session.exec(select(models.InboundMessage)).all()),
                len(session.exec(select(models.Sighting)).all()))


def keyword_uids(stack: Stack, app: App, folder: str = "INBOX") -> list[int]:
    client = imap_login(stack, user_of(app))
    try:
        client.select_folder(folder, readonly=True)
        return list(client.search(["KEYWORD", app.config.campaign.mail.processed_keyword]))
    finally:
        client.logout()


def append(stack: Stack, app: App, folder: str, messages: list[bytes]) -> None:
    client = imap_login(stack, user_of(app))
    try:
        if not client.folder_exists(folder):
            client.create_folder(folder)
        for start in range(0, len(messages), 50):
            client.multiappend(folder, messages[start:start + 50])
    finally:
        client.logout()


def test_replies_by_smtp_are_recorded_once(app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=3)
    pairs = invitations(app)
    for n, (mission, invitation) in enumerate(pairs):
        raw = reply(app, mission, invitation.token, n=n)
        local, domain = user_of(app).split("@")
        deliver(stack, raw, mission.email, f"{local}+{invitation.token}@{domain}")
    wait_for_messages(stack, user_of(app), "INBOX", count=len(pairs))
    first = poll_once(app)
    assert (first.fetched, first.stored, first.processed, first.failed) == (3, 3, 3, 0)
    second = poll_once(app)
    assert (second.fetched, second.stored, second.processed) == (0, 0, 0)
    assert counts(app) == (3, 3)
    with app.session() as session:
        rows = session.exec(select(models.InboundMessage)).all()
        assert {r.match_method for r in rows} == {"token_address"}
        assert {r.invitation_id for r in rows} == {inv.id for _, inv in pairs}
    assert len(keyword_uids(stack, app)) == 3


def test_imap_restart_mid_poll_loses_and_duplicates_nothing(
        app_factory: Any, stack: Stack, monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(app_factory, stack, missions=2)
    (mission, invitation), _ = invitations(app)
    # Big enough that the fetch takes a while, cheap to process.
    messages = [reply(app, mission, invitation.token, n=n, blob=30_000) for n in range(350)]
    append(stack, app, "INBOX", messages)
    restarted = threading.Event()
    real_record = intake.record_batch

    def restart() -> None:
        kick(stack, user_of(app))
        stack.ctl("stop-imap")
        time.sleep(2.0)  # the poller's reconnects fail meanwhile and back off
        stack.ctl("start-imap")

    worker = threading.Thread(target=restart)

    def record_then_restart(*args: Any, **kwargs: Any) -> None:
        real_record(*args, **kwargs)
        if not restarted.is_set():
            # After the first committed batch, while the next is being fetched.
            restarted.set()
            worker.start()
            time.sleep(0.2)

    connections = []

    def counting_connect(app: App) -> Any:
        connections.append(time.monotonic())
        return connect(app)

    monkeypatch.setattr(intake, "record_batch", record_then_restart)
    report = poll_once(app, factory=counting_connect)
    worker.join()
    assert restarted.is_set()
    assert len(connections) >= 3  # intake, intake again after the restart, flags
    assert report.stored == 350 and report.errors == ()
    assert counts(app) == (350, 350)
    assert len(keyword_uids(stack, app)) == 350
    again = poll_once(app)
    assert (again.fetched, again.stored) == (0, 0)


def test_uidvalidity_change_duplicates_nothing(app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=3, mail__inbox_folders=["Replies"])
    messages = [reply(app, m, inv.token, n=n) for n, (m, inv) in enumerate(invitations(app))]
    append(stack, app, "Replies", messages)
    assert poll_once(app).stored == 3
    with app.session() as session:
        before = session.exec(select(models.MailboxState)).one().uidvalidity
    client = imap_login(stack, user_of(app))
    client.delete_folder("Replies")
    client.logout()
    append(stack, app, "Replies", messages)
    report = poll_once(app)
    assert (report.fetched, report.stored, report.duplicates) == (3, 0, 3)
    assert counts(app) == (3, 6)
    with app.session() as session:
        state = session.exec(select(models.MailboxState)).one()
        assert state.uidvalidity != before and state.last_uid == 3


def test_huge_and_many_part_messages_are_kept_and_flagged(
        app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=2)
    (m1, inv1), (m2, inv2) = invitations(app)
    huge = reply(app, m1, inv1.token, n=1, body="Attending.\n" + ("y" * 998 + "\n") * 30_000)
    assert len(huge) > 30_000_000
    many = reply(app, m2, inv2.token, n=2, parts=500)
    append(stack, app, "INBOX", [huge, many])
    report = poll_once(app, read_images=False)
    assert (report.stored, report.failed, report.errors) == (2, 0, ())
    with app.session() as session:
        rows = {r.invitation_id: r for r in session.exec(select(models.InboundMessage))}
    big, parts = rows[inv1.id], rows[inv2.id]
    assert "oversize" in big.flags and "too_large" in big.flags
    assert "too_many_parts" in parts.flags
    for row in (big, parts):
        assert row.status == "needs_review"
    with app.session() as session:
        reasons = [i.reason for i in session.exec(select(models.ReviewItem))]
    assert all("exceeds limits" in r for r in reasons) and len(reasons) == 2


def test_same_message_in_two_folders(app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=1, mail__inbox_folders=["INBOX", "Archive"])
    [(mission, invitation)] = invitations(app)
    raw = reply(app, mission, invitation.token)
    append(stack, app, "INBOX", [raw])
    append(stack, app, "Archive", [raw])
    report = poll_once(app)
    assert (report.fetched, report.stored, report.duplicates, report.processed) == (2, 1, 1, 1)
    assert counts(app) == (1, 2)
    assert keyword_uids(stack, app, "INBOX") and keyword_uids(stack, app, "Archive")


def test_crash_between_commit_and_flag(app_factory: Any, stack: Stack,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app(app_factory, stack, missions=2)
    append(stack, app, "INBOX", [reply(app, m, inv.token, n=n)
                                 for n, (m, inv) in enumerate(invitations(app))])

    def killed(*_args: Any) -> None:
        raise KeyboardInterrupt  # the process dies after its commit, before any flag

    monkeypatch.setattr(intake, "flag_done", killed)
    monkeypatch.setattr("bot.inbound.intake.poll.flag_done", killed)
    with pytest.raises(KeyboardInterrupt):
        poll_once(app)
    assert counts(app) == (2, 2) and keyword_uids(stack, app) == []
    monkeypatch.undo()
    report = poll_once(app)
    assert (report.fetched, report.stored, report.processed, report.flagged) == (0, 0, 0, 2)
    assert counts(app) == (2, 2) and len(keyword_uids(stack, app)) == 2


def test_move_mode_moves_processed_mail(app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=1, mail__processed_mode="move",
                   mail__processed_folder="Done")
    [(mission, invitation)] = invitations(app)
    append(stack, app, "INBOX", [reply(app, mission, invitation.token)])
    assert poll_once(app).flagged == 1
    client = imap_login(stack, user_of(app))
    try:
        assert client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"] == 0
        assert client.folder_status("Done", [b"MESSAGES"])[b"MESSAGES"] == 1
    finally:
        client.logout()


def test_real_postfix_bounce_marks_invitation(app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=1, domain="nouser.test")
    [(mission, invitation)] = invitations(app)
    with app.session() as session:
        outbox = session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == "invitation")).one()
    msg = EmailMessage()
    msg["From"], msg["To"] = user_of(app), mission.email
    msg["Subject"], msg["Message-ID"] = "Invitation", outbox.message_id
    msg.set_content("You are invited.\n")
    deliver(stack, msg.as_bytes(), user_of(app), mission.email)
    wait_for_messages(stack, user_of(app), "INBOX", count=1)
    poll_once(app)
    with app.session() as session:
        row = session.exec(select(models.InboundMessage)).one()
        bounced = session.get(models.Invitation, invitation.id)
    assert (row.classification, row.match_method) == ("bounce", "dsn_message_id")
    assert bounced is not None and bounced.status == "bounced"
    assert "user unknown" in (bounced.error or "")


def test_idle_loop_picks_up_new_mail(app_factory: Any, stack: Stack) -> None:
    app = make_app(app_factory, stack, missions=1)
    [(mission, invitation)] = invitations(app)
    stop = threading.Event()
    worker = threading.Thread(target=idle_loop, args=(app, stop),
                              kwargs={"poll_interval": 30.0})
    worker.start()
    try:
        time.sleep(1.0)  # the loop is now idling on an empty INBOX
        append(stack, app, "INBOX", [reply(app, mission, invitation.token)])
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and counts(app)[0] == 0:
            time.sleep(0.2)
        assert counts(app) == (1, 1)
        # The server drops the session: the loop reconnects and goes on.
        kick(stack, user_of(app))
        append(stack, app, "INBOX", [reply(app, mission, invitation.token, n=2)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and counts(app)[0] < 2:
            time.sleep(0.2)
        assert counts(app) == (2, 2)
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive()


def test_poll_command(app_factory: Any, stack: Stack,
                      monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    app = make_app(app_factory, stack, missions=1)
    [(mission, invitation)] = invitations(app)
    append(stack, app, "INBOX", [reply(app, mission, invitation.token)])
    env = {"INVITEBOT_DATABASE_URL": app.settings.database_url,
           "INVITEBOT_STORE_DIR": str(app.settings.store_dir), **app_env(stack, user_of(app))}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["poll", "-c", str(app.config_path)])
    assert result.exit_code == 0, result.output
    assert "fetched 1, new 1, duplicates 0; processed 1 (failed 0" in result.output
    result = CliRunner().invoke(main, ["poll", "-c", str(app.config_path), "--retry-failed"])
    assert "fetched 0, new 0" in result.output
    with app.session() as session:
        polls = session.exec(select(models.AuditEvent).where(
            models.AuditEvent.action == "poll")).all()
    assert len(polls) == 2


def test_store_failure_keeps_position_and_flags(app_factory: Any, stack: Stack,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from bot.inbound.intake.store import StoreError

    app = make_app(app_factory, stack, missions=2)
    append(stack, app, "INBOX", [reply(app, m, inv.token, n=n)
                                 for n, (m, inv) in enumerate(invitations(app))])

    def disk_full(*_args: Any) -> list[str]:
        raise StoreError(errno.ENOSPC, "raw store: No space left on device")

    monkeypatch.setattr(intake, "store_batch", disk_full)
    report = poll_once(app)
    assert report.stored == 0 and "No space left" in " ".join(report.errors)
    with app.session() as session:
        state = session.exec(select(models.MailboxState)).one()
    assert state.last_uid == 0 and counts(app) == (0, 0) and keyword_uids(stack, app) == []
    monkeypatch.undo()
    report = poll_once(app)
    assert (report.stored, report.errors) == (2, ())
    assert len(keyword_uids(stack, app)) == 2

"""``invitebot run`` as real processes on the local mail stack: signals, restarts, --once.

Each test starts the service with ``python -m bot`` against its own campaign
(unique addresses) and checks the mailboxes and the outbox afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Stack, imap_login
from sqlalchemy import func
from sqlmodel import col, select

from bot import jobs, models
from bot.app import App
from bot.clock import set_clock, utcnow

pytestmark = pytest.mark.stack
REPO = Path(__file__).resolve().parents[2]


def service_env(app: App, extra: dict[str, str] | None = None) -> dict[str, str]:
    s = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVITEBOT_")}
    env.update({
        "INVITEBOT_DATABASE_URL": s.database_url, "INVITEBOT_STORE_DIR": str(s.store_dir),
        "INVITEBOT_SMTP_HOST": s.smtp.host, "INVITEBOT_SMTP_PORT": str(s.smtp.port),
        "INVITEBOT_IMAP_HOST": s.imap.host, "INVITEBOT_IMAP_PORT": str(s.imap.port),
        "INVITEBOT_IMAP_USER": s.imap.user or "",
        "INVITEBOT_IMAP_PASSWORD": s.imap.password.get_secret_value() if s.imap.password else "",
    })
    env.update(extra or {})
    return env


def start(app: App, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
    out = log.open("wb") if log is not None else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "--log-json", "run", "-c", str(app.config_path),
         "--templates", str(REPO / "templates"), *args],
        cwd=REPO, env=service_env(app), stdout=subprocess.PIPE, stderr=out)


def wait_until(check: Callable[[], bool], timeout: float, what: str,
               procs: Sequence[subprocess.Popen[bytes]] = ()) -> None:
    """Poll ``check``; fail at once if a service process died meanwhile."""
    deadline = time.monotonic() + timeout
    while not check():
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            raise AssertionError(f"service {dead[0].pid} exited {dead[0].returncode} "
                                 f"while waiting for {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def outbox_states(app: App, kind: str = "invitation") -> dict[str, int]:
    with app.session() as session:
        rows = session.exec(select(models.OutboxMessage.state, func.count())
                            .where(models.OutboxMessage.kind == kind)
                            .group_by(models.OutboxMessage.state)).all()
    return {state: count for state, count in rows}


def mailbox_counts(stack: Stack, app: App) -> list[int]:
    counts = []
    for mission in app.config.missions:
        client = imap_login(stack, mission.email)
        try:
            counts.append(int(client.select_folder("INBOX", readonly=True)[b"EXISTS"]))
        finally:
            client.logout()
    return counts


def test_second_run_on_the_same_sqlite_file_refuses(mailstack: Stack, app_factory: Any,
                                                     tmp_path: Path) -> None:
    app = app_factory(missions=2)
    app.campaign_id()
    first = start(app, log=tmp_path / "first.log")
    try:
        lock = Path(app.settings.database_url.removeprefix("sqlite:///") + ".run.lock")
        wait_until(lambda: lock.is_file() and "pid" in lock.read_text(), 30, "the lock",
                   [first])
        second = subprocess.run(
            [sys.executable, "-m", "bot", "run", "-c", str(app.config_path)],
            cwd=REPO, env=service_env(app), capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "already uses this SQLite database" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["term", "kill"])
def test_signal_during_sending_then_restart_sends_each_once(
        mailstack: Stack, app_factory: Any, tmp_path: Path, sig: signal.Signals) -> None:
    app = app_factory(missions=40, mail__rate_limit_per_minute=300)
    app.campaign_id()
    proc = start(app, "--poll-interval", "5", log=tmp_path / "run1.log")
    try:
        wait_until(lambda: outbox_states(app).get("sent", 0) >= 5, 90, "first sends", [proc])
        proc.send_signal(sig)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    states = outbox_states(app)
    assert 0 < states.get("sent", 0) < 40, states
    if sig == signal.SIGTERM:
        # A clean stop: the message in hand was finished, the rest handed back.
        assert code == 0, (tmp_path / "run1.log").read_text()[-2000:]
        assert states.get("sending", 0) == 0, states
    # Restart (cron style): recovery, then the rest; nobody gets a second copy.
    again = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once", "-c", str(app.config_path),
         "--templates", str(REPO / "templates")],
        cwd=REPO, env=service_env(app), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr[-2000:]
    assert outbox_states(app) == {"sent": 40}
    time.sleep(1.0)  # local delivery of the last messages
    assert mailbox_counts(mailstack, app) == [1] * 40


def test_once_sends_and_reports(mailstack: Stack, app_factory: Any) -> None:
    app = app_factory(missions=3)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--once", "-c", str(app.config_path),
         "--templates", str(REPO / "templates")],
        cwd=REPO, env=service_env(app), capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "invitations planned: 3" in result.stdout
    assert "messages dispatched: 3" in result.stdout
    # Created after today's digest time: the first digest waits for the next slot.
    assert "digest: not due" in result.stdout
    assert outbox_states(app) == {"sent": 3}


async def test_reminders_go_only_to_the_silent(mailstack: Stack, app_factory: Any) -> None:
    from bot.outbound.dispatch import dispatch
    from bot.outbound.plan import plan_invitations

    app = app_factory(missions=4, schedule__reminders__after_days=[14])
    plan_invitations(app)
    report = await dispatch(app)
    with app.session() as session:
        errors = [row.last_error for row in session.exec(select(models.OutboxMessage)).all()
                  if row.last_error]
    assert report.sent == 4, f"{report}: {errors}"
    with app.session() as session:
        invitations = session.exec(select(models.Invitation)
                                   .order_by(col(models.Invitation.id))).all()
        invitations[0].status = models.InvitationStatus.REPLIED
        invitations[1].status = models.InvitationStatus.BOUNCED
        silent_ids = {invitations[2].id, invitations[3].id}
    later = utcnow() + timedelta(days=15)
    set_clock(lambda: later)
    jobs.bind(app)
    try:
        await jobs.remind()
        await jobs.remind()  # a second run the same day queues nothing more
    finally:
        set_clock(None)
        jobs.bind(None)
    with app.session() as session:
        reminders = session.exec(select(models.OutboxMessage)
                                 .where(models.OutboxMessage.kind == "reminder")).all()
    assert {r.invitation_id for r in reminders} == silent_ids
    assert len(reminders) == 2


def stopped_report(log: str) -> dict[str, Any]:
    """The fields of the service's last "service stopped" JSON log line."""
    for line in reversed(log.splitlines()):
        if line.startswith("{") and '"service stopped"' in line:
            return dict(json.loads(line))
    raise AssertionError("no 'service stopped' line in the log:\n" + log[-1500:])


@pytest.mark.postgres
@pytest.mark.slow
def test_two_services_share_one_postgres_campaign(mailstack: Stack, app_factory: Any,
                                                  pg_url: str, tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    # The digest is due shortly after both services have started.
    local = datetime.now(ZoneInfo("Europe/Vienna")) + timedelta(seconds=40)
    app = app_factory(missions=500, database_url=pg_url,
                      mail__rate_limit_per_minute=3000,
                      schedule__digest__time=local.strftime("%H:%M:%S"))
    procs = [start(app, "--poll-interval", "5", log=tmp_path / f"run{i}.log") for i in (0, 1)]
    try:
        def done() -> bool:
            return (outbox_states(app).get("sent", 0) == 500
                    and outbox_states(app, "digest").get("sent", 0) >= 1)

        wait_until(done, 300, "500 invitations and the digest", procs)
        time.sleep(3.0)  # let any duplicate work show up before we count
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        codes = [proc.wait(timeout=90) for proc in procs]
    logs = [(tmp_path / f"run{i}.log").read_text() for i in (0, 1)]
    assert codes == [0, 0], [log[-1500:] for log in logs]
    assert outbox_states(app) == {"sent": 500}
    assert outbox_states(app, "digest") == {"sent": 1}
    with app.session() as session:
        assert len(session.exec(select(models.DigestRun)).all()) == 1
    # Both processes drained a share; together exactly what the outbox holds
    # as sent (500 invitations + 1 digest), so no row was sent twice.
    sent = [stopped_report(log)["dispatched"] for log in logs]
    assert all(n > 0 for n in sent), sent
    assert sum(sent) == 501, sent
    # One scheduler: exactly one process was elected.
    assert sum(log.count("elected: this process schedules") for log in logs) == 1
    # Exactly one invitation in every mission's mailbox, one digest for the desk.
    assert mailbox_counts(mailstack, app) == [1] * 500
    desk = imap_login(mailstack, app.config.campaign.schedule.digest.recipients[0])
    try:
        assert desk.select_folder("INBOX", readonly=True)[b"EXISTS"] == 1
    finally:
        desk.logout()


@pytest.mark.parametrize("intake", ["--idle", "--no-idle"])
def test_service_reads_a_reply_and_records_it(mailstack: Stack, app_factory: Any,
                                               tmp_path: Path, intake: str) -> None:
    import email as email_lib
    import smtplib
    from email import policy
    from email.message import EmailMessage

    app = app_factory(missions=2)
    app.campaign_id()
    proc = start(app, intake, "--poll-interval", "2", log=tmp_path / "run.log")
    try:
        wait_until(lambda: outbox_states(app).get("sent", 0) == 2, 90, "the invitations",
                   [proc])
        with app.session() as session:
            row = session.exec(select(models.OutboxMessage)
                               .order_by(col(models.OutboxMessage.id))).first()
            assert row is not None
        invitation = email_lib.message_from_bytes(row.raw, policy=policy.default)
        reply = EmailMessage()
        reply["From"] = app.config.missions[0].email
        reply["To"] = str(invitation["Reply-To"])
        reply["Subject"] = f"Re: {invitation['Subject']}"
        reply["In-Reply-To"] = str(invitation["Message-ID"])
        reply.set_content("We are pleased to confirm our participation. Delegation:\n"
                          "Head of delegation: H.E. Ms. Maria Lopez, Ambassador\n")
        with smtplib.SMTP(mailstack.host, mailstack.smtp_port) as smtp:
            smtp.send_message(reply)

        def replied() -> bool:
            with app.session() as session:
                inv = session.get(models.Invitation, row.invitation_id)
                return inv is not None and inv.status in ("replied", "needs_review")

        wait_until(replied, 90, "the reply to be read and recorded", [proc])
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0

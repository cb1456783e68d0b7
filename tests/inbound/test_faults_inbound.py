"""Intake under faults: the IMAP server dies mid-poll, the raw store fills up, mail is huge.

All on a private mail stack (``private_mailstack``), because Dovecot is
stopped and started. The promise checked each time: once the fault has
cleared, every message in the mailbox is stored exactly once, processed
exactly once and flagged on the server; and while the fault lasts nothing
is flagged that was not safely stored.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from conftest import Stack, imap_login
from inboundkit import seed_invitations
from sqlmodel import col, func, select

from bot import models
from bot.app import App
from bot.inbound.intake import imap as intake
from bot.inbound.intake.poll import PollReport, connect, poll_once

pytestmark = pytest.mark.stack


def make_app(app_factory: Any, stack: Stack, **overrides: Any) -> App:
    user = f"sec-{uuid.uuid4().hex[:10]}@unodc.test"
    env = {"INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
           "INVITEBOT_IMAP_USER": user, "INVITEBOT_IMAP_PASSWORD": stack.password,
           "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port),
           "INVITEBOT_IMAP_TIMEOUT": "10", **overrides.pop("env", {})}
    app: App = app_factory(secretariat=user, env=env, **overrides)
    seed_invitations(app)
    return app


def user_of(app: App) -> str:
    return app.config.campaign.mail.reply_to


def replies(app: App, count: int, *, filler_lines: int = 250, start: int = 0) -> list[bytes]:
    """``count`` replies spread over the campaign's missions, each with its token."""
    with app.session() as session:
        pairs = session.exec(select(models.Mission, models.Invitation).join(
            models.Invitation,
            col(models.Invitation.mission_id) == models.Mission.id)).all()
    local, domain = user_of(app).split("@")
    out = []
    for n in range(start, start + count):
        mission, invitation = pairs[n % len(pairs)]
        msg = EmailMessage()
        msg["From"] = mission.email
        msg["To"] = f"{local}+{invitation.token}@{domain}"
        msg["Subject"] = f"Re: Invitation [{invitation.token}] #{n}"
        msg["Message-ID"] = f"<fault-{n}-{uuid.uuid4().hex}@missions.test>"
        msg.set_content(f"{mission.country} will attend.\n" + "-" * 76 + "\n"
                        + ("Kind regards from the mission, see the note above.\n"
                           * filler_lines))
        out.append(msg.as_bytes())
    return out


def append(stack: Stack, app: App, messages: list[bytes]) -> None:
    client = imap_login(stack, user_of(app))
    try:
        for start in range(0, len(messages), 50):
            client.multiappend("INBOX", messages[start:start + 50])
    finally:
        client.logout()


def server_state(stack: Stack, app: App) -> tuple[int, int]:
    """(messages in INBOX, messages carrying the processed keyword)."""
    client = imap_login(stack, user_of(app))
    try:
        client.select_folder("INBOX", readonly=True)
        total = len(client.search("ALL"))
        flagged = len(client.search(["KEYWORD", app.config.campaign.mail.processed_keyword]))
        return total, flagged
    finally:
        client.logout()


def counts(app: App) -> dict[str, int]:
    with app.session() as session:
        def n(model: Any) -> int:
            return int(session.exec(select(func.count()).select_from(model)).one())

        per_message = session.exec(select(models.Response.inbound_id, func.count()).group_by(
            col(models.Response.inbound_id))).all()
        return {"rows": n(models.InboundMessage), "sightings": n(models.Sighting),
                "responses": n(models.Response),
                "max_responses_per_message": max((c for _, c in per_message), default=0),
                "new": int(session.exec(select(func.count()).select_from(models.InboundMessage)
                                        .where(models.InboundMessage.status == "new")).one()),
                "failed": int(session.exec(select(func.count()).select_from(
                    models.InboundMessage).where(models.InboundMessage.status == "failed"))
                              .one())}


def poll_until_settled(app: App, rounds: int = 6,
                       connects: list[float] | None = None) -> list[PollReport]:
    """Poll again until a pass finds nothing new and reports no error."""
    reports = []

    def factory(app: App) -> Any:
        if connects is not None:
            connects.append(time.monotonic())
        return connect(app)

    for _ in range(rounds):
        try:
            report = poll_once(app, read_images=False, attempts=8, factory=factory)
        except OSError as exc:  # every reconnect failed: the operator's next poll
            reports.append(PollReport(errors=(f"raised {exc!r}",)))
            continue
        reports.append(report)
        if report.fetched == 0 and report.errors == () and report.flagged == 0:
            break
    return reports


# --- Dovecot stopped at random moments ----------------------------------------


@pytest.mark.slow
def test_imap_stopped_at_random_moments(app_factory: Any, private_mailstack: Stack,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    stack = private_mailstack
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    app = make_app(app_factory, stack, missions=4)
    monkeypatch.setattr(intake, "BATCH_UIDS", 10)  # more batches, more moments to hit
    real_record = intake.record_batch
    total = 0
    polls = 0
    connects: list[float] = []
    for round_ in range(3):
        batch = replies(app, 40, filler_lines=120, start=total)
        append(stack, app, batch)
        total += len(batch)
        # Stop Dovecot after a random batch of this poll (or, in the last round,
        # after intake, while the stages run) and bring it back a random while later.
        when = rng.randint(1, 4)
        down = rng.uniform(0.5, 2.5)
        stopped = threading.Event()
        recorded = [0]

        def outage(down: float = down, stopped: threading.Event = stopped) -> None:
            # A stopped Dovecot lets running sessions finish; a crashed one does
            # not. Cutting the user's sessions first makes the stop a crash.
            subprocess.run(["doveadm", "-c", str(stack.dir / "dovecot" / "dovecot.conf"),
                            "kick", user_of(app)], capture_output=True, check=False)
            stack.ctl("stop-imap")
            stopped.set()
            time.sleep(down)
            stack.ctl("start-imap")

        worker = threading.Thread(target=outage)

        def record_then_stop(*args: Any, when: int = when, worker: threading.Thread = worker,
                             stopped: threading.Event = stopped, recorded: list[int] = recorded,
                             ) -> None:
            real_record(*args)
            recorded[0] += 1
            if recorded[0] == when:
                worker.start()
                stopped.wait(60)

        monkeypatch.setattr(intake, "record_batch", record_then_stop)
        try:
            polls += len(poll_until_settled(app, connects=connects))
        finally:
            if not worker.is_alive() and not stopped.is_set():
                worker.start()  # the poll never reached that batch: stop now anyway
            worker.join()
        monkeypatch.setattr(intake, "record_batch", real_record)
        polls += len(poll_until_settled(app, connects=connects))
        state = counts(app)
        assert state["rows"] == total, (seed, round_, state)
        assert state["sightings"] == total, (seed, round_, state)
        assert state["responses"] == total, (seed, round_, state)
        assert state["max_responses_per_message"] == 1, (seed, round_, state)
        assert (state["new"], state["failed"]) == (0, 0), (seed, round_, state)
        assert server_state(stack, app) == (total, total), (seed, round_)
    # Each poll connects twice (intake, flags); more means the outages cut connections.
    assert len(connects) > 2 * polls, (seed, len(connects), polls)


# --- the raw store fills up -----------------------------------------------------


class FullDisk:
    """A store directory that can run out of space: a tiny tmpfs, or a failing fsync."""

    def __init__(self, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path
        self.monkeypatch = monkeypatch
        self.mounted = False

    def fill(self, size: str = "512k") -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                               str(self.path)], capture_output=True)
        self.mounted = done.returncode == 0
        if not self.mounted:
            self._fake()

    def _fake(self) -> None:
        import errno
        import os
        import types

        from bot.inbound.intake import store

        def no_space(_fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        proxy = types.SimpleNamespace(**{k: getattr(os, k) for k in dir(os)
                                         if not k.startswith("__")})
        proxy.fsync = no_space
        self.monkeypatch.setattr(store, "os", proxy)

    def clear(self) -> None:
        if self.mounted:
            subprocess.run(["mount", "-o", "remount,size=256m", str(self.path)], check=True)
        else:
            self.monkeypatch.undo()

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FullDisk]:
    disk = FullDisk(tmp_path / "store", monkeypatch)
    try:
        yield disk
    finally:
        disk.close()


def test_full_raw_store_flags_nothing_and_loses_nothing(
        app_factory: Any, private_mailstack: Stack, full_disk: FullDisk) -> None:
    stack = private_mailstack
    full_disk.fill()
    app = make_app(app_factory, stack, missions=3,
                   env={"INVITEBOT_STORE_DIR": str(full_disk.path)})
    # 12 replies of ~60 kB: more than the 512 kB the store has.
    messages = replies(app, 12, filler_lines=1200)
    append(stack, app, messages)
    for _ in range(2):  # the fault lasts over two polls
        report = poll_once(app, read_images=False)
        assert report.errors, report
        assert any("raw store" in e or "space" in e.lower() for e in report.errors), report
        assert report.flagged == 0
        assert server_state(stack, app) == (12, 0)
        state = counts(app)
        assert state["rows"] == state["sightings"] and state["rows"] < 12, state
    leftovers = [p for p in full_disk.path.rglob(".tmp-*")]
    assert leftovers == [], leftovers
    full_disk.clear()
    report = poll_once(app, read_images=False)
    assert report.errors == (), report
    assert server_state(stack, app) == (12, 12)
    state = counts(app)
    assert (state["rows"], state["sightings"], state["responses"]) == (12, 12, 12), state
    assert state["max_responses_per_message"] == 1
    again = poll_once(app, read_images=False)
    assert (again.fetched, again.stored, again.processed) == (0, 0, 0)
    stored = sorted(p.name for p in full_disk.path.rglob("*.eml"))
    assert len(stored) == 12


# --- huge and many-part mail through the whole poll -----------------------------


@pytest.mark.slow
def test_fifty_megabytes_and_ten_thousand_parts_through_poll(
        app_factory: Any, private_mailstack: Stack) -> None:
    stack = private_mailstack
    app = make_app(app_factory, stack, missions=3)
    normal, = replies(app, 1, filler_lines=3)
    big = EmailMessage()
    big["From"], big["To"] = "pm@huge.test", user_of(app)
    big["Subject"], big["Message-ID"] = "huge", f"<huge-{uuid.uuid4().hex}@huge.test>"
    big.set_content("Attending.\n" + ("z" * 998 + "\n") * 50_500)
    huge = big.as_bytes()
    assert len(huge) > 50_000_000
    boundary = "b-" + uuid.uuid4().hex
    parts = [f"--{boundary}\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n"
             for i in range(10_000)]
    many = (f"From: pm@parts.test\r\nTo: {user_of(app)}\r\nSubject: parts\r\n"
            f"Message-ID: <parts-{uuid.uuid4().hex}@parts.test>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n"
            + "".join(parts) + f"--{boundary}--\r\n").encode()
    append(stack, app, [huge])
    append(stack, app, [many, normal])
    report = poll_once(app, read_images=False)
    assert (report.stored, report.failed, report.errors) == (3, 0, ()), report
    with app.session() as session:
        rows = {r.subject: r for r in session.exec(select(models.InboundMessage))}
        reasons = {i.inbound_id: i.reason for i in session.exec(select(models.ReviewItem))}
    assert "oversize" in rows["huge"].flags and "too_large" in rows["huge"].flags
    assert "too_many_parts" in rows["parts"].flags
    assert rows["huge"].raw_size >= len(huge)  # Dovecot hands LF back as CRLF
    # The normal reply after them went through every stage in the same poll
    # (a Response was recorded): the poller lived on.
    [reply] = [r for s, r in rows.items() if s and s.startswith("Re:")]
    with app.session() as session:
        recorded = session.exec(select(models.Response).where(
            models.Response.inbound_id == reply.id)).all()
    assert len(recorded) == 1, (reply.status, reasons.get(reply.id or 0))
    assert server_state(stack, app) == (3, 3)
    for name in ("huge", "parts"):
        row = rows[name]
        assert row.status in ("needs_review", "processed"), row.status
        if row.status == "needs_review":
            assert reasons[row.id or 0], row

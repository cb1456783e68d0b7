"""``invitebot run`` says what it does: one plain line per event, a true final tally.

The service runs as a process on the local stack; it sends the
invitations, a mission replies by SMTP, the IMAP watcher reads and
processes the reply, SIGTERM stops it. At normal verbosity every event is
one line without Python reprs; ``--log-json`` keeps each one structured.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from conftest import Stack, deliver
from sqlmodel import select
from test_service_run import REPO, outbox_states, service_env, wait_until

from bot import models
from bot.app import App

pytestmark = pytest.mark.stack
REPR = re.compile(r"\b[A-Z][A-Za-z]+\([a-z_]+=|b'|Traceback")


def _reply(app: App, stack: Stack) -> str:
    with app.session() as session:
        mission = session.exec(select(models.Mission).where(models.Mission.code == "M000")).one()
        token = session.exec(select(models.Invitation.token)
                             .where(models.Invitation.mission_id == mission.id)).one()
    reply_to = app.config.campaign.mail.reply_to
    local, _, domain = reply_to.partition("@")
    to = f"{local}+{token}@{domain}"
    raw = (f"From: {mission.email}\r\nTo: {to}\r\n"
           f"Subject: Re: Invitation [Ref. {app.config.campaign.meeting.reference} · {token}]\r\n"
           f"Message-ID: <{uuid.uuid4().hex}@mission.test>\r\n"
           "Date: Mon, 23 Feb 2009 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8\r\n"
           "\r\nWe are pleased to confirm our participation. Our delegation:\r\n"
           "1. H.E. Mr. Johann Schmidt, Ambassador, Permanent Representative, head of "
           "delegation\r\n2. Ms. Anna Berger, First Secretary\r\n").encode()
    deliver(stack, raw, mission.email, to)
    return mission.email


def _serve(app: App, stack: Stack, log: Path, *flags: str) -> tuple[str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *flags, "run", "-c", str(app.config_path),
         "--poll-interval", "2"],
        cwd=REPO, env=service_env(app), stdout=subprocess.PIPE, stderr=log.open("wb"))
    try:
        wait_until(lambda: outbox_states(app).get("sent", 0) == 2, 90, "the invitations",
                   [proc])
        sender = _reply(app, stack)

        def processed() -> bool:
            with app.session() as session:
                rows = session.exec(select(models.InboundMessage)
                                    .where(models.InboundMessage.from_addr == sender)).all()
            return any(r.status != models.InboundStatus.NEW for r in rows)

        wait_until(processed, 90, "the reply to be processed", [proc])
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, log.read_text()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
    return out.decode(), sender


def test_run_prints_one_line_per_event_and_a_true_tally(mailstack: Stack, app_factory: Any,
                                                        tmp_path: Path) -> None:
    app = app_factory(missions=2)
    app.campaign_id()
    log = tmp_path / "run.log"
    out, sender = _serve(app, mailstack, log)
    lines = log.read_text().splitlines()
    assert not [line for line in lines if REPR.search(line)], lines
    assert any(line.endswith("sent 2 message(s)") for line in lines), lines
    reply = [line for line in lines if f"reply from {sender} (M000): " in line]
    assert reply, lines
    assert re.search(r"(accepted, 2 delegates|needs review)$", reply[0]), reply[0]
    # Today's tally said "0 sent, 0 processed" after doing all of this.
    final = out.strip().splitlines()[-1]
    assert final.startswith("stopped: sent 2") and "replies 1" in final, final


def test_log_json_stays_structured(mailstack: Stack, app_factory: Any, tmp_path: Path) -> None:
    app = app_factory(missions=2)
    app.campaign_id()
    log = tmp_path / "run.jsonl"
    _out, sender = _serve(app, mailstack, log, "-v", "--log-json")
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    events = [r for r in records if r.get("logger") == "invitebot.events"]
    sent = [e for e in events if e["event"] == "sent"]
    assert sum(e["count"] for e in sent) == 2 and all(e["level"] == "info" for e in sent), events
    replies = [e for e in events if e.get("sender") == sender]
    assert replies and replies[0]["mission"] == "M000", events


def test_run_once_reports_in_words(mailstack: Stack, app_factory: Any) -> None:
    app = app_factory(missions=2)
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--once", "-c",
                             str(app.config_path)], cwd=REPO, env=service_env(app),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    text = result.stdout + result.stderr
    assert not REPR.search(text), text
    assert "mailbox: fetched 0, new 0" in result.stdout, result.stdout
    assert "sent 2 message(s)" in result.stderr, result.stderr

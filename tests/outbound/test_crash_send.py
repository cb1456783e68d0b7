"""kill -9 at random moments while sending 300 invitations: still exactly one each.

A real ``python -m bot send`` process talks to the local Postfix + Dovecot
and a SQLite file; it is killed with SIGKILL a few times once it is
sending, restarted, and finally run to completion. Then every mission
mailbox must hold exactly one invitation and the Sent folder one copy of
each. The seed is printed; set INVITEBOT_CRASH_SEED to replay a run.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time
import uuid
from pathlib import Path

import crashkit
import pytest
from appfixtures import REPO, write_campaign
from conftest import Stack, count_messages

pytestmark = [pytest.mark.stack, pytest.mark.slow]
MISSIONS = 300
KILLS = 5


def _progress(db: Path) -> int:
    """Rows the sender has touched (sending or sent); 0 before the plan is committed."""
    return crashkit.count(db, "SELECT count(*) FROM outboxmessage "
                              "WHERE state IN ('sending', 'sent')")


def test_kill_9_while_sending_yields_exactly_one_invitation_each(
        mailstack: Stack, tmp_path: Path) -> None:
    seed = int(os.environ.get("INVITEBOT_CRASH_SEED") or time.time_ns() % 1_000_000)
    print(f"crash test seed {seed}")
    rng = random.Random(seed)
    domain = f"crash-{uuid.uuid4().hex[:8]}.test"
    config = write_campaign(tmp_path / "campaign", missions=MISSIONS, domain=domain,
                            mail__rate_limit_per_minute=60_000, mail__concurrency=4)
    secretariat = f"sec-{uuid.uuid4().hex[:8]}@unodc.test"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(text.split("address: ", 1)[1].split("\n", 1)[0], secretariat)
                      .replace(text.split("reply_to: ", 1)[1].split("\n", 1)[0], secretariat),
                      encoding="utf-8")
    db = tmp_path / "invitebot.db"
    env = crashkit.environment(mailstack, db, secretariat)
    command = [sys.executable, "-m", "bot", "send", "-c", str(config),
               "--templates", str(REPO / "templates"), "--now"]
    log = (tmp_path / "send.log").open("ab")

    kills = crashkit.kill_repeatedly(command, env, log, progress=lambda: _progress(db),
                                     total=MISSIONS, kills=KILLS, rng=rng, stall_seconds=90)
    assert kills >= 3, "the sender finished before it could be killed three times"
    out = crashkit.finish(command, env, timeout=180)
    assert "sent 0," in out, out

    with sqlite3.connect(db) as conn:
        states = dict(conn.execute(
            "SELECT state, count(*) FROM outboxmessage GROUP BY state").fetchall())
        invitations = dict(conn.execute(
            "SELECT status, count(*) FROM invitation GROUP BY status").fetchall())
        appended = conn.execute("SELECT count(*) FROM outboxmessage WHERE appended").fetchone()
    assert states == {"sent": MISSIONS}
    assert invitations == {"sent": MISSIONS}
    assert appended == (MISSIONS,)

    mailboxes = [f"pm-m{i:03d}@{domain}" for i in range(MISSIONS)]
    deadline = time.monotonic() + 120
    counts = {m: 0 for m in mailboxes}
    while True:
        for mailbox in mailboxes:
            if counts[mailbox] == 0:
                counts[mailbox] = count_messages(mailstack, mailbox)
        if all(counts.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    time.sleep(1.0)  # let any duplicate still in the Postfix queue arrive
    counts = {m: count_messages(mailstack, m) for m in mailboxes}
    missing = [m for m, n in counts.items() if n == 0]
    doubled = [m for m, n in counts.items() if n > 1]
    assert not missing and not doubled, f"seed {seed}: missing {missing}, doubled {doubled}"
    assert count_messages(mailstack, secretariat, "Sent") == MISSIONS

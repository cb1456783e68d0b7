"""kill -9 while reading replies and sending their echoes: still exactly one echo per change.

Real processes on the local Postfix + Dovecot and a SQLite file: the
invitations go out (``python -m bot send``), every mission answers with its
delegation, then ``python -m bot run --once`` (read, record, queue the
echoes, dispatch) is killed with SIGKILL a few times at random moments,
restarted, and finally run to completion. Every mission mailbox must then
hold exactly its invitation and one confirmation echo. The seed is
printed; set INVITEBOT_CRASH_SEED to replay a run.
"""

from __future__ import annotations

import email
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from email import policy
from email.message import EmailMessage
from pathlib import Path

import crashkit
import pytest
from appfixtures import REPO, write_campaign
from conftest import Stack, count_messages, deliver

pytestmark = [pytest.mark.stack, pytest.mark.slow]
MISSIONS = 40
KILLS = 4


def _query(db: Path, sql: str) -> int:
    return crashkit.count(db, sql)


def _progress(db: Path) -> int:
    """Replies recorded plus echoes touched by the sender."""
    return (_query(db, "SELECT count(*) FROM delegationevent")
            + _query(db, "SELECT count(*) FROM outboxmessage WHERE kind = 'echo' "
                         "AND state IN ('sending', 'sent')"))


def _answers(db: Path) -> list[tuple[str, bytes]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT recipients, raw FROM outboxmessage "
                            "WHERE kind = 'invitation'").fetchall()
    return [(str(r), bytes(raw)) for r, raw in rows]


def _reply(raw: bytes, mission: str, n: int) -> bytes:
    invitation = email.message_from_bytes(raw, policy=policy.default)
    reply = EmailMessage()
    reply["From"] = mission
    reply["To"] = str(invitation["Reply-To"])
    reply["Subject"] = f"Re: {invitation['Subject']}"
    reply["In-Reply-To"] = reply["References"] = str(invitation["Message-ID"])
    reply["Message-ID"] = f"<crash-{n}-{uuid.uuid4().hex[:6]}@missions.test>"
    reply.set_content("The Permanent Mission has the honour to confirm its participation. "
                      "The delegation will be composed as follows:\n"
                      f"Head of delegation: H.E. Mr. Johann Schmidt{n}, Ambassador\n"
                      "Member: Ms. Anna Berger, Counsellor\n")
    return reply.as_bytes()


def test_kill_9_while_echoing_yields_exactly_one_echo_per_change(
        mailstack: Stack, tmp_path: Path) -> None:
    seed = int(os.environ.get("INVITEBOT_CRASH_SEED") or time.time_ns() % 1_000_000)
    print(f"echo crash test seed {seed}")
    rng = random.Random(seed)
    domain = f"echo-{uuid.uuid4().hex[:8]}.test"
    secretariat = f"sec-{uuid.uuid4().hex[:8]}@unodc.test"
    config = write_campaign(tmp_path / "campaign", missions=MISSIONS, domain=domain,
                            secretariat=secretariat, mail__rate_limit_per_minute=60_000)
    db = tmp_path / "invitebot.db"
    env = crashkit.environment(mailstack, db, secretariat)
    templates = ["-c", str(config), "--templates", str(REPO / "templates")]
    sent = subprocess.run([sys.executable, "-m", "bot", "send", *templates, "--now"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=180)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    for n, (mission, raw) in enumerate(sorted(_answers(db))):
        deliver(mailstack, _reply(raw, mission, n), mission, secretariat)
    deadline = time.monotonic() + 120
    while count_messages(mailstack, secretariat) < MISSIONS:
        assert time.monotonic() < deadline, "the replies did not all arrive"
        time.sleep(0.5)

    command = [sys.executable, "-m", "bot", "run", "--once", *templates]
    log = (tmp_path / "run.log").open("ab")
    kills = crashkit.kill_repeatedly(command, env, log, progress=lambda: _progress(db),
                                     total=2 * MISSIONS, kills=KILLS, rng=rng, stall_seconds=120)
    assert kills >= 2, "the service finished before it could be killed twice"
    crashkit.finish(command, env, timeout=300)

    assert _query(db, "SELECT count(*) FROM delegationevent") == MISSIONS
    assert _query(db, "SELECT count(*) FROM outboxmessage WHERE kind = 'echo'") == MISSIONS
    assert _query(db, "SELECT count(*) FROM outboxmessage WHERE kind = 'echo' "
                      "AND state = 'sent'") == MISSIONS
    mailboxes = [f"pm-m{i:03d}@{domain}" for i in range(MISSIONS)]
    deadline = time.monotonic() + 120
    while (any(count_messages(mailstack, m) < 2 for m in mailboxes)
           and time.monotonic() < deadline):
        time.sleep(0.5)
    time.sleep(1.0)  # let any duplicate still in the Postfix queue arrive
    counts = {m: count_messages(mailstack, m) for m in mailboxes}
    wrong = {m: n for m, n in counts.items() if n != 2}
    assert not wrong, f"seed {seed}: mailboxes without exactly invitation + one echo: {wrong}"

"""``kill -9`` of ``poll`` while its worker pool runs leaves no process behind.

The run's processes are found by an environment marker every descendant
inherits (and by the process group ``start_new_session`` gives the run),
not by name. Kills at several delays after the pool has started; each
time the workers must have been running at the kill (else the case proves
nothing), and no process of the run may remain 15 s later.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from inboundkit import ingest

from bot.inbound.intake import queue

pytestmark = pytest.mark.stack
REPO = Path(__file__).resolve().parents[2]
MARKER = "INVITEBOT_TEST_RUN"


def _run_processes(tag: str) -> list[int]:
    """Live (not zombie) processes whose environment carries ``MARKER=tag``."""
    found = []
    needle = f"{MARKER}={tag}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if needle in environ.split(b"\0") and state != "Z":
            found.append(int(entry.name))
    return found


def _backlog(app: Any, count: int) -> None:
    people = "\n".join(f"{n}. H.E. Mr. Person{n} Name{n}, Counsellor, +43 1 23{n:04d}"
                       for n in range(1, 25))
    for i in range(count):
        msg = EmailMessage()
        msg["From"] = f"someone{i}@example.test"
        msg["To"] = "secretariat@unodc.test"
        msg["Subject"] = "Participation in the meeting"
        msg["Message-ID"] = f"<orphan-{uuid.uuid4().hex}@example.test>"
        msg.set_content(f"Dear colleagues, note {i}: we will attend. Our delegation:\n"
                        f"{people}\n" * 3)
        ingest(app, msg.as_bytes())


@pytest.mark.parametrize("delay", [1.2, 2.0, 3.0])
def test_kill_9_of_poll_leaves_no_worker(app_factory: Any, mailstack: Any,
                                         delay: float) -> None:
    app = app_factory()
    _backlog(app, queue.PREPARE_MIN + 400)
    tag = uuid.uuid4().hex
    s = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVITEBOT_")}
    env.update({
        "INVITEBOT_DATABASE_URL": s.database_url, "INVITEBOT_STORE_DIR": str(s.store_dir),
        "INVITEBOT_IMAP_HOST": s.imap.host, "INVITEBOT_IMAP_PORT": str(s.imap.port),
        "INVITEBOT_IMAP_USER": s.imap.user or "", "INVITEBOT_IMAP_PASSWORD": "secret",
        "INVITEBOT_PROCESS_WORKERS": "2", MARKER: tag})
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "poll", "-c", str(app.config_path)],
        cwd=REPO, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
        start_new_session=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if b"worker process(es) compute ahead" in line:
                break
        else:
            pytest.fail("the worker pool never started")
        # The poller, the forkserver, the resource tracker and at least one worker:
        # workers start on demand, later on a loaded machine, so wait for them first.
        started = time.monotonic() + 60
        while len(alive := _run_processes(tag)) < 4 and proc.poll() is None:
            assert time.monotonic() < started, f"no worker process after 60 s: {alive}"
            time.sleep(0.05)
        time.sleep(delay)
        alive = _run_processes(tag)
        assert len(alive) >= 4, f"the run ended before the kill: {alive}"
        assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 15
        while _run_processes(tag) and time.monotonic() < deadline:
            time.sleep(0.25)
        left = _run_processes(tag)
        assert left == [], f"processes left 15 s after kill -9: {left}"
    finally:
        for pid in _run_processes(tag):
            # Only this run's own leftovers (found by its marker), so the suite goes on.
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()

"""What the kill -9 tests share: the service's environment, read-only counts
from its SQLite file while it runs, and the kill-restart loop.

The loop kills by progress, not by the clock: a run is killed only once it
has moved a random number of rows past where it started (a kill during
start-up proves nothing), at a random moment within a message, so the
schedule holds on a loaded machine. The caller prints and passes the seed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from appfixtures import REPO
from conftest import Stack


def environment(stack: Stack, db: Path, secretariat: str) -> dict[str, str]:
    """The service's settings for a SQLite file ``db`` and the local stack."""
    return {
        **os.environ,
        "INVITEBOT_DATABASE_URL": f"sqlite:///{db}",
        "INVITEBOT_STORE_DIR": str(db.parent / "store"),
        "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port),
        "INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
        "INVITEBOT_IMAP_USER": secretariat, "INVITEBOT_IMAP_PASSWORD": stack.password,
    }


def count(db: Path, sql: str) -> int:
    """A ``SELECT count(*)`` read-only while another process writes; 0 before the schema."""
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            (found,) = conn.execute(sql).fetchone()
            return int(found)
    except sqlite3.OperationalError:
        return 0  # schema not there yet


def kill_repeatedly(command: Sequence[str], env: dict[str, str], log: IO[bytes], *,
                    progress: Callable[[], int], total: int, kills: int,
                    rng: random.Random, stall_seconds: float) -> int:
    """Start ``command`` up to ``kills`` times, SIGKILL each run after some
    progress; returns how many runs were killed (fewer if one finished)."""
    killed = 0
    for _ in range(kills):
        before = progress()
        process = subprocess.Popen(list(command), cwd=REPO, env=env, stdout=log, stderr=log)
        step = rng.randint(1, max(1, (total - before) // (kills + 1)))
        deadline = time.monotonic() + stall_seconds
        while progress() < before + step and process.poll() is None:
            assert time.monotonic() < deadline, f"{' '.join(command[2:4])} made no progress"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.02))
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed += 1
        print(f"killed at progress {progress()}")
    return killed


def finish(command: Sequence[str], env: dict[str, str], timeout: float) -> str:
    """Run ``command`` twice to the end (the second run must find nothing
    left to do without error); returns the last run's output."""
    for _ in range(2):
        done = subprocess.run(list(command), cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout

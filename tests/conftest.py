"""Shared fixtures.

App and database fixtures live in tests/appfixtures.py (loaded below);
the mail stack fixtures and helpers follow here.
"""

from __future__ import annotations

import email
import os
import re
import shutil
import smtplib
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from imapclient import IMAPClient

pytest_plugins = ["appfixtures", "readerkit"]


# --- mail stack (scripts/mailstack) ---
# A session-wide Postfix + Dovecot on loopback (see scripts/mailstack for what
# each test domain does). Tests that inject faults use `private_mailstack`, so
# stopping a daemon never breaks other sessions sharing the main instance.

MAILSTACK_SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "mailstack"


@dataclass(frozen=True)
class Stack:
    """Where a running mail stack listens; `env` holds its INVITEBOT_STACK_* overrides."""

    host: str
    smtp_port: int
    imap_port: int
    password: str
    dir: Path
    env: Mapping[str, str] = field(default_factory=dict)

    def ctl(self, command: str) -> subprocess.CompletedProcess[str]:
        """Run `scripts/mailstack COMMAND` against this instance (status may exit 3)."""
        proc = subprocess.run(
            [str(MAILSTACK_SCRIPT), command], env={**os.environ, **self.env},
            capture_output=True, text=True, timeout=180,
        )
        if not (proc.returncode == 0 or (command == "status" and proc.returncode == 3)):
            pytest.fail(f"scripts/mailstack {command} exited {proc.returncode}:\n"
                        f"{proc.stdout}{proc.stderr}", pytrace=False)
        return proc


def start_stack(env: Mapping[str, str]) -> Stack:
    """Start (or find running) the instance that `env` describes; fail loudly if it can't."""
    if "INVITEBOT_STACK_DIR" in env and "INVITEBOT_STACK_AUTH_PORT" not in env:
        # A private instance gets its own authorization server port too.
        env = {**env, "INVITEBOT_STACK_AUTH_PORT": str(free_port())}
    merged = {**os.environ, **env}
    state = merged.get("INVITEBOT_STACK_DIR") or str(MAILSTACK_SCRIPT.parents[1] / "var/mailstack")
    stack = Stack(
        host="127.0.0.1",
        smtp_port=int(merged.get("INVITEBOT_STACK_SMTP_PORT") or 2525),
        imap_port=int(merged.get("INVITEBOT_STACK_IMAP_PORT") or 1143),
        password="secret",
        dir=Path(state),
        env=dict(env),
    )
    stack.ctl("start")
    # Resolved only now: start may have made the directory a symlink (see the script).
    return replace(stack, dir=stack.dir.resolve())


# A test module that asks for the shared stack (not a private one) by name.
_SHARED_STACK = re.compile(r"(?<!private_)\bmailstack\b")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Work units for ``pytest -n N`` (what `make test` runs): a module each, so a
    module's fixtures (the scans read by OCR, a private stack) are built once, and
    one unit for every module that uses the shared stack, so that one worker
    alone starts it (``mailstack``) and drives it.
    (pytest-xdist's own ``--dist loadgroup`` does not group under pytest 9.)"""
    from xdist.scheduler import LoadScopeScheduling

    tests = Path(__file__).resolve().parent
    root = config.rootpath
    shared = {path.relative_to(root).as_posix() for path in tests.rglob("test_*.py")
              if _SHARED_STACK.search(path.read_text("utf-8"))}

    class ModuleOrSharedStack(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return "shared-mailstack" if module in shared else module

    return ModuleOrSharedStack(config, log)


@pytest.fixture(scope="session")
def mailstack() -> Stack:
    """The shared instance (default ports, or INVITEBOT_STACK_* from the environment)."""
    return start_stack({})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def private_mailstack() -> Iterator[Stack]:
    """A second instance on free ports for fault injection; stopped and removed afterwards."""
    # Not under pytest's tmp dir: that is mode 0700, and the postfix and vmail
    # users must be able to reach the state directory.
    state = tempfile.mkdtemp(prefix="invitebot-stack-")
    env = {
        "INVITEBOT_STACK_DIR": state,
        "INVITEBOT_STACK_SMTP_PORT": str(free_port()),
        "INVITEBOT_STACK_IMAP_PORT": str(free_port()),
    }
    stack = start_stack(env)
    yield stack
    stack.ctl("stop")
    shutil.rmtree(state, ignore_errors=True)


@pytest.fixture
def unique_user() -> str:
    """A mailbox no other test touches, e.g. u-1a2b3c4d@missions.test."""
    return f"u-{uuid.uuid4().hex[:8]}@missions.test"


def deliver(stack: Stack, raw: bytes, mail_from: str, rcpt_to: str | Sequence[str]) -> None:
    """Submit `raw` over SMTP; raises smtplib.SMTPRecipientsRefused if any RCPT is refused."""
    recipients = [rcpt_to] if isinstance(rcpt_to, str) else list(rcpt_to)
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=30) as smtp:
        refused = smtp.sendmail(mail_from, recipients, raw)
    if refused:
        raise smtplib.SMTPRecipientsRefused(refused)


def imap_login(stack: Stack, user: str) -> IMAPClient:
    """A logged-in IMAPClient for `user`; the caller logs out."""
    client = IMAPClient(stack.host, port=stack.imap_port, ssl=False, timeout=30)
    client.login(user, stack.password)
    return client


def count_messages(stack: Stack, user: str, folder: str = "INBOX") -> int:
    """How many messages `user` has in `folder` (0 if the folder does not exist)."""
    client = imap_login(stack, user)
    try:
        if not client.folder_exists(folder):
            return 0
        client.select_folder(folder, readonly=True)
        return len(client.search("ALL"))
    finally:
        client.logout()


def wait_for_messages(stack: Stack, user: str, folder: str = "INBOX", count: int = 1,
                      timeout: float = 30.0) -> list[Message]:
    """Poll until `folder` holds at least `count` messages; return them parsed, oldest first."""
    deadline = time.monotonic() + timeout
    found = 0
    while True:
        client = imap_login(stack, user)
        try:
            if client.folder_exists(folder):
                client.select_folder(folder, readonly=True)
                uids = client.search("ALL")
                found = len(uids)
                if found >= count:
                    fetched = client.fetch(uids, ["BODY.PEEK[]"])
                    return [email.message_from_bytes(fetched[uid][b"BODY[]"]) for uid in uids]
        finally:
            client.logout()
        if time.monotonic() > deadline:
            raise AssertionError(f"{user}/{folder}: {found} message(s) after {timeout:.0f}s, "
                                 f"expected {count}")
        time.sleep(0.3)

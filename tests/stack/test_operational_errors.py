"""Expected operational failures are one plain line and exit code 2, through the real CLI.

Each case runs ``python -m bot`` against the local Postfix + Dovecot (or a
port where nothing listens, or a PostgreSQL port with no server).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from appfixtures import REPO, AppFactory
from conftest import Stack

from bot.app import App

pytestmark = pytest.mark.stack


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env(app: App, **extra: str) -> dict[str, str]:
    s = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVITEBOT_")}
    env.update({
        "INVITEBOT_DATABASE_URL": s.database_url, "INVITEBOT_STORE_DIR": str(s.store_dir),
        "INVITEBOT_SMTP_HOST": s.smtp.host, "INVITEBOT_SMTP_PORT": str(s.smtp.port),
        "INVITEBOT_IMAP_HOST": s.imap.host, "INVITEBOT_IMAP_PORT": str(s.imap.port),
        "INVITEBOT_IMAP_USER": s.imap.user or "",
        "INVITEBOT_IMAP_PASSWORD": s.imap.password.get_secret_value() if s.imap.password else "",
    })
    env.update(extra)
    return env


def _run(app: App, env: dict[str, str], *args: str) -> tuple[int, list[str]]:
    command, *rest = args
    result = subprocess.run([sys.executable, "-m", "bot", command, "-c", str(app.config_path),
                             *rest], cwd=REPO, env=env, capture_output=True, timeout=120)
    lines = result.stderr.decode().splitlines()
    return result.returncode, lines


def _one_line(code: int, lines: list[str], *needles: str) -> str:
    assert code == 2, lines
    text = "\n".join(lines)
    assert "Traceback" not in text and "b'" not in text and 'b"' not in text, text
    errors = [line for line in lines if line.startswith("invitebot: ")]
    assert len(errors) == 1, text
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def test_run_once_with_a_refused_imap_login(app_factory: AppFactory, mailstack: Stack) -> None:
    app = app_factory(missions=2)
    code, lines = _run(app, _env(app, INVITEBOT_IMAP_PASSWORD="wrong"), "run", "--once")
    _one_line(code, lines, f"IMAP server {mailstack.host}:{mailstack.imap_port}",
              "refused", "[AUTHENTICATIONFAILED] Authentication failed.")
    # The invitations went out (an event line); every other line is a
    # one-line warning of its own event (the Sent folder could be neither
    # searched nor given the copies) naming the same refused login. No
    # traceback: each line is a log record or the error.
    others = [line for line in lines if not line.startswith("invitebot: ")]
    stamped = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ ")
    assert all(stamped.match(line) for line in others), others
    warnings = [line for line in others if " WARNING " in line]
    assert all("AUTHENTICATIONFAILED" in line for line in warnings), warnings
    assert any(line.endswith("sent 2 message(s)") for line in others), others


def test_poll_with_a_refused_login(app_factory: AppFactory, mailstack: Stack) -> None:
    app = app_factory(missions=1)
    code, lines = _run(app, _env(app, INVITEBOT_IMAP_PASSWORD="wrong"), "poll")
    _one_line(code, lines, "login as", "refused", "AUTHENTICATIONFAILED")
    assert len(lines) == 1, lines


def test_an_unset_password_is_not_a_wrong_one(app_factory: AppFactory,
                                              mailstack: Stack) -> None:
    app = app_factory(missions=1)
    code, lines = _run(app, _env(app, INVITEBOT_IMAP_PASSWORD=""), "poll")
    _one_line(code, lines, "INVITEBOT_IMAP_USER is set but no password",
              "INVITEBOT_IMAP_PASSWORD_FILE")


def test_a_password_file_error_names_the_file(app_factory: AppFactory, tmp_path: Path,
                                              mailstack: Stack) -> None:
    app = app_factory(missions=1)
    missing = tmp_path / "no-such-secret"
    code, lines = _run(app, _env(app, INVITEBOT_IMAP_PASSWORD="",
                                 INVITEBOT_IMAP_PASSWORD_FILE=str(missing)), "poll")
    _one_line(code, lines, "INVITEBOT_IMAP_PASSWORD_FILE", str(missing),
              "No such file or directory")


def test_tls_to_a_plain_port(app_factory: AppFactory, mailstack: Stack) -> None:
    app = app_factory(missions=1)
    code, lines = _run(app, _env(app, INVITEBOT_IMAP_TLS="tls"), "poll")
    _one_line(code, lines, "TLS failed", "does not speak TLS")


def test_smtp_connection_refused_on_send(app_factory: AppFactory, mailstack: Stack) -> None:
    app = app_factory(missions=2)
    port = _closed_port()
    code, lines = _run(app, _env(app, INVITEBOT_SMTP_PORT=str(port)), "send", "--now")
    _one_line(code, lines, f"SMTP server 127.0.0.1:{port}", "connection refused",
              "2 message(s) stay queued")


def test_check_says_why_imap_is_unreachable(app_factory: AppFactory,
                                            mailstack: Stack) -> None:
    app = app_factory(missions=1)
    port = _closed_port()
    result = subprocess.run([sys.executable, "-m", "bot", "check", "-c", str(app.config_path)],
                            cwd=REPO, env=_env(app, INVITEBOT_IMAP_PORT=str(port)),
                            capture_output=True, timeout=120)
    out = result.stdout.decode()
    assert result.returncode == 1, out
    imap = next(line for line in out.splitlines() if line.startswith("FAIL imap"))
    assert f"127.0.0.1:{port}: connection refused" in imap, imap


def test_database_unreachable(app_factory: AppFactory, mailstack: Stack) -> None:
    app = app_factory(missions=1)
    url = f"postgresql+psycopg://invitebot:hunter2@127.0.0.1:{_closed_port()}/none"
    code, lines = _run(app, _env(app, INVITEBOT_DATABASE_URL=url), "status")
    line = _one_line(code, lines, "database postgresql+psycopg://invitebot:***@127.0.0.1",
                     "Connection refused")
    assert "hunter2" not in line

"""``invitebot poll`` shows progress on a large batch, and what it saved before a drop.

The drop is real: Dovecot of a private stack is stopped after the first
recorded batch (and stays down), through the CLI in-process.
"""

from __future__ import annotations

import subprocess
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Stack
from sqlmodel import select
from test_faults_inbound import append, make_app, replies, user_of

from bot import models
from bot.cli import main
from bot.inbound.intake import imap as intake
from bot.inbound.intake import poll

pytestmark = pytest.mark.stack


def _env(app: Any) -> dict[str, str]:
    s = app.settings
    return {"INVITEBOT_DATABASE_URL": s.database_url, "INVITEBOT_STORE_DIR": str(s.store_dir),
            "INVITEBOT_IMAP_HOST": s.imap.host, "INVITEBOT_IMAP_PORT": str(s.imap.port),
            "INVITEBOT_IMAP_USER": s.imap.user or "", "INVITEBOT_IMAP_PASSWORD": "secret",
            "INVITEBOT_PROCESS_WORKERS": "0"}


def test_large_poll_shows_progress(app_factory: Any, mailstack: Stack) -> None:
    app = make_app(app_factory, mailstack, missions=4)
    append(mailstack, app, replies(app, 450, filler_lines=5))
    result = CliRunner().invoke(main, ["poll", "-c", str(app.config_path)], env=_env(app))
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    fetched = [line for line in lines if line.startswith("fetched ") and " of 450 " in line]
    assert len(fetched) >= 2 and fetched[-1].startswith("fetched 450 of 450"), lines
    assert "processed 200 message(s)" in lines and "processed 400 message(s)" in lines, lines
    assert result.stdout.startswith("fetched 450, new 450"), result.stdout


def test_small_poll_prints_only_its_summary(app_factory: Any, mailstack: Stack) -> None:
    app = make_app(app_factory, mailstack, missions=2)
    append(mailstack, app, replies(app, 3, filler_lines=5))
    result = CliRunner().invoke(main, ["poll", "-c", str(app.config_path)], env=_env(app))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_drop_mid_poll_says_what_was_saved_first(app_factory: Any,
                                                   private_mailstack: Stack,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    stack = private_mailstack
    app = make_app(app_factory, stack, missions=4)
    append(stack, app, replies(app, 60, filler_lines=5))
    monkeypatch.setattr(intake, "BATCH_UIDS", 20)
    monkeypatch.setattr(poll, "FIRST_BACKOFF", 0.01)
    real_record = intake.record_batch
    batches = [0]

    def record_then_drop(*args: Any) -> None:
        real_record(*args)
        batches[0] += 1
        if batches[0] == 1:
            # A stopped Dovecot lets running sessions finish: cut them first.
            subprocess.run(["doveadm", "-c", str(stack.dir / "dovecot" / "dovecot.conf"),
                            "kick", user_of(app)], capture_output=True, check=False)
            stack.ctl("stop-imap")

    monkeypatch.setattr(intake, "record_batch", record_then_drop)
    try:
        result = CliRunner().invoke(main, ["poll", "-c", str(app.config_path)], env=_env(app))
    finally:
        stack.ctl("start-imap")
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert lines[-1].startswith("invitebot: IMAP server"), lines
    assert lines[-2].startswith("before the error: fetched 20, saved 20 new"), lines
    with app.session() as session:
        assert len(session.exec(select(models.InboundMessage)).all()) == 20

"""Passwords never leave the environment: not in output, logs, files, digests or reprs.

Every command an operator runs (check, poll, digest, export, status) is run
with distinctive SMTP and IMAP passwords in the environment, at -vv and
with --log-json, on the happy path, against a server that refuses the
login, and against servers that are not there. Everything each run
printed (stdout, stderr, any traceback) and every file it wrote is
searched for the passwords.
"""

from __future__ import annotations

import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import Stack, deliver, free_port, wait_for_messages
from inboundkit import seed_invitations

from bot.app import App
from bot.cli import main as cli
from bot.config.settings import load_settings

SMTP_SECRET = "Smtp-Pw-7hQ2zX9vLk"
IMAP_SECRET = "Imap-Pw-Rt5wQ8mNc3"
DB_SECRET = "Db-Pw-Jx4pL0sWe6"
SECRETS = (SMTP_SECRET, IMAP_SECRET, DB_SECRET)


def everything(result: Result) -> str:
    """What a person would see: stdout, stderr and any traceback."""
    text = result.stdout + result.stderr
    if result.exc_info is not None and not isinstance(result.exception, SystemExit):
        text += "".join(traceback.format_exception(*result.exc_info))
    if result.exception is not None:
        text += repr(result.exception) + str(result.exception)
    return text


def assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{where} shows a password: ...{text[:2000]}"


@pytest.fixture
def campaign(app_factory: Any, private_mailstack: Stack,
             tmp_path: Path) -> Iterator[tuple[App, dict[str, str]]]:
    # A private instance: Dovecot slows every login from an address after
    # failed ones (auth_penalty), which must not slow the shared instance down.
    mailstack = private_mailstack
    secretariat = f"sec-{uuid.uuid4().hex[:8]}@unodc.test"
    app: App = app_factory(missions=3, secretariat=secretariat, env={
        "INVITEBOT_SMTP_HOST": mailstack.host, "INVITEBOT_SMTP_PORT": str(mailstack.smtp_port),
        "INVITEBOT_IMAP_HOST": mailstack.host, "INVITEBOT_IMAP_PORT": str(mailstack.imap_port),
        "INVITEBOT_IMAP_USER": secretariat, "INVITEBOT_IMAP_PASSWORD": mailstack.password})
    invitations = seed_invitations(app)
    local, domain = secretariat.split("@")
    mission = app.config.missions[0]
    token = invitations[mission.code].token
    to = f"{local}+{token}@{domain}"
    reply = (f"From: {mission.email}\r\nTo: {to}\r\nSubject: Re: Invitation [{token}]\r\n"
             f"Message-ID: <{uuid.uuid4().hex}@m.test>\r\n\r\nWe will attend. Delegation:\r\n"
             "1. H.E. Ms. Maria Example, Ambassador, head of delegation\r\n").encode()
    deliver(mailstack, reply, mission.email, to)
    wait_for_messages(mailstack, secretariat)
    env = {
        "INVITEBOT_DATABASE_URL": str(app.settings.database_url),
        "INVITEBOT_STORE_DIR": str(app.settings.store_dir),
        "INVITEBOT_SMTP_HOST": mailstack.host, "INVITEBOT_SMTP_PORT": str(mailstack.smtp_port),
        "INVITEBOT_SMTP_PASSWORD": SMTP_SECRET,
        "INVITEBOT_IMAP_HOST": mailstack.host, "INVITEBOT_IMAP_PORT": str(mailstack.imap_port),
        "INVITEBOT_IMAP_USER": secretariat,
        # The test stack's one password; the distinctive one is used where the login fails.
        "INVITEBOT_IMAP_PASSWORD": mailstack.password,
        "INVITEBOT_SMTP_TIMEOUT": "5", "INVITEBOT_IMAP_TIMEOUT": "5",
    }
    yield app, env


def invoke(args: list[str], env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Result:
    # The poller backs off between reconnects; nobody needs to wait for that here.
    monkeypatch.setattr("bot.inbound.intake.poll.time.sleep", lambda _s: None)
    return CliRunner().invoke(cli, args, env=env)


LOG_FLAGS = (["-vv"], ["-vv", "--log-json"])


@pytest.mark.stack
def test_happy_path_commands_and_files(campaign: tuple[App, dict[str, str]], tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    app, env = campaign
    config = str(app.config_path)
    outputs: list[tuple[str, str]] = []
    first = invoke(["-vv", "poll", "-c", config, "--no-images"], env, monkeypatch)
    assert first.exit_code == 0, everything(first)
    outputs.append(("poll", everything(first)))
    for flags in LOG_FLAGS:
        for command in (["check"], ["poll", "--no-images"], ["digest"], ["digest", "--html"],
                        ["status"], ["export", "--format", "json"],
                        ["export", "--format", "csv", "--what", "messages"]):
            result = invoke([*flags, *command, "-c", config], env, monkeypatch)
            outputs.append((" ".join(flags + command), everything(result)))
    files = []
    for fmt in ("json", "csv", "xlsx"):
        for what in ("delegations", "messages"):
            out = tmp_path / f"export-{what}.{fmt}"
            result = invoke(["-vv", "export", "-c", config, "--format", fmt, "--what", what,
                             "-o", str(out)], env, monkeypatch)
            assert result.exit_code == 0, everything(result)
            files.append(out)
    for name, text in outputs:
        assert_clean(text, name)
    for path in files:
        assert_clean(path.read_bytes().decode("latin-1"), str(path))
    # The exports are not empty: the reply was taken in and shows up.
    assert "Maria Example" in (tmp_path / "export-delegations.json").read_text()
    assert any("digest" in name for name, _ in outputs)


@pytest.mark.stack
def test_refused_login(campaign: tuple[App, dict[str, str]],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    app, env = campaign
    # Dovecot refuses this password; SMTP gets a user, so the password is in play there too.
    env = {**env, "INVITEBOT_IMAP_PASSWORD": IMAP_SECRET, "INVITEBOT_SMTP_USER": "sec@unodc.test"}
    config = str(app.config_path)
    check = invoke(["-vv", "check", "-c", config], env, monkeypatch)
    assert check.exit_code == 1, everything(check)
    assert any(line.startswith("FAIL") and " imap " in line for line in check.stdout.splitlines())
    poll = invoke(["-vv", "--log-json", "poll", "-c", config, "--no-images"], env, monkeypatch)
    assert poll.exit_code != 0, everything(poll)
    send = invoke(["-vv", "--log-json", "digest", "--send", "-c", config], env, monkeypatch)
    for name, result in (("check", check), ("poll", poll), ("digest --send", send)):
        assert_clean(everything(result), name)


@pytest.mark.stack
@pytest.mark.parametrize("flags", LOG_FLAGS, ids=["text", "json"])
def test_unreachable_servers(campaign: tuple[App, dict[str, str]], flags: list[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    app, env = campaign
    closed = str(free_port())  # nothing listens there
    env = {**env, "INVITEBOT_IMAP_PASSWORD": IMAP_SECRET, "INVITEBOT_SMTP_USER": "sec@unodc.test",
           "INVITEBOT_IMAP_PORT": closed, "INVITEBOT_SMTP_PORT": closed}
    config = str(app.config_path)
    results = {name: invoke([*flags, *args, "-c", config], env, monkeypatch) for name, args in (
        ("check", ["check"]), ("poll", ["poll", "--no-images"]),
        ("digest --send", ["digest", "--send"]), ("status", ["status"]))}
    assert results["check"].exit_code == 1
    assert results["poll"].exit_code != 0
    for name, result in results.items():
        assert_clean(everything(result), name)


def test_database_password_is_not_shown(app_factory: Any, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    app: App = app_factory(missions=1)
    url = f"postgresql+psycopg://invitebot:{DB_SECRET}@127.0.0.1:{free_port()}/invitebot"
    env = {"INVITEBOT_DATABASE_URL": url, "INVITEBOT_SMTP_PASSWORD": SMTP_SECRET,
           "INVITEBOT_IMAP_PASSWORD": IMAP_SECRET}
    for flags in LOG_FLAGS:
        result = invoke([*flags, "status", "-c", str(app.config_path)], env, monkeypatch)
        assert result.exit_code != 0
        assert_clean(everything(result), "status with an unreachable database")


def test_settings_and_app_reprs_hide_passwords(tmp_path: Path) -> None:
    secret_file = tmp_path / "imap-password"
    secret_file.write_text(IMAP_SECRET + "\n")
    settings = load_settings({"INVITEBOT_SMTP_PASSWORD": SMTP_SECRET,
                              "INVITEBOT_IMAP_PASSWORD_FILE": str(secret_file)})
    assert settings.imap.password is not None
    assert settings.imap.password.get_secret_value() == IMAP_SECRET
    app = App(config_path=tmp_path / "campaign.yaml", _settings=settings)
    for text in (repr(settings), str(settings), settings.model_dump_json(),
                 str(settings.model_dump()), repr(settings.smtp), repr(app), f"{settings}"):
        assert_clean(text, "a repr")


def test_poll_against_an_unreachable_server_says_so_in_one_line(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app: App = app_factory(missions=1)
    env = {"INVITEBOT_DATABASE_URL": str(app.settings.database_url),
           "INVITEBOT_IMAP_PORT": str(free_port()), "INVITEBOT_IMAP_USER": "sec@unodc.test",
           "INVITEBOT_IMAP_PASSWORD": IMAP_SECRET}
    result = invoke(["poll", "-c", str(app.config_path)], env, monkeypatch)
    assert isinstance(result.exception, SystemExit), everything(result)
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr

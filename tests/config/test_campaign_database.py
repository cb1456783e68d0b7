"""The database belongs to the campaign, and a campaign never starts afresh silently.

Through the real CLI: the database location follows the campaign file, not
the current folder; ``send`` on a database that does not know a campaign
looks in the real Sent folder (Dovecot) and refuses if invitations for it
are already there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from appfixtures import write_campaign
from conftest import Stack, count_messages

from bot.app import App
from bot.config.settings import load_settings
from bot.location import locate


def _env(stack: Stack | None, config: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVITEBOT_")}
    if stack is not None:
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        env.update({
            "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port),
            "INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
            "INVITEBOT_IMAP_USER": data["mail"]["reply_to"],
            "INVITEBOT_IMAP_PASSWORD": stack.password,
        })
    env.update(extra)
    return env


def _cli(config: Path, env: dict[str, str], cwd: Path,
         *args: str) -> subprocess.CompletedProcess[str]:
    command, *rest = args
    return subprocess.run([sys.executable, "-m", "bot", command, "-c", str(config), *rest],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def _invitations(database: Path) -> int:
    app = App(config_path=Path("unused"), _settings=load_settings(
        {"INVITEBOT_DATABASE_URL": f"sqlite:///{database}"}))
    from sqlalchemy import func
    from sqlmodel import select

    from bot import models

    with app.session() as session:
        return int(session.exec(select(func.count()).select_from(models.Invitation)).one())


def test_status_from_another_folder_uses_the_campaign_folder(tmp_path: Path) -> None:
    config = write_campaign(tmp_path / "campaign", missions=3)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = _cli(config, _env(None, config), elsewhere, "status")
    assert result.returncode == 0, result.stderr
    assert not (elsewhere / "var").exists()
    assert (config.parent / "var" / "invitebot.db").is_file()
    # The same from the campaign's own folder: the same database, not a second one.
    result = _cli(Path("campaign.yaml"), _env(None, config), config.parent, "status")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (config.parent / "var").iterdir() if p.suffix == ".db") == [
        "invitebot.db"]


def test_database_key_is_relative_to_the_campaign_file(tmp_path: Path) -> None:
    config = write_campaign(tmp_path / "c", missions=2, database="data/results.db")
    result = _cli(config, _env(None, config), tmp_path, "status")
    assert result.returncode == 0, result.stderr
    assert (config.parent / "data" / "results.db").is_file()
    assert not (tmp_path / "data").exists() and not (tmp_path / "var").exists()


def test_location_rules() -> None:
    base = Path("/srv/campaign")
    assert locate({}, base, None) == ("sqlite:////srv/campaign/var/invitebot.db",
                                      Path("/srv/campaign/var/store"))
    assert locate({}, base, "data/x.db") == ("sqlite:////srv/campaign/data/x.db",
                                             Path("/srv/campaign/data/store"))
    assert locate({}, base, "postgresql+psycopg://u@h/db")[1] == Path(
        "/srv/campaign/var/store")
    assert locate({}, base, "postgresql+psycopg://u@h/db")[0] == "postgresql+psycopg://u@h/db"
    env = {"INVITEBOT_DATABASE_URL": "sqlite:///rel/y.db", "INVITEBOT_STORE_DIR": "st"}
    assert locate(env, base, "x.db") == ("sqlite:////srv/campaign/rel/y.db",
                                         Path("/srv/campaign/st"))
    assert locate({"INVITEBOT_VAR_DIR": "/var/lib/invitebot"}, base, None)[0] == (
        "sqlite:////var/lib/invitebot/invitebot.db")


@pytest.mark.stack
def test_send_on_a_database_that_does_not_know_the_campaign(tmp_path: Path,
                                                            mailstack: Stack) -> None:
    config = write_campaign(tmp_path / "c", missions=3)
    secretariat = yaml.safe_load(config.read_text(encoding="utf-8"))["mail"]["reply_to"]
    first = _cli(config, _env(mailstack, config), tmp_path, "send", "--now")
    assert first.returncode == 0, first.stderr
    assert count_messages(mailstack, secretariat, "Sent") == 3
    # Another database (another folder's default, or a wrong URL): refused, one line.
    other = tmp_path / "other.db"
    env = _env(mailstack, config, INVITEBOT_DATABASE_URL=f"sqlite:///{other}")
    for args in (("send", "--now"), ("send", "--dry-run", "--out", str(tmp_path / "dry"))):
        refused = _cli(config, env, tmp_path, *args)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in refused.stderr, refused.stderr
        assert "holds 3 already sent" in lines[0] and "--new-database-ok" in lines[0], lines[0]
    assert _invitations(other) == 0
    assert count_messages(mailstack, secretariat, "Sent") == 3
    # The way forward the line names.
    forced = _cli(config, env, tmp_path, "send", "--now", "--new-database-ok")
    assert forced.returncode == 0, forced.stderr
    assert _invitations(other) == 3


@pytest.mark.stack
def test_campaigns_sharing_a_database_and_a_mailbox(tmp_path: Path, mailstack: Stack) -> None:
    first = write_campaign(tmp_path / "a", missions=2)
    data = yaml.safe_load(first.read_text(encoding="utf-8"))
    reference = data["meeting"]["reference"]
    secretariat = data["mail"]["reply_to"]
    shared = f"sqlite:///{tmp_path / 'shared.db'}"
    sent = _cli(first, _env(mailstack, first, INVITEBOT_DATABASE_URL=shared), tmp_path,
                "send", "--now")
    assert sent.returncode == 0, sent.stderr
    # A second campaign of the same secretariat, its reference a prefix of the first's:
    # the server's substring search finds the first's mail, the exact check does not.
    second = write_campaign(tmp_path / "b", missions=2, secretariat=secretariat,
                            meeting__reference=reference[:-2])
    result = _cli(second, _env(mailstack, second, INVITEBOT_DATABASE_URL=shared), tmp_path,
                  "send", "--now")
    assert result.returncode == 0, result.stderr
    assert "sent 2" in result.stdout
    assert count_messages(mailstack, secretariat, "Sent") == 4

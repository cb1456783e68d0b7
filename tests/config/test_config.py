"""The campaign file and mission list: good files load, bad ones name file, key and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config.campaign import load_campaign, load_config
from bot.config.missions import load_missions
from bot.config.settings import load_settings
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "config" / "campaign.example.yaml"


def test_example_campaign_loads() -> None:
    config = load_config(EXAMPLE)
    meeting = config.campaign.meeting
    assert meeting.reference == "CU 2009/33 (A)"
    assert str(meeting.start) == "2009-04-14" and str(meeting.end) == "2009-04-15"
    assert config.campaign.attachments[0].name == "information-note.pdf"
    assert config.campaign.attachments[0].is_file()
    codes = [m.code for m in config.missions]
    assert "NE" in codes and "NG" in codes and len(codes) == len(set(codes))
    assert {m.language for m in config.missions} <= {"en", "fr", "es", "ru", "ar", "zh"}


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    return _write(tmp_path, text.replace(old, new))


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def test_bad_email_names_file_key_and_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "address: secretariat@unodc.test", "address: not-an-address")
    with pytest.raises(ConfigError) as err:
        load_campaign(path)
    line = _line_of(path, "not-an-address")
    assert f"{path}:{line}: mail.sender.address" in str(err.value)


def test_unknown_key_is_reported(tmp_path: Path) -> None:
    path = _broken(tmp_path, "  concurrency: 2", "  concurency: 2")
    with pytest.raises(ConfigError) as err:
        load_campaign(path)
    assert f"{path}:{_line_of(path, 'concurency')}: mail.concurency" in str(err.value)


def test_bad_date_and_timezone(tmp_path: Path) -> None:
    path = _broken(tmp_path, "reply_deadline: 2009-03-20", "reply_deadline: soon")
    path.write_text(path.read_text().replace("Europe/Vienna", "Europe/Atlantis"))
    with pytest.raises(ConfigError) as err:
        load_campaign(path)
    message = str(err.value)
    assert f":{_line_of(path, 'reply_deadline')}: schedule.reply_deadline" in message
    assert "Europe/Atlantis" in message and "meeting.timezone" in message


def test_missing_required_key(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace('  reference: "CU 2009/33 (A)"\n', "")
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=r"meeting\.reference: Field required"):
        load_campaign(path)


def test_invalid_yaml_gives_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "meeting:\n  reference: [unclosed\n")
    with pytest.raises(ConfigError, match=r"campaign.yaml:\d+: invalid YAML"):
        load_campaign(path)


def test_missing_attachment(tmp_path: Path) -> None:
    path = _broken(tmp_path, "information-note.pdf", "no-such-note.pdf")
    (tmp_path / "missions.example.csv").write_text(
        (REPO / "config" / "missions.example.csv").read_text())
    with pytest.raises(ConfigError, match=r"attachments\.0: file not found"):
        load_config(path)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("X1,Xland,Mission,not-mail,,en", "line 3|:3: email"),
        ("X1,Xland,Mission,a@b.test,,klingon", ":3: language"),
        ("X 1,Xland,Mission,a@b.test,,en", ":3: code"),
        ("AT,Xland,Mission,a@b.test,,en", ":3: code: 'AT' already used on line 2"),
        ("X1,,Mission,a@b.test,,en", ":3: country: empty"),
        ("X1,Xland,Mission,a@b.test,bad cc,en", ":3: cc"),
    ],
)
def test_bad_mission_rows(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "missions.csv"
    path.write_text("code,country,mission_name,email,cc,language\n"
                    "AT,Austria,PM Austria,pm-at@missions.test,,en\n" + row + "\n")
    with pytest.raises(ConfigError, match=message):
        load_missions(path)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "missions.csv"
    path.write_text("code,country,email\nAT,Austria,a@b.test\n")
    with pytest.raises(ConfigError, match="missing column"):
        load_missions(path)


def test_check_reports_bad_config_in_one_line(tmp_path: Path) -> None:
    path = _broken(tmp_path, "address: secretariat@unodc.test", "address: nope")
    result = CliRunner().invoke(main, ["check", "--no-servers", "-c", str(path)])
    assert result.exit_code == 2
    assert "mail.sender.address" in result.output
    assert "Traceback" not in result.output


def test_secrets_only_from_environment(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("s3cret-from-file\n")
    settings = load_settings({"INVITEBOT_SMTP_PASSWORD_FILE": str(secret),
                              "INVITEBOT_IMAP_TLS": "starttls",
                              "INVITEBOT_IMAP_PASSWORD": "direct-pw"})
    assert settings.smtp.password is not None
    assert settings.smtp.password.get_secret_value() == "s3cret-from-file"
    assert "s3cret" not in repr(settings) and "direct-pw" not in repr(settings)
    assert settings.imap.tls == "starttls" and settings.imap.verify is True
    with pytest.raises(ConfigError, match="INVITEBOT_SMTP_TLS"):
        load_settings({"INVITEBOT_SMTP_TLS": "maybe"})
    with pytest.raises(ConfigError, match="INVITEBOT_SMTP_VERIFY"):
        load_settings({"INVITEBOT_SMTP_VERIFY": "perhaps"})

"""Mission-list and campaign fields have limits; every header line stays within RFC 5322's 998."""

from __future__ import annotations

import csv
from email.header import decode_header, make_header
from email.parser import BytesParser
from email.utils import getaddresses
from pathlib import Path

import pytest
import yaml
from appfixtures import AppFactory
from click.testing import CliRunner

from bot.cli import main
from bot.config.missions import MAX_NAME, ListedMission
from bot.mail.compose import composer_for
from bot.mail.outbox import make_message_id
from bot.tokens import new_token


def _rewrite_mission(config: Path, **fields: str) -> None:
    path = config.parent / "missions.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[1].update(fields)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def _check(config: Path) -> list[str]:
    result = CliRunner().invoke(main, ["check", "-c", str(config), "--no-servers"])
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    return result.output.splitlines()


@pytest.mark.parametrize(("field", "value", "needle"), [
    ("mission_name", "M" * 100_000, "mission_name: 100,000 characters, at most 200"),
    ("country", "C" * 5_000, "country: 5,000 characters, at most 200"),
    ("email", "a" * 300 + "@x.test", "email: 307 characters, at most 254"),
    ("cc", ";".join(f"c{i}@x.test" for i in range(50)), "cc: 50 addresses, at most 10"),
])
def test_overlong_mission_fields_fail_check_with_their_line(app_factory: AppFactory,
                                                            field: str, value: str,
                                                            needle: str) -> None:
    app = app_factory(missions=3)
    _rewrite_mission(app.config_path, **{field: value})
    lines = _check(app.config_path)
    hit = [line for line in lines if needle in line]
    assert hit and "missions.csv:3:" in hit[0], lines
    # The error never echoes the huge value back.
    assert all(len(line) < 400 for line in lines), max(len(line) for line in lines)


def test_overlong_campaign_fields_fail_check_with_their_line(app_factory: AppFactory) -> None:
    app = app_factory(missions=1)
    data = yaml.safe_load(app.config_path.read_text(encoding="utf-8"))
    data["meeting"]["title"] = "T" * 10_000
    data["mail"]["sender"]["name"] = "S" * 1_000
    app.config_path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    text = "\n".join(_check(app.config_path))
    assert "meeting.title: String should have at most 300 characters" in text, text
    assert "mail.sender.name: String should have at most 200 characters" in text, text
    assert "campaign.yaml:" in text


@pytest.mark.parametrize("name", [
    "N" * MAX_NAME,
    ("Mission permanente de la République démocratique du " * 5)[:MAX_NAME],
    ("البعثة الدائمة لجمهورية " * 10)[:MAX_NAME],
    ("中华人民共和国常驻联合国代表团" * 20)[:MAX_NAME],
])
def test_longest_names_fold_within_the_line_limit(app_factory: AppFactory, name: str) -> None:
    app = app_factory(missions=1)
    composer = composer_for(app.config)
    recipient = ListedMission("TL", "Testland", name, "pm-tl@missions.test", (), "en")
    raw, _subject = composer.invitation_raw(recipient, new_token(),
                                            make_message_id("test", "unodc.test"))
    head = raw.split(b"\r\n\r\n", 1)[0]
    lines = head.split(b"\r\n")
    assert max(len(line) for line in lines) <= 998
    # Generated headers fold at about 78, as RFC 5322 recommends.
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)
    message = BytesParser().parsebytes(raw)
    [(display, address)] = getaddresses([str(message["To"])])
    assert address == "pm-tl@missions.test"
    assert str(make_header(decode_header(display))) == name

"""Campaign files: informational letters, the shipped examples, proofreading before send_at."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.config.campaign import load_campaign, load_config
from bot.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]
PGA = REPO / "examples" / "pga-2017-06-13"
UNODC = REPO / "examples" / "unodc-cu-2009-33"


def test_informational_campaign_needs_no_deadline_nor_reminder_templates() -> None:
    config = load_config(PGA / "campaign.yaml")
    campaign = config.campaign
    assert campaign.expects_reply is False
    assert campaign.schedule.reply_deadline is None
    assert campaign.token_in_subject is False and campaign.reminders_enabled is False
    assert not list((PGA / "templates").glob("reminder.*"))


def test_a_campaign_expecting_replies_still_needs_its_deadline(tmp_path: Path) -> None:
    text = (UNODC / "campaign.yaml").read_text(encoding="utf-8")
    text = text.replace("  reply_deadline: 2009-03-31\n", "")
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row == "schedule:")
    with pytest.raises(ConfigError) as err:
        load_campaign(path)
    assert str(err.value) == (f"{path}:{line}: schedule.reply_deadline: is required unless "
                              "expects_reply is false (an informational letter)")


def test_token_in_subject_can_be_asked_for_in_an_informational_letter(tmp_path: Path) -> None:
    text = (PGA / "campaign.yaml").read_text(encoding="utf-8").replace(
        "  reply_to: pga-office@un.test\n",
        "  reply_to: pga-office@un.test\n  token_in_subject: true\n")
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_campaign(path).token_in_subject is True


@pytest.mark.parametrize("example", [PGA, UNODC], ids=lambda p: p.name)
def test_examples_pass_check_without_servers(example: Path, tmp_path: Path) -> None:
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    result = CliRunner(env=env).invoke(
        main, ["check", "--no-servers", "-c", str(example / "campaign.yaml")])
    assert result.exit_code == 0, result.output
    assert "8 missions rendered" in result.output


def test_enclosures_are_what_the_generator_writes() -> None:
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen-example-pdfs"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    pdf = (PGA / "co-facilitators-letter.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.4") and b"/MediaBox [0 0 595 842]" in pdf


def test_send_dry_run_renders_before_send_at(tmp_path: Path) -> None:
    shutil.copytree(PGA, tmp_path / "pga")
    config = tmp_path / "pga" / "campaign.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "send_at: 2017-06-13T17:00:00", "send_at: 2099-06-13T17:00:00"), encoding="utf-8")
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    out = tmp_path / "out"
    runner = CliRunner(env=env)
    result = runner.invoke(main, ["send", "--dry-run", "--out", str(out), "-c", str(config)])
    assert result.exit_code == 0, result.output
    assert "dry run: 8 message(s) rendered" in result.output
    assert len(list(out.glob("*.eml"))) == 8
    refused = runner.invoke(main, ["send", "-c", str(config)])
    assert "not due until 2099-06-13 17:00 EDT" in refused.output


def test_check_warns_about_missing_languages_and_dates(tmp_path: Path) -> None:
    shutil.copytree(UNODC, tmp_path / "unodc")
    config = tmp_path / "unodc" / "campaign.yaml"
    config.write_text(config.read_text(encoding="utf-8")
                      .replace("languages: [en, fr, es]", "languages: [en, fr, es, ru]")
                      .replace("send_at: 2009-03-04T09:00:00", "send_at: 2009-04-16T09:00:00")
                      .replace("reply_deadline: 2009-03-31", "reply_deadline: 2009-04-20"),
                      encoding="utf-8")
    missions = tmp_path / "unodc" / "missions.csv"
    missions.write_text(missions.read_text(encoding="utf-8").replace(
        "pm-at@vienna.missions.test,,en,", "pm-at@vienna.missions.test,,ru,"), encoding="utf-8")
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    result = CliRunner(env=env).invoke(main, ["check", "--no-servers", "-c", str(config)])
    assert result.exit_code == 0, result.output
    templates = tmp_path / "unodc" / "templates"
    warnings = [line for line in result.output.splitlines() if line.startswith("warn")]
    assert warnings[:2] == [
        f"warn languages  no invitation.ru.txt in {templates}: 1 mission(s) (AT) would get en",
        f"warn languages  no reminder.ru.txt in {templates}: 1 mission(s) (AT) would get en",
    ]
    assert "warn dates      schedule.reply_deadline 2009-04-20 is already past" in result.output
    assert ("warn dates      schedule.reply_deadline 2009-04-20 is after the meeting opens "
            "(2009-04-14)") in result.output
    assert ("warn dates      schedule.send_at 2009-04-16 09:00 is after the meeting ends "
            "(2009-04-15)") in result.output


def test_check_names_addresses_that_bounced_in_another_campaign(tmp_path: Path) -> None:
    import uuid
    from datetime import UTC, datetime

    from appfixtures import REPO as ROOT
    from appfixtures import write_campaign
    from sqlmodel import select

    from bot import models
    from bot.app import App
    from bot.config.settings import load_settings

    database = tmp_path / "shared.db"
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{database}"}
    domain = f"m{uuid.uuid4().hex[:6]}.test"
    earlier, later = (write_campaign(tmp_path / n, missions=3, domain=domain) for n in "ab")
    runner = CliRunner(env=env)
    first = runner.invoke(main, ["check", "--no-servers", "-c", str(later),
                                 "--templates", str(ROOT / "templates")])
    assert first.exit_code == 0, first.output
    assert "history" not in first.output and not database.exists()  # check creates no database
    app = App(config_path=earlier, template_dir=ROOT / "templates", _settings=load_settings(env))
    campaign_id = app.campaign_id()
    with app.session() as session:
        mission = session.exec(select(models.Mission).where(
            models.Mission.campaign_id == campaign_id, models.Mission.code == "M001")).one()
        assert mission.id is not None
        session.add(models.Invitation(
            campaign_id=campaign_id, mission_id=mission.id, token="ABCD-EFG",
            status=models.InvitationStatus.BOUNCED, error="5.1.1 user unknown",
            last_event_at=datetime(2026, 3, 2, 10, 0, tzinfo=UTC)))
    reference = app.config.campaign.meeting.reference
    result = runner.invoke(main, ["check", "--no-servers", "-c", str(later),
                                  "--templates", str(ROOT / "templates")])
    assert result.exit_code == 0, result.output
    assert (f"warn history    pm-m001@{domain} bounced in campaign {reference!r} on "
            "2026-03-02: 5.1.1 user unknown") in result.output
    assert result.output.count("warn history") == 1

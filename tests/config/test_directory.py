"""The shipped UN directory, ``missions init`` and ``init DIR``: lists and campaigns to fill in."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from bot.cli import main
from bot.config.directory import DIRECTORY, load_directory
from bot.config.missions import read_mission_list

REPO = Path(__file__).resolve().parents[2]


def test_directory_holds_member_states_observers_and_no_address() -> None:
    entries = load_directory()
    members = [e for e in entries if e.type == "member_state"]
    assert len(members) == 193 and len({e.iso for e in members}) == 193
    assert {"VA", "PS"} == {e.code for e in entries if e.type == "observer_state"}
    assert {"EU", "IOM", "AFRU"} <= {e.code for e in entries if e.type == "igo"}
    assert all(e.iso == "" for e in entries if e.type in ("igo", "other"))
    assert len({e.code for e in entries}) == len(entries)
    for entry in entries:
        assert set(entry.names) == {"en", "fr", "es", "ru", "ar", "zh"}, entry.code
        for name in entry.names.values():
            assert name and "," not in name and "\u060c" not in name and "(" not in name
    assert "@" not in DIRECTORY.read_text(encoding="utf-8")
    by_code = {e.code: e.names for e in entries}
    assert by_code["TR"]["fr"] == "Turquie" and by_code["KR"]["en"] == "Republic of Korea"
    assert by_code["VA"]["zh"] == "教廷"


def test_directory_is_what_the_generator_writes() -> None:
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen-un-directory"),
                           "--check"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def _fill_addresses(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    fields = list(rows[0])
    for row in rows:
        row["email"] = f"pm-{row['code'].lower()}@missions.test"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fields)
        writer.writeheader()
        writer.writerows(rows)


def test_missions_init_writes_a_list_to_fill_in(tmp_path: Path) -> None:
    out = tmp_path / "missions.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["missions", "init", "--member-states", "--observers",
                                  "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote 210 missions to {out}" in result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    again = runner.invoke(main, ["missions", "init", "--observers", "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
    _fill_addresses(out)
    listed = read_mission_list(out).missions
    kinds = [m.type for m in listed]
    assert kinds == sorted(kinds, key=["member_state", "observer_state", "igo", "other"].index)
    holy_see = next(m for m in listed if m.code == "VA")
    assert holy_see.type == "observer_state" and holy_see.name_in("fr") == "Saint-Siège"
    assert holy_see.mission_name == ("Permanent Observer Mission of the Holy See to the "
                                     "United Nations")
    netherlands = next(m for m in listed if m.code == "NL")
    assert netherlands.mission_name.startswith("Permanent Mission of the ")


def test_init_writes_a_campaign_that_checks_once_addresses_are_in(tmp_path: Path) -> None:
    target = tmp_path / "meeting"
    runner = CliRunner(env={"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for lang in ("en", "fr", "es", "ru", "ar", "zh"):
        assert (target / "templates" / f"invitation.{lang}.txt").is_file()
        assert (target / "templates" / f"reminder.{lang}.txt").is_file()
    config = target / "campaign.yaml"
    assert "# true: the letter asks for an answer" in config.read_text(encoding="utf-8")
    first = runner.invoke(main, ["check", "--no-servers", "-c", str(config)])
    assert first.exit_code == 2
    assert f"{target / 'missions.csv'}:2: email: empty (the mission's official address)" in (
        first.output)
    assert "... and 190 more error(s)" in first.output
    _fill_addresses(target / "missions.csv")
    checked = runner.invoke(main, ["check", "--no-servers", "-c", str(config)])
    assert checked.exit_code == 0, checked.output
    assert "ok   templates  210 missions rendered" in checked.output
    assert runner.invoke(main, ["init", str(target)]).exit_code == 2
    assert json.loads(DIRECTORY.read_text(encoding="utf-8"))


def test_missions_init_takes_the_addresses_of_the_latest_campaign(tmp_path: Path) -> None:
    from sqlmodel import select

    from bot import models
    from bot.app import App
    from bot.config.settings import load_settings

    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    app = App(config_path=REPO / "examples" / "unodc-cu-2009-33" / "campaign.yaml",
              _settings=load_settings(env))
    campaign_id = app.campaign_id()
    with app.session() as session:
        holy_see = session.exec(select(models.Mission).where(
            models.Mission.campaign_id == campaign_id, models.Mission.code == "VA")).one()
        assert holy_see.id is not None
        session.add(models.Invitation(campaign_id=campaign_id, mission_id=holy_see.id,
                                      token="ABCD-EFG", status=models.InvitationStatus.BOUNCED))
    out = tmp_path / "next.csv"
    result = CliRunner(env=env).invoke(main, ["missions", "init", "--member-states",
                                              "--observers", "--addresses-from-database",
                                              "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 210 missions" in result.output
    assert "7 with the addresses of earlier campaigns" in result.output
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = {r["code"]: r for r in csv.DictReader(handle)}
    assert rows["ES"]["email"] == "pm-es@vienna.missions.test"
    assert rows["ES"]["cc"] == "consular-es@vienna.missions.test"
    assert rows["ES"]["language"] == "es"
    assert rows["ES"]["note"] == "from campaign 'CU 2009/33 (A)'"
    assert rows["VA"]["email"] == ""
    assert rows["VA"]["note"] == "pm-va@vienna.missions.test bounced in campaign 'CU 2009/33 (A)'"
    assert rows["GH"]["email"] == "" and rows["GH"]["note"] == ""

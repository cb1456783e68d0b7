"""Exports match the interface contract of DESIGN.md (JSON, CSV, XLSX, participants)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from service_seed import seed_results

from bot.cli import main
from bot.results import export, sheets
from bot.results.records import DelegateRecord, load_missions
from bot.service.participants import participant_line, participants_text, surname_caps

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
STATUSES = {"pending", "sent", "failed", "bounced", "replied", "needs_review"}
DECISIONS = {"accept", "decline", "undecided", None}
ROLES = {"head", "alternate", "member", "adviser", None}
OPT_STR = (str, type(None))


def check_delegation(item: dict[str, Any]) -> None:
    """The contract, field by field: exact keys, types and value sets."""
    assert set(item) == {"mission_code", "country", "status", "decision", "delegates",
                         "messages", "to_confirm"}
    assert isinstance(item["to_confirm"], OPT_STR)
    assert isinstance(item["mission_code"], str) and item["mission_code"]
    assert isinstance(item["country"], str)
    assert item["status"] in STATUSES
    assert item["decision"] in DECISIONS
    assert isinstance(item["messages"], list)
    assert all(isinstance(m, str) for m in item["messages"])
    for person in item["delegates"]:
        assert set(person) == {"honorific", "name", "title", "role", "email", "phone",
                               "confidence"}
        assert isinstance(person["name"], str) and person["name"]
        for key in ("honorific", "title", "email", "phone"):
            assert isinstance(person[key], OPT_STR)
        assert person["role"] in ROLES
        assert isinstance(person["confidence"], float) and 0 <= person["confidence"] <= 1


def check_message(item: dict[str, Any]) -> None:
    assert set(item) == {"message_id", "received_at", "from", "subject", "classification",
                         "mission_code", "match_method", "confidence", "status", "error",
                         "decision", "operation", "cue", "to_confirm", "delegates"}
    assert item["decision"] in DECISIONS
    assert item["operation"] in {"first", "add", "replace", "remove", "withdraw", "complete",
                                 "resend", "none", "staff", None}
    assert isinstance(item["cue"], OPT_STR) and isinstance(item["to_confirm"], OPT_STR)
    assert all(set(p) == {"honorific", "name", "title", "role", "email", "phone",
                          "confidence"} for p in item["delegates"])
    assert isinstance(item["message_id"], str)
    datetime.fromisoformat(item["received_at"])
    assert item["status"] in {"new", "processed", "needs_review", "failed", "dismissed"}
    assert item["classification"] in {"reply", "auto_reply", "bounce", "unrelated",
                                      "staff_entry", None}
    assert isinstance(item["confidence"], (float, type(None)))


def invoke(app_config: Path, *args: str) -> bytes:
    result = CliRunner().invoke(main, ["export", "-c", str(app_config), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture
def seeded(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    app = app_factory(missions=9)
    seeded = seed_results(app, NOW)
    for key, value in {"INVITEBOT_DATABASE_URL": app.settings.database_url,
                       "INVITEBOT_STORE_DIR": str(app.settings.store_dir)}.items():
        monkeypatch.setenv(key, value)
    return app, seeded


def test_json_delegations_follow_the_contract(seeded: Any) -> None:
    app, data = seeded
    items = json.loads(invoke(app.config_path, "--format", "json"))
    assert len(items) == 9
    for item in items:
        check_delegation(item)
    by_code = {i["mission_code"]: i for i in items}
    assert {c: by_code[c]["status"] for c in by_code} == data.codes
    first = by_code["M000"]
    assert first["decision"] == "accept"
    assert [d["name"] for d in first["delegates"]] == ["Anna Berger", "Johann Schmidt"]
    assert first["delegates"][1]["role"] == "head"
    assert len(first["messages"]) == 1 and first["messages"][0].startswith("<")
    assert by_code["M001"]["decision"] == "decline"
    assert by_code["M008"] == {"mission_code": "M008", "country": "Country 8",
                               "status": "pending", "decision": None, "delegates": [],
                               "messages": [], "to_confirm": None}


def test_mission_without_invitation_is_pending(app_factory: Any) -> None:
    app = app_factory(missions=2)
    campaign_id = app.campaign_id()
    with app.session() as session:
        items = export.delegations(session, campaign_id)
    assert [i["status"] for i in items] == ["pending", "pending"]


def test_json_messages_follow_the_contract(seeded: Any) -> None:
    app, _data = seeded
    items = json.loads(invoke(app.config_path, "--format", "json", "--what", "messages"))
    assert len(items) == 4  # accept, decline, review, and the unmatched broken one
    for item in items:
        check_message(item)
    broken = [i for i in items if i["status"] == "failed"]
    assert len(broken) == 1
    assert broken[0]["mission_code"] is None and broken[0]["error"] == "PDF too many pages"


def test_csv_one_row_per_delegate(seeded: Any) -> None:
    app, _data = seeded
    raw = invoke(app.config_path, "--format", "csv")
    assert raw.startswith(b"\xef\xbb\xbfmission_code,")  # UTF-8 BOM, for Excel
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == ",".join(export.DELEGATION_COLUMNS)
    # 9 missions, M000 has two delegates.
    assert len(rows) == 10
    assert [r["name"] for r in rows if r["mission_code"] == "M000"] == ["Anna Berger",
                                                                         "Johann Schmidt"]
    assert [r["name"] for r in rows if r["mission_code"] == "M005"] == [""]


def test_xlsx_readable_by_openpyxl(seeded: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    app, _data = seeded
    out = tmp_path / "d.xlsx"
    invoke(app.config_path, "--format", "xlsx", "-o", str(out))
    book = load_workbook(out)
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    # Headings for people, in the digest language; no confidence unless asked.
    assert rows[0] == ("Mission code", "Country", "Status", "Decision", "Honorific", "Name",
                       "Title", "Role", "Email", "Phone")
    assert [c for c in export.DELEGATION_COLUMNS if c != "confidence"] == list(
        sheets.headings("delegations", "en"))[:10]
    # 9 missions, M000 with two delegates; the two silent ones have their own sheet.
    assert len(rows) == 9
    assert rows[2][:6] == ("M000", "Country 0", "replied", "accept", "H.E. Mr.", "Johann Schmidt")
    assert book.sheetnames == ["Delegations", "Silent missions"]
    silent = list(book["Silent missions"].iter_rows(values_only=True))
    assert silent == [("Mission code", "Country"), ("M005", "Country 5"), ("M006", "Country 6")]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J9"
    assert sheet.column_dimensions["F"].width == len("Johann Schmidt") + 2


def test_xlsx_without_output_is_refused(seeded: Any) -> None:
    app, _data = seeded
    result = CliRunner().invoke(main, ["export", "-c", str(app.config_path), "--format", "xlsx"])
    assert result.exit_code != 0
    assert "-o FILE" in result.output


def test_participants_docx(seeded: Any, tmp_path: Path) -> None:
    from docx import Document

    app, _data = seeded
    out = tmp_path / "lop.docx"
    invoke(app.config_path, "--format", "participants", "-o", str(out))
    paragraphs = [p.text for p in Document(str(out)).paragraphs]
    start = paragraphs.index("COUNTRY 0")
    # Head of delegation first, surname in capitals; the declining mission is absent.
    assert paragraphs[start + 1:start + 3] == [
        "H.E. Mr. Johann SCHMIDT, Ambassador, Permanent Representative",
        "Ms. Anna BERGER, First Secretary"]
    assert "COUNTRY 1" not in paragraphs


def test_participants_order_and_names(app_factory: Any) -> None:
    app = app_factory(missions=1)
    with app.session() as session:
        records = load_missions(session, app.campaign_id())
    record = records[0]
    assert surname_caps("María Fernanda GARCÍA LÓPEZ") == "María Fernanda GARCÍA LÓPEZ"
    assert surname_caps("Li") == "Li"
    person = DelegateRecord("Mr.", "Jean Dupont", None, "member", None, None, 0.9)
    assert participant_line(person) == "Mr. Jean DUPONT"
    a, b, c = (type(record)(**{**record.__dict__, "delegates": [person],
                              "decision": "accept", "country": name, "code": code})
               for name, code in (("Zambia", "ZM"), ("Égypte", "EG"), ("Austria", "AT")))
    assert participants_text([a, b, c]).split("\n")[::3][:3] == ["AUSTRIA", "ÉGYPTE", "ZAMBIA"]


def test_participants_pdf_from_the_cli_uses_the_display_title(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import subprocess

    app = app_factory(missions=3, meeting__title="first informal meeting on the declaration",
                      meeting__display_title="First Informal Meeting on the Declaration")
    seed_results(app, NOW)
    for key, value in {"INVITEBOT_DATABASE_URL": app.settings.database_url,
                       "INVITEBOT_STORE_DIR": str(app.settings.store_dir)}.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "lop.pdf"
    invoke(app.config_path, "--format", "participants", "-o", str(out))
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert out.read_bytes().startswith(b"%PDF")
    assert "First Informal Meeting on the Declaration" in text
    assert "Member States" in text and "Page 1 of 1" in text
    assert "H.E. Mr. Johann SCHMIDT, Ambassador, Permanent Representative" in text
    assert app.config.campaign.meeting.heading == "First Informal Meeting on the Declaration"
    untitled = app_factory(missions=1, meeting__title="first informal meeting")
    assert untitled.config.campaign.meeting.heading == "First informal meeting"


def test_xlsx_in_french_with_confidence_and_international_phones(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from sqlmodel import select

    from bot import models

    app = app_factory(missions=9, meeting__language="fr")
    seed_results(app, NOW)
    with app.session() as session:
        for delegate in session.exec(select(models.Delegate)):
            delegate.phone = "+431531150"
            session.add(delegate)
    for key, value in {"INVITEBOT_DATABASE_URL": app.settings.database_url,
                       "INVITEBOT_STORE_DIR": str(app.settings.store_dir)}.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "d.xlsx"
    invoke(app.config_path, "--format", "xlsx", "--with-confidence", "-o", str(out))
    book = load_workbook(out)
    assert book.sheetnames == ["Délégations", "Missions sans réponse"]
    rows = list(book["Délégations"].iter_rows(values_only=True))
    assert rows[0] == ("Code de la mission", "Pays", "État", "Décision", "Civilité", "Nom",
                       "Fonction", "Rôle", "Courriel", "Téléphone", "Confiance")
    assert rows[1][9] == "+43 1 531150" and isinstance(rows[1][10], float)
    assert sheets.international("not a number") == "not a number"

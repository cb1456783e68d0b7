"""``invitebot status``: one row per mission, filtered by state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from service_seed import seed_results

from bot.cli import main

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def seeded_config(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    app = app_factory(missions=9)
    seed_results(app, NOW)
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    return str(app.config_path)


def rows(output: str) -> dict[str, list[str]]:
    """Table rows by mission code: the cells between the box-drawing bars."""
    out = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if cells and cells[0].startswith("M0"):
            out[cells[0]] = cells
    return out


def test_one_row_per_mission(seeded_config: str) -> None:
    result = CliRunner().invoke(main, ["status", "-c", seeded_config], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    table = rows(result.output)
    assert sorted(table) == [f"M00{i}" for i in range(9)]
    assert table["M000"][1:3] == ["Country 0", "replied"]
    assert table["M000"][4:] == ["accept", "2"]
    assert table["M003"][2] == "bounced"
    assert [table["M008"][i] for i in (2, 4, 5)] == ["pending", "", "0"]
    assert "9 missions: 2 pending, 2 sent, 1 failed, 1 bounced, 2 replied, 1 needs_review" \
        in result.output


def test_state_filter(seeded_config: str) -> None:
    result = CliRunner().invoke(main, ["status", "-c", seeded_config, "--state", "sent",
                                       "--state", "bounced"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert sorted(rows(result.output)) == ["M003", "M005", "M006"]
    bad = CliRunner().invoke(main, ["status", "-c", seeded_config, "--state", "lost"])
    assert bad.exit_code != 0

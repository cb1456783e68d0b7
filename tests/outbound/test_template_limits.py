"""Templates cannot exhaust memory or time; each failure is one line with file, line, mission."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.sandbox import MAX_OUTPUT

REPO = Path(__file__).resolve().parents[2]
BOMBS = {
    "string repetition": "{{ 'a' * 10**10 }}",
    "repetition on the right": "{{ 10**10 * 'ab' }}",
    "list repetition": "{{ ([1] * 10**9)|length }}",
    "huge range": "{% for i in range(10**9) %}{{ i }}{% endfor %}",
    "nested ranges": "{% for i in range(5000) %}{% for j in range(5000) %}{% endfor %}"
                     "{% endfor %}",
    "power": "{{ 2 ** (10**10) }}",
    "center filter": "{{ 'x'|center(10**10) }}",
    "str.ljust": "{{ 'x'.ljust(10**10) }}",
    "format width": "{{ '%10000000000d'|format(1) }}",
    "percent width": "{{ '%*d' % (10**10, 1) }}",
    "str.format width": "{{ '{:>10000000000}'.format(1) }}",
    "replace growth": "{{ ('a' * 900000)|replace('a', 'bbbbbbbbbb') }}",
    "output size": "{% for i in range(90000) %}" + "x" * 100 + "{% endfor %}",
}


def _folder(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "invitation.en.txt").write_text(f"Dear colleagues,\n\n{body}\n",
                                              encoding="utf-8")
    return folder


@pytest.mark.parametrize("body", list(BOMBS.values()), ids=list(BOMBS))
def test_check_reports_a_template_bomb_in_one_line(app_factory: Any, tmp_path: Path,
                                                   body: str) -> None:
    app = app_factory(missions=2)
    folder = _folder(tmp_path, body)
    result = CliRunner().invoke(main, ["check", "-c", str(app.config_path), "--templates",
                                       str(folder), "--no-servers"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    failing = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 1, result.output
    assert "invitation.en.txt:3" in failing[0] and "(mission M000)" in failing[0], failing[0]


@pytest.mark.parametrize("command", ["preview", "send"])
def test_preview_and_send_say_one_line(app_factory: Any, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    app = app_factory(missions=2)
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    folder = _folder(tmp_path, BOMBS["string repetition"])
    args = ["preview", "--mission", "M000"] if command == "preview" else ["send", "--dry-run"]
    result = CliRunner().invoke(main, [args[0], "-c", str(app.config_path), "--templates",
                                       str(folder), *args[1:]])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in lines if line.startswith("invitebot:")]
    assert len(errors) == 1 and "invitation.en.txt:3" in errors[0], result.output
    assert "(mission M000)" in errors[0] and "template limit" in errors[0], errors[0]


def test_ordinary_templates_stay_within_the_bounds(app_factory: Any) -> None:
    # The shipped templates, every language: the bounds leave room for real use.
    app = app_factory(missions=6)
    result = CliRunner().invoke(main, ["check", "-c", str(app.config_path), "--no-servers"])
    assert result.exit_code == 0, result.output
    assert MAX_OUTPUT >= 1_000_000

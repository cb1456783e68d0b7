"""The digest links to the staff console when INVITEBOT_CONSOLE_URL is set.

Each review item links to its message page, each mission line (arrivals,
to confirm, awaiting review, silent, not delivered) to the mission's page,
and the review section's header to the queue; without the setting the
digest carries no link at all, and a malformed address is one line of error.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from click.testing import CliRunner
from service_seed import seed_results
from sqlmodel import select

from bot import models
from bot.app import App
from bot.cli import main as cli
from bot.clock import set_clock
from bot.config.settings import load_settings
from bot.digest.build import preview
from bot.errors import ConfigError

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
BASE = "https://console.example.org/invitebot"


@pytest.fixture(autouse=True)
def _clock() -> Any:
    set_clock(lambda: NOW)
    yield
    set_clock(None)


def seeded(app: App) -> dict[str, int]:
    """seed_results, plus one answer to confirm (M001) and one awaiting review (M002).

    Returns the mission ids by code, and the held message's id as ``held``.
    """
    seed_results(app, NOW)
    ids: dict[str, int] = {}
    with app.session() as session:
        for mission in session.exec(select(models.Mission)
                                    .where(models.Mission.campaign_id == app.campaign_id())):
            ids[mission.code] = mission.id or 0
        decline = session.exec(select(models.Response)
                               .where(models.Response.decision == "decline")).one()
        decline.to_confirm = "no token or thread"
        # A held answer from a mission whose invitation is still "sent": awaiting review.
        held = session.exec(select(models.InboundMessage)
                            .where(models.InboundMessage.status == "needs_review")).one()
        ids["held"] = held.id or 0
        invitation = session.exec(select(models.Invitation)
                                  .where(models.Invitation.mission_id == ids["M002"])).one()
        invitation.status = "sent"
    return ids


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru"])
def test_text_and_html_link_to_the_console(app_factory: Any, language: str) -> None:
    app = app_factory(missions=9, meeting__language=language,
                      env={"INVITEBOT_CONSOLE_URL": BASE + "/"})
    ids = seeded(app)
    data, rendered = preview(app, NOW)
    assert data.console_url == BASE  # the trailing slash stripped
    assert [s.code for s in data.awaiting] == ["M002"] and len(data.to_confirm) == 1

    def mission(code: str) -> str:
        return f"{BASE}/missions/{ids[code]}"

    text, html = rendered.text, rendered.html
    assert html is not None
    lines = text.splitlines()
    # The review queue: its header, and the held message on the line after its reason.
    header = next(line for line in lines if line.endswith(f"<{BASE}/review>"))
    assert "(1)" in header
    reason = lines.index("    extraction below threshold (0.52)")
    assert lines[reason + 1] == f"    <{BASE}/messages/{ids['held']}>"
    # Each mission line ends with its page in angle brackets.
    for code, country in (("M003", "Country 3"), ("M004", "Country 4"),  # not delivered
                          ("M006", "Country 6"), ("M005", "Country 5"),  # silent
                          ("M002", "Country 2"),  # awaiting review
                          ):
        assert any(line.endswith(f"{code}  {country}  <{mission(code)}>")
                   for line in lines), code
    assert f"M001  Country 1: no token or thread  <{mission('M001')}>" in text
    # Arrivals: the mission's page on the line after the sender.
    accept = lines.index(next(line for line in lines
                              if "M000 Country 0  [reply, accept" in line))
    assert lines[accept + 2] == f"    <{mission('M000')}>"
    # The message nothing matched has no mission, so no link.
    broken = lines.index(next(line for line in lines  # its arrival, before "failed"
                              if "someone@elsewhere.test" in line and "???" in line))
    assert "<http" not in lines[broken + 1]

    assert f'<a href="{BASE}/review">' in html
    assert f'<a href="{BASE}/messages/{ids["held"]}">Our delegation</a>' in html
    assert f'<a href="{mission("M000")}">M000 Country 0</a>' in html  # arrival
    assert f'<a href="{mission("M003")}">M003 Country 3</a>' in html  # not delivered
    assert f'<a href="{mission("M001")}">M001 Country 1</a>: <i>no token' in html  # to confirm
    assert f'<a href="{mission("M002")}">M002 Country 2</a> (' in html  # awaiting review
    assert f'<a href="{mission("M006")}">M006</a>' in html  # silent
    assert html.count(f'href="{BASE}/') == text.count(f"<{BASE}/")


def test_html_links_are_escaped(app_factory: Any) -> None:
    # Validation keeps quotes and brackets out; an ampersand in a path is legal and escaped.
    app = app_factory(missions=9, env={"INVITEBOT_CONSOLE_URL": "https://c.example.org/a&b"})
    seeded(app)
    _data, rendered = preview(app, NOW)
    assert rendered.html is not None
    assert 'href="https://c.example.org/a&amp;b/review"' in rendered.html
    assert "<https://c.example.org/a&b/review>" in rendered.text


def test_without_the_setting_no_link_is_added(app_factory: Any) -> None:
    app = app_factory(missions=9)
    seeded(app)
    data, rendered = preview(app, NOW)
    assert data.console_url is None and data.link("review") is None
    assert rendered.html is not None
    assert "http" not in rendered.text
    assert "<a " not in rendered.html and "href" not in rendered.html
    assert "  M003  Country 3\n" in rendered.text


@pytest.mark.parametrize(("value", "problem"), [
    ("ftp://console.example.org", "expected http:// or https://"),
    ("console.example.org", "expected http:// or https://"),
    ("javascript:alert(1)", "expected http:// or https://"),
    ("https://console.example.org/a b", "spaces, quotes or control characters"),
    ('https://console.example.org/"x', "spaces, quotes or control characters"),
    ("https://console.example.org/?next=1", "a query or fragment"),
    ("https://console.example.org:99999", "not a URL"),
])
def test_a_bad_console_url_is_one_line(value: str, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({"INVITEBOT_CONSOLE_URL": value})
    message = str(err.value)
    assert message.startswith("environment variable INVITEBOT_CONSOLE_URL: " + problem)
    assert "\n" not in message


def test_credentials_in_the_console_url_are_refused_unseen() -> None:
    with pytest.raises(ConfigError) as err:
        load_settings({"INVITEBOT_CONSOLE_URL": "https://olga:S3cret-pw@console.example.org"})
    assert "user or password" in str(err.value) and "S3cret-pw" not in str(err.value)


def test_the_digest_command_reports_a_bad_url_in_one_line(app_factory: Any) -> None:
    app = app_factory(missions=2)
    result = CliRunner().invoke(cli, ["digest", "-c", str(app.config_path)],
                                env={"INVITEBOT_CONSOLE_URL": "ftp://console.example.org"})
    assert result.exit_code == 2
    shown = [line for line in result.output.splitlines() if line.strip()]
    assert len(shown) == 1 and "INVITEBOT_CONSOLE_URL" in shown[0], result.output
    assert "Traceback" not in result.output

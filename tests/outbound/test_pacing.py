"""Provider sending limits: sliding windows, throttling pauses, the time a campaign takes.

The window logic is driven by a clock the test moves; the campaign test
sends for real through the local Postfix under a scaled-down profile and
counts, on the pacer's own clock, how many sends fall in each window.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from appfixtures import REPO, AppFactory
from conftest import Stack

from bot.app import App
from bot.clock import utcnow
from bot.commands.outbound import time_needed
from bot.config.providers import PROFILES, Limit
from bot.outbound.dispatch import dispatch
from bot.outbound.pacing import Pacer, estimate
from bot.outbound.plan import plan_invitations


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def drain(pacer: Pacer, clock: FakeClock, sends: list[int]) -> list[float]:
    """Grant each send as soon as the pacer allows, moving the clock to it."""
    for recipients in sends:
        clock.now += pacer.delay(recipients)
        assert pacer.delay(recipients) == 0
        pacer.take(recipients)
    return pacer.granted


def max_in_window(times: list[float], seconds: float, weights: list[int] | None = None) -> int:
    weights = weights or [1] * len(times)
    return max(sum(w for t, w in zip(times, weights, strict=True) if start <= t < start + seconds)
               for start in times)


def test_microsoft_minute_window_is_kept_exactly() -> None:
    clock = FakeClock()
    pacer = Pacer(PROFILES["microsoft365"].limits, clock)
    granted = drain(pacer, clock, [1] * 100)
    assert max_in_window(granted, 60.0) == 30
    # 30 at once, then 30 each time the first of a minute leaves the window.
    assert granted[-1] - granted[0] == pytest.approx(180.0)
    assert estimate(pacer.limits, 100, 100) == timedelta(minutes=3)


def test_recipient_window_weighs_each_message_by_its_recipients() -> None:
    clock = FakeClock()
    pacer = Pacer([Limit(10, 86400.0, "recipients")], clock)
    sends = [4, 4, 4, 1, 3]
    granted = drain(pacer, clock, sends)
    assert granted[:2] == [1000.0, 1000.0]
    assert granted[2] == 1000.0 + 86400.0  # 12 > 10: waits for the first 4 to leave
    assert max_in_window(granted, 86400.0, sends) <= 10


def test_history_from_the_outbox_counts_in_the_windows() -> None:
    clock = FakeClock()
    pacer = Pacer([Limit(30, 60.0)], clock)
    now = utcnow()
    pacer.seed([(now - timedelta(seconds=50), 1)] * 30 + [(now - timedelta(minutes=5), 1)], now)
    assert pacer.delay() == pytest.approx(10.0)


@pytest.mark.parametrize(("detail", "throttled"), [
    ("421 4.7.0 Temporary server error. Please try again later", True),
    ("connect: 421 Service not available", True),
    ("451 4.7.500 Server busy. Please try again later", True),
    ("432 4.7.12 A password transition is needed", True),
    ("450 4.2.0 test domain defer.test says try again later", False),
    ("refused a@defer.test: 450 4.2.0 later", False),
])
def test_throttling_replies_pause_and_back_off(detail: str, throttled: bool) -> None:
    clock = FakeClock()
    pacer = Pacer([], clock)
    assert pacer.observe("deferred", detail) is throttled
    if throttled:
        assert pacer.delay() == 60.0
        pacer.observe("deferred", detail)
        assert pacer.delay() == 120.0
        pacer.observe("sent", None)
        clock.now += 120.0
        pacer.observe("deferred", detail)
        assert pacer.delay() == 60.0
    else:
        assert pacer.delay() == 0


def test_google_and_microsoft_estimates() -> None:
    google, microsoft = PROFILES["google"].limits, PROFILES["microsoft365"].limits
    assert estimate(google, 2_500, 2_500) == timedelta(days=1)
    assert estimate(microsoft, 10, 25_000) == timedelta(days=2)
    assert estimate((), 100, 100, per_minute=600) == timedelta(seconds=10)


def test_provider_sets_server_defaults_unless_the_environment_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, app_factory: AppFactory) -> None:
    made = app_factory(mail__provider="microsoft365")
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("INVITEBOT_IMAP_PORT", "1993")
    for name in ("INVITEBOT_SMTP_HOST", "INVITEBOT_SMTP_PORT", "INVITEBOT_SMTP_TLS",
                 "INVITEBOT_IMAP_HOST", "INVITEBOT_IMAP_TLS"):
        monkeypatch.delenv(name, raising=False)
    app = App(config_path=made.config_path, template_dir=REPO / "templates")
    smtp, imap = app.settings.smtp, app.settings.imap
    assert (smtp.host, smtp.port, smtp.tls) == ("smtp.office365.com", 587, "starttls")
    assert (imap.host, imap.port, imap.tls) == ("outlook.office365.com", 1993, "tls")


@pytest.mark.stack
def test_send_says_how_long_and_paces_a_campaign_to_the_window(
        mailstack: Stack, app_factory: AppFactory) -> None:
    app = app_factory(missions=100, mail__provider="microsoft365",
                      mail__rate_limit_per_minute=60_000, mail__concurrency=4)
    assert plan_invitations(app) == 100
    assert time_needed(app, None) == (
        "100 message(s) to 100 recipient(s) due; at Microsoft 365 limits (30 messages/minute, "
        "10,000 recipients/day, 60000/minute (mail.rate_limit_per_minute)) sending takes "
        "about 3 min")
    # Scaled down: 25 messages in any 2 s instead of 30 in any 60 s.
    limit, seconds = 25, 2.0
    pacer = Pacer([Limit(limit, seconds)])
    report = asyncio.run(dispatch(app, pacer=pacer))
    assert report.sent == 100
    granted = pacer.granted
    assert len(granted) == 100
    assert max_in_window(granted, seconds) == limit
    start = granted[0]
    full = [sum(1 for t in granted if start + k * seconds <= t < start + (k + 1) * seconds)
            for k in range(3)]
    # Every full window holds the limit: within 2 % of it, never above.
    assert all(0.98 * limit <= count <= limit for count in full), full


@pytest.mark.stack
def test_a_throttling_reply_pauses_the_sends_after_it(
        mailstack: Stack, app_factory: AppFactory) -> None:
    app = app_factory(missions=4, mail__concurrency=1, mail__rate_limit_per_minute=60_000)
    missions = app.config_path.parent / "missions.csv"
    lines = missions.read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(",")  # M001: Exchange Online's "451 4.7.500 Server busy"
    fields[3] = "pm-m001@throttle.test"
    lines[2] = ",".join(fields)
    missions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert plan_invitations(app) == 4
    pacer = Pacer([], backoff=0.5)
    report = asyncio.run(dispatch(app, pacer=pacer))
    assert (report.sent, report.deferred) == (3, 1)
    granted = pacer.granted
    assert len(granted) == 4
    # The second send was throttled: the third waited out the pause, the first two did not.
    assert granted[2] - granted[1] >= 0.5
    assert granted[1] - granted[0] < 0.5

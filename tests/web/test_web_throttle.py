"""Password guessing at the login form is slowed down (bot.web.throttle)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient
from webkit import PASSWORD, build_scenario, csrf_of

from bot.web.app import create_app
from bot.web.throttle import LoginThrottle, minutes


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_name_is_refused_after_its_limit_until_the_window_moves() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_user=3, per_client=100, window_seconds=600, clock=clock)
    for _ in range(3):
        assert throttle.retry_after("olga", "10.0.0.1") == 0
        throttle.failed("olga", "10.0.0.1")
        clock.now += 10
    assert throttle.retry_after("Olga ", "10.0.0.2") == 600 - 30  # name, not address
    assert throttle.retry_after("ivan", "10.0.0.1") == 0
    clock.now += 600 - 30  # the oldest failure leaves the window
    assert throttle.retry_after("olga", "10.0.0.1") == 0
    throttle.failed("olga", "10.0.0.1")
    assert throttle.retry_after("olga", "10.0.0.1") == 10


def test_one_address_trying_many_names_is_refused() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_user=5, per_client=4, window_seconds=60, clock=clock)
    for n in range(4):
        throttle.failed(f"user{n}", "10.0.0.9")
    assert throttle.retry_after("somebody", "10.0.0.9") == 60
    assert throttle.retry_after("somebody", "10.0.0.8") == 0


def test_a_success_clears_the_name_and_memory_stays_bounded(
        monkeypatch: pytest.MonkeyPatch) -> None:
    throttle = LoginThrottle(per_user=2, per_client=10_000, clock=Clock())
    throttle.failed("olga", "a")
    throttle.succeeded("OLGA")
    throttle.failed("olga", "a")
    assert throttle.retry_after("olga", "a") == 0
    monkeypatch.setattr("bot.web.throttle.MAX_KEYS", 50)
    for n in range(500):
        throttle.failed(f"invented{n}", "a")
    assert len(throttle._failures) <= 50
    assert minutes(1) == "1 minute" and minutes(61) == "2 minutes"


def test_the_login_form_answers_429_then_lets_the_right_password_in(app_factory) -> None:  # type: ignore[no-untyped-def]
    scenario = build_scenario(app_factory)
    web = create_app(scenario.app)
    clock = Clock()
    web.state.console.throttle = LoginThrottle(per_user=3, clock=clock)
    with TestClient(web, base_url="https://console.test") as client:
        token = csrf_of(client.get("/login").text)
        for _ in range(3):
            wrong = client.post("/login", data={"username": "olga", "password": "guess guess",
                                                "csrf": token})
            assert wrong.status_code == 401
            token = csrf_of(wrong.text)
        refused = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                              "csrf": token}, follow_redirects=False)
        assert refused.status_code == 429
        assert "too many failed logins" in refused.text and "15 minutes" in refused.text
        assert int(refused.headers["retry-after"]) == 15 * 60
        assert "invitebot_session" not in refused.headers.get("set-cookie", "")
        clock.now += 15 * 60
        token = csrf_of(refused.text)
        good = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                           "csrf": token}, follow_redirects=False)
        assert good.status_code == 303

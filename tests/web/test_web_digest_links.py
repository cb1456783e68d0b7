"""The digest's links open the console pages they name (INVITEBOT_CONSOLE_URL)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from service_seed import seed_results
from webkit import PASSWORD, logged_in

from bot.digest.build import preview
from bot.web.auth import add_user

BASE = "https://console.test/"


def test_every_digest_link_opens_its_page(app_factory: Any) -> None:
    app = app_factory(missions=9, env={"INVITEBOT_CONSOLE_URL": BASE})
    seed_results(app, datetime.now(UTC))
    with app.session() as session:
        add_user(session, "olga", PASSWORD, "officer")
    data, rendered = preview(app)
    assert rendered.html is not None
    links = set(re.findall(r'href="https://console\.test(/[^"]*)"', rendered.html))
    assert links == set(re.findall(r"<https://console\.test(/[^>]*)>", rendered.text))
    missions = {s.code: s.mission_id for s in [*data.silent, *data.undelivered]}
    assert {f"/missions/{i}" for i in missions.values()} <= links
    held = data.review[0].inbound_id
    assert {"/review", f"/messages/{held}"} <= links
    with logged_in(app) as client:
        for path in sorted(links):
            page = client.get(path)
            assert page.status_code == 200, path
            if path.startswith("/missions/"):
                code = next((c for c, i in missions.items() if path == f"/missions/{i}"), None)
                assert code is None or code in page.text, path
        assert data.review[0].subject in client.get(f"/messages/{held}").text

"""The digest: what it reports, in which language, and at most once per local date."""

from __future__ import annotations

import email
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from typing import Any

import pytest
from service_seed import seed_results
from sqlmodel import col, select

from bot import models
from bot.clock import set_clock
from bot.digest import render as digest_render
from bot.digest.build import collect, digest_slot, preview, send_digest

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # 10:00 in Vienna


@pytest.fixture(autouse=True)
def _clock() -> Any:
    set_clock(lambda: NOW)
    yield
    set_clock(None)


def test_slot_is_the_latest_local_digest_time(app_factory: Any) -> None:
    campaign = app_factory(missions=1).config.campaign  # 08:00 Europe/Vienna
    assert digest_slot(campaign, NOW) == datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
    before = datetime(2026, 3, 10, 6, 59, tzinfo=UTC)
    assert digest_slot(campaign, before) == datetime(2026, 3, 9, 7, 0, tzinfo=UTC)
    # Summer time: 08:00 in Vienna is 06:00Z.
    summer = datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert digest_slot(campaign, summer) == summer
    assert digest_slot(campaign, summer - timedelta(seconds=1)) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC)


def test_digest_reports_everything(app_factory: Any) -> None:
    app = app_factory(missions=9)
    seeded = seed_results(app, NOW)
    with app.session() as session:
        data = collect(session, app.config.campaign, seeded.campaign_id, now=NOW, since=None)
    assert data.totals == {"missions": 9, "invited": 7, "delivered": 5, "bounced": 1,
                           "failed": 1, "replied": 3, "accepted": 1, "declined": 1,
                           "undecided": 1, "awaiting_review": 0, "silent": 2}
    # Silent missions, longest first: M006 was invited 9 days ago, M005 8 days ago.
    assert [(s.code, s.days) for s in data.silent] == [("M006", 9), ("M005", 8)]
    assert [p.reason for p in data.review] == ["extraction below threshold (0.52)"]
    assert sorted(p.kind for p in data.failed) == ["inbound", "outbox"]
    assert len(data.arrivals) == 4
    accept = next(a for a in data.arrivals if a.decision == "accept")
    assert accept.delegates == ("Ms. Anna Berger, First Secretary",
                                "H.E. Mr. Johann Schmidt, Ambassador, Permanent Representative")
    assert data.delegates_csv.startswith(b"\xef\xbb\xbfmission_code,country,status,decision,")
    text = digest_render.render(app.config, data).text
    for needle in ("Silent          2", "M006  Country 6", "extraction below threshold",
                   "550 5.1.1 no such user", "PDF too many pages", "Johann Schmidt",
                   "Reply deadline:"):
        assert needle in text, needle


def test_nothing_new_still_says_so(app_factory: Any) -> None:
    app = app_factory(missions=3)
    seeded = seed_results(app, NOW)
    with app.session() as session:
        data = collect(session, app.config.campaign, seeded.campaign_id, now=NOW,
                       since=NOW - timedelta(minutes=5))
    assert data.nothing_new
    rendered = digest_render.render(app.config, data)
    assert "Nothing new since the last digest." in rendered.text
    assert "Nothing new since the last digest." in rendered.html


@pytest.mark.parametrize(("language", "needle", "subject"), [
    ("en", "Silent missions", "Daily digest"),
    ("fr", "Missions sans réponse", "Synthèse quotidienne"),
    ("es", "Misiones sin respuesta", "Resumen diario"),
    ("ru", "Silent missions", "Daily digest"),  # falls back to English
])
def test_digest_in_the_meeting_language(app_factory: Any, language: str, needle: str,
                                        subject: str) -> None:
    app = app_factory(missions=3, meeting__language=language)
    seed_results(app, NOW)
    data, rendered = preview(app, NOW)
    assert subject in rendered.subject
    assert needle in rendered.html
    assert "<script" not in rendered.html
    assert data.day == date(2026, 3, 10)


def test_html_escapes_what_missions_wrote(app_factory: Any) -> None:
    app = app_factory(missions=1)
    seed_results(app, NOW)
    with app.session() as session:
        msg = session.exec(select(models.InboundMessage)).first()
        assert msg is not None
        msg.subject = "<script>alert(1)</script>"
    _data, rendered = preview(app, NOW)
    assert "<script>alert" not in rendered.html
    assert "&lt;script&gt;" in rendered.html


def test_digest_is_sent_once_per_local_date(app_factory: Any) -> None:
    app = app_factory(missions=4, schedule__digest__time="08:00")
    seed_results(app, NOW)
    first = send_digest(app, NOW)
    again = send_digest(app, NOW + timedelta(hours=3))
    assert first.sent and not again.sent and again.reason == "already sent"
    tomorrow = send_digest(app, NOW + timedelta(days=1))
    assert tomorrow.sent
    with app.session() as session:
        rows = session.exec(select(models.OutboxMessage)
                            .where(models.OutboxMessage.kind == "digest")
                            .order_by(col(models.OutboxMessage.id))).all()
        runs = session.exec(select(models.DigestRun)).all()
    assert [r.dedupe_key.rsplit(":", 1)[1] for r in rows] == ["2026-03-10", "2026-03-11"]
    assert len(runs) == 2
    assert runs[1].since is not None
    message = email.message_from_bytes(rows[0].raw, policy=policy.default)
    assert message["To"] == app.config.campaign.schedule.digest.recipients[0]
    parts = {p.get_content_type() for p in message.walk()}
    assert {"text/plain", "text/html", "text/csv"} <= parts
    [attached] = [p for p in message.walk() if p.get_content_type() == "text/csv"]
    assert attached.get_content_charset() == "utf-8"
    assert attached.get_payload(decode=True).startswith(b"\xef\xbb\xbfmission_code,")
    # The second day's digest covers only what arrived since the first.
    second = email.message_from_bytes(rows[1].raw, policy=policy.default)
    body = second.get_body(("plain",))
    assert body is not None
    assert "Nothing new since the last digest." in body.get_content()


def test_send_time_default_is_eight(app_factory: Any) -> None:
    app = app_factory(missions=1)
    assert app.config.campaign.schedule.digest.time == time(8, 0)

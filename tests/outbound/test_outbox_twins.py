"""The raw-SQL outbox changes (bot.mail.hotpath) and their ORM twins (bot.mail.outbox)
leave the same rows behind.

Each pair runs on its own database seeded the same way; the state columns
of every outbox row and invitation are then compared. Reminders are not in
the seed: the raw path leaves them to ``outbox.record`` by design.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from appfixtures import AppFactory
from sqlmodel import col, select

from bot.app import App
from bot.clock import as_utc, utcnow
from bot.mail.hotpath import claim, record_appended, record_plain_sent
from bot.mail.outbox import Outcome, enqueue_message, mark_appended, record
from bot.models import Invitation, OutboxMessage
from bot.outbound.plan import plan_invitations

CLAIMER = "twins:1:host"


def _seed(app_factory: AppFactory) -> tuple[App, list[int]]:
    app = app_factory(missions=3)
    plan_invitations(app)
    digest = EmailMessage()
    digest["From"] = "Desk <desk@unodc.test>"
    digest["To"] = "organiser@unodc.test"
    digest["Subject"] = "Digest"
    digest.set_content("nothing new\n")
    with app.session() as session:
        enqueue_message(session, kind="digest", dedupe_key="digest:2009-03-01", message=digest)
    rows = claim(app.engine, CLAIMER, limit=10, due=utcnow())
    return app, sorted(r.id for r in rows)


def _when(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _state(app: App) -> list[tuple[Any, ...]]:
    with app.session() as session:
        outbox = [(r.dedupe_key.split(":")[0], r.state, _when(r.sent_at), r.last_error,
                   r.claimed_by, r.claimed_at is not None, r.appended, r.attempts)
                  for r in session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id)))]
        invitations = [(i.status, i.error, _when(i.sent_at), i.last_event,
                        _when(i.last_event_at), i.reminders_sent)
                       for i in session.exec(select(Invitation).order_by(col(Invitation.id)))]
    return outbox + invitations


def _orm_sent(app: App, ids: list[int], now: datetime) -> None:
    with app.session() as session:
        record(session, [Outcome(i, "sent", None, now) for i in ids], app.config.campaign.mail)


def _both(app_factory: AppFactory, raw: Callable[[App, list[int], datetime], object],
          orm: Callable[[App, list[int], datetime], object]) -> None:
    now = utcnow()
    raw_app, raw_ids = _seed(app_factory)
    orm_app, orm_ids = _seed(app_factory)
    assert len(raw_ids) == len(orm_ids) == 4
    raw(raw_app, raw_ids, now)
    orm(orm_app, orm_ids, now)
    assert _state(raw_app) == _state(orm_app)
    assert _state(raw_app) != []


def test_plain_sent_equals_orm_sent(app_factory: AppFactory) -> None:
    _both(app_factory,
          lambda app, ids, now: record_plain_sent(app.engine, ids, now),
          _orm_sent)


def test_plain_sent_stored_equals_orm_sent_then_appended(app_factory: AppFactory) -> None:
    def orm(app: App, ids: list[int], now: datetime) -> None:
        _orm_sent(app, ids, now)
        with app.session() as session:
            mark_appended(session, ids)

    _both(app_factory,
          lambda app, ids, now: record_plain_sent(app.engine, ids, now, stored=True), orm)


def test_record_appended_equals_mark_appended(app_factory: AppFactory) -> None:
    def raw(app: App, ids: list[int], now: datetime) -> None:
        record_plain_sent(app.engine, ids, now)
        record_appended(app.engine, ids)

    def orm(app: App, ids: list[int], now: datetime) -> None:
        _orm_sent(app, ids, now)
        with app.session() as session:
            mark_appended(session, ids)

    _both(app_factory, raw, orm)

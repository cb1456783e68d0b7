"""Several processes share the inbound queue on PostgreSQL without taking a row twice."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from inboundkit import CORPUS, corpus_app, ingest
from sqlmodel import select

from bot import models
from bot.inbound.intake.queue import process_pending

pytestmark = pytest.mark.postgres


def test_workers_share_the_queue(app_factory: Any, pg_url: str) -> None:
    app = corpus_app(app_factory, database_url=pg_url)
    raw = (CORPUS / "reply_token_address.eml").read_bytes()
    for n in range(60):
        ingest(app, raw.replace(b"<A1B2C3D4E5@", f"<copy-{n}@".encode()))
    done: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            done.append(process_pending(app))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert sum(done) == 60
    with app.session() as session:
        rows = session.exec(select(models.InboundMessage)).all()
        assert {r.status for r in rows} <= {"processed", "needs_review"}
        responses = session.exec(select(models.Response)).all()
        assert sorted(r.inbound_id for r in responses) == sorted(r.id or 0 for r in rows)
        assert sum(r.current for r in responses) == 1

"""The outbox and the plan on a real database: enqueue once, claim, back off, remind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from appfixtures import AppFactory
from click.testing import CliRunner, Result
from sqlmodel import select

from bot import models
from bot.app import App
from bot.cli import main
from bot.clock import as_utc, utcnow
from bot.mail.hotpath import EndOfDataMarker, claim, record_plain_sent
from bot.mail.outbox import (
    Outcome,
    enqueue_message,
    new_claimer,
    record,
    retry_delay,
    stale_claims,
)
from bot.mail.reminders import enqueue_reminders, reminder_due
from bot.models import Invitation, InvitationStatus, OutboxMessage, OutboxState
from bot.outbound.plan import plan_invitations
from bot.tokens import normalize_token


def _message(to: str = "a@x.test") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Desk <desk@unodc.test>"
    msg["To"] = to
    msg["Bcc"] = "hidden@unodc.test"
    msg["Subject"] = "Digest"
    msg.set_content("hello\n.\nworld\n")
    return msg


def test_enqueue_message_is_idempotent_and_fixes_message_id(app_factory: AppFactory) -> None:
    app = app_factory(missions=1)
    with app.session() as session:
        row = enqueue_message(session, kind="digest", dedupe_key="digest:2009-03-01",
                              message=_message())
        assert row is not None
        again = enqueue_message(session, kind="digest", dedupe_key="digest:2009-03-01",
                                message=_message())
        assert again is None
    assert row.message_id.startswith("<invitebot.") and row.message_id.endswith("@unodc.test>")
    assert row.recipients == "a@x.test,hidden@unodc.test"
    assert b"hidden@" not in row.raw and b"Bcc" not in row.raw
    assert f"Message-ID: {row.message_id}".encode() in row.raw
    assert b"\n" not in row.raw.replace(b"\r\n", b"")
    assert row.mail_from == "desk@unodc.test"
    assert row.state == OutboxState.QUEUED


def test_plan_creates_one_invitation_per_mission_once(app_factory: AppFactory) -> None:
    app = app_factory(missions=7)
    assert plan_invitations(app) == 7
    assert plan_invitations(app) == 0
    with app.session() as session:
        invitations = session.exec(select(Invitation)).all()
        rows = session.exec(select(OutboxMessage)).all()
    assert len(invitations) == 7 and len(rows) == 7
    assert all(normalize_token(i.token) == i.token for i in invitations)
    assert len({i.token for i in invitations}) == 7
    by_inv = {r.invitation_id: r for r in rows}
    for invitation in invitations:
        row = by_inv[invitation.id]
        assert row.dedupe_key == f"invitation:{invitation.id}"
        assert f"+{invitation.token}@".encode() in row.raw
        assert row.mail_from.endswith(f"+{invitation.token}@unodc.test")
        assert row.expires_at is not None


def test_claim_record_backoff_and_give_up(app_factory: AppFactory) -> None:
    app = app_factory(missions=3, mail__retry_first_minutes=5, mail__retry_max_minutes=60)
    plan_invitations(app)
    mail = app.config.campaign.mail
    me = new_claimer()
    rows = claim(app.engine, me, limit=10, due=utcnow())
    assert len(rows) == 3 and all(r.attempts == 1 for r in rows)
    with app.session() as session:
        assert {r.state for r in session.exec(select(OutboxMessage))} == {OutboxState.SENDING}
    assert claim(app.engine, new_claimer(), limit=10, due=utcnow()) == []
    sent, deferred, failed = rows
    now = utcnow()
    with app.session() as session:
        counts = record(session, [Outcome(sent.id, "sent", None, now),
                                  Outcome(deferred.id, "deferred", "451 try later", now),
                                  Outcome(failed.id, "failed", "550 no such user", now)], mail)
    assert counts == {"sent": 1, "deferred": 1, "failed": 1, "released": 0}
    with app.session() as session:
        row = session.get(OutboxMessage, deferred.id)
        assert row is not None and row.state == OutboxState.DEFERRED
        assert as_utc(row.next_attempt_at) - now == timedelta(minutes=5)
        inv = session.get(Invitation, session.get(OutboxMessage, sent.id).invitation_id)
        assert inv is not None and inv.status == InvitationStatus.SENT and inv.sent_at
        inv = session.get(Invitation, session.get(OutboxMessage, failed.id).invitation_id)
        assert inv is not None and inv.status == InvitationStatus.FAILED
        assert inv.error == "550 no such user"
    # Not due yet; once due, the next failure doubles the delay.
    assert claim(app.engine, me, limit=10, due=now) == []
    again = claim(app.engine, me, limit=10, due=now + timedelta(minutes=5))
    assert [r.id for r in again] == [deferred.id] and again[0].attempts == 2
    with app.session() as session:
        record(session, [Outcome(deferred.id, "deferred", "451 again", now)], mail)
        row = session.get(OutboxMessage, deferred.id)
        assert row is not None
        assert as_utc(row.next_attempt_at) - now == timedelta(minutes=10)
    # Past the lifetime a deferral becomes a failure.
    later = now + timedelta(days=mail.retry_lifetime_days, minutes=1)
    claim(app.engine, me, limit=10, due=later)
    with app.session() as session:
        counts = record(session, [Outcome(deferred.id, "deferred", "451 still", later)], mail)
        row = session.get(OutboxMessage, deferred.id)
    assert counts["failed"] == 1 and row is not None and row.state == OutboxState.FAILED
    assert row.last_error is not None and "gave up after 3 attempts: 451 still" in row.last_error


def test_plain_sent_bulk_path_matches_the_orm_path(app_factory: AppFactory) -> None:
    app = app_factory(missions=2)
    plan_invitations(app)
    rows = claim(app.engine, new_claimer(), limit=10, due=utcnow())
    now = utcnow()
    assert record_plain_sent(app.engine, [r.id for r in rows], now) == {r.id for r in rows}
    assert record_plain_sent(app.engine, [r.id for r in rows], now) == set()
    with app.session() as session:
        for row in session.exec(select(OutboxMessage)):
            assert row.state == OutboxState.SENT and row.last_error is None
            assert row.sent_at is not None and abs(as_utc(row.sent_at) - now) < timedelta(
                seconds=1)
        for invitation in session.exec(select(Invitation)):
            assert invitation.status == InvitationStatus.SENT
            assert invitation.last_event == "invitation sent" and invitation.sent_at


def test_retry_delay_doubles_to_the_cap(app_factory: AppFactory) -> None:
    mail = app_factory(missions=1, mail__retry_first_minutes=5,
                       mail__retry_max_minutes=60).config.campaign.mail
    assert [retry_delay(n, mail).total_seconds() / 60 for n in range(1, 7)] == [
        5, 10, 20, 40, 60, 60]


def test_released_rows_go_back_untouched(app_factory: AppFactory) -> None:
    app = app_factory(missions=1)
    plan_invitations(app)
    (row,) = claim(app.engine, new_claimer(), limit=5, due=utcnow())
    with app.session() as session:
        record(session, [Outcome(row.id, "released")], app.config.campaign.mail)
        back = session.get(OutboxMessage, row.id)
    assert back is not None and back.state == OutboxState.QUEUED and back.attempts == 0


def test_only_dead_claims_are_stale(app_factory: AppFactory) -> None:
    app = app_factory(missions=2)
    plan_invitations(app)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    host = socket.gethostname()
    claim(app.engine, f"{host}:{dead.pid}:dead", limit=1, due=utcnow())
    claim(app.engine, f"{host}:{os.getppid()}:alive", limit=1, due=utcnow())
    with app.session() as session:
        stale = stale_claims(session)
        assert [r.claimed_by for r in stale] == [f"{host}:{dead.pid}:dead"]
        later = stale_claims(session, utcnow() + timedelta(hours=1))
        assert len(later) == 2


def _mark_sent(app: App, days_ago: float, status: str = InvitationStatus.SENT) -> None:
    with app.session() as session:
        for invitation in session.exec(select(Invitation)):
            invitation.status = status
            invitation.sent_at = utcnow() - timedelta(days=days_ago)


def test_reminders_follow_the_schedule_once_each(app_factory: AppFactory) -> None:
    app = app_factory(missions=3, schedule__reminders={"after_days": [14, 21],
                                                       "max_per_mission": 2})
    plan_invitations(app)
    _mark_sent(app, 10)
    assert enqueue_reminders(app) == 0
    _mark_sent(app, 15)
    assert enqueue_reminders(app) == 3
    assert enqueue_reminders(app) == 0
    with app.session() as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "reminder")).all()
        invitations = {r.invitation_id: r for r in session.exec(
            select(OutboxMessage).where(OutboxMessage.kind == "invitation"))}
    for row in rows:
        assert row.dedupe_key.endswith(":1")
        original = invitations[row.invitation_id].message_id
        assert f"In-Reply-To: {original}".encode() in row.raw
    _mark_sent(app, 30)
    assert enqueue_reminders(app) == 3
    _mark_sent(app, 60)
    assert enqueue_reminders(app) == 0  # max_per_mission reached


def test_no_reminder_to_missions_that_answered(app_factory: AppFactory) -> None:
    app = app_factory(missions=2)
    plan_invitations(app)
    _mark_sent(app, 30, InvitationStatus.REPLIED)
    assert enqueue_reminders(app) == 0


def test_no_reminder_while_an_answer_waits_for_review(app_factory: AppFactory) -> None:
    """Issue 17: a mission whose answer is held for review (match in doubt) is not silent."""
    app = app_factory(missions=2)
    plan_invitations(app)
    _mark_sent(app, 30)
    with app.session() as session:
        mission = session.exec(select(models.Mission).order_by(models.Mission.code)).first()
        assert mission is not None
        row = models.InboundMessage(message_key="k1", raw_sha256="0" * 64, raw_size=1,
                                    campaign_id=mission.campaign_id, mission_id=mission.id,
                                    status="needs_review")
        session.add(row)
        session.flush()
        session.add(models.ReviewItem(inbound_id=row.id or 0, reason="match 0.60"))
    assert enqueue_reminders(app) == 1  # only the other mission


def test_reminder_due_skips_to_the_latest() -> None:
    sent = utcnow() - timedelta(days=30)
    assert reminder_due(sent, [14, 21], utcnow()) == 2
    assert reminder_due(sent, [40], utcnow()) == 0


def test_send_before_send_at_sends_nothing(app_factory: AppFactory) -> None:
    app = app_factory(missions=2, schedule__send_at="2999-01-01T09:00:00")
    result = _invoke(app, ["send"])
    assert result.exit_code == 0, result.output
    assert "not due until 2999-01-01 09:00" in result.output
    with app.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []


def test_dry_run_writes_eml_and_leaves_the_database_alone(app_factory: AppFactory,
                                                           tmp_path: Path) -> None:
    app = app_factory(missions=3)
    out = tmp_path / "dry"
    result = _invoke(app, ["send", "--dry-run", "--out", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["invitation-M000.eml", "invitation-M001.eml", "invitation-M002.eml"]
    assert b"information-note.pdf" in (out / files[0]).read_bytes()
    with app.session() as session:
        assert session.exec(select(OutboxMessage)).all() == []
        assert session.exec(select(Invitation)).all() == []


def test_preview_prints_headers_and_text(app_factory: AppFactory) -> None:
    app = app_factory(missions=2)
    result = _invoke(app, ["preview", "--mission", "m001"])
    assert result.exit_code == 0, result.output
    assert "Subject: Invitation :" in result.output
    assert "présente ses compliments" in result.output
    assert "Attachments: information-note.pdf" in result.output
    assert _invoke(app, ["preview", "--mission", "nope"]).exit_code == 2


def _invoke(app: App, args: list[str]) -> Result:
    env = {f"INVITEBOT_{k}": v for k, v in {
        "DATABASE_URL": app.settings.database_url,
        "STORE_DIR": str(app.settings.store_dir)}.items()}
    return CliRunner().invoke(main, [*args, "-c", str(app.config_path),
                                     "--templates", str(app.template_dir)], env=env)


@pytest.mark.postgres
def test_postgres_claims_split_the_outbox_and_mark(app_factory: AppFactory, pg_url: str) -> None:
    app = app_factory(missions=40, database_url=pg_url)
    plan_invitations(app)
    due = utcnow()
    with ThreadPoolExecutor(max_workers=4) as pool:
        batches = list(pool.map(lambda _: claim(app.engine, new_claimer(), limit=15, due=due),
                                range(4)))
    ids = [row.id for batch in batches for row in batch]
    assert len(ids) == len(set(ids)) == 40
    # SKIP LOCKED: which claimer got rows is a race (one may get none).
    owner = next(b for b in batches if b)
    first = owner[0]
    with app.session() as session:
        claimed_by = session.get(OutboxMessage, first.id).claimed_by  # type: ignore[union-attr]
    marker = EndOfDataMarker(app.engine, claimed_by or "")
    marker(first.id)
    marker.close()
    with app.session() as session:
        row = session.get(OutboxMessage, first.id)
        assert row is not None and row.state == OutboxState.SENDING and row.sent_at is not None
    assert record_plain_sent(app.engine, [r.id for r in owner], utcnow()) == {
        r.id for r in owner}

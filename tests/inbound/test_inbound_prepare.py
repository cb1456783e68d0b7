"""Worker processes computing ahead (bot.inbound.intake.prepare) change the time, not the results.

The same messages (the inbound corpus, and the extraction corpus's replies
sent as mail from the missions) go through the queue once without workers
and once with one, into two databases; every row, response and delegate
must come out the same. A worker that cannot read a message, or that dies,
costs time only: the main process does the work itself.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import signal
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from inboundkit import CORPUS, corpus_app, ingest
from sqlmodel import select

from bot import models
from bot.app import App
from bot.inbound.intake import prepare, queue
from bot.inbound.intake.store import raw_path

REPLIES = Path(__file__).resolve().parents[1] / "corpus" / "replies"


# How many extraction-corpus replies go through the queue. An even spread over
# the sorted names (so every language and render is in it) rather than all 880:
# the comparison needs variety, not volume, and each test runs the queue twice.
REPLY_SAMPLE = 150


def _reply_texts() -> list[Path]:
    paths = sorted(REPLIES.glob("*.txt"))
    return paths[:: max(1, len(paths) // REPLY_SAMPLE)]


def _messages() -> list[bytes]:
    """The inbound corpus, then a spread of reply texts mailed by missions with their tokens."""
    out = [p.read_bytes() for p in sorted(CORPUS.glob("*.eml"))]
    with (CORPUS / "missions.csv").open(encoding="utf-8") as handle:
        missions = list(csv.DictReader(handle))
    tokens = json.loads((CORPUS / "invitations.json").read_text(encoding="utf-8"))
    senders = itertools.cycle(missions)
    for i, path in enumerate(_reply_texts()):
        mission = next(senders)
        msg = EmailMessage()
        msg["From"] = mission["email"]
        msg["To"] = "secretariat@unodc.test"
        token = tokens[mission["code"]]["token"]
        msg["Subject"] = f"Re: Invitation [Ref. CU 2009/33 (A) · {token}]"
        msg["Message-ID"] = f"<reply-{i}@{mission['email'].split('@')[1]}>"
        msg.set_content(path.read_text(encoding="utf-8"))
        out.append(msg.as_bytes())
    return out


def _outcome(app: App) -> dict[str, Any]:
    """Everything the stages wrote, keyed by message, without ids and times."""
    with app.session() as session:
        missions = {m.id: m.code for m in session.exec(select(models.Mission))}
        result: dict[str, Any] = {}
        for row in session.exec(select(models.InboundMessage)):
            responses = []
            for response in session.exec(select(models.Response).where(
                    models.Response.inbound_id == row.id)):
                people = session.exec(select(models.Delegate).where(
                    models.Delegate.response_id == response.id).order_by(
                    models.Delegate.position))  # type: ignore[arg-type]
                responses.append({
                    "decision": response.decision, "confidence": response.confidence,
                    "amendment": response.amendment, "current": response.current,
                    "needs_review": response.needs_review, "notes": response.notes,
                    "delegates": [(d.honorific, d.name, d.title, d.role, d.email, d.phone)
                                  for d in people]})
            result[row.message_key] = {
                "status": row.status, "stage": row.stage, "error": row.error,
                "classification": row.classification, "mission": missions.get(row.mission_id),
                "method": row.match_method, "confidence": row.confidence,
                "body_text": row.body_text, "detail": json.loads(row.detail or "{}"),
                "responses": responses}
        return result


def _process(app_factory: Any, monkeypatch: pytest.MonkeyPatch, messages: list[bytes],
             workers: int, **overrides: Any) -> tuple[App, dict[str, Any]]:
    app = corpus_app(app_factory, **overrides)
    for raw in messages:
        ingest(app, raw)
    monkeypatch.setattr(queue, "PREPARE_MIN", 1)
    counts = queue.process_batches(app, workers=workers)
    assert sum(counts.values()) == len(_outcome(app))
    return app, _outcome(app)


def _count_ready(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the rows for which a worker's result was used."""
    used = [0]
    take = prepare.WorkAhead.take

    def counting(self: prepare.WorkAhead, row_id: int) -> prepare.Prepared | None:
        ready = take(self, row_id)
        used[0] += ready is not None
        return ready

    monkeypatch.setattr(prepare.WorkAhead, "take", counting)
    return used


def test_workers_give_the_same_results(app_factory: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    messages = _messages()
    _, alone = _process(app_factory, monkeypatch, messages, workers=0)
    used = _count_ready(monkeypatch)
    _, helped = _process(app_factory, monkeypatch, messages, workers=1)
    assert used[0] == len(helped) >= 150
    # The comparison has teeth: replies were matched and delegates recorded.
    assert sum(bool(o["responses"] and o["responses"][0]["delegates"])
               for o in alone.values()) >= 80
    assert helped.keys() == alone.keys()
    for key, expected in alone.items():
        assert helped[key] == expected, key


@pytest.mark.postgres
def test_workers_on_postgresql_give_the_same_results(app_factory: Any, pg_url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # On PostgreSQL the queue claims one row per transaction (SKIP LOCKED).
    messages = _messages()
    _, alone = _process(app_factory, monkeypatch, messages, workers=0)
    used = _count_ready(monkeypatch)
    _, helped = _process(app_factory, monkeypatch, messages, workers=1, database_url=pg_url)
    assert used[0] == len(helped) >= 150
    assert helped == alone


def test_a_message_the_worker_cannot_read_fails_as_without_workers(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    messages = _messages()[:30]
    results = []
    for workers in (0, 1):
        app = corpus_app(app_factory)
        for raw in messages:
            ingest(app, raw)
        with app.session() as session:
            victim = session.exec(select(models.InboundMessage).order_by(
                models.InboundMessage.id).offset(5)).first()  # type: ignore[arg-type]
            assert victim is not None
            raw_path(app.settings.store_dir, victim.raw_sha256).unlink()
        monkeypatch.setattr(queue, "PREPARE_MIN", 1)
        queue.process_batches(app, workers=workers)
        store = str(app.settings.store_dir)
        results.append({k: {**o, "error": o["error"] and o["error"].replace(store, "STORE")}
                        for k, o in _outcome(app).items()})
    assert results[0] == results[1]
    failed = [o for o in results[1].values() if o["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["error"].startswith("FileNotFoundError")
    assert sum(o["status"] != "failed" for o in results[1].values()) == len(results[1]) - 1


def test_a_killed_worker_costs_time_not_messages(app_factory: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    messages = _messages()
    _, alone = _process(app_factory, monkeypatch, messages, workers=0)
    take = prepare.WorkAhead.take
    calls, used = [0], [0]

    def killing(self: prepare.WorkAhead, row_id: int) -> prepare.Prepared | None:
        calls[0] += 1
        if calls[0] == 20:
            for pid in list(self.pool._processes):  # the test's way in
                os.kill(pid, signal.SIGKILL)
        ready = take(self, row_id)
        used[0] += ready is not None
        return ready

    monkeypatch.setattr(prepare.WorkAhead, "take", killing)
    _, helped = _process(app_factory, monkeypatch, messages, workers=1)
    assert calls[0] == len(alone)
    # Workers helped before the kill and not after it.
    assert 10 <= used[0] < len(alone) // 2
    assert helped == alone


def test_worker_count_setting() -> None:
    from bot.config.settings import load_settings, usable_cores
    from bot.errors import ConfigError

    assert load_settings({"INVITEBOT_PROCESS_WORKERS": "3"}).process_workers == 3
    assert load_settings({"INVITEBOT_PROCESS_WORKERS": "0"}).process_workers == 0
    default = load_settings({}).process_workers
    assert default == max(0, min(4, usable_cores() - 1))
    # Pinned to one core (a container's cpuset, taskset): no worker by default.
    import subprocess
    import sys

    pinned = subprocess.run(
        [sys.executable, "-c", "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))});"
         " from bot.config.settings import load_settings;"
         " print(load_settings({}).process_workers)"],
        capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    assert pinned.stdout.strip() == "0"
    for bad, message in (("-1", "expected 0 to 64"), ("many", "expected a number")):
        with pytest.raises(ConfigError, match=message):
            load_settings({"INVITEBOT_PROCESS_WORKERS": bad})


def test_small_backlog_uses_no_workers(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = corpus_app(app_factory)
    for raw in _messages()[:10]:
        ingest(app, raw)
    started: list[int] = []
    monkeypatch.setattr(prepare.WorkAhead, "__init__",
                        lambda self, *args: started.append(1))  # would fail if used
    assert sum(queue.process_batches(app, workers=2).values()) == 10
    assert started == []


def test_cli_poll_with_a_backlog_uses_workers(app_factory: Any, mailstack: Any) -> None:
    """``python -m bot poll`` on a backlog: workers start, none fails, every message is done."""
    import subprocess
    import sys

    app = app_factory()
    for i in range(queue.PREPARE_MIN + 10):
        msg = EmailMessage()
        msg["From"] = f"someone{i}@example.test"
        msg["To"] = "secretariat@unodc.test"
        msg["Subject"] = "Participation"
        msg["Message-ID"] = f"<backlog-{i}@example.test>"
        msg.set_content(f"Dear colleagues, note {i}: we will attend.\n")
        ingest(app, msg.as_bytes())
    s = app.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("INVITEBOT_")}
    env.update({
        "INVITEBOT_DATABASE_URL": s.database_url, "INVITEBOT_STORE_DIR": str(s.store_dir),
        "INVITEBOT_IMAP_HOST": s.imap.host, "INVITEBOT_IMAP_PORT": str(s.imap.port),
        "INVITEBOT_IMAP_USER": s.imap.user or "", "INVITEBOT_IMAP_PASSWORD": "secret",
        "INVITEBOT_PROCESS_WORKERS": "1"})
    done = subprocess.run(
        [sys.executable, "-m", "bot", "-v", "poll", "-c", str(app.config_path)],
        cwd=Path(__file__).resolve().parents[2], env=env, capture_output=True, text=True,
        timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "worker process(es) compute ahead" in done.stderr
    assert "worker processes failed" not in done.stderr, done.stderr[-2000:]
    with app.session() as session:
        statuses = {row.status for row in session.exec(select(models.InboundMessage))}
    assert models.InboundStatus.NEW not in statuses and statuses

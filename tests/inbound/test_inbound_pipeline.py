"""The stages in order: seed the queue, run it once, assert on the next tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from inboundkit import CORPUS, corpus_app, inbound_rows, ingest
from sqlmodel import col, select

from bot import models
from bot.cli import main
from bot.digest.build import preview
from bot.extract.model import DelegateCandidate, Extraction
from bot.inbound.intake.queue import process_pending
from bot.inbound.intake.store import raw_path
from bot.results.records import load_missions


def corpus(name: str) -> bytes:
    return (CORPUS / f"{name}.eml").read_bytes()


def test_same_message_twice_is_one_row(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    raw = corpus("reply_token_address")
    ingest(app, raw, mailbox="INBOX", uid=7)
    ingest(app, raw, mailbox="Archive", uid=3)
    report = ingest(app, raw, mailbox="INBOX", uid=7)  # the same sighting again
    assert report.duplicates == 1
    # Re-delivered after a UIDVALIDITY change: new bytes on top, same Message-ID.
    ingest(app, b"Received: from relay by mx; Tue, 1 Jan 2030 00:00:00 +0000\r\n" + raw,
           mailbox="INBOX", uidvalidity=2, uid=1)
    assert len(inbound_rows(app)) == 1
    with app.session() as session:
        assert len(session.exec(select(models.Sighting)).all()) == 3
    assert process_pending(app) == 1
    assert process_pending(app) == 0


def test_failing_stage_sets_message_aside_and_queue_goes_on(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, corpus("reply_token_address"))
    ingest(app, corpus("new_message_token_subject"))
    first = inbound_rows(app)[0]
    lost = raw_path(app.settings.store_dir, first.raw_sha256)
    kept = lost.read_bytes()
    lost.unlink()
    assert process_pending(app) == 2
    failed, done = inbound_rows(app)
    assert failed.status == "failed" and failed.stage == "classify"
    assert failed.error and "FileNotFoundError" in failed.error
    assert done.status != "failed" and done.classification == "reply"
    # Put the file back and retry: the message goes through.
    lost.write_bytes(kept)
    result = CliRunner().invoke(main, ["poll", "--help"])
    assert "--retry-failed" in result.output
    from bot.inbound.intake.queue import retry_failed
    assert retry_failed(app) == 1
    assert process_pending(app) == 1
    assert inbound_rows(app)[0].status != "failed"


def test_bounce_marks_invitation_bounced(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, corpus("bounce_postfix_user_unknown"))
    ingest(app, corpus("delay_notification"))
    process_pending(app)
    with app.session() as session:
        by_code = {m.code: m.id or 0 for m in session.exec(select(models.Mission))}
        invitations = {i.mission_id: i for i in session.exec(select(models.Invitation))}
        congo, austria = invitations[by_code["CG"]], invitations[by_code["AT"]]
        assert congo.status == "bounced" and "user unknown" in (congo.error or "")
        assert austria.status == "sent" and austria.error is None  # a delay changes nothing
        assert not session.exec(select(models.Response)).all()


def fake_extraction(monkeypatch: pytest.MonkeyPatch, results: list[Extraction]) -> None:
    def extract(*_args: Any, **_kwargs: Any) -> Extraction:
        return results.pop(0)

    # The extract stage imports extract_response by name: patch it there.
    import bot.inbound.stages.extract
    monkeypatch.setattr(bot.inbound.stages.extract, "extract_response", extract)


def person(name: str, role: str = "member") -> DelegateCandidate:
    return DelegateCandidate("Mr.", name, None, role, None, None, 0.9, "body")


def reply_from_austria(n: int) -> bytes:
    raw = corpus("reply_token_address")
    return raw.replace(b"<A1B2C3D4E5@bmeia.gv.at.test>", f"<followup-{n}@bmeia.test>".encode())


def test_follow_ups_keep_history(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = corpus_app(app_factory)
    fake_extraction(monkeypatch, [
        Extraction("accept", 0.9, [person("Anna Berger", "head")], None, 0.9),
        Extraction(None, 0.9, [person("Karl Maier")], "extend", 0.9),
        Extraction(None, 0.2, [], None, 0.9),  # "thank you": nothing new
        Extraction("accept", 0.9, [person("Eva Huber", "head")], "replace", 0.9),
    ])
    for n in range(4):
        ingest(app, reply_from_austria(n))
        process_pending(app)
    with app.session() as session:
        responses = session.exec(select(models.Response).order_by(col(models.Response.id))).all()
        assert [r.current for r in responses] == [False, False, False, True]
        names = [[d.name for d in session.exec(select(models.Delegate).where(
            models.Delegate.response_id == r.id).order_by(col(models.Delegate.position)))]
            for r in responses]
        # Each response is the delegation folded up to its message: the
        # "thank you" leaves it as it was.
        assert names == [["Anna Berger"], ["Anna Berger", "Karl Maier"],
                         ["Anna Berger", "Karl Maier"], ["Eva Huber"]]
        assert responses[1].decision == "accept"  # carried over by "extend"
        operations = [e.operation for e in session.exec(
            select(models.DelegationEvent).order_by(col(models.DelegationEvent.inbound_id)))]
        assert operations == ["first", "add", "none", "replace"]
        invitation = session.get(models.Invitation, responses[0].invitation_id)
        assert invitation is not None and invitation.status == "replied"


def test_replacement_of_one_person_keeps_the_others(app_factory: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    app = corpus_app(app_factory)
    swap = Extraction(None, 0.9, [person("Clara Weiss")], "replace", 0.9,
                      withdrawn=["Karl Maier"])
    fake_extraction(monkeypatch, [
        Extraction("accept", 0.9, [person("Anna Berger", "head"), person("Karl Maier")],
                   None, 0.9),
        swap,  # "Ms. Clara Weiss will replace Mr. Karl Maier"
    ])
    for n in range(2):
        ingest(app, reply_from_austria(n))
        process_pending(app)
    with app.session() as session:
        current = session.exec(select(models.Response).where(
            col(models.Response.current))).one()
        names = [d.name for d in session.exec(select(models.Delegate).where(
            models.Delegate.response_id == current.id).order_by(col(models.Delegate.position)))]
        assert names == ["Anna Berger", "Clara Weiss"]
        assert current.decision == "accept"


def test_certain_match_with_low_extraction_is_replied_to_confirm(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two doubts apart: the token settles the mission, so the reply counts at once;
    only the delegation is marked to confirm, with the reason (issue 17)."""
    app = corpus_app(app_factory)
    fake_extraction(monkeypatch, [Extraction("accept", 0.4, [person("Anna Berger")], None, 0.4,
                                             notes=["no head of delegation named"])])
    ingest(app, corpus("reply_token_address"))
    process_pending(app)
    [row] = inbound_rows(app)
    assert row.status == "processed"
    with app.session() as session:
        assert session.exec(select(models.ReviewItem)).all() == []
        [response] = session.exec(select(models.Response)).all()
        assert response.current and response.to_confirm is not None
        assert "extraction confidence 0.40" in response.to_confirm
        assert "no head of delegation named" in response.to_confirm
        invitation = session.get(models.Invitation, response.invitation_id)
        assert invitation is not None and invitation.status == "replied"
        [record] = [r for r in load_missions(session, app.campaign_id()) if r.code == "AT"]
        assert not record.silent and record.state == "replied"
        assert record.to_confirm == response.to_confirm
        assert [d.name for d in record.delegates] == ["Anna Berger"]


def test_doubtful_match_and_low_extraction_wait_for_review_not_silent(
        app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Match and extraction both in doubt: review; the mission shows an answer waiting."""
    app = corpus_app(app_factory)
    fake_extraction(monkeypatch, [Extraction("accept", 0.4, [], None, 0.4)])
    ingest(app, corpus("sender_domain_and_country"))
    process_pending(app)
    [row] = inbound_rows(app)
    assert row.status == "needs_review" and (row.confidence or 0) < 0.95
    with app.session() as session:
        [item] = session.exec(select(models.ReviewItem)).all()
        assert "extraction confidence 0.40" in item.reason and "not certain" in item.reason
        assert session.exec(select(models.Response)).all() == []
        [record] = [r for r in load_missions(session, app.campaign_id()) if r.code == "ZA"]
        assert record.status == "sent" and record.awaiting_review == 1
        assert not record.silent and record.state == "answer waiting for review"


def test_digest_keeps_the_two_doubts_apart(app_factory: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The digest: a certain match read with doubt is replied and "to confirm"; a
    doubtful match is an answer waiting for review; neither is silent."""
    app = corpus_app(app_factory)
    fake_extraction(monkeypatch, [Extraction("accept", 0.4, [person("Anna Berger")], None, 0.4),
                                  Extraction("accept", 0.4, [], None, 0.4)])
    ingest(app, corpus("reply_token_address"))  # AT, token: certain
    ingest(app, corpus("sender_domain_and_country"))  # ZA, domain and country: not certain
    process_pending(app)
    data, rendered = preview(app)
    assert [t.code for t in data.to_confirm] == ["AT"]
    assert "extraction confidence 0.40" in data.to_confirm[0].reason
    assert [a.code for a in data.awaiting] == ["ZA"]
    silent = {s.code for s in data.silent}
    assert "AT" not in silent and "ZA" not in silent
    assert data.totals["awaiting_review"] == 1 and data.totals["replied"] == 1
    assert "DELEGATIONS TO CONFIRM" in rendered.text
    assert "ANSWER WAITING FOR REVIEW" in rendered.text
    assert rendered.html is not None and "Answers waiting for review" in rendered.html


def cli(app: Any, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("INVITEBOT_STORE_DIR", str(app.settings.store_dir))
    result = CliRunner().invoke(main, [*args[:2], "-c", str(app.config_path), *args[2:]]
                                if args[0] == "review" else [args[0], "-c",
                                                             str(app.config_path), *args[1:]])
    assert result.exit_code == 0, result.output
    return result.output


def test_review_list_assign_dismiss(app_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    app = corpus_app(app_factory)
    ingest(app, corpus("personal_nigeria"))
    ingest(app, corpus("spoofed_token_unknown_sender"))
    process_pending(app)
    nigeria, spoof = inbound_rows(app)
    assert nigeria.status == spoof.status == "needs_review"
    listing = cli(app, monkeypatch, "review", "list")
    assert "emeka.obi@gmail.com" in listing and "NG (0.60)" in listing
    assert "not known for AT" in listing

    out = cli(app, monkeypatch, "review", "assign", str(nigeria.id), "NG")
    assert "assigned to NG" in out
    out = cli(app, monkeypatch, "review", "dismiss", spoof.message_id or "")
    assert "dismissed" in out
    nigeria, spoof = inbound_rows(app)
    assert (nigeria.match_method, nigeria.confidence) == ("manual", 1.0)
    assert nigeria.stage in ("record", "extract") and nigeria.status != "failed"
    assert spoof.status == "dismissed"
    with app.session() as session:
        assert session.exec(select(models.Response).where(
            models.Response.inbound_id == nigeria.id)).first() is not None
        actions = [e.action for e in session.exec(select(models.AuditEvent))]
        assert actions.count("review.assign") == 1 and actions.count("review.dismiss") == 1
        states = sorted(i.state for i in session.exec(select(models.ReviewItem)))
        assert states == ["assigned", "dismissed"]
    assert "queue is empty" in cli(app, monkeypatch, "review", "list")


def test_assign_unknown_mission_is_a_one_line_error(app_factory: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    app = corpus_app(app_factory)
    ingest(app, corpus("personal_nigeria"))
    process_pending(app)
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("INVITEBOT_STORE_DIR", str(app.settings.store_dir))
    result = CliRunner().invoke(main, ["review", "assign", "-c", str(app.config_path), "1", "XX"])
    assert result.exit_code == 2 and "no mission with code 'XX'" in result.output
    result = CliRunner().invoke(main, ["review", "dismiss", "-c", str(app.config_path), "999"])
    assert result.exit_code == 2 and "no inbound message" in result.output


def test_store_is_content_addressed(tmp_path: Path) -> None:
    from bot.inbound.intake.store import load_raw, store_raw

    digest = store_raw(tmp_path, b"hello")
    assert raw_path(tmp_path, digest).name == f"{digest}.eml"
    assert raw_path(tmp_path, digest).parent.name == digest[:2]
    assert store_raw(tmp_path, b"hello") == digest and load_raw(tmp_path, digest) == b"hello"
    assert not [p for p in raw_path(tmp_path, digest).parent.iterdir() if p.name.startswith(".")]


def test_acknowledgement_is_queued_once(app_factory: Any) -> None:
    app = corpus_app(app_factory, templates__acknowledgement="acknowledgement")
    raw = corpus("reply_token_address")
    ingest(app, raw, mailbox="INBOX")
    process_pending(app)
    ingest(app, raw, mailbox="Archive")  # seen again elsewhere: still one reply
    process_pending(app)
    with app.session() as session:
        acks = session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == "acknowledgement")).all()
        assert len(acks) == 1
        assert "pm-vienna@bmeia.gv.at.test" in acks[0].recipients
        # Unmatched or spoofed messages are never acknowledged.
    ingest(app, corpus("spoofed_token_unknown_sender"))
    process_pending(app)
    with app.session() as session:
        assert len(session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == "acknowledgement")).all()) == 1


def test_no_acknowledgement_by_default(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, corpus("reply_token_address"))
    process_pending(app)
    with app.session() as session:
        assert not session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == "acknowledgement")).all()


def test_store_write_failure_is_a_store_error(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from bot.inbound.intake import store

    monkeypatch.setattr(os, "fdopen", FullDisk)
    with pytest.raises(store.StoreError) as caught:
        store.store_batch(tmp_path, [b"one", b"two"])
    assert caught.value.errno == errno.ENOSPC
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # no temporary file left


class FullDisk:
    """A file whose every write fails as on a full disk."""

    def __init__(self, fd: int, _mode: str) -> None:
        self.fd = fd

    def __enter__(self) -> FullDisk:
        return self

    def __exit__(self, *_exc: object) -> None:
        import os

        os.close(self.fd)

    def write(self, _data: bytes) -> int:
        import errno

        raise OSError(errno.ENOSPC, "No space left on device")


def test_reused_message_id_is_not_swallowed(app_factory: Any) -> None:
    # Scan-to-mail gateways reuse Message-IDs: a different body is a different message.
    app = corpus_app(app_factory)
    first = corpus("reply_token_address")
    ingest(app, first)
    ingest(app, first.replace(b"Austria\r\nwill participate", b"Austria\r\nwill not attend"))
    assert len(inbound_rows(app)) == 2


def test_poll_unreachable_server_is_one_line(app_factory: Any,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nobody listens there
    app = corpus_app(app_factory)
    monkeypatch.setattr("bot.inbound.intake.poll.time.sleep", lambda _s: None)
    env = {"INVITEBOT_DATABASE_URL": app.settings.database_url,
           "INVITEBOT_IMAP_HOST": "127.0.0.1", "INVITEBOT_IMAP_PORT": str(port)}
    result = CliRunner().invoke(main, ["poll", "-c", str(app.config_path)], env=env)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        result.output.strip()] and f"IMAP server 127.0.0.1:{port}" in result.output

"""Issue 17 end to end: no bounce notice and no phishing mail becomes an answer.

Every ``bounce-``, ``phish-`` and ``auto-`` message of ``tests/corpus/classify/families``
(both sets) is made as dangerous as it can be: the ones a person or a lure
sends (and receipts) come from Austria's own address (a spoofed or compromised mailbox),
and every bounce answers Austria's invitation by In-Reply-To. Run through
the whole pipeline once, none may leave a Response, and Austria's
invitation must still wait for its answer.

A lure *inside* the thread is kept as a reply flagged ``suspect_phishing``
(tests/inbound/test_classify_families.py): the match stage sends it to a
human even when the thread makes the match certain.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from inboundkit import corpus_app, inbound_rows, ingest
from sqlmodel import select

from bot import models
from bot.inbound.classifiers.registry import classify
from bot.inbound.intake.queue import process_pending
from bot.inbound.parse.message import parse_message

FAMILIES = Path(__file__).resolve().parents[1] / "corpus" / "classify" / "families"
AUSTRIA = "pm-vienna@bmeia.gv.at.test"
INVITATION = "<inv-at.cu2009-33@unodc.test>"
# Senders that are people or impostors, not mail systems: they may use the
# mission's own address.
SPOOFABLE = ("forwarded_bounce", "phishing", "receipt_or_challenge")


def _dangerous(raw: bytes) -> bytes:
    """``raw`` from Austria when a person or a lure sends it; a bounce threaded
    on Austria's invitation."""
    kind = classify(parse_message(raw))
    if kind.classifier in SPOOFABLE:
        raw = re.sub(rb"(?mi)^From:[^\r\n]*", f"From: Mission <{AUSTRIA}>".encode(), raw, count=1)
    if kind.kind != "bounce":
        return raw
    threaded = f"In-Reply-To: {INVITATION}\r\nReferences: {INVITATION}\r\n".encode()
    # After Return-Path, where a delivering server leaves it first.
    head, _, rest = raw.partition(b"\r\n")
    if head.lower().startswith(b"return-path:"):
        return head + b"\r\n" + threaded + rest
    return threaded + raw


def _cases() -> list[Path]:
    return sorted(p for part in ("tune", "heldout") for p in (FAMILIES / part).glob("*.eml")
                  if p.name.startswith(("bounce-", "phish-", "auto-")))


def test_no_bounce_or_lure_becomes_an_answer(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    cases = _cases()
    assert len(cases) >= 60
    for path in cases:
        ingest(app, _dangerous(path.read_bytes()))
    assert process_pending(app) == len(cases)
    rows = inbound_rows(app)
    kinds = {row.subject: row.classification for row in rows}
    assert set(kinds.values()) <= {"bounce", "unrelated", "auto_reply"}, kinds
    with app.session() as session:
        assert session.exec(select(models.Response)).all() == []
        austria = session.exec(select(models.Invitation).join(models.Mission).where(
            models.Mission.email == AUSTRIA)).one()
        assert austria.status == models.InvitationStatus.SENT


def _hijacked(raw: bytes) -> bytes:
    """``raw`` from Austria's own address, threaded on Austria's invitation:
    a compromised mission mailbox, the match as certain as it gets."""
    raw = re.sub(rb"(?mi)^From:[^\r\n]*", f"From: Mission <{AUSTRIA}>".encode(), raw, count=1)
    raw = re.sub(rb"(?mi)^In-Reply-To:[^\r\n]*\r?\n", b"", raw, count=1)
    return f"In-Reply-To: {INVITATION}\r\nReferences: {INVITATION}\r\n".encode() + raw


def test_a_lure_inside_the_thread_waits_for_a_human(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    cases = sorted(p for part in ("tune", "heldout")
                   for p in (FAMILIES / part).glob("suspect-*.eml"))
    assert len(cases) >= 3
    for path in cases:
        ingest(app, _hijacked(path.read_bytes()))
    assert process_pending(app) == len(cases)
    rows = inbound_rows(app)
    assert {row.classification for row in rows} == {"reply"}
    assert all("suspect_phishing" in row.flags.split(",") for row in rows)
    assert {row.status for row in rows} == {models.InboundStatus.NEEDS_REVIEW}
    with app.session() as session:
        assert session.exec(select(models.Response)).all() == []
        reasons = [item.reason for item in session.exec(select(models.ReviewItem))]
    assert len(reasons) == len(cases)
    assert all("suspect phishing" in reason for reason in reasons), reasons

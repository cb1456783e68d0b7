"""Classification: the golden corpus in tests/corpus/classify, then the rules one by one.

Each ``X.eml`` there has an ``X.json`` beside it naming the expected
classification (and optionally parse results); only the keys present are
checked, so a file states exactly what it is about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.inbound.classifiers.registry import CLASSIFIERS, Classification, classify
from bot.inbound.parse.message import ParsedMessage, parse_message

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "classify"
CASES = sorted(CORPUS.glob("*.eml"))


def _check_parse(msg: ParsedMessage, expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if key == "text_contains":
            for needle in want:
                assert needle in msg.text, f"{needle!r} not in text {msg.text[:500]!r}"
        elif key == "text_excludes":
            for needle in want:
                assert needle not in msg.text
        elif key == "flags_include":
            assert set(want) <= set(msg.flags), msg.flags
        elif key == "embedded_subjects":
            assert [e.subject for e in msg.embedded] == want
        elif key == "date":
            assert msg.date is not None and msg.date.isoformat() == want
        elif key == "attachments":
            assert len(msg.attachments) == len(want)
            for attachment, fields in zip(msg.attachments, want, strict=True):
                for name, value in fields.items():
                    assert getattr(attachment, name) == value, (name, attachment)
        else:
            value = getattr(msg, key)
            assert (list(value) if isinstance(value, tuple) else value) == want, key


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_corpus(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    msg = parse_message(path.read_bytes())
    result = classify(msg)
    _check_parse(msg, expected.pop("parse", {}))
    if "reason_contains" in expected:
        assert expected.pop("reason_contains") in result.reason
    if "diagnostic_contains" in expected:
        assert expected.pop("diagnostic_contains") in (result.diagnostic or "")
    for key, want in expected.items():
        value = getattr(result, key)
        assert (list(value) if isinstance(value, tuple) else value) == want, (key, result)


def test_corpus_covers_every_language_with_and_without_headers() -> None:
    stems = {p.stem for p in CASES}
    for lang in ("en", "fr", "es", "ru", "ar", "zh"):
        assert {f"ooo-{lang}-headers", f"ooo-{lang}-noheaders"} <= stems


def test_classifier_order_is_data() -> None:
    names = [c.name for c in CLASSIFIERS]
    assert names.index("arf_feedback") < names.index("rfc3464_dsn") < names.index("text_bounce")
    assert names.index("text_bounce") < names.index("auto_reply_headers")
    assert names[-1] == "human_reply"


class _Broken:
    name = "broken"

    def check(self, msg: ParsedMessage) -> Classification | None:
        raise RuntimeError("boom")


def test_a_failing_classifier_is_skipped_and_named() -> None:
    msg = parse_message(b"From: a@b.example\r\nSubject: hi\r\n\r\nhello\r\n")
    result = classify(msg, (_Broken(), *CLASSIFIERS))
    assert result.kind == "reply"
    assert "broken: RuntimeError" in result.reason


def test_nothing_answers_means_reply_not_loss() -> None:
    result = classify(parse_message(b"\r\n\r\n"), ())
    assert result.kind == "reply" and result.classifier == "none"


def _msg(headers: str, body: str = "Thank you, we will attend.") -> ParsedMessage:
    raw = headers.strip().replace("\n", "\r\n") + "\r\n\r\n" + body + "\r\n"
    return parse_message(raw.encode("utf-8"))


def test_auto_submitted_no_is_a_human() -> None:
    msg = _msg("From: a@mission.example\nSubject: Re: Invitation\nAuto-Submitted: no")
    assert classify(msg).kind == "reply"


def test_x_auto_response_suppress_is_not_a_signal() -> None:
    msg = _msg("From: a@mission.example\nSubject: Re: Invitation\nX-Auto-Response-Suppress: All")
    assert classify(msg).kind == "reply"


def test_precedence_bulk_alone_stays_a_reply() -> None:
    msg = _msg("From: a@mission.example\nSubject: Re: Invitation\nPrecedence: bulk")
    assert classify(msg).kind == "reply"


def test_human_forward_of_a_bounce_is_a_reply_only_when_it_answers() -> None:
    bounce = (
        "This message was created automatically by mail delivery software.\n"
        "  old@mission.example\n    550 user unknown"
    )
    # Issue 17: a forwarded bounce with nothing of the forwarder's own is a
    # bounce notice (recorded, not permanent), never an answer.
    alone = classify(_msg("From: a@mission.example\nSubject: Fwd: Mail delivery failed", bounce))
    assert (alone.kind, alone.classifier, alone.permanent) == ("bounce", "forwarded_bounce", False)
    # A person forwarding a bounce *and* answering is talking to us: the
    # matcher must see it.
    answer = "We will attend; please write to new@mission.example.\n\n-----Original Message-----\n"
    msg = _msg("From: a@mission.example\nSubject: Fwd: Mail delivery failed", answer + bounce)
    assert classify(msg).kind == "reply"


def test_read_receipt_is_an_auto_reply() -> None:
    msg = _msg(
        "From: a@mission.example\nSubject: Read: Invitation\n"
        "Content-Type: multipart/report; report-type=disposition-notification; boundary=x",
        "--x\r\nContent-Type: text/plain\r\n\r\nRead.\r\n--x--",
    )
    assert classify(msg).kind == "auto_reply"


def test_success_dsn_is_unrelated() -> None:
    body = (
        "--x\r\nContent-Type: text/plain\r\n\r\nDelivered.\r\n"
        "--x\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; a@b.example\r\n"
        "Action: delivered\r\nStatus: 2.0.0\r\n--x--"
    )
    msg = _msg(
        "From: MAILER-DAEMON@mx.example\nSubject: Successful Mail Delivery Report\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=x",
        body,
    )
    assert classify(msg).kind == "unrelated"


def test_dsn_with_several_recipients_lists_only_the_failed() -> None:
    body = (
        "--x\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example\r\n\r\n"
        "Final-Recipient: rfc822; ok@b.example\r\nAction: delivered\r\nStatus: 2.0.0\r\n\r\n"
        "Final-Recipient: rfc822; gone@b.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "Final-Recipient: rfc822; slow@b.example\r\nAction: delayed\r\nStatus: 4.4.1\r\n--x--"
    )
    msg = _msg(
        "From: MAILER-DAEMON@mx.example\nSubject: Returned mail\n"
        "Content-Type: multipart/report; report-type=delivery-status; boundary=x",
        body,
    )
    result = classify(msg)
    assert result.kind == "bounce" and result.permanent and not result.is_delay
    assert result.bounced_recipients == ("gone@b.example",)
    assert result.status == "5.1.1"


def test_exim_failed_recipients_header_wins() -> None:
    msg = _msg(
        "From: Mail Delivery System <Mailer-Daemon@mx.example>\nReturn-Path: <>\n"
        "Subject: Mail delivery failed: returning message to sender\n"
        "X-Failed-Recipients: Head@Mission.example",
        "A message that you sent could not be delivered to one or more of its\n"
        "recipients. This is a permanent error. The following address(es) failed:\n\n"
        "  someone-else@mission.example\n",
    )
    assert classify(msg).bounced_recipients == ("head@mission.example",)

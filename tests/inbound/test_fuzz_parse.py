"""Property tests: parse_message and classify never raise, and stay bounded,
on arbitrary bytes, MIME-shaped noise and mutated real messages."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.inbound.classifiers.registry import classify
from bot.inbound.parse.message import Limits, ParsedMessage, parse_message
from bot.inbound.parse.parts import MAX_TEXT_CHARS

REPO = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("INVITEBOT_CORPORA") or REPO.parent / "shared" / "corpora")
SEEDS = sorted((REPO / "tests" / "corpus" / "classify").glob("*.eml")) + (
    sorted(CORPORA.rglob("*.eml"))[:400] if CORPORA.is_dir() else []
)
SMALL = Limits(max_message_bytes=64 * 1024, max_parts=20, max_depth=4, max_attachment_bytes=4096)

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_bounded(msg: ParsedMessage, limits: Limits) -> None:
    assert msg.parts_count <= limits.max_parts + 1
    assert msg.depth <= limits.max_depth
    assert len(msg.attachments) <= limits.max_parts
    assert len(msg.text) <= MAX_TEXT_CHARS
    assert all(len(a.data) <= limits.max_attachment_bytes for a in msg.attachments)
    assert "\n" not in msg.subject and "\r" not in msg.subject
    assert msg.date is None or msg.date.tzinfo is not None
    assert all("/" not in a.filename_display and "\\" not in a.filename_display
               for a in msg.attachments)


def _check(raw: bytes, limits: Limits = SMALL) -> None:
    msg = parse_message(raw, limits)
    _assert_bounded(msg, limits)
    assert classify(msg).kind in ("bounce", "auto_reply", "reply", "unrelated")


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(raw: bytes) -> None:
    _check(raw)


_TOKENS = [
    "Content-Type: multipart/mixed; boundary=b", "Content-Type: multipart/report; "
    "report-type=delivery-status; boundary=b", "Content-Type: message/rfc822",
    "Content-Type: message/delivery-status", "Content-Type: text/plain; charset=x-bogus",
    "Content-Type: text/html; charset=utf-7", "Content-Transfer-Encoding: base64",
    "Content-Transfer-Encoding: quoted-printable", "Content-Disposition: attachment; "
    "filename*=utf-8''..%2F..%2Fx", "Subject: =?utf-8?B?w6k=?= =?x?Q?=FF?=", "From: <>",
    "From: MAILER-DAEMON@x", "Auto-Submitted: auto-replied", "Final-Recipient: rfc822; a@b",
    "Action: failed", "Status: 5.1.1", "Date: Tue, 31 Feb 99999 25:61:61 +9999",
    "Message-ID: <<>>", "References: <a@b> <", "--b", "--b--", "", "=?utf-8?Q?=0D=0A?=",
    "<table><tr><td>a</td></tr>", "\x00\xff", "Received: from x", " folded continuation",
]


@FUZZ
@given(st.lists(st.sampled_from(_TOKENS), max_size=60), st.sampled_from(["\r\n", "\n", "\r"]))
def test_mime_shaped_noise(lines: list[str], newline: str) -> None:
    _check(newline.join(lines).encode("utf-8", errors="surrogateescape"))


@FUZZ
@given(st.data())
def test_mutated_real_messages(data: st.DataObject) -> None:
    if not SEEDS:
        return
    raw = bytearray(data.draw(st.sampled_from(SEEDS)).read_bytes()[:200_000])
    for _ in range(data.draw(st.integers(0, 8))):
        if not raw:
            break
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        if op == "flip":
            raw[pos] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del raw[pos : pos + data.draw(st.integers(1, 500))]
        elif op == "insert":
            raw[pos:pos] = data.draw(st.binary(min_size=1, max_size=64))
        else:
            raw[pos:pos] = raw[pos : pos + data.draw(st.integers(1, 2000))]
    _check(bytes(raw))
    _check(bytes(raw), Limits())

"""parse_message: decoding, tolerance and the limits on untrusted input."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime

from bot.inbound.parse.message import Limits, normalise_msgid, parse_message
from bot.inbound.parse.mimetext import decode_bytes, html_to_text, sanitise_filename


def _eml(headers: str, body: str) -> bytes:
    return (headers.strip().replace("\n", "\r\n") + "\r\n\r\n" + body).encode("utf-8")


def test_plain_message_fields() -> None:
    msg = parse_message(
        _eml(
            "From: =?utf-8?Q?Mission_du_S=C3=A9n=C3=A9gal?= <Delegation@Mission.Example>\n"
            "To: a@x.example, \"Doe, J\" <b@x.example>\nCc: c@x.example\n"
            "Reply-To: r@x.example\nDelivered-To: inv+Tok3n@sec.example\n"
            "X-Original-To: inv+tok3n@sec.example\n"
            "Subject: =?utf-8?B?UsOpcG9uc2U=?=\n\tsuite\n"
            "Date: Tue, 10 Nov 2026 09:15:00 +0100\nMessage-ID:  <abc@x>  \n"
            "In-Reply-To: <inv-1@sec.example> (comment)\n"
            "References: <r1@x> <r2@x>\n <r3@x>",
            "Bonjour\r\n",
        )
    )
    assert msg.from_addr == "delegation@mission.example"
    assert msg.from_name == "Mission du Sénégal"
    assert msg.to == ("a@x.example", "b@x.example")
    assert msg.cc == ("c@x.example",) and msg.reply_to == ("r@x.example",)
    assert msg.delivered_to == ("inv+tok3n@sec.example", "inv+tok3n@sec.example")
    assert msg.subject == "Réponse suite"
    assert msg.date == datetime(2026, 11, 10, 8, 15, tzinfo=UTC)
    assert msg.message_id == "<abc@x>" and msg.in_reply_to == "<inv-1@sec.example>"
    assert msg.references == ("<r1@x>", "<r2@x>", "<r3@x>")
    assert msg.text == "Bonjour\n" and msg.flags == ()


def test_subject_never_carries_line_breaks() -> None:
    msg = parse_message(_eml("Subject: =?utf-8?Q?a=0D=0Abcc:_x@y?=", "x"))
    assert "\n" not in msg.subject and "\r" not in msg.subject


def test_naive_and_broken_dates() -> None:
    assert parse_message(_eml("Date: Tue, 10 Nov 2026 09:15:00 -0000", "x")).date == datetime(
        2026, 11, 10, 9, 15, tzinfo=UTC
    )
    assert parse_message(_eml("Date: the day after tomorrow", "x")).date is None


def test_normalise_msgid() -> None:
    assert normalise_msgid("  <a@b>  ") == "<a@b>"
    assert normalise_msgid("a@b") == "<a@b>"
    assert normalise_msgid("garbage") is None
    assert normalise_msgid(None) is None


def test_unknown_and_lying_charsets_fall_back() -> None:
    assert decode_bytes("été".encode(), "x-unknown") == ("été", True)
    assert decode_bytes("été".encode("cp1252"), "utf-8") == ("été", True)
    assert decode_bytes(b"\x81\x8d", "us-ascii")[0]  # latin-1 never fails
    assert decode_bytes(b"plain", None) == ("plain", False)


def test_html_tables_become_rows() -> None:
    text = html_to_text(
        "<style>x{}</style><p>Hi&nbsp;there</p><table><tr><th>Name</th><th>Role</th></tr>"
        "<tr><td> Ms.  A </td><td>Head</td></tr></table><div>Bye<br>now</div>"
    )
    lines = [line for line in text.splitlines() if line]
    assert lines == ["Hi there", "Name | Role", "Ms. A | Head", "Bye", "now"]


def test_filenames_are_for_display_only() -> None:
    assert sanitise_filename("../../etc/passwd") == "passwd"
    assert sanitise_filename("C:\\Users\\x\\evil\u202egpj.exe") == "evilgpj.exe"
    assert sanitise_filename("a\r\nb.pdf") == "a b.pdf"
    assert len(sanitise_filename("x" * 5000)) == 200


def test_attachment_over_limit_is_listed_without_data() -> None:
    data = b"%PDF-" + b"x" * 3000
    raw = _eml(
        "From: a@b.example\nContent-Type: multipart/mixed; boundary=b",
        "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        "--b\r\nContent-Type: application/pdf\r\n"
        'Content-Disposition: attachment; filename="note.pdf"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(data).decode().replace("\n", "\r\n")
        + "--b--\r\n",
    )
    msg = parse_message(raw, Limits(max_attachment_bytes=1000))
    (attachment,) = msg.attachments
    assert attachment.size == len(data) and attachment.data == b""
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.filename_display == "note.pdf" and not attachment.is_inline
    assert "attachment_too_large" in msg.flags
    assert parse_message(raw).attachments[0].data == data


def test_embedded_message_headers_stay_readable() -> None:
    raw = _eml(
        "From: a@b.example\nContent-Type: multipart/mixed; boundary=b",
        "--b\r\nContent-Type: text/plain\r\n\r\nFYI\r\n"
        "--b\r\nContent-Type: message/rfc822\r\n\r\n"
        "From: orig@x.example\r\nTo: t@y.example\r\nSubject: Original\r\n"
        "Message-ID: <orig@x>\r\n\r\nOriginal text\r\n--b--\r\n",
    )
    msg = parse_message(raw)
    (embedded,) = msg.embedded
    assert embedded.message_id == "<orig@x>" and embedded.subject == "Original"
    assert embedded.from_addr == "orig@x.example" and embedded.to == ("t@y.example",)
    assert embedded.text.strip() == "Original text"
    assert msg.text.strip() == "FYI"


def test_garbage_never_raises() -> None:
    for raw in (b"", b"\x00\xff" * 100, b"Content-Type: multipart/mixed\r\n\r\n--", b"::::\n\n"):
        msg = parse_message(raw)
        assert msg.size == len(raw)


def test_fifty_megabytes_is_cut_to_the_limit() -> None:
    body = base64.encodebytes(b"\x00" * (38 * 1024 * 1024)).decode()
    raw = _eml(
        "From: a@b.example\nContent-Type: multipart/mixed; boundary=b",
        "--b\r\nContent-Type: text/plain\r\n\r\nbig\r\n--b\r\nContent-Type: application/zip\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + body + "--b--\r\n",
    )
    assert len(raw) > 50 * 1024 * 1024
    msg = parse_message(raw)
    assert "too_large" in msg.flags and msg.size == len(raw)
    assert msg.text.strip() == "big"
    assert all(a.size <= Limits().max_message_bytes for a in msg.attachments)


def test_ten_thousand_parts_are_walked_only_up_to_the_limit() -> None:
    parts = "".join(
        f"--b\r\nContent-Type: text/plain; name=p{i}.txt\r\n\r\npart {i}\r\n" for i in range(10_000)
    )
    raw = _eml("From: a@b.example\nContent-Type: multipart/mixed; boundary=b", parts + "--b--\r\n")
    msg = parse_message(raw)
    assert "too_many_parts" in msg.flags
    assert msg.parts_count <= Limits().max_parts + 1
    assert 0 < len(msg.attachments) <= Limits().max_parts


def test_deep_nesting_is_cut() -> None:
    depth = 3000
    head = "".join(
        f"Content-Type: multipart/mixed; boundary=b{i}\r\n\r\n--b{i}\r\n" for i in range(depth)
    )
    raw = ("From: a@b.example\r\n" + head + "Content-Type: text/plain\r\n\r\ndeep\r\n").encode()
    msg = parse_message(raw)
    assert msg.depth <= Limits().max_depth
    assert {"too_deep", "too_many_parts"} & set(msg.flags)


def test_deeply_nested_rfc822_is_bounded() -> None:
    raw = "From: a@b.example\r\nContent-Type: message/rfc822\r\n\r\n" * 2000 + "\r\nx\r\n"
    msg = parse_message(raw.encode())
    assert msg.depth <= Limits().max_depth
    assert msg.flags

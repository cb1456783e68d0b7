"""The SMTP session against a scripted loopback server (pure unit tests).

Pins what the real-stack tests cannot provoke: replies that arrive
together, a 5xx to DATA, and above all that no end-of-data ``.`` is ever
written when the marker before it fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from bot.config.settings import ServerSettings
from bot.outbound.replies import ReplyReader
from bot.outbound.smtp import SmtpSession, dot_stuffed


class Script:
    """A tiny SMTP server: PIPELINING, replies chosen per command."""

    def __init__(self, data_reply: bytes = b"250 2.0.0 queued\r\n",
                 rcpt: Callable[[bytes], bytes] = lambda _: b"250 2.1.5 ok\r\n") -> None:
        self.data_reply = data_reply
        self.rcpt = rcpt
        self.messages: list[bytes] = []
        self.aborted_bodies = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 script ESMTP\r\n")
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-script\r\n250-PIPELINING\r\n250 SIZE 1000000\r\n")
            elif verb == b"MAIL":
                writer.write(b"250 2.1.0 ok\r\n")
            elif verb == b"RCPT":
                writer.write(self.rcpt(line))
            elif verb == b"DATA":
                writer.write(b"354 go ahead\r\n")
                await writer.drain()
                body = b""
                while True:
                    chunk = await reader.readline()
                    if not chunk:
                        self.aborted_bodies += 1
                        return
                    if chunk == b".\r\n":
                        break
                    body += chunk
                self.messages.append(body)
                writer.write(self.data_reply)
            elif verb == b"RSET":
                writer.write(b"250 ok\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            await writer.drain()
        writer.close()


async def _session(script: Script) -> tuple[SmtpSession, asyncio.AbstractServer]:
    server = await asyncio.start_server(script.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return SmtpSession(ServerSettings(host="127.0.0.1", port=port, timeout=5)), server


RAW = b"From: a@x.test\r\nTo: b@y.test\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n"


async def test_sends_once_with_marker_right_before_the_end_of_data(
        monkeypatch: pytest.MonkeyPatch) -> None:
    script = Script()
    session, server = await _session(script)
    events: list[bytes] = []
    write = ReplyReader.write

    def logged(self: ReplyReader, data: bytes) -> None:
        events.append(data)
        write(self, data)

    monkeypatch.setattr(ReplyReader, "write", logged)
    result = await session.send("a@x.test", ["b@y.test"], RAW, lambda: events.append(b"MARK"))
    await session.close()
    server.close()
    assert result.status == "sent" and result.committed
    # Envelope pipelined in one write, then the body, the marker, the dot.
    assert events[0].count(b"\r\n") == 3 and events[0].endswith(b"DATA\r\n")
    assert events[2:4] == [b"MARK", b".\r\n"]
    assert script.messages == [b"From: a@x.test\r\nTo: b@y.test\r\nSubject: hi\r\n\r\n"
                               b"..leading dot\r\nbody\r\n"]


async def test_failed_marker_means_the_dot_is_never_written() -> None:
    script = Script()
    session, server = await _session(script)

    def broken() -> None:
        raise OSError("database is locked")

    result = await session.send("a@x.test", ["b@y.test"], RAW, broken)
    await asyncio.sleep(0.2)
    server.close()
    assert result.status == "deferred" and "database is locked" in (result.detail or "")
    assert script.messages == [] and script.aborted_bodies == 1


async def test_partial_refusal_is_sent_with_a_note() -> None:
    script = Script(rcpt=lambda line: b"550 5.1.1 no such user\r\n" if b"bad@" in line
                    else b"250 ok\r\n")
    session, server = await _session(script)
    result = await session.send("a@x.test", ["good@y.test", "bad@y.test"], RAW, lambda: None)
    all_bad = await session.send("a@x.test", ["bad@y.test"], RAW, lambda: None)
    await session.close()
    server.close()
    assert result.status == "sent" and "bad@y.test: 550 5.1.1 no such user" in (
        result.detail or "")
    assert all_bad.status == "failed" and "550" in (all_bad.detail or "")
    assert len(script.messages) == 1


@pytest.mark.parametrize(("reply", "status"), [(b"552 5.3.4 too big\r\n", "failed"),
                                               (b"451 4.3.0 try later\r\n", "deferred")])
async def test_refused_end_of_data(reply: bytes, status: str) -> None:
    session, server = await _session(Script(data_reply=reply))
    result = await session.send("a@x.test", ["b@y.test"], RAW, lambda: None)
    await session.close()
    server.close()
    assert result.status == status and result.committed
    assert reply.decode()[:3] in (result.detail or "")


async def test_nothing_listening_is_a_deferral() -> None:
    session = SmtpSession(ServerSettings(host="127.0.0.1", port=1, timeout=2))
    result = await session.send("a@x.test", ["b@y.test"], RAW, lambda: None)
    assert result.status == "deferred" and result.detail and result.detail.startswith("connect")


def test_reply_reader_splits_pipelined_and_multiline_replies() -> None:
    class Transport(asyncio.Transport):
        def is_closing(self) -> bool:
            return False

    reader = ReplyReader(Transport())
    reader.data_received(b"250 ok\r\n250-first\r\n250 second\r\n35")
    reader.data_received(b"4 go\r\n")
    codes = [(r.code, r.message) for r in reader.replies]
    assert codes == [(250, "ok"), (250, "first\nsecond"), (354, "go")]


def test_dot_stuffing() -> None:
    assert dot_stuffed(b".a\r\n.b\r\nc") == b"..a\r\n..b\r\nc\r\n"
    assert dot_stuffed(b"a\n.b") == b"a\r\n..b\r\n"

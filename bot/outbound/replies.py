"""SMTP replies read off a connection aiosmtplib opened, so commands can be pipelined.

aiosmtplib connects, says EHLO, negotiates STARTTLS and AUTH (see
``bot.transport``); then ``smtp.SmtpSession`` moves the transport to a
``ReplyReader``. aiosmtplib's own protocol expects one reply per read and
drops replies that arrive together, which is exactly what RFC 2920
PIPELINING produces: MAIL, RCPT and DATA go out in one write, their
replies come back in one read. Pipelining halves the round trips per
message, and round trips, not bytes, bound a client's rate.
"""

from __future__ import annotations

import asyncio
from collections import deque

from aiosmtplib.errors import SMTPReadTimeoutError, SMTPResponseException, SMTPServerDisconnected
from aiosmtplib.response import SMTPResponse

MAX_REPLY = 64 * 1024


class ReplyReader(asyncio.Protocol):
    """Buffers a connection's replies; ``reply()`` hands them out in order."""

    def __init__(self, transport: asyncio.Transport) -> None:
        self.transport = transport
        self.buffer = bytearray()
        self.lines: list[str] = []
        self.replies: deque[SMTPResponse] = deque()
        self.waiter: asyncio.Future[None] | None = None
        self.error: Exception | None = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\n")) >= 0:
            line = bytes(self.buffer[:end]).rstrip(b"\r")
            del self.buffer[:end + 1]
            code = line[:3]
            if len(code) != 3 or not code.isdigit():
                self._fail(SMTPResponseException(-1, f"malformed reply line {line[:80]!r}"))
                return
            self.lines.append(line[4:].decode("utf-8", "surrogateescape"))
            if line[3:4] != b"-":
                self.replies.append(SMTPResponse(int(code), "\n".join(self.lines)))
                self.lines = []
        if len(self.buffer) > MAX_REPLY:
            self._fail(SMTPResponseException(-1, "reply too long"))
            return
        self._wake()

    def eof_received(self) -> bool:
        self._fail(SMTPServerDisconnected("the server closed the connection"))
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(SMTPServerDisconnected(f"connection lost: {exc}" if exc else
                                          "connection lost"))

    def _fail(self, error: Exception) -> None:
        if self.error is None:
            self.error = error
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    @property
    def usable(self) -> bool:
        return self.error is None and not self.transport.is_closing()

    def write(self, data: bytes) -> None:
        if not self.usable:
            raise self.error or SMTPServerDisconnected("connection closed")
        self.transport.write(data)

    async def flushed(self) -> None:
        """Wait until everything written has left our buffers for the kernel."""
        while self.transport.get_write_buffer_size():
            if not self.usable:
                raise self.error or SMTPServerDisconnected("connection closed")
            await asyncio.sleep(0.001)

    async def reply(self, timeout: float) -> SMTPResponse:
        while not self.replies:
            if self.error is not None:
                raise self.error
            loop = asyncio.get_running_loop()
            waiter = self.waiter = loop.create_future()
            # A plain timer, not asyncio.wait_for: this runs twice per message.
            timer = loop.call_later(timeout, _expire, waiter)
            try:
                await waiter
            finally:
                timer.cancel()
                self.waiter = None
        return self.replies.popleft()


def _expire(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_exception(SMTPReadTimeoutError("timed out waiting for the server's reply"))

"""SMTP: hand a stored message to the server over a kept-open connection.

Decides what the server's answer means for the outbox row: 250 → sent,
4xx / timeout / disconnect → deferred, 5xx → failed with the server's words,
some recipients refused → sent, with the refusals noted. The message goes
next to ``outbox.record``.

aiosmtplib opens the connection (EHLO, STARTTLS or implicit TLS, AUTH, via
``bot.transport``); the transaction itself runs on a ``replies.ReplyReader``
so MAIL, RCPT and DATA are pipelined (RFC 2920) when the server allows.
The DATA phase is split so the crash-safety step sits between the body and
the final ``.``: ``before_commit`` (the end-of-data marker, see
``dispatch``) runs once the body has left our buffers, and the ``.``, the
only bytes that let the server accept the message, is written right after
it by the same thread. If the marker fails the connection is dropped and
the server discards the message. Once the ``.`` is written a lost reply is
*not* a deferral: the message may have been accepted, so it counts as sent
("nobody is mailed twice").
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import aiosmtplib
from aiosmtplib.errors import SMTPException, SMTPResponseException, SMTPServerDisconnected
from aiosmtplib.response import SMTPResponse

from bot.auth.login import smtp_authenticate
from bot.config.settings import ServerSettings
from bot.outbound.replies import ReplyReader
from bot.transport import smtp_client

Status = Literal["sent", "deferred", "failed"]
_LINE_ENDINGS = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class SendResult:
    """What happened to one message."""

    status: Status
    detail: str | None = None
    # True when the end-of-data marker was written: a copy may be in Sent.
    committed: bool = False


class PrecommitError(Exception):
    """The step before end-of-data failed; the transaction was abandoned."""


def _by_code(code: int) -> Status:
    return "failed" if 500 <= code < 600 else "deferred"


def _words(code: int, message: str) -> str:
    return f"{code} {' '.join(message.split())}"


def dot_stuffed(raw: bytes) -> bytes:
    """CRLF-normalised, dot-stuffed message body ending in CRLF, without the final dot."""
    crlf = raw.count(b"\r\n")
    # Stored messages are CRLF already; the regex only runs when they are not.
    body = raw if raw.count(b"\n") == crlf == raw.count(b"\r") else _LINE_ENDINGS.sub(b"\r\n", raw)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    body = body.replace(b"\r\n.", b"\r\n..")
    return b"." + body if body.startswith(b".") else body


class SmtpSession:
    """A connection to the submission server, opened on first use and kept open.

    aiosmtplib opens it (EHLO, STARTTLS, AUTH); the transactions run on a
    ``ReplyReader`` so MAIL, RCPT and DATA can be pipelined when the server
    offers PIPELINING.
    """

    def __init__(self, server: ServerSettings,
                 factory: Callable[[ServerSettings], aiosmtplib.SMTP] = smtp_client) -> None:
        self.server = server
        self.factory = factory
        self.reader: ReplyReader | None = None
        self.pipelining = False
        self.size = False

    async def _connected(self) -> ReplyReader:
        if self.reader is not None and self.reader.usable:
            return self.reader
        self.abort()
        client = self.factory(self.server)
        await client.connect()
        if client.is_ehlo_or_helo_needed:
            await client.ehlo()
        try:
            await smtp_authenticate(client, self.server)
        except BaseException:
            client.close()
            raise
        transport = client.protocol.transport if client.protocol is not None else None
        if not isinstance(transport, asyncio.Transport):
            client.close()
            raise SMTPServerDisconnected("connection lost after EHLO")
        self.pipelining = client.supports_extension("pipelining")
        self.size = client.supports_extension("size")
        self.reader = ReplyReader(transport)
        transport.set_protocol(self.reader)
        return self.reader

    def abort(self) -> None:
        """Drop the connection at once (mid-transaction, the server discards the mail)."""
        reader, self.reader = self.reader, None
        if reader is not None:
            reader.transport.abort()

    async def close(self) -> None:
        reader, self.reader = self.reader, None
        if reader is None:
            return
        try:
            if reader.usable:
                reader.write(b"QUIT\r\n")
                await reader.reply(min(self.server.timeout, 5.0))
        except (TimeoutError, SMTPException, OSError):
            pass
        reader.transport.close()

    async def send(self, mail_from: str, recipients: list[str], raw: bytes,
                   before_commit: Callable[[], None]) -> SendResult:
        """Run one mail transaction; never raises for server or network trouble."""
        try:
            reader = await self._connected()
        except SMTPResponseException as exc:
            self.abort()
            return SendResult("deferred", f"connect: {_words(exc.code, exc.message)}")
        except (TimeoutError, SMTPException, OSError) as exc:
            self.abort()
            return SendResult("deferred", f"connect: {_describe(exc)}")
        try:
            return await self._transaction(reader, mail_from, recipients, raw, before_commit)
        except PrecommitError as exc:
            self.abort()
            return SendResult("deferred", f"not sent: {exc}")
        except (TimeoutError, SMTPException, OSError) as exc:
            self.abort()
            return SendResult("deferred", _describe(exc))

    async def _reset(self, reader: ReplyReader) -> None:
        reader.write(b"RSET\r\n")
        if (await reader.reply(self.server.timeout)).code != 250:
            self.abort()

    async def _envelope(self, reader: ReplyReader, mail_from: str,
                        recipients: list[str], size: int) -> list[SMTPResponse]:
        """MAIL, RCPT…, DATA: in one write when pipelining; replies in order."""
        for address in (mail_from, *recipients):
            if any(ch in address for ch in "\r\n<>") or not address.isascii():
                raise ValueError(f"unsafe envelope address {address!r}")
        options = b" SIZE=%d" % size if self.size else b""
        commands = [b"MAIL FROM:<%s>%s\r\n" % (mail_from.encode(), options),
                    *(b"RCPT TO:<%s>\r\n" % r.encode() for r in recipients), b"DATA\r\n"]
        timeout = self.server.timeout
        if self.pipelining:
            reader.write(b"".join(commands))
            return [await reader.reply(timeout) for _ in commands]
        replies = []
        for command in commands:
            reader.write(command)
            replies.append(await reader.reply(timeout))
            if replies[0].code != 250:
                break
        return replies

    async def _transaction(self, reader: ReplyReader, mail_from: str, recipients: list[str],
                           raw: bytes, before_commit: Callable[[], None]) -> SendResult:
        replies = await self._envelope(reader, mail_from, recipients, len(raw))
        mail, data = replies[0], replies[-1]
        refused = {r: (reply.code, reply.message)
                   for r, reply in zip(recipients, replies[1:1 + len(recipients)], strict=False)
                   if reply.code not in (250, 251)}
        notes = "; ".join(f"{r}: {_words(c, m)}" for r, (c, m) in refused.items())
        if mail.code != 250 or len(refused) == len(recipients) or data.code != 354:
            if data.code == 354:
                # DATA was accepted although nothing else was: never send the body.
                self.abort()
            else:
                await self._reset(reader)
            if mail.code != 250:
                return SendResult(_by_code(mail.code), _words(mail.code, mail.message))
            if len(refused) == len(recipients):
                permanent = all(500 <= code < 600 for code, _ in refused.values())
                return SendResult("failed" if permanent else "deferred", f"refused {notes}")
            return SendResult(_by_code(data.code), _words(data.code, data.message))
        result = await self._data(reader, raw, before_commit)
        if result.status == "sent" and notes:
            prefix = f"{result.detail}; " if result.detail else ""
            return SendResult("sent", f"{prefix}refused {notes}", committed=True)
        return result

    async def _data(self, reader: ReplyReader, raw: bytes,
                    before_commit: Callable[[], None]) -> SendResult:
        reader.write(dot_stuffed(raw))
        # The body must have left our buffers before the marker, so that the
        # marker and the "." are separated by nothing but this thread.
        await reader.flushed()
        try:
            before_commit()
        except Exception as exc:
            raise PrecommitError(_describe(exc)) from exc
        reader.write(b".\r\n")
        try:
            reply = await reader.reply(self.server.timeout)
        except (TimeoutError, SMTPException, OSError) as exc:
            self.abort()
            return SendResult("sent", f"no reply after end of data ({_describe(exc)}); "
                              "assumed delivered", committed=True)
        if reply.code == 250:
            return SendResult("sent", None, committed=True)
        return SendResult(_by_code(reply.code), _words(reply.code, reply.message),
                          committed=True)


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    name = exc.__class__.__name__
    return f"{name}: {text}" if text else name

"""The outbound SMTP session over STARTTLS and implicit TLS (verified certificates).

The session takes the connection over from aiosmtplib after the TLS
handshake to pipeline its commands; this checks that the hand-over keeps
the encrypted transport. The private TLS stack comes from test_tls.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from conftest import wait_for_messages
from test_tls import TlsStack, settings, tls_stack  # noqa: F401 - tls_stack is a fixture

from bot.outbound.smtp import SmtpSession

pytestmark = pytest.mark.stack


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_session_sends_over_tls(tls_stack: TlsStack, mode: str) -> None:  # noqa: F811
    recipient = f"tls-{uuid.uuid4().hex[:8]}@missions.test"
    config = settings(tls_stack, smtp=mode, imap="starttls", ca=tls_stack.ca_file)
    raw = (f"From: sec@unodc.test\r\nTo: {recipient}\r\nSubject: over {mode}\r\n"
           f"Message-ID: <{uuid.uuid4().hex}@unodc.test>\r\n\r\nbody\r\n").encode()
    marks: list[str] = []

    async def run() -> list[str]:
        session = SmtpSession(config.smtp)
        try:
            first = await session.send("sec@unodc.test", [recipient], raw,
                                       lambda: marks.append("1"))
            second = await session.send("sec@unodc.test", [recipient], raw,
                                        lambda: marks.append("2"))
            assert session.reader is not None
            assert session.reader.transport.get_extra_info("ssl_object") is not None
            return [first.status, second.status]
        finally:
            await session.close()

    assert asyncio.run(run()) == ["sent", "sent"]
    assert marks == ["1", "2"]
    messages = wait_for_messages(tls_stack.stack, recipient, count=2)
    assert all(m["Subject"] == f"over {mode}" for m in messages)


def test_wrong_certificate_defers_without_sending(tls_stack: TlsStack) -> None:  # noqa: F811
    config = settings(tls_stack, smtp="tls", imap="starttls", ca=tls_stack.wrong_ca_file)
    session = SmtpSession(config.smtp)
    result = asyncio.run(session.send("sec@unodc.test", ["x@missions.test"], b"x\r\n",
                                      lambda: None))
    assert result.status == "deferred" and "connect" in (result.detail or "")

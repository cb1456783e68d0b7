"""TLS to the mail servers: verified against the configured CA, closed on anything else.

A private mail stack is started with a certificate issued by a throwaway
test CA (``trustme``): Postfix offers STARTTLS and implicit TLS, Dovecot
STARTTLS and IMAPS. Through ``bot.transport`` with
``INVITEBOT_*_CA_FILE`` naming that CA every mode works; with another CA
the connection fails before a single mail or password is sent; only
``INVITEBOT_*_VERIFY=false`` connects anyway. A server that offers no
STARTTLS when it was asked for is refused, not used in clear text. The
outbound SMTP session (``bot.outbound.smtp``) is checked over the same stack.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from click.testing import CliRunner
from conftest import Stack, imap_login, wait_for_messages
from tlskit import private_tls_stack

from bot.cli import main as cli
from bot.config.settings import Settings, load_settings
from bot.outbound.smtp import SmtpSession
from bot.transport import imap_connect, smtp_client

pytestmark = pytest.mark.stack


@dataclass(frozen=True)
class TlsStack:
    stack: Stack
    submission_port: int
    smtps_port: int
    imaps_port: int
    ca_file: Path
    wrong_ca_file: Path
    log_dir: Path


@pytest.fixture(scope="module")
def tls_stack() -> Iterator[TlsStack]:
    with private_tls_stack("invitebot-tls-") as private:
        base = private.base
        trustme.CA().cert_pem.write_to_path(str(base / "wrong-ca.pem"))
        yield TlsStack(private.stack, private.ports["SUBMISSION"], private.ports["SMTPS"],
                       private.ports["IMAPS"], private.ca_file, base / "wrong-ca.pem",
                       private.stack.dir / "log")


def settings(ts: TlsStack, *, smtp: str, imap: str, ca: Path | None,
             verify: bool = True, user: str = "") -> Settings:
    ports = {"starttls": ts.submission_port, "tls": ts.smtps_port,
             "none": ts.stack.smtp_port}
    imap_ports = {"starttls": ts.stack.imap_port, "tls": ts.imaps_port,
                  "none": ts.stack.imap_port}
    env = {"INVITEBOT_SMTP_HOST": "127.0.0.1", "INVITEBOT_SMTP_PORT": str(ports[smtp]),
           "INVITEBOT_SMTP_TLS": smtp, "INVITEBOT_SMTP_TIMEOUT": "10",
           "INVITEBOT_IMAP_HOST": "127.0.0.1", "INVITEBOT_IMAP_PORT": str(imap_ports[imap]),
           "INVITEBOT_IMAP_TLS": imap, "INVITEBOT_IMAP_TIMEOUT": "10",
           "INVITEBOT_IMAP_USER": user or f"tls-{uuid.uuid4().hex[:8]}@unodc.test",
           "INVITEBOT_IMAP_PASSWORD": "secret"}
    if ca is not None:
        env["INVITEBOT_SMTP_CA_FILE"] = env["INVITEBOT_IMAP_CA_FILE"] = str(ca)
    if not verify:
        env["INVITEBOT_SMTP_VERIFY"] = env["INVITEBOT_IMAP_VERIFY"] = "false"
    return load_settings(env)


def send(config: Settings, recipient: str) -> None:
    async def run() -> None:
        client = smtp_client(config.smtp)
        await client.connect()
        try:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = "tls@unodc.test", recipient, "TLS"
            msg.set_content("over TLS\n")
            await client.send_message(msg)
        finally:
            client.close()

    asyncio.run(run())


def is_cert_failure(exc: BaseException) -> bool:
    """Somewhere in the chain: a certificate verification error."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError) or \
                "CERTIFICATE_VERIFY_FAILED" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def mailbox_count(stack: Stack, user: str) -> int:
    client = imap_login(stack, user)
    try:
        return int(client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"])
    finally:
        client.logout()


def logged_in(ts: TlsStack, user: str) -> bool:
    log = ts.log_dir / "dovecot.log"
    return f"user=<{user}>" in log.read_text(errors="replace") and \
        any("Login:" in line and f"user=<{user}>" in line
            for line in log.read_text(errors="replace").splitlines())


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_smtp_with_our_ca_sends(tls_stack: TlsStack, mode: str) -> None:
    recipient = f"tls-{uuid.uuid4().hex[:8]}@missions.test"
    send(settings(tls_stack, smtp=mode, imap="starttls", ca=tls_stack.ca_file), recipient)
    [msg] = wait_for_messages(tls_stack.stack, recipient)
    assert msg["Subject"] == "TLS"
    # Postfix recorded the session as TLS (its Received line says so).
    received = " ".join(str(v) for v in msg.get_all("Received", []))
    assert "ESMTPS" in received or "TLS" in received, received


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_imap_with_our_ca_logs_in(tls_stack: TlsStack, mode: str) -> None:
    config = settings(tls_stack, smtp="starttls", imap=mode, ca=tls_stack.ca_file)
    client = imap_connect(config.imap)
    try:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
    finally:
        client.logout()
    assert logged_in(tls_stack, config.imap.user or "")


@pytest.mark.parametrize("mode", ["starttls", "tls"])
@pytest.mark.parametrize("ca", ["wrong", "system"])
def test_smtp_with_another_ca_fails_closed(tls_stack: TlsStack, mode: str, ca: str) -> None:
    recipient = f"tls-{uuid.uuid4().hex[:8]}@missions.test"
    config = settings(tls_stack, smtp=mode, imap="starttls",
                      ca=tls_stack.wrong_ca_file if ca == "wrong" else None)
    with pytest.raises(Exception) as info:
        send(config, recipient)
    assert is_cert_failure(info.value), repr(info.value)
    time.sleep(1.0)  # delivery is asynchronous: give a wrongly sent mail time to land
    assert mailbox_count(tls_stack.stack, recipient) == 0


@pytest.mark.parametrize("mode", ["starttls", "tls"])
@pytest.mark.parametrize("ca", ["wrong", "system"])
def test_imap_with_another_ca_fails_before_login(tls_stack: TlsStack, mode: str,
                                                 ca: str) -> None:
    config = settings(tls_stack, smtp="starttls", imap=mode,
                      ca=tls_stack.wrong_ca_file if ca == "wrong" else None)
    with pytest.raises(Exception) as info:
        imap_connect(config.imap)
    assert is_cert_failure(info.value), repr(info.value)
    assert not logged_in(tls_stack, config.imap.user or "")


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_verify_false_is_the_only_way_past_a_wrong_certificate(tls_stack: TlsStack,
                                                               mode: str) -> None:
    recipient = f"tls-{uuid.uuid4().hex[:8]}@missions.test"
    config = settings(tls_stack, smtp=mode, imap=mode, ca=tls_stack.wrong_ca_file,
                      verify=False)
    send(config, recipient)
    wait_for_messages(tls_stack.stack, recipient)
    client = imap_connect(config.imap)
    client.logout()
    assert logged_in(tls_stack, config.imap.user or "")


def test_starttls_asked_but_not_offered_is_refused(mailstack: Stack) -> None:
    # The shared stack has no TLS at all: no silent fallback to clear text.
    user = f"tls-{uuid.uuid4().hex[:8]}@unodc.test"
    config = load_settings({
        "INVITEBOT_SMTP_HOST": mailstack.host, "INVITEBOT_SMTP_PORT": str(mailstack.smtp_port),
        "INVITEBOT_SMTP_TLS": "starttls", "INVITEBOT_SMTP_TIMEOUT": "10",
        "INVITEBOT_IMAP_HOST": mailstack.host, "INVITEBOT_IMAP_PORT": str(mailstack.imap_port),
        "INVITEBOT_IMAP_TLS": "starttls", "INVITEBOT_IMAP_USER": user,
        "INVITEBOT_IMAP_PASSWORD": "secret", "INVITEBOT_IMAP_TIMEOUT": "10"})
    recipient = f"tls-{uuid.uuid4().hex[:8]}@missions.test"
    with pytest.raises(Exception, match=r"(?i)starttls"):
        send(config, recipient)
    with pytest.raises(Exception, match=r"(?i)starttls|tls"):
        imap_connect(config.imap)
    time.sleep(1.0)
    assert mailbox_count(mailstack, recipient) == 0


def check_env(ts: TlsStack, tmp: Path, ca: Path, user: str) -> dict[str, str]:
    return {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp / 'check.db'}",
            "INVITEBOT_STORE_DIR": str(tmp / "store"),
            "INVITEBOT_SMTP_HOST": "127.0.0.1", "INVITEBOT_SMTP_PORT": str(ts.submission_port),
            "INVITEBOT_SMTP_TLS": "starttls", "INVITEBOT_SMTP_CA_FILE": str(ca),
            "INVITEBOT_SMTP_TIMEOUT": "10",
            "INVITEBOT_IMAP_HOST": "127.0.0.1", "INVITEBOT_IMAP_PORT": str(ts.imaps_port),
            "INVITEBOT_IMAP_TLS": "tls", "INVITEBOT_IMAP_CA_FILE": str(ca),
            "INVITEBOT_IMAP_USER": user, "INVITEBOT_IMAP_PASSWORD": "secret",
            "INVITEBOT_IMAP_TIMEOUT": "10"}


def test_check_reports_a_wrong_certificate_in_one_line(tls_stack: TlsStack, app_factory: Any,
                                                       tmp_path: Path) -> None:
    app = app_factory(missions=1)
    user = app.config.campaign.mail.reply_to
    runner = CliRunner()
    good = runner.invoke(cli, ["check", "-c", str(app.config_path)],
                         env=check_env(tls_stack, tmp_path, tls_stack.ca_file, user))
    assert good.exit_code == 0, good.output
    bad = runner.invoke(cli, ["check", "-c", str(app.config_path)],
                        env=check_env(tls_stack, tmp_path, tls_stack.wrong_ca_file, user))
    assert bad.exit_code == 1, bad.output
    lines = bad.output.splitlines()
    for name in ("smtp", "imap"):
        failing = [line for line in lines if line.startswith("FAIL") and f" {name} " in line]
        assert len(failing) == 1, bad.output
        assert "certificate verify failed" in failing[0].lower() or \
            "CERTIFICATE_VERIFY_FAILED" in failing[0], failing[0]
    assert not any(line.startswith("Traceback") for line in lines)
    assert os.environ.get("INVITEBOT_SMTP_CA_FILE") is None  # the runner restored the env


# --- the outbound SMTP session over TLS -------------------------------------
# The session takes the connection over from aiosmtplib after the TLS
# handshake to pipeline its commands; these check that the hand-over keeps
# the encrypted transport, and that a wrong certificate sends nothing.

@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_session_sends_over_tls(tls_stack: TlsStack, mode: str) -> None:
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


def test_wrong_certificate_defers_without_sending(tls_stack: TlsStack) -> None:
    config = settings(tls_stack, smtp="tls", imap="starttls", ca=tls_stack.wrong_ca_file)
    session = SmtpSession(config.smtp)
    result = asyncio.run(session.send("sec@unodc.test", ["x@missions.test"], b"x\r\n",
                                      lambda: None))
    assert result.status == "deferred" and "connect" in (result.detail or "")

"""Connections to the mail servers, with TLS verified unless disabled explicitly.

The factories here are the one seam between invitebot and the network:
SMTP through aiosmtplib, IMAP through imapclient.
"""

from __future__ import annotations

import contextlib
import imaplib
import ssl

import aiosmtplib
from imapclient import IMAPClient

from bot.auth.login import imap_authenticate
from bot.config.settings import ServerSettings
from bot.errors import InvitebotError
from bot.operrors import ServerError, ServerUnreachable, describe, login_refused


def ssl_context(server: ServerSettings) -> ssl.SSLContext:
    """A client TLS context: system CAs (or the configured CA file), hostname checked."""
    context = ssl.create_default_context(cafile=str(server.ca_file) if server.ca_file else None)
    if not server.verify:
        # Only ever reached when INVITEBOT_*_VERIFY=false was set on purpose.
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def smtp_client(server: ServerSettings) -> aiosmtplib.SMTP:
    """An unconnected aiosmtplib client; ``bot.auth.login.smtp_authenticate`` signs it in."""
    tls = server.tls
    return aiosmtplib.SMTP(
        hostname=server.host,
        port=server.port,
        use_tls=tls == "tls",
        start_tls=tls == "starttls",
        tls_context=ssl_context(server) if tls != "none" else None,
        validate_certs=server.verify,
        timeout=server.timeout,
    )


def imap_connect(server: ServerSettings) -> IMAPClient:
    """Connect and log in to the IMAP server; the caller logs out.

    Failures an operator fixes (refused, TLS) raise ``ServerError``, one line
    naming the server; a sign-in failure is ``bot.auth``'s ``AuthError``.
    """
    where = f"IMAP server {server.host}:{server.port}"
    tls = server.tls
    context = ssl_context(server) if tls != "none" else None
    try:
        client = IMAPClient(server.host, port=server.port, ssl=tls == "tls",
                            ssl_context=context, timeout=server.timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise _server_error(where, exc) from exc
    try:
        if tls == "starttls":
            client.starttls(context)
        # Password or OAuth2 (bot.auth.login); its failures are one line already.
        imap_authenticate(client, server)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            client.shutdown()
        if isinstance(exc, InvitebotError):
            # An unset password, a refused login or token (bot.auth): said already.
            raise
        if login_refused(exc):
            raise ServerError(f"{where}: login as {server.user} refused: {describe(exc)}") from exc
        if isinstance(exc, (OSError, imaplib.IMAP4.error)):
            raise _server_error(where, exc) from exc
        raise
    return client


def _server_error(where: str, exc: BaseException) -> ServerError:
    """Network trouble is retried (``ServerUnreachable``); TLS and protocol refusals are not."""
    if isinstance(exc, OSError) and not isinstance(exc, ssl.SSLError):
        return ServerUnreachable(f"{where}: {describe(exc)}")
    return ServerError(f"{where}: {describe(exc)}")

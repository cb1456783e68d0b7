"""Connections to the mail servers, with TLS verified unless disabled explicitly.

The factories here are the one seam between invitebot and the network:
SMTP through aiosmtplib, IMAP through imapclient.
"""

from __future__ import annotations

import contextlib
import ssl

import aiosmtplib
from imapclient import IMAPClient

from bot.auth.login import imap_authenticate
from bot.config.settings import ServerSettings


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
    """Connect and log in to the IMAP server; the caller logs out."""
    tls = server.tls
    context = ssl_context(server) if tls != "none" else None
    client = IMAPClient(server.host, port=server.port, ssl=tls == "tls",
                        ssl_context=context, timeout=server.timeout)
    try:
        if tls == "starttls":
            client.starttls(context)
        imap_authenticate(client, server)
    except BaseException:
        with contextlib.suppress(OSError):
            client.shutdown()
        raise
    return client

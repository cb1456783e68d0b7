"""Sign an IMAP or SMTP connection in: password, or an OAuth2 token over XOAUTH2 / OAUTHBEARER.

A refused token is replaced once by a fresh one (the server may know of a
revocation or an early expiry the cache does not); a second refusal, or any
failure to get a token, is one line naming the account and what to do.
The three password mistakes are told apart: not set, file unreadable
(reported when the settings are read, with the path) and refused.
"""

from __future__ import annotations

import asyncio

import aiosmtplib
from aiosmtplib.errors import SMTPAuthenticationError, SMTPException
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from bot.auth import sasl
from bot.auth.errors import AuthError, scrub, server_refused
from bot.auth.sources import source_for
from bot.config.settings import ServerSettings


class ImapAuthFailed(AuthError, LoginError):  # type: ignore[misc]
    """The IMAP sign-in failed (still a LoginError for code that expects one)."""


class SmtpAuthFailed(AuthError, SMTPException):
    """The SMTP sign-in failed (still an SMTPException: dispatch defers, nothing is lost)."""

    def __init__(self, message: str) -> None:
        AuthError.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def password_of(server: ServerSettings, kind: str) -> str:
    if server.password is None:
        raise AuthError(f"INVITEBOT_{kind}_USER is {server.user} but no password is set: set "
                        f"INVITEBOT_{kind}_PASSWORD or INVITEBOT_{kind}_PASSWORD_FILE")
    return server.password.get_secret_value()


def imap_authenticate(client: IMAPClient, server: ServerSettings) -> None:
    """Sign ``client`` in as ``server.user`` (nothing to do without a user)."""
    user, auth = server.user, server.auth
    if not user:
        return
    if not auth.oauth:
        password = password_of(server, "IMAP")
        try:
            client.login(user, password)
        except LoginError as exc:
            raise ImapAuthFailed(server_refused("IMAP", user, "password",
                                                scrub(str(exc), password))) from None
        return
    source = source_for(auth, user)
    offered = {c.decode().lower()[5:] for c in client.capabilities()
               if c.upper().startswith(b"AUTH=")}
    mechanism = sasl.choose(auth.sasl, offered)
    answer = ""
    for force in (False, True):
        try:
            token = source.token(force=force)
        except AuthError as exc:
            # Still a LoginError for the callers that handle a refused login.
            raise ImapAuthFailed(str(exc)) from None
        try:
            if mechanism == "oauthbearer":
                client.oauthbearer_login(user, token.value)
            else:
                client.oauth2_login(user, token.value)
            return
        except LoginError as exc:
            answer = scrub(str(exc), token.value)
    raise ImapAuthFailed(server_refused("IMAP", user, auth.mode, answer))


async def smtp_authenticate(client: aiosmtplib.SMTP, server: ServerSettings) -> None:
    """Sign a connected ``client`` in as ``server.user`` (nothing to do without a user)."""
    user, auth = server.user, server.auth
    if not user:
        return
    if client.is_ehlo_or_helo_needed:  # after STARTTLS the extensions are asked again
        await client.ehlo()
    if not client.supports_extension("auth"):
        raise SmtpAuthFailed(f"the SMTP server {server.host}:{server.port} offers no sign-in "
                             "(AUTH) on this connection: use its submission port with TLS "
                             "(INVITEBOT_SMTP_TLS=starttls or tls)")
    try:
        if not auth.oauth:
            password = password_of(server, "SMTP")
            try:
                await client.login(user, password)
            except SMTPAuthenticationError as exc:
                answer = scrub(f"{exc.code} {exc.message}", password)
                raise SmtpAuthFailed(server_refused("SMTP", user, "password", answer)) from None
            return
        await _smtp_bearer(client, server, user)
    except SmtpAuthFailed:
        raise
    except AuthError as exc:
        raise SmtpAuthFailed(str(exc)) from None


async def _smtp_bearer(client: aiosmtplib.SMTP, server: ServerSettings, user: str) -> None:
    source = source_for(server.auth, user)
    mechanism = sasl.choose(server.auth.sasl, set(client.server_auth_methods))
    answer = ""
    for force in (False, True):
        # msal and google-auth block: keep the event loop free.
        token = await asyncio.to_thread(source.token, force)
        try:
            if mechanism == "oauthbearer":
                reply = await client.execute_command(
                    b"AUTH", b"OAUTHBEARER",
                    sasl.oauthbearer(user, token.value, server.host, server.port))
                if reply.code == 334:
                    reply = await client.execute_command(sasl.OAUTHBEARER_ABORT)
                if reply.code != 235:
                    raise SMTPAuthenticationError(reply.code, reply.message)
            else:
                await client.auth_xoauth2(user, token.value)
            return
        except SMTPAuthenticationError as exc:
            answer = scrub(f"{exc.code} {exc.message}", token.value)
    raise SmtpAuthFailed(server_refused("SMTP", user, server.auth.mode, answer))

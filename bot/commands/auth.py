"""``invitebot auth login`` and ``invitebot auth status``: the OAuth2 sign-in, seen and renewed.

``login`` runs the device code flow for the servers in ``oauth2-device-code``
mode (the URL and code are printed once; the refresh token is cached) and
fetches a first token for the other OAuth2 modes, so that a wrong setting is
found now and not at the first send. ``status`` shows each server's mode,
account and when its cached token expires; no token is ever printed.
"""

from __future__ import annotations

import click

from bot.auth.errors import AuthError
from bot.auth.sources import DeviceCode, source_for
from bot.clock import utcnow
from bot.config.settings import ServerSettings, load_settings


def _servers() -> list[tuple[str, ServerSettings]]:
    settings = load_settings()
    return [("smtp", settings.smtp), ("imap", settings.imap)]


@click.group()
def auth() -> None:
    """OAuth2 sign-in of the mail servers (Microsoft 365, Google Workspace)."""


@auth.command()
def login() -> None:
    """Sign in: device code once for a delegated mailbox, a first token for the others."""
    done: set[tuple[str, str | None, str]] = set()
    oauth = [(kind, server) for kind, server in _servers() if server.auth.oauth]
    if not oauth:
        raise AuthError("no server uses OAuth2: set INVITEBOT_SMTP_AUTH or INVITEBOT_IMAP_AUTH")
    for kind, server in oauth:
        if not server.user:
            raise AuthError(f"INVITEBOT_{kind.upper()}_USER (the mailbox) is not set")
        key = (server.auth.mode, server.auth.client_id, server.user.lower())
        if key in done:
            click.echo(f"{kind}: {server.user} signed in (shared with the other server)")
            continue
        source = source_for(server.auth, server.user)
        if isinstance(source, DeviceCode):
            token = source.login(lambda message: click.echo(message, err=True))
        else:
            token = source.token(force=True)
        done.add(key)
        click.echo(f"{kind}: {server.user} signed in ({server.auth.mode}), token valid until "
                   f"{token.expires_at:%Y-%m-%d %H:%M} UTC")


@auth.command()
def status() -> None:
    """Each server's auth mode, account and token expiry."""
    now = utcnow()
    for kind, server in _servers():
        who = server.user or "(no user: no sign-in)"
        if not server.auth.oauth:
            click.echo(f"{kind}  password  {who}  from {server.auth.password_source}"
                       if server.user else f"{kind}  password  {who}")
            continue
        if not server.user:
            click.echo(f"{kind}  {server.auth.mode}  INVITEBOT_{kind.upper()}_USER not set")
            continue
        expiry = source_for(server.auth, server.user).expiry()
        if expiry is None:
            state = "no token cached"
        elif expiry <= now:
            state = f"token expired {expiry:%Y-%m-%d %H:%M} UTC (renewed at next use)"
        else:
            minutes = int((expiry - now).total_seconds() // 60)
            state = f"token valid until {expiry:%Y-%m-%d %H:%M} UTC (in {minutes} min)"
        click.echo(f"{kind}  {server.auth.mode}  {who}  {state}")


commands = [auth]

"""``invitebot web``: serve the staff console; ``invitebot web adduser``: a staff account.

The password is typed at a prompt (twice) or read as the first line of
standard input when that is not a terminal; never from the command line,
where other users of the machine could read it in the process list.
"""

from __future__ import annotations

import sys

import click

from bot.app import App
from bot.commands.options import config_option
from bot.errors import InvitebotError


@click.group(invoke_without_command=True)
@config_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (put a TLS proxy in front for anything but loopback).")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option("--secure-cookies/--no-secure-cookies", default=False, show_default=True,
              help="Mark the session cookie Secure (when a TLS proxy serves the console).")
@click.pass_context
def web(ctx: click.Context, app: App, host: str, port: int, secure_cookies: bool) -> None:
    """The staff console in the browser (campaign, missions, review queue)."""
    if ctx.invoked_subcommand is not None:
        # adduser writes to the database this campaign's console opens.
        ctx.obj = app
        return
    import uvicorn

    from bot.web.app import create_app

    console = create_app(app, secure_cookies=secure_cookies)
    click.echo(f"invitebot console on http://{host}:{port}/ (Ctrl-C stops it)")
    # proxy_headers: behind a TLS proxy the request scheme is https, so the
    # cookie gets Secure without the flag.
    uvicorn.run(console, host=host, port=port, log_level="warning", proxy_headers=True)


def read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@web.command()
@click.argument("name")
@click.option("--role", type=click.Choice(["viewer", "officer"]), default="viewer",
              show_default=True, help="A viewer reads; an officer also resolves and corrects.")
@click.pass_obj
def adduser(app: App, name: str, role: str) -> None:
    """Create staff account NAME (or reset its password and role)."""
    from bot.db import make_engine, migrate, session_scope
    from bot.web.auth import add_user

    password = read_password()
    if not password:
        raise InvitebotError("no password given (type it at the prompt or pipe it on stdin)")
    # The campaign's database (``invitebot web -c FILE adduser``), never the current folder's.
    url = app.settings.database_url
    migrate(url)
    with session_scope(make_engine(url)) as session:
        add_user(session, name, password, role)
    click.echo(f"staff user {name!r} ({role}) saved")


commands = [web]

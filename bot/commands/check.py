"""``invitebot check``: is everything in place before a single mail goes out?

Validates the campaign file and the mission list, renders every mission's
invitation (when the outbound templates are present), and reaches the SMTP
and IMAP servers. Each check prints one line; any failure exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys

import click

from bot.app import App
from bot.auth.login import smtp_authenticate
from bot.checkresult import CheckResult
from bot.commands.options import config_option
from bot.config.settings import ServerSettings
from bot.mail.compose import check_templates
from bot.transport import imap_connect, smtp_client


def check_smtp(server: ServerSettings) -> CheckResult:
    async def probe() -> str:
        client = smtp_client(server)
        await client.connect()
        try:
            await smtp_authenticate(client, server)
            code, _message = await client.ehlo()
            signed = f", signed in as {server.user}" if server.user else ""
            return f"{server.host}:{server.port} answered {code}{signed}"
        finally:
            await client.quit()

    try:
        return CheckResult("smtp", True, asyncio.run(probe()))
    except Exception as exc:
        return CheckResult("smtp", False, f"{server.host}:{server.port}: {_describe(exc)}")


def check_imap(server: ServerSettings, folders: list[str]) -> CheckResult:
    try:
        client = imap_connect(server)
    except Exception as exc:
        return CheckResult("imap", False, f"{server.host}:{server.port}: {_describe(exc)}")
    try:
        missing = [f for f in folders if not client.folder_exists(f)]
        idle = b"IDLE" in client.capabilities()
    finally:
        with contextlib.suppress(Exception):  # the check is already decided
            client.logout()
    if missing:
        return CheckResult("imap", False, f"missing folder(s): {', '.join(missing)}")
    return CheckResult("imap", True, f"{server.host}:{server.port} logged in, "
                       f"folders {', '.join(folders)} present, IDLE {'yes' if idle else 'no'}")


def _describe(exc: BaseException) -> str:
    text = str(exc) or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}" if text != exc.__class__.__name__ else text


def run_checks(app: App, *, servers: bool = True) -> list[CheckResult]:
    results = []
    config = app.config
    results.append(CheckResult(
        "config", True,
        f"{config.path}: campaign {config.campaign.meeting.reference!r}, "
        f"{len(config.missions)} missions from {config.campaign.missions_file}",
    ))
    results.append(check_templates(app))
    if servers:
        results.append(check_smtp(app.settings.smtp))
        results.append(check_imap(app.settings.imap, list(config.campaign.mail.inbox_folders)))
    return results


@click.command()
@config_option
@click.option("--no-servers", is_flag=True, help="Skip the SMTP and IMAP checks.")
def check(app: App, no_servers: bool) -> None:
    """Validate config, mission list and templates; reach the servers."""
    results = run_checks(app, servers=not no_servers)
    failed = False
    for result in results:
        mark = click.style("ok  ", fg="green") if result.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {result.name:<10} {result.detail}")
        failed = failed or not result.ok
    if failed:
        sys.exit(1)

"""``invitebot check``: is everything in place before a single mail goes out?

Validates the campaign file and the mission list, renders every mission's
invitation (when the outbound templates are present), and reaches the SMTP
and IMAP servers. Each check prints one line; any failure exits 1.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from bot.app import App
from bot.auth.login import smtp_authenticate
from bot.checkresult import CheckResult
from bot.clock import utcnow
from bot.commands.options import config_option
from bot.config.advice import date_warnings, missing_languages
from bot.config.settings import ServerSettings
from bot.errors import InvitebotError
from bot.mail.compose import check_templates
from bot.operrors import describe
from bot.results.learnt import bounced_elsewhere
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
    except InvitebotError as exc:
        return CheckResult("imap", False, str(exc))
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
    if isinstance(exc, InvitebotError):
        return str(exc)
    return describe(exc)


def check_history(app: App) -> list[CheckResult]:
    """Warn about addresses that bounced in another campaign of the same database."""
    url = app.settings.database_url
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return []  # no database yet: nothing learnt, and check creates none
    config = app.config
    emails = [e for m in config.missions for e in (m.email, *m.cc)]
    with app.session() as session:
        found = bounced_elsewhere(session, config.campaign.meeting.reference, emails)
    return [CheckResult("history", True,
                        f"{b.email} bounced in campaign {b.campaign!r}"
                        + (f" on {b.when:%Y-%m-%d}" if b.when else "")
                        + (f": {b.error}" if b.error else ""), warning=True)
            for b in found]


def run_checks(app: App, *, servers: bool = True) -> list[CheckResult]:
    results = []
    config = app.config
    results.append(CheckResult(
        "config", True,
        f"{config.path}: campaign {config.campaign.meeting.reference!r}, "
        f"{len(config.missions)} missions from {config.campaign.missions_file}"
        + (f" (read as {config.missions_read_as})" if config.missions_read_as else ""),
    ))
    results.append(check_templates(app))
    today = utcnow().astimezone(ZoneInfo(config.campaign.meeting.timezone)).date()
    for line in missing_languages(config):
        results.append(CheckResult("languages", True, line, warning=True))
    for line in date_warnings(config, today):
        results.append(CheckResult("dates", True, line, warning=True))
    results.extend(check_history(app))
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
        if result.warning:
            mark = click.style("warn", fg="yellow")
        else:
            mark = click.style("ok  ", fg="green") if result.ok else click.style("FAIL", fg="red")
        click.echo(f"{mark} {result.name:<10} {result.detail}")
        failed = failed or not result.ok
    if failed:
        sys.exit(1)

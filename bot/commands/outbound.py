"""``invitebot preview`` and ``invitebot send``: the outbound commands.

``send`` = sync the campaign, plan invitations, enqueue due reminders,
dispatch with a progress bar. It honours ``schedule.send_at`` (meeting time
zone) unless ``--now``. ``send --dry-run`` renders and validates everything
and writes the would-be messages as ``.eml`` files; it leaves the database
as it found it (the work happens in a transaction that is rolled back, so
its tokens are throwaway) and talks to no mail server.
"""

from __future__ import annotations

import asyncio
import re
import signal
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlmodel import Session, select

from bot.app import App
from bot.clock import utcnow
from bot.commands.options import config_option
from bot.config.providers import PROFILES
from bot.config.sync import sync_campaign
from bot.mail.compose import render_invitation
from bot.mail.reminders import enqueue_reminders, reminders_in
from bot.models import Invitation, Mission
from bot.outbound.dispatch import DispatchReport, dispatch
from bot.outbound.pacing import describe_duration, due_load, estimate
from bot.outbound.plan import pending_rows, plan_in, plan_invitations


def send_at(app: App) -> datetime | None:
    """``schedule.send_at`` as an aware datetime (naive values are meeting-local time)."""
    value = app.config.campaign.schedule.send_at
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(app.config.campaign.meeting.timezone))
    return value


def show_message(message: EmailMessage) -> str:
    lines = [f"{name}: {value}" for name, value in message.items()
             if name.lower() not in ("mime-version", "content-type", "content-transfer-encoding")]
    body = message.get_body(("plain",))
    text = body.get_content() if isinstance(body, EmailMessage) else ""
    names = [part.get_filename() for part in message.iter_attachments()]
    if names:
        lines.append(f"Attachments: {', '.join(n for n in names if n)}")
    return "\n".join(lines) + "\n\n" + text


@click.command()
@config_option
@click.option("--mission", "code", required=True, help="Mission code from the mission list.")
def preview(app: App, code: str) -> None:
    """Print the rendered invitation (headers and text) for one mission."""
    click.echo(show_message(render_invitation(app, code)))


def write_dry_run(app: App, out: Path) -> int:
    """Write every message a send would queue now as .eml files; change nothing."""
    out.mkdir(parents=True, exist_ok=True)
    with Session(app.engine) as session:
        try:
            campaign = sync_campaign(session, app.config)
            assert campaign.id is not None
            plan_in(session, app.config, campaign)
            reminders_in(session, app.config, campaign, utcnow())
            rows = pending_rows(session, campaign.id)
            codes = dict(session.exec(
                select(Invitation.id, Mission.code)
                .where(Invitation.mission_id == Mission.id,
                       Invitation.campaign_id == campaign.id)).all())
            for row in rows:
                # Ids die with the rollback; mission codes name the files.
                code = codes.get(row.invitation_id, "") if row.invitation_id else ""
                key = row.dedupe_key.split(":")
                name = "-".join([key[0], code, *key[2:]]) if code else "-".join(key)
                (out / f"{re.sub(r'[^A-Za-z0-9_.-]+', '_', name)}.eml").write_bytes(row.raw)
        finally:
            session.rollback()
    return len(rows)


async def _dispatch_with_progress(app: App, limit: int | None) -> DispatchReport:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    columns = (TextColumn("sending"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task("send", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return await dispatch(app, limit=limit, progress=progress, stop=stop)


def time_needed(app: App, limit: int | None) -> str:
    """``N message(s) due; at <provider limits> this takes about …``."""
    mail = app.config.campaign.mail
    with app.session() as session:
        messages, recipients = due_load(session, utcnow())
    if limit is not None and messages > limit:
        recipients, messages = recipients * limit // messages, limit
    profile = PROFILES[mail.provider]
    limits = ", ".join([*(x.describe() for x in profile.limits),
                        f"{mail.rate_limit_per_minute}/minute (mail.rate_limit_per_minute)"])
    span = estimate(profile.limits, messages, recipients, mail.rate_limit_per_minute)
    return (f"{messages} message(s) to {recipients} recipient(s) due; at {profile.name} limits "
            f"({limits}) sending takes {describe_duration(span)}")


@click.command()
@config_option
@click.option("--dry-run", is_flag=True,
              help="Render and validate; write .eml files, send nothing.")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              default=Path("out/dry-run"), show_default=True, help="Folder for --dry-run.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Send at most N messages this run.")
@click.option("--now", "now_flag", is_flag=True, help="Ignore schedule.send_at.")
def send(app: App, dry_run: bool, out: Path, limit: int | None, now_flag: bool) -> None:
    """Plan invitations, enqueue due reminders and send what is due now."""
    due = send_at(app)
    if due is not None and utcnow() < due and not now_flag:
        local = due.astimezone(ZoneInfo(app.config.campaign.meeting.timezone))
        click.echo(f"not due until {local:%Y-%m-%d %H:%M} {local.tzname()} "
                   f"(schedule.send_at); nothing sent. Use --now to send anyway.")
        return
    if dry_run:
        count = write_dry_run(app, out)
        click.echo(f"dry run: {count} message(s) rendered to {out}/; nothing sent, "
                   f"database unchanged")
        return
    created = plan_invitations(app)
    reminders = enqueue_reminders(app)
    click.echo(f"planned {created} new invitation(s), {reminders} reminder(s)")
    click.echo(time_needed(app, limit))
    report = asyncio.run(_dispatch_with_progress(app, limit))
    click.echo(f"sent {report.sent}, deferred {report.deferred}, failed {report.failed}"
               + (f", recovered {report.recovered} interrupted" if report.recovered else ""))


commands = [preview, send]

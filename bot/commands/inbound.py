"""``invitebot poll`` and ``invitebot review list|assign|dismiss``.

``poll`` runs one pass of the poller (intake, the stages, flags).
``review`` shows the queue and records a human's decision in the audit
log; ``assign`` then re-runs read, extract and record on the message.
"""

from __future__ import annotations

import imaplib

import click
from rich.console import Console
from rich.table import Table

from bot import audit
from bot.app import App
from bot.commands.options import config_option
from bot.errors import InvitebotError
from bot.inbound import review as queue
from bot.inbound.context import build_context
from bot.inbound.intake.imap import NETWORK_ERRORS
from bot.inbound.intake.poll import poll_once
from bot.inbound.pipeline import AFTER_REVIEW, run_stages
from bot.inbound.progress import PollProgress
from bot.operrors import ServerError, describe

# The server down, the network gone, or the login refused.
UNREACHABLE: tuple[type[BaseException], ...] = (*NETWORK_ERRORS, imaplib.IMAP4.error)
POLL_ERRORS: tuple[type[BaseException], ...] = (ServerError, *UNREACHABLE)


@click.command()
@config_option
@click.option("--retry-failed", is_flag=True, help="Put failed messages back in the queue first.")
@click.option("--no-images", is_flag=True, help="Do not OCR image attachments.")
def poll(app: App, retry_failed: bool, no_images: bool) -> None:
    """Read new mail once and process it through every stage."""
    imap = app.settings.imap
    progress = PollProgress()
    try:
        report = poll_once(app, retry=retry_failed, read_images=not no_images,
                           intake=progress.intake, progress=progress.processed)
    except POLL_ERRORS as exc:
        # What was saved stays saved; say so before the one line of error.
        progress.summary()
        if isinstance(exc, (ServerError, InvitebotError)):
            # Already one line naming the server (a refused sign-in: bot.auth).
            raise
        # The server is down or refuses us: the operator needs one line, not a traceback.
        raise InvitebotError(f"IMAP server {imap.host}:{imap.port}: {describe(exc)}") from None
    with app.session() as session:
        audit.record(session, "poll", "inbound", fetched=report.fetched, stored=report.stored,
                     processed=report.processed, failed=report.failed,
                     needs_review=report.needs_review, retry_failed=retry_failed)
    click.echo(f"fetched {report.fetched}, new {report.stored}, duplicates {report.duplicates}; "
               f"processed {report.processed} (failed {report.failed}, "
               f"needs review {report.needs_review}); flagged {report.flagged}")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        raise SystemExit(1)


@click.group()
def review() -> None:
    """Resolve what the machine could not."""


@review.command("list")
@config_option
def list_items(app: App) -> None:
    """The open review items."""
    with app.session() as session:
        rows = queue.list_open(session)
    if not rows:
        click.echo("the review queue is empty")
        return
    table = Table("id", "from", "subject", "reason", "suggested mission")
    for row in rows:
        table.add_row(str(row.inbound_id), row.from_addr, row.subject[:60], row.reason,
                      row.suggested or "-")
    Console(width=200).print(table)


@review.command()
@config_option
@click.argument("message")
@click.argument("mission")
def assign(app: App, message: str, mission: str) -> None:
    """Say which MISSION (code) sent MESSAGE (id or Message-ID); re-read it."""
    campaign_id = app.campaign_id()
    with app.session() as session:
        row = queue.find_message(session, message)
        found = queue.assign(session, row, mission, campaign_id)
        ctx = build_context(app, session)
        ctx.manual = True
        status = run_stages(session, ctx, row, AFTER_REVIEW)
    click.echo(f"message {row.id} assigned to {found.code}: {status}")


@review.command()
@config_option
@click.argument("message")
def dismiss(app: App, message: str) -> None:
    """Set MESSAGE aside: not an answer to any invitation."""
    with app.session() as session:
        row = queue.find_message(session, message)
        queue.dismiss(session, row)
    click.echo(f"message {row.id} dismissed")


commands = [poll, review]

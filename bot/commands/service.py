"""Commands of the service area: ``run``, ``digest``, ``status``, ``export``, ``demo``.

The imports inside the commands stay there on purpose: every ``invitebot``
call loads this module, and each verb should pay only for what it uses
(the scheduler, the digest, the DOCX and XLSX writers, the demo).
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from bot.app import App
from bot.commands.options import config_option
from bot.errors import InvitebotError


@click.command()
@config_option
@click.option("--once", is_flag=True, help="One pass of every job, then exit (for cron).")
@click.option("--poll-interval", type=click.FloatRange(min=1), default=60.0, show_default=True,
              help="Seconds between two reads of the IMAP folders.")
@click.option("--idle/--no-idle", default=True, show_default=True,
              help="Wait for new mail with IMAP IDLE (else poll every --poll-interval).")
def run(app: App, once: bool, poll_interval: float, idle: bool) -> None:
    """The service: schedule, send, read mail, remind, digest (until SIGTERM)."""
    from bot import events

    events.enable()
    if once:
        from bot.service.once import run_once

        report = asyncio.run(run_once(app))
        for line in report.lines():
            click.echo(line)
        return
    from bot.service.run import RunOptions, run_forever

    stats = run_forever(app, RunOptions(poll_seconds=poll_interval, idle=idle))
    click.echo(f"stopped: {events.tally_line()}{' (scheduler)' if stats.leader else ''}")


@click.command()
@config_option
@click.option("--send", is_flag=True, help="Queue the digest and dispatch it now.")
@click.option("--force", is_flag=True, help="With --send: send even if today's went out.")
@click.option("--html", is_flag=True, help="Print the HTML alternative instead of the text.")
def digest(app: App, send: bool, force: bool, html: bool) -> None:
    """Build the digest and print it (or send it with --send)."""
    if not send:
        from bot.digest.build import preview

        _data, rendered = preview(app)
        click.echo(f"Subject: {rendered.subject}\n")
        click.echo(rendered.html if html else rendered.text)
        return
    from bot.digest.build import send_digest
    from bot.outbound.dispatch import dispatch

    result = send_digest(app, force=force)
    click.echo(f"digest {result}" + ("" if result.sent or force else
                                     " (--force sends another one)"))
    if result.sent:
        report = asyncio.run(dispatch(app))
        click.echo(f"dispatch: sent {report.sent}, deferred {report.deferred}, "
                   f"failed {report.failed}")


@click.command()
@config_option
@click.option("--state", "states", multiple=True,
              type=click.Choice(["pending", "sent", "failed", "bounced", "replied",
                                 "needs_review"]),
              help="Only missions in this state (repeatable).")
def status(app: App, states: tuple[str, ...]) -> None:
    """One row per mission: state, last event, decision, delegates."""
    from bot.results.records import load_missions
    from bot.service.status import filter_records, print_status

    campaign_id = app.campaign_id()
    with app.session() as session:
        records = load_missions(session, campaign_id)
    meeting = app.config.campaign.meeting
    print_status(filter_records(records, states), f"{meeting.reference}: missions")


@click.command()
@config_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "participants"]),
              default="json", show_default=True)
@click.option("--what", type=click.Choice(["delegations", "messages"]), default="delegations",
              show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Output file (default: standard output; required for xlsx and participants).")
@click.option("--with-confidence", is_flag=True,
              help="XLSX: add the extraction's confidence column (JSON and CSV always have it).")
def export(app: App, fmt: str, what: str, output: Path | None, with_confidence: bool) -> None:
    """Results as JSON, CSV or XLSX (docs/design.md), or the participants list (DOCX, or PDF
    when -o ends in .pdf)."""
    from bot.results import export as exporter

    if fmt in ("xlsx", "participants") and output is None:
        raise InvitebotError(f"--format {fmt} writes a binary file: give -o FILE")
    campaign_id = app.campaign_id()
    if fmt == "participants":
        from bot.clock import utcnow
        from bot.results.records import load_missions
        from bot.service.participants import participants_docx
        from bot.service.participants_pdf import participants_pdf

        if what != "delegations":
            raise InvitebotError("--format participants lists delegations only")
        with app.session() as session:
            records = load_missions(session, campaign_id)
        meeting = app.config.campaign.meeting
        types = {m.code: m.type for m in app.config.missions}
        # -o list.pdf gives a PDF, any other name a DOCX.
        draw = participants_pdf if output and output.suffix.lower() == ".pdf" else (
            participants_docx)
        data = draw(records, title=meeting.heading, reference=meeting.reference,
                    issued=utcnow().date(), types=types)
    else:
        with app.session() as session:
            items = exporter.collect(session, campaign_id, what)
        if fmt == "xlsx":
            from bot.results.sheets import to_xlsx

            campaign = app.config.campaign
            data = to_xlsx(items, what, language=campaign.meeting.language,
                           confidence=with_confidence, silent_sheet=campaign.expects_reply)
        else:
            data = exporter.render(items, fmt, what)
    exporter.write(data, output)
    if output is not None:
        click.echo(f"wrote {output}", err=True)


@click.command()
@click.option("--dir", "directory", type=click.Path(path_type=Path, file_okay=False),
              default=Path("var/demo"), show_default=True, help="Where the demo campaign lives.")
def demo(directory: Path) -> None:
    """The whole loop on the local mail stack with sample missions."""
    from bot.service.demo import run_demo
    from bot.web.demo import demo_login

    run_demo(directory)
    click.echo(demo_login(directory))


commands = [run, digest, status, export, demo]

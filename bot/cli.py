"""The ``invitebot`` command line: one subcommand per verb of docs/design.md.

Each area keeps its verbs in ``bot.commands`` (``outbound``, ``inbound``,
``service``, ``auth``, ``check``; the shared ``-c/--config`` option in ``options``);
this module holds the group, registers them, and reports errors in one line.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

import click

from bot import __version__
from bot.commands import auth, check, inbound, outbound, service
from bot.errors import InvitebotError
from bot.logs import setup_logging


class Group(click.Group):
    """Report invitebot's own errors in one line and exit non-zero."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InvitebotError as exc:
            click.echo(f"invitebot: {exc}", err=True)
            sys.exit(2)


@click.group(cls=Group)
@click.version_option(__version__, prog_name="invitebot")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option("--log-json", is_flag=True, help="Structured logs: one JSON object per line.")
def main(verbose: int, log_json: bool) -> None:
    """invitebot: send invitations by email and track the answers."""
    level = logging.WARNING - 10 * verbose
    json_lines = log_json or bool(os.environ.get("INVITEBOT_LOG_JSON"))
    setup_logging(max(level, logging.DEBUG), json_lines=json_lines)


def _register() -> None:
    main.add_command(check.check)
    for area in (outbound, inbound, service, auth):
        for command in area.commands:
            main.add_command(command)


_register()

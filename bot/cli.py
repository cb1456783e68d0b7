"""The ``invitebot`` command line: one subcommand per verb of DESIGN.md.

Each area registers its own commands (``bot.outbound.cli``,
``bot.inbound.cli``, ``bot.service.cli``); this module holds the group, the
shared ``-c/--config`` option and the one-line error reporting.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from typing import Any

import click

from bot import __version__
from bot.errors import InvitebotError


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
    from bot.logs import setup_logging

    level = logging.WARNING - 10 * verbose
    json_lines = log_json or bool(os.environ.get("INVITEBOT_LOG_JSON"))
    setup_logging(max(level, logging.DEBUG), json_lines=json_lines)


def _register() -> None:
    from bot.checks import check

    main.add_command(check)
    for module in ("bot.outbound.cli", "bot.inbound.cli", "bot.service.cli", "bot.web.cli"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            # An area not built yet; any other missing module is a real error.
            if exc.name is None or not module.startswith(exc.name):
                raise
            continue
        for command in mod.commands:
            main.add_command(command)


_register()

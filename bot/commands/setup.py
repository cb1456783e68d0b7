"""``invitebot init`` and ``invitebot missions init``: starting a campaign.

``init DIR`` writes a commented campaign file, a mission list from the
shipped directory and the templates in the six languages;
``missions init`` writes only a mission list (Member States, Observer
States and organisations, names in six languages, addresses empty).
"""

from __future__ import annotations

from pathlib import Path

import click

from bot.app import App
from bot.commands.options import config_option
from bot.config.directory import select_entries, write_list
from bot.config.starter import write_starter
from bot.errors import ConfigError


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
def init(directory: Path) -> None:
    """Write a campaign file, a mission list and templates into DIRECTORY."""
    files = write_starter(directory)
    click.echo(f"wrote {len(files)} files into {directory}/: campaign.yaml (fill in the lines "
               f"marked FILL IN), missions.csv (fill in the email column), templates/")
    click.echo(f"then: invitebot check -c {directory / 'campaign.yaml'}")


@click.group()
def missions() -> None:
    """The mission list."""


@missions.command("init")
@click.option("--member-states", is_flag=True, help="The 193 Member States.")
@click.option("--observers", is_flag=True,
              help="The Observer States and organisations with a standing invitation.")
@click.option("-o", "--out", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("missions.csv"), show_default=True)
@click.option("--language", type=click.Choice(["en", "fr", "es", "ru", "ar", "zh"]),
              default="en", show_default=True, help="The language column of every row.")
@click.option("--addresses-from-database", "from_database", is_flag=True,
              help="Fill in the addresses the latest campaign of the database "
                   "(-c's, or INVITEBOT_DATABASE_URL) used; those that bounced are left out.")
@config_option
def missions_init(app: App, member_states: bool, observers: bool, out: Path, language: str,
                  from_database: bool) -> None:
    """Write a mission list from the shipped directory, addresses left empty."""
    if not (member_states or observers):
        raise ConfigError("say which: --member-states, --observers or both")
    if out.exists():
        raise ConfigError(f"{out}: already exists; missions init overwrites nothing")
    known = _known_addresses(app) if from_database else None
    entries = select_entries(member_states=member_states, observers=observers)
    count = write_list(out, entries, language, known)
    filled = sum(1 for e in entries if (known or {}).get(e.code, {}).get("email"))
    click.echo(f"wrote {count} missions to {out}"
               + (f", {filled} with the addresses of earlier campaigns" if known is not None
                  else "")
               + "; fill in the email column "
               "(names: ISO 3166 via Debian iso-codes, organisations: UN usage)")


def _known_addresses(app: App) -> dict[str, dict[str, str]]:
    from bot.db import make_engine, migrate, session_scope
    from bot.results.learnt import latest_addresses

    # The database of the campaign file given (bot.location), never the current folder's.
    url = app.settings.database_url
    migrate(url)
    with session_scope(make_engine(url)) as session:
        found = latest_addresses(session)
    known: dict[str, dict[str, str]] = {}
    for code, had in found.items():
        if had.bounced:
            known[code] = {"language": had.language, "mission_name": had.mission_name,
                           "note": f"{had.email} bounced in campaign {had.campaign!r}"}
        else:
            known[code] = {"email": had.email, "cc": had.cc, "language": had.language,
                           "mission_name": had.mission_name,
                           "note": f"from campaign {had.campaign!r}"}
    return known


commands = [init, missions]

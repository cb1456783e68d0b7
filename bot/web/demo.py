"""The demo's last lines: a staff account on the demo database and how to open the console."""

from __future__ import annotations

import secrets
from pathlib import Path

from bot.db import make_engine, migrate, session_scope
from bot.web.auth import add_user

DEMO_USER = "demo-officer"
DEMO_PORT = 8080


def demo_login(directory: Path) -> str:
    """Create (or reset) the demo's officer with a fresh password; say how to log in.

    ``directory`` is the demo's folder (``invitebot demo --dir``), where the
    demo keeps its SQLite database and raw store.
    """
    folder = directory.resolve()
    url = f"sqlite:///{folder / 'invitebot.db'}"
    password = secrets.token_urlsafe(12)
    migrate(url)
    with session_scope(make_engine(url)) as session:
        add_user(session, DEMO_USER, password, "officer")
    # The demo's campaign file names this database (database: invitebot.db)
    # and its store sits beside it (bot.location): -c is all the console needs.
    return (f"\nStaff console: invitebot web -c {directory / 'campaign.yaml'} "
            f"--port {DEMO_PORT}\n"
            f"  then open http://127.0.0.1:{DEMO_PORT}/ and log in as {DEMO_USER} / {password}")

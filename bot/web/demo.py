"""The demo's last lines: a staff account on the demo database and how to open the console."""

from __future__ import annotations

import secrets
from pathlib import Path

from bot.app import App
from bot.web.auth import add_user

DEMO_USER = "demo-officer"
DEMO_PORT = 8080


def demo_login(app: App, config_path: Path, env: dict[str, str]) -> str:
    """Create (or reset) the demo's officer with a fresh password; say how to log in."""
    password = secrets.token_urlsafe(12)
    with app.session() as session:
        add_user(session, DEMO_USER, password, "officer")
    variables = " ".join(f"{k}={env[k]}" for k in ("INVITEBOT_DATABASE_URL",
                                                   "INVITEBOT_STORE_DIR"))
    return (f"\nStaff console: {variables} invitebot web -c {config_path} --port {DEMO_PORT}\n"
            f"  then open http://127.0.0.1:{DEMO_PORT}/ and log in as {DEMO_USER} / {password}")

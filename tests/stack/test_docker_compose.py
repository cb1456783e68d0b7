"""docker-compose.yml and the Dockerfile: parseable, complete, consistent with the settings.

No Docker engine runs here; ``docker compose config`` is tried when the
client has the compose plugin, and skipped with the reason otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config.settings import load_settings

REPO = Path(__file__).resolve().parents[2]
COMPOSE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _env(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def _expand(value: str) -> str:
    """Apply compose's ``${NAME:-default}`` with nothing set."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_services_and_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"invitebot", "postgres", "mail", "web"}
    assert services["invitebot"]["build"] == "."
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["mail"]["image"].startswith("greenmail/standalone:")
    assert set(compose["volumes"]) == {"pgdata", "store"}
    mounts = services["invitebot"]["volumes"]
    assert "store:/var/lib/invitebot/store" in mounts
    assert any(m.startswith("pgdata:") for m in services["postgres"]["volumes"])
    assert services["invitebot"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    # Only loopback on the host: the test mail server must not face a network.
    for port in services["mail"]["ports"]:
        assert port.startswith("127.0.0.1:")


def test_invitebot_environment_is_what_settings_read(compose: dict[str, Any]) -> None:
    env = {k: _expand(v) for k, v in _env(compose["services"]["invitebot"]).items()}
    assert all(k.startswith("INVITEBOT_") for k in env)
    settings = load_settings(env)
    assert settings.database_url.startswith("postgresql+psycopg://invitebot:")
    assert settings.database_url.endswith("@postgres:5432/invitebot")
    assert (settings.smtp.host, settings.smtp.port) == ("mail", 3025)
    assert (settings.imap.host, settings.imap.port) == ("mail", 3143)
    assert settings.imap.user and settings.imap.password is not None
    assert str(settings.store_dir) == "/var/lib/invitebot/store"
    pg = _env(compose["services"]["postgres"])
    assert pg["POSTGRES_USER"] == "invitebot" and pg["POSTGRES_DB"] == "invitebot"


def test_command_is_a_real_cli_invocation(compose: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    command = compose["services"]["invitebot"]["command"]
    assert command[command.index("run") - 1] == "--log-json"
    result = CliRunner().invoke(main, [*command[:command.index("run") + 1], "--help"])
    assert result.exit_code == 0, result.output
    assert "--once" in result.output
    # SIGTERM and a grace period long enough to finish the message in hand.
    assert compose["services"]["invitebot"]["stop_signal"] == "SIGTERM"


def test_web_console_service(compose: dict[str, Any]) -> None:
    from click.testing import CliRunner

    from bot.cli import main

    web = compose["services"]["web"]
    assert web["image"] == compose["services"]["invitebot"]["image"]
    result = CliRunner().invoke(main, [*web["command"], "--help"])
    assert result.exit_code == 0, result.output
    assert "adduser" in result.output
    settings = load_settings({k: _expand(v) for k, v in _env(web).items()})
    assert settings.database_url.endswith("@postgres:5432/invitebot")
    assert str(settings.store_dir) == "/var/lib/invitebot/store"
    # It reads the raw store, never writes it, and faces loopback only.
    assert "store:/var/lib/invitebot/store:ro" in web["volumes"]
    assert all(port.startswith("127.0.0.1:") for port in web["ports"])


def test_dockerfile() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    for package in ("tesseract-ocr", "poppler-utils", "tesseract-ocr-ara"):
        assert package in text
    assert re.search(r"^USER invitebot$", text, re.M)
    assert 'ENTRYPOINT ["invitebot"]' in text
    for copied in ("bot", "templates", "config"):
        assert (REPO / copied).is_dir()


def test_docker_compose_config() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True,
                           check=False)
    if probe.returncode != 0:
        pytest.skip(f"docker client has no compose plugin: {probe.stderr.strip()[:80]}")
    result = subprocess.run([docker, "compose", "-f", str(COMPOSE), "config", "--quiet"],
                            capture_output=True, text=True, check=False, cwd=REPO)
    assert result.returncode == 0, result.stderr

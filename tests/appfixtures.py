"""Fixtures for an invitebot ``App`` on a real database (SQLite file or PostgreSQL).

``app_factory(missions=N, **overrides)`` writes a campaign file and a
mission list into ``tmp_path`` and returns an ``App`` whose settings point
at the local mail stack and a fresh database.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from sqlalchemy import create_engine, text

from bot.app import App
from bot.config.settings import load_settings

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "config" / "campaign.example.yaml"
LANGS = ["en", "fr", "es", "ru", "ar", "zh"]


def load_bench(name: str) -> ModuleType:
    """Import ``bench/<name>.py`` as module ``bench_<name>`` (tests share its scoring)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[f"bench_{name}"] = module
    spec.loader.exec_module(module)
    return module


def read_gaps(path: Path) -> dict[str, str]:
    """A gap list (tests/extract/known_gaps.txt, tests/inbound/followup_gaps.txt): one
    case or chain a line, its name then why; blank lines and ``#`` comments skipped."""
    gaps: dict[str, str] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, *why = line.split(None, 1)
            gaps[name] = why[0].strip() if why else ""
    return gaps


def postgres_url() -> str | None:
    return os.environ.get("INVITEBOT_TEST_POSTGRES_URL") or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database, dropped afterwards (needs INVITEBOT_TEST_POSTGRES_URL)."""
    base = postgres_url()
    if not base:
        pytest.skip("INVITEBOT_TEST_POSTGRES_URL not set")
    name = f"invitebot_t_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    from bot.db import make_engine

    make_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def write_campaign(directory: Path, *, missions: int = 5, domain: str | None = None,
                   secretariat: str | None = None, **overrides: Any) -> Path:
    """Write campaign.yaml + missions.csv (+ the information note) and return the yaml path."""
    directory.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:8]
    domain = domain or f"m{tag}.test"
    secretariat = secretariat or f"sec-{tag}@unodc.test"
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["meeting"]["reference"] = f"CU 2009/33 (A) {tag}"
    data["mail"]["sender"]["address"] = secretariat
    data["mail"]["reply_to"] = secretariat
    data["schedule"]["send_at"] = None
    data["schedule"]["digest"]["recipients"] = [f"desk-{tag}@unodc.test"]
    data["attachments"] = [str(REPO / "config" / "information-note.pdf")]
    data["missions_file"] = "missions.csv"
    for dotted, value in overrides.items():
        node = data
        keys = dotted.split("__")
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    path = directory / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with (directory / "missions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        for i in range(missions):
            code = f"M{i:03d}"
            writer.writerow([code, f"Country {i}", f"Permanent Mission of Country {i}",
                             f"pm-{code.lower()}@{domain}", "", LANGS[i % 3]])
    return path


AppFactory = Callable[..., App]


@pytest.fixture
def app_factory(tmp_path: Path, request: pytest.FixtureRequest) -> AppFactory:
    """Build an App on a fresh SQLite file (or PostgreSQL with ``database_url=``)."""

    def make(*, missions: int = 5, database_url: str | None = None,
             env: dict[str, str] | None = None, **overrides: Any) -> App:
        sub = tmp_path / uuid.uuid4().hex[:6]
        config = write_campaign(sub, missions=missions, **overrides)
        wants_stack = "mailstack" in request.fixturenames
        stack = request.getfixturevalue("mailstack") if wants_stack else None
        environ = {
            "INVITEBOT_DATABASE_URL": database_url or f"sqlite:///{sub / 'invitebot.db'}",
            "INVITEBOT_STORE_DIR": str(sub / "store"),
        }
        if stack is not None:
            data = yaml.safe_load(config.read_text(encoding="utf-8"))
            environ.update({
                "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port),
                "INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
                "INVITEBOT_IMAP_USER": data["mail"]["reply_to"],
                "INVITEBOT_IMAP_PASSWORD": stack.password,
            })
        environ.update(env or {})
        return App(config_path=config, template_dir=REPO / "templates",
                   _settings=load_settings(environ))

    return make

"""Server settings and secrets, read only from ``INVITEBOT_*`` environment variables.

Secrets never live in the campaign file. A password can be given directly
(``INVITEBOT_SMTP_PASSWORD``) or through a file it names
(``INVITEBOT_SMTP_PASSWORD_FILE``, e.g. a Docker secret).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, SecretStr

from bot.config.auth import AuthConfig, load_auth, token_cache_path
from bot.errors import ConfigError
from bot.location import locate, var_dir

TlsMode = Literal["none", "starttls", "tls"]
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ServerSettings(BaseModel):
    """How to reach one mail server."""

    host: str
    port: int
    user: str | None = None
    password: SecretStr | None = None
    tls: TlsMode = "none"
    verify: bool = True
    ca_file: Path | None = None
    timeout: float = 30.0
    auth: AuthConfig = AuthConfig()


class Settings(BaseModel):
    """Everything that differs between installations and is not part of a campaign."""

    database_url: str
    store_dir: Path
    smtp: ServerSettings
    imap: ServerSettings
    authserv_id: str | None = None
    instance: str = "invitebot"
    # Processes that parse, classify, match and extract ahead of the one
    # writing to the database, when many messages wait (bot.inbound.intake.prepare).
    process_workers: int = 1
    # The staff console's public address (no trailing slash): the digest links to it.
    console_url: str | None = None


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise ConfigError(f"environment variable {name}: expected true or false, got {raw!r}")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"environment variable {name}: expected a number, got {raw!r}") from None


def _secret(env: Mapping[str, str], name: str) -> SecretStr | None:
    direct = env.get(name)
    if direct:
        return SecretStr(direct)
    file_name = env.get(f"{name}_FILE")
    if file_name:
        try:
            return SecretStr(Path(file_name).read_text(encoding="utf-8").strip())
        except OSError as exc:
            raise ConfigError(f"environment variable {name}_FILE: cannot read {file_name}: "
                              f"{exc.strerror}") from None
    return None


def _server(env: Mapping[str, str], kind: str, default_port: int,
            cache: Path = Path("var/tokens.json")) -> ServerSettings:
    prefix = f"INVITEBOT_{kind}_"
    tls = env.get(prefix + "TLS", "none").lower()
    if tls not in ("none", "starttls", "tls"):
        raise ConfigError(f"environment variable {prefix}TLS: expected none, starttls or tls")
    ca = env.get(prefix + "CA_FILE")
    return ServerSettings(
        host=env.get(prefix + "HOST", "127.0.0.1"),
        port=_int(env, prefix + "PORT", default_port),
        user=env.get(prefix + "USER") or None,
        password=_secret(env, prefix + "PASSWORD"),
        tls=tls,
        verify=_flag(env, prefix + "VERIFY", True),
        ca_file=Path(ca) if ca else None,
        timeout=float(_int(env, prefix + "TIMEOUT", 30)),
        auth=load_auth(env, kind, cache),
    )


def load_settings(env: Mapping[str, str] | None = None, *, base: Path | None = None,
                  database: str | None = None) -> Settings:
    """Read the settings from the environment (or the mapping given).

    ``base`` is the campaign file's folder and ``database`` its ``database:``
    key: where the data lives follows the campaign, never the current
    folder (``bot.location``).
    """
    env = os.environ if env is None else env
    database_url, store_dir = locate(env, base, database)
    # The OAuth token cache sits beside the database, wherever the campaign puts it.
    cache = token_cache_path(env, database_url, var_dir(env, base))
    return Settings(
        database_url=database_url,
        store_dir=store_dir,
        smtp=_server(env, "SMTP", 25, cache),
        imap=_server(env, "IMAP", 143, cache),
        authserv_id=env.get("INVITEBOT_AUTHSERV_ID") or None,
        instance=env.get("INVITEBOT_INSTANCE", "invitebot"),
        process_workers=_workers(env),
        console_url=_console_url(env),
    )


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, e.g. a container's cpuset)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _workers(env: Mapping[str, str]) -> int:
    """INVITEBOT_PROCESS_WORKERS, by default one fewer than the usable cores (at most 4)."""
    default = max(0, min(4, usable_cores() - 1))
    workers = _int(env, "INVITEBOT_PROCESS_WORKERS", default)
    if not 0 <= workers <= 64:
        raise ConfigError("environment variable INVITEBOT_PROCESS_WORKERS: expected 0 to 64, "
                          f"got {workers}")
    return workers


def _console_url(env: Mapping[str, str]) -> str | None:
    """INVITEBOT_CONSOLE_URL: an http(s) address the digest's links start with, or None."""
    raw = (env.get("INVITEBOT_CONSOLE_URL") or "").strip()
    if not raw:
        return None
    name = "environment variable INVITEBOT_CONSOLE_URL"
    try:
        parts = urlsplit(raw)
        port_ok = parts.port is None or parts.port > 0  # .port raises on a bad port
    except ValueError:
        parts, port_ok = None, False
    if parts is not None and (parts.username is not None or parts.password is not None):
        # The digest is mailed: no credentials in its links, nor in this error.
        raise ConfigError(f"{name}: no user or password allowed in the address")
    problem = None
    if parts is None or not port_ok:
        problem = "not a URL"
    elif parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        problem = "expected http:// or https:// and a host"
    elif any(ch.isspace() or ord(ch) < 32 or ch in "<>\"\\`" for ch in raw):
        problem = "spaces, quotes or control characters"
    elif parts.query or parts.fragment or "?" in raw or "#" in raw:
        problem = "a query or fragment (the digest appends paths to it)"
    if problem is not None:
        raise ConfigError(f"{name}: {problem}, got {raw[:200]!r}")
    return raw.rstrip("/")

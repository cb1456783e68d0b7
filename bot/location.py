"""Where a campaign's data lives: its database and its raw-message store.

The place follows the campaign file, never the current folder: running
``invitebot status -c ../x/campaign.yaml`` from elsewhere must open the
database that sent that campaign's invitations, not create an empty one
in ``./var``. In order:

1. ``INVITEBOT_DATABASE_URL`` (a deployment's choice, e.g. PostgreSQL);
2. the campaign file's ``database:`` key, a URL or an SQLite file;
3. ``<campaign folder>/var/invitebot.db`` (or ``$INVITEBOT_VAR_DIR/invitebot.db``).

Relative paths, in the URL of an SQLite database or in a folder variable,
are taken from the campaign file's folder. The store is
``INVITEBOT_STORE_DIR``, else ``store/`` beside the SQLite file, else (a
server database) ``<var>/store``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

_SQLITE = "sqlite:///"


def _anchor(path: Path, base: Path | None) -> Path:
    if path.is_absolute() or base is None:
        return path
    return base / path


def sqlite_url(url: str, base: Path | None) -> str:
    """``url`` with a relative SQLite path made relative to ``base`` (others unchanged)."""
    if not url.startswith(_SQLITE):
        return url
    path = url.removeprefix(_SQLITE)
    if path == ":memory:" or path.startswith("/") or not path:
        return url
    return _SQLITE + str(_anchor(Path(path), base))


def var_dir(env: Mapping[str, str], base: Path | None) -> Path:
    """``$INVITEBOT_VAR_DIR`` or ``var``, taken from the campaign file's folder ``base``."""
    return _anchor(Path(env.get("INVITEBOT_VAR_DIR") or "var"), base)


def locate(env: Mapping[str, str], base: Path | None,
           database: str | None) -> tuple[str, Path]:
    """(database URL, store folder) for a campaign whose file lives in ``base``."""
    var = var_dir(env, base)
    if env.get("INVITEBOT_DATABASE_URL"):
        url = sqlite_url(env["INVITEBOT_DATABASE_URL"], base)
    elif database:
        url = sqlite_url(database if "://" in database else _SQLITE + database, base)
    else:
        url = _SQLITE + str(var / "invitebot.db")
    store = env.get("INVITEBOT_STORE_DIR")
    if store:
        return url, _anchor(Path(store), base)
    if url.startswith(_SQLITE) and url != _SQLITE + ":memory:":
        # The raw messages stay beside the SQLite file they belong to.
        return url, Path(url.removeprefix(_SQLITE)).parent / "store"
    return url, var / "store"

"""The token cache: one JSON file, mode 0600, that only this user can read.

It holds msal's serialised cache (refresh tokens of ``oauth2-device-code``)
and the last access token of each source with its expiry, so that
``invitebot auth status`` can tell when it runs out and a new process need
not ask again. The file is written whole (temporary file, then rename) and
under an exclusive lock, since the service and a command may run at once.
Its contents are never printed or logged.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any


class TokenCache:
    """A dict of entries persisted to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except ValueError:
            # A damaged cache costs one more sign-in, nothing else.
            return {}
        return data if isinstance(data, dict) else {}

    def get(self, key: str) -> Any:
        with self._locked():
            return self._read().get(key)

    def entries(self) -> dict[str, Any]:
        with self._locked():
            return self._read()

    def put(self, key: str, value: Any) -> None:
        with self._locked():
            data = self._read()
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.chmod(tmp, 0o600)  # O_CREAT's mode is masked by the umask
            os.replace(tmp, self.path)

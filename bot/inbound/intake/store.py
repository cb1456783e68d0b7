"""The raw store: every accepted message, byte for byte, before anything reads it.

Files are content-addressed (``<store_dir>/raw/ab/abcdef….eml``, the name
being the SHA-256 of the bytes), written to a temporary file, fsynced and
renamed, so a crash leaves either the whole file or nothing.
:func:`store_batch` writes a whole fetched batch and then makes it durable
with one ``syncfs`` (one disk flush instead of two per message) before the
caller commits; a file left short by a crash before that flush is never
referenced by the database, and is rewritten when the message is fetched
again, because an existing file is trusted only if its hash is right. A failed write
raises :class:`StoreError`; intake then stops without advancing the
mailbox position or flagging anything, and retries on the next poll. The
stored bytes go next to :mod:`bot.inbound.pipeline`, which reads them back
through :func:`load_raw`.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import itertools
import os
from collections.abc import Sequence
from pathlib import Path

_made: set[str] = set()
_serial = itertools.count()


class StoreError(Exception):
    """The raw store could not keep a message (disk full, permissions).

    Not an OSError on purpose: callers retry network errors at once, but a
    full disk only on the next poll.
    """

    def __init__(self, errno: int | None, message: str) -> None:
        super().__init__(message)
        self.errno = errno


def raw_path(store_dir: Path, sha256: str) -> Path:
    """Where the message with this hash lives."""
    return store_dir / "raw" / sha256[:2] / f"{sha256}.eml"


def store_raw(store_dir: Path, raw: bytes, *, sync: bool = True) -> str:
    """Keep ``raw`` (durably unless ``sync=False``) and return its SHA-256.

    Storing the same bytes again is a no-op.
    """
    digest = hashlib.sha256(raw).hexdigest()
    # Plain strings, not pathlib: intake calls this for every message.
    folder = os.path.join(store_dir, "raw", digest[:2])
    path = os.path.join(folder, digest + ".eml")
    if _intact(path, digest, len(raw)):
        return digest
    try:
        if folder not in _made:
            os.makedirs(folder, exist_ok=True)
            _made.add(folder)
        tmp = os.path.join(folder, f".tmp-{os.getpid()}-{next(_serial)}.eml")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(raw)
                handle.flush()
                if sync:
                    os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        if sync:
            _fsync_dir(Path(folder))
    except OSError as exc:
        raise StoreError(exc.errno, f"raw store: cannot write {path}: {exc.strerror}") from exc
    return digest


def store_batch(store_dir: Path, raws: Sequence[bytes]) -> list[str]:
    """Keep every message of a batch, durable on return; their hashes in order."""
    digests = [store_raw(store_dir, raw, sync=False) for raw in raws]
    if digests:
        try:
            _flush(store_dir, [raw_path(store_dir, d) for d in digests])
        except OSError as exc:
            raise StoreError(exc.errno, f"raw store: cannot flush: {exc.strerror}") from exc
    return digests


def load_raw(store_dir: Path, sha256: str) -> bytes:
    """The stored bytes; raises FileNotFoundError if the store lost them."""
    return raw_path(store_dir, sha256).read_bytes()


def _intact(path: str, digest: str, size: int) -> bool:
    try:
        if os.stat(path).st_size != size:
            return False
    except FileNotFoundError:
        return False
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest() == digest


_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
_syncfs = getattr(_libc, "syncfs", None)


def _flush(store_dir: Path, paths: list[Path]) -> None:
    """Make the files and their renames durable: one syncfs, else fsync each."""
    if _syncfs is not None:
        fd = os.open(store_dir, os.O_RDONLY)
        try:
            if _syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    for directory in {p.parent for p in paths}:
        _fsync_dir(directory)


def _fsync_dir(directory: Path) -> None:
    # The rename is durable only once the directory entry is on disk.
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

"""Remembers what an attachment said, so re-reading the same bytes costs a file read.

Keyed by the SHA-256 of the content, the tesseract languages, the reader and
tesseract versions and the limits: any of those changing reads afresh.
Results with a transient failure (timeout) are not kept.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

from bot.inbound.readers.common import TIMEOUT, AttachmentText, ReadLimits

# Bump when a reader changes what it returns for the same bytes.
READER_VERSION = "4"


def cache_key(data: bytes, languages: str, engine_version: str, limits: ReadLimits) -> str:
    digest = hashlib.sha256(data).hexdigest()
    settings = f"{languages}|{engine_version}|{READER_VERSION}|{limits!r}"
    return f"{digest}-{hashlib.sha256(settings.encode()).hexdigest()[:16]}"


def load(cache_dir: Path, key: str) -> AttachmentText | None:
    path = cache_dir / f"{key}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return AttachmentText(
            text=str(raw["text"]),
            engine=str(raw["engine"]),
            pages=int(raw["pages"]),
            flags=[str(flag) for flag in raw["flags"]],
            needs_review=bool(raw["needs_review"]),
            error=None if raw["error"] is None else str(raw["error"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        # Missing or damaged entries are simply read again.
        return None


def store(cache_dir: Path, key: str, result: AttachmentText) -> None:
    if TIMEOUT in result.flags:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(dataclasses.asdict(result), ensure_ascii=False)
    # Write then rename, so a concurrent reader never sees half a file.
    fd, tmp_name = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp_name, cache_dir / f"{key}.json")
    except OSError:
        Path(tmp_name).unlink(missing_ok=True)

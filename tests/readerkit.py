"""The readers' seam for tests: every external program they start is recorded
(a pytest plugin, registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest

from bot.inbound.readers import proc


@pytest.fixture
def programs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every external program the readers start, through the proc.run seam."""
    calls: list[list[str]] = []
    real_run: Callable[..., proc.Completed] = proc.run

    def recording_run(args: Sequence[str], **kwargs: Any) -> proc.Completed:
        calls.append(list(args))
        return real_run(args, **kwargs)

    monkeypatch.setattr(proc, "run", recording_run)
    return calls

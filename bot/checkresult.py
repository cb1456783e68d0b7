"""The one-line outcome of a pre-flight check.

Shared by ``invitebot check`` (:mod:`bot.commands.check`) and the template
check of :mod:`bot.mail.compose`, which sit in different layers.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    # A warning is printed but does not fail ``check`` (ok stays True).
    warning: bool = False

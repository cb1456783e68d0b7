"""A listed delegate taken off by a pronoun: "M. Benali, …, nous vous prions de
bien vouloir le retirer de la liste", "please take him off the list".

Beside a ``leaving_pronoun`` cue of ``cues.yaml`` (a remove verb with its
object pronoun), the listed delegate named last before it in its paragraph is
the one leaving. Read by :func:`bot.inbound.followup.leaving.leaving` when no
name stands beside a leaving cue.
"""

from __future__ import annotations

import re

from bot.inbound.followup.cues import cue_patterns
from bot.inbound.followup.mentions import named_in
from bot.results.delegation import State

# How far back in its paragraph the pronoun's person may be named.
_BACK = 240
_PIECES = re.compile(r"[,;:!?()\n]")


def leaving_by_pronoun(text: str, before: State) -> list[str]:
    """The listed delegate a remove verb's pronoun stands for, named before it."""
    found: list[str] = []
    for match in cue_patterns()["leaving_pronoun"].finditer(text):
        window = re.split(r"\n\s*\n", text[max(0, match.start() - _BACK):match.start()])[-1]
        for piece in reversed(_PIECES.split(window)):
            named = [p["name"] for p in before.people if named_in(piece, p)]
            if len(named) == 1:
                if named[0] not in found:
                    found.append(named[0])
                break
            if named:
                break  # two people in one piece: the pronoun is not clear
    return found

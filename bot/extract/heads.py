"""Who leads, when a sentence apart from the list says so.

"La délégation sera composée de Me X … et de Mme Y … . Me X conduira la
délégation." or "The delegation will be led by Dr. Mwakyusa.": the list
names the people, a later sentence names the head, often by the surname
alone. When no delegate is head yet, a sentence with a head cue that names
exactly one delegate makes that one the head.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Final

from bot.extract.delegates import HEAD_CUE_RE
from bot.extract.fields import EXTRA_HEAD_RE
from bot.extract.model import DelegateCandidate

_SENTENCE_RE: Final = re.compile(r"(?<=[.!?。！？])\s+|\n\s*\n")
_CJK_RE: Final = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=4096)
def _surname_re(name: str) -> re.Pattern[str] | None:
    tokens = [t for t in re.findall(r"[^\W\d_][\w'’\-]*", name) if len(t) >= 3]
    if not tokens:
        return None
    # The surname is the last word, or the first in "SURNAME Given" (written in capitals).
    surnames = sorted({tokens[-1]} | {t for t in tokens if t.isupper()})
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, surnames)) + r")(?!\w)",
                      re.IGNORECASE)


def mentioned(name: str, sentence: str) -> bool:
    """``sentence`` names the person: the whole name, or the surname alone."""
    if _CJK_RE.search(name):
        return name.replace(" ", "") in sentence.replace(" ", "")
    pattern = _surname_re(name)
    return pattern is not None and pattern.search(sentence) is not None


def head_named_apart(text: str, delegates: Sequence[DelegateCandidate]) -> None:
    """Make the one delegate a head-cue sentence names the head (in place)."""
    if len(delegates) < 2 or any(d.role == "head" for d in delegates):
        return
    for sentence in _SENTENCE_RE.split(text):
        if not (HEAD_CUE_RE.search(sentence) or EXTRA_HEAD_RE.search(sentence)):
            continue
        named = [d for d in delegates if mentioned(d.name, sentence)]
        if len(named) == 1:
            named[0].role = "head"
            return

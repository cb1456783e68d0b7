"""Who leads, when a sentence apart from the list says so.

"La délégation sera composée de Me X … et de Mme Y … . Me X conduira la
délégation." or "The delegation will be led by Dr. Mwakyusa.": the list
names the people, a later sentence names the head, often by the surname
alone. When no delegate is head yet, a sentence with a head cue that names
exactly one delegate makes that one the head; when it names several
("Делегацию Республики Армения возглавит министр Аракелян …", where
"Армения" reads as the given name "Армен"), the one named after the cue.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from bot.extract.delegates import HEAD_CUE_RE
from bot.extract.fields import EXTRA_HEAD_RE
from bot.extract.mentions import mentioned
from bot.extract.model import DelegateCandidate

# Not after an initial or a short honorific: "Делегацию возглавит Р.Т. Ахмедов.",
# "La delegación será presidida por el Sr. MAMANI."
_SENTENCE_RE: Final = re.compile(
    r"(?<=[.!?。！？])(?<!(?<!\w)[^\W\d_]\.)(?<!(?<!\w)[^\W\d_][a-zà-ÿ]\.)"
    r"(?<!(?<!\w)[^\W\d_][a-zà-ÿ]{2}\.)\s+|\n\s*\n"
)


def head_named_apart(text: str, delegates: Sequence[DelegateCandidate]) -> None:
    """Make the one delegate a head-cue sentence names the head (in place)."""
    if len(delegates) < 2 or any(d.role == "head" for d in delegates):
        return
    for sentence in _SENTENCE_RE.split(text):
        cue = HEAD_CUE_RE.search(sentence) or EXTRA_HEAD_RE.search(sentence)
        if not cue:
            continue
        named = [d for d in delegates if mentioned(d.name, sentence)]
        if len(named) > 1:
            named = [d for d in named if mentioned(d.name, sentence[cue.end() :])]
        if len(named) == 1:
            named[0].role = "head"
            return

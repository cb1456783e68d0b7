"""What a follow-up states about the people it brings in: their title, who leads.

A newcomer is often written without the fields a delegation list gives:
"remplacée par notre conseiller Paul Mbarga", "Serge Agbodjan, Attaché",
"вместо него примет участие советник Жуков Павел Олегович". :func:`title_of`
reads the title written right before or right after the name. And a reply may
say who leads now ("Mme C, qui conduira la délégation", "который и возглавит
делегацию"): :func:`leader` names that person (``leads`` cues of
``cues.yaml``: the name right before the cue, in its sentence, leads).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.extract.fields import role_of
from bot.extract.lexicon import ROLE_HEAD_RE, TITLE_STARTERS
from bot.extract.names import HONORIFIC_RE
from bot.inbound.followup.cues import cue_patterns
from bot.inbound.followup.mentions import named_in
from bot.results.delegation import Person, person_key

# How many words a title written before a name may have ("заместитель
# Постоянного представителя", "le Premier secrétaire").
_TITLE_WORDS = 4
# The piece right after a name: ", Conseillère," / " (Conseiller)".
_AFTER = re.compile(r"\s*(?:,|\(|–|—|-)\s*([^,;:()\n.]{2,60}?)\s*(?=[,;()\n]|\.(?:\s|$)|$)")
_TITLE_STOP = re.compile(r"[,;:()]|\.(?=\s)|\n[ \t]*\n")
_WORD = re.compile(r"[^\W\d_][\w'’-]*\.?")


def _mentions(text: str, name: str) -> list[re.Match[str]]:
    """Where ``name`` is written whole in ``text`` (any spacing, any case)."""
    words = [re.escape(w) for w in name.split()]
    if not words:
        return []
    return list(re.finditer(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", text, re.IGNORECASE))


def _title_word(word: str) -> bool:
    return word.casefold().strip(".") in TITLE_STARTERS


def _no_role(piece: str) -> bool:
    """``piece`` is no role phrase ("chef de délégation", "член делегации")."""
    return role_of(piece, role_context=False) is None and not ROLE_HEAD_RE.search(piece)


def title_of(text: str, name: str) -> str | None:
    """The title ``text`` writes beside ``name``: right after it ("Serge Agbodjan,
    Attaché") or right before it, from a title word on ("notre conseiller Paul
    Mbarga", "второй секретарь Хабибуллин Рустем"). Never a role phrase."""
    for mention in _mentions(text, name):
        after = _AFTER.match(text, mention.end())
        if after:
            piece = after.group(1).strip()
            words = piece.split()
            if words and _title_word(words[0]) and _no_role(piece):
                return piece
        # Back to a comma, a full stop or a blank line (a line wrapped goes on).
        before = HONORIFIC_RE.sub(" ", " " + _TITLE_STOP.split(text[:mention.start()])[-1] + " ")
        words = _WORD.findall(before)[-_TITLE_WORDS:]
        start = next((i for i, w in enumerate(words) if _title_word(w)), None)
        if start is not None and _no_role(" ".join(words[start:])):
            return " ".join(words[start:])
    return None


_SENTENCE = re.compile(r"(?<=[^\W\d_]{2})[.!?](?=\s|$)|[;\n]\s*\n|;")


def leader(text: str, people: Sequence[Person], leaving: Sequence[str] = ()) -> str | None:
    """The name of the one of ``people`` that ``text`` says leads the delegation: the
    last of them named before a ``leads`` cue in its sentence, not one of
    ``leaving`` ("… remplacera M. Etoundi à la tête de la délégation": not Etoundi)."""
    staying = [p for p in people if str(p.get("name") or "").strip()
               and person_key(p["name"]) not in {person_key(n) for n in leaving}]
    for match in cue_patterns()["leads"].finditer(text):
        sentence = _SENTENCE.split(text[max(0, match.start() - 240):match.start()])[-1]
        best: tuple[int, str] | None = None
        for word in re.finditer(r"\w+", sentence):
            for person in staying:
                if named_in(word.group(), person) and (best is None or word.start() >= best[0]):
                    best = (word.start(), person["name"])
        if best is not None:
            return best[1]
    return None

"""The first of two family names, written alone after a form of address.

Spanish and Portuguese names carry two family names ("Gabriela Solís Mora",
"Luis Alberto Chávez Ríos"); a follow-up names the person by the first of
them, after an honorific or a rank: "Sra. Solís: gsolis@…", "el Segundo
Secretario Chávez ya no integrará la delegación", "la Consejera Mejía".
Read by :func:`bot.inbound.followup.mentions.named_in`, beside the last name.
"""

from __future__ import annotations

import re

from bot.extract.lexicon import NAME_PARTICLES, TITLE_STARTERS
from bot.extract.names import HONORIFIC_RE
from bot.results.delegation import Person, person_key

_WORD = re.compile(r"[^\W\d_]+")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")


def first_surname_named(window: str, person: Person) -> bool:
    """``window`` names ``person`` by the first of two family names, capitalised,
    right after an honorific or a rank ("Sra. Solís", "Secretario Chávez")."""
    return first_surname_at(window, person) is not None


def first_surname_at(text: str, person: Person) -> int | None:
    """Where ``text`` first names ``person`` that way, or None."""
    words = str(person.get("name") or "").split()
    if len(words) < 3 or not _LATIN.match(words[-2]):
        return None
    first = person_key(words[-2])
    if len(first) < 3 or first in NAME_PARTICLES or " " in first:
        return None
    for match in _WORD.finditer(text):
        if not match.group()[:1].isupper() or person_key(match.group()) != first:
            continue
        following = text[match.end():].split()[:1]
        if following and following[0][:1].isupper():
            continue  # "M. Ould Bah": a longer name, not the first family name alone
        previous = text[:match.start()].split()[-1:]
        if previous and (HONORIFIC_RE.match(previous[0] + " ")
                         or previous[0].casefold() in TITLE_STARTERS):
            return match.start()
    return None

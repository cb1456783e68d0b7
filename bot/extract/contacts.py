"""Contacts given apart from the list, tied to the one delegate they name.

"Contact person: Ms. Abdullaeva (n.abdullaeva@mfa.example, +43 1 315 39 94)",
"联系人：韩冰，han.bing@mfa.example", "Judge Al Mansouri's e-mail is …": a
line (or sentence) that names exactly one delegate and carries an e-mail or a
phone gives that delegate the contact, unless it is already theirs. A contact
the list reading gave to someone the line does not name moves to the one it
names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from bot.extract.heads import mentioned
from bot.extract.model import DelegateCandidate
from bot.extract.phones import find_contacts

_PIECE_RE: Final = re.compile(r"\n|(?<=[.!?。！？])\s+")


def tie_contacts(text: str, delegates: Sequence[DelegateCandidate], region: str | None,
                 exclude: Iterable[str]) -> None:
    """Give each contact line's contacts to the one delegate it names (in place)."""
    if len(delegates) < 1:
        return
    excluded = list(exclude)
    for piece in _PIECE_RE.split(text):
        if "@" not in piece and sum(ch.isdigit() for ch in piece) < 7:
            continue
        named = [d for d in delegates if mentioned(d.name, piece)]
        if len(named) != 1:
            continue
        person = named[0]
        found = find_contacts(piece, region, excluded)
        for value, field in [(e, "email") for e in found.emails[:1]] + [
                (p, "phone") for p in found.phones[:1]]:
            if getattr(person, field) == value:
                continue
            holder = next((d for d in delegates if getattr(d, field) == value), None)
            if holder is not None and holder is not person:
                setattr(holder, field, None)  # given to the wrong one by the list reading
            elif holder is None and getattr(person, field) is not None:
                continue  # the person has one of their own already
            setattr(person, field, value)

"""Contacts given apart from the list, tied to the one delegate they name.

"Contact person: Ms. Abdullaeva (n.abdullaeva@mfa.example, +43 1 315 39 94)",
"联系人：韩冰，han.bing@mfa.example", "Judge Al Mansouri's e-mail is …", and
the lines Russian notes (and others) write below the list, one per person,
by surname and initials: "Чобану В. — v.ciobanu@igp.example, +373 22 255 301",
"г-на Стоянова: ...", "البريد الإلكتروني لنورة الدوسري: ...".

A line (or sentence) of at most 160 characters that carries an e-mail or a
phone and names exactly one delegate (``bot.extract.mentions.mentioned``:
Russian case endings and Arabic prefixes allowed), the name standing before
the contacts, gives that delegate its first e-mail and first phone. A
contact the list reading gave to someone else moves to the one the line
names; a delegate keeps a contact of their own otherwise. A line naming
nobody listed (the note's clerk, "Исп.: Каримова З.Т.") gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from bot.extract.mentions import mentioned
from bot.extract.model import DelegateCandidate
from bot.extract.phones import find_contacts

# Lines, then sentences: "Контактное лицо – г-жа Абдуллаева (...). Тел.: ...". A
# sentence starts with a capital (or Arabic, Chinese), and an initial or a short
# form of address ends none ("Громову А. В., тел. ...", "Ms. X and Mr. Y: ...").
# Chinese puts no space after its full stop: "蒋月娥部长将发言。会务联系人：黄晓晨（…）".
_PIECE_RE: Final = re.compile(r"\n|(?<=[。！？])(?=[\u4e00-\u9fff])|(?<=[.!?。！？])(?<!\b\w\.)"
                              r"(?<!\b\w\w\.)(?<!\b\w\w\w\.)\s+"
                              r"(?=[A-ZА-ЯЁ\u0600-\u06FF\u4e00-\u9fff])")
_HAS_CONTACT_RE: Final = re.compile(r"@|\d[\d\s\-–().]{6,}\d|[\u0660-\u0669]{3}")
# A contact line is short; a paragraph of prose with a note number in it is not one.
_MAX_LINE: Final = 160


def tie_contacts(text: str, delegates: Sequence[DelegateCandidate], region: str | None,
                 exclude: Iterable[str]) -> None:
    """Give each contact line's contacts to the one delegate it names (in place)."""
    if not delegates or not _HAS_CONTACT_RE.search(text):
        return
    excluded = list(exclude)
    for piece in _PIECE_RE.split(text):
        contact = _HAS_CONTACT_RE.search(piece)
        if contact is None or len(piece) > _MAX_LINE:
            continue
        named = [d for d in delegates if mentioned(d.name, piece)]
        # One person named on the whole line, and named before the contacts.
        if len(named) != 1 or not mentioned(named[0].name, piece[: contact.start()]):
            continue
        person = named[0]
        found = find_contacts(piece, region, excluded)
        for value, field in [(e, "email") for e in found.emails[:1]] + [
                (p, "phone") for p in found.phones[:1]]:
            if getattr(person, field) == value:
                continue
            holder = next((d for d in delegates if getattr(d, field) == value), None)
            if holder is not None:
                setattr(holder, field, None)  # given to the wrong one by the list reading
            elif getattr(person, field) is not None:
                continue  # the person has one of their own already
            setattr(person, field, value)

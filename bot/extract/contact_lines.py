"""Contacts written on a line (or in a sentence) of their own that names the person.

Russian notes (and others) often list the delegation first and the contacts
afterwards, one line per person, by surname and initials: "Чобану В. —
v.ciobanu@igp.example, +373 22 255 301", "Mr. Otieno: +254 ...",
"البريد الإلكتروني لنورة الدوسري: ...".  A line with contacts that names
exactly one listed delegate (any word of the name of three letters or more,
in any case, a Russian case ending or an Arabic "for"/"and" prefix allowed)
gives that delegate the e-mail or phone it still lacks; a line naming
nobody listed (the note's clerk, "Исп.: Каримова З.Т.") gives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.extract.model import DelegateCandidate
from bot.extract.phones import find_contacts

_WORD_RE: Final = re.compile(r"\w+")
_CYRILLIC_RE: Final = re.compile(r"[а-яё]")
# A paragraph is read sentence by sentence: "Контактное лицо – г-жа Абдуллаева (...)."
_SENTENCE_END_RE: Final = re.compile(r"(?<=[.!?。])\s+(?=[A-ZА-ЯЁ\u0600-\u06FF])")
_HAS_CONTACT_RE: Final = re.compile(r"@|\d[\d\s\-–().]{6,}\d|[\u0660-\u0669]{3}")
_AR_PREFIX_RE: Final = re.compile(r"^(?:ل|و|ب|ول|وب)(?=[\u0621-\u064A]{3})")
# Russian declines surnames: "Ковалев" is "Ковалеву", "Ковалева" in a sentence.
_MAX_ENDING: Final = 2
# A contact line is short; a paragraph of prose with a note number in it is not one.
_MAX_LINE: Final = 160


def fill_from_contact_lines(
    delegates: list[DelegateCandidate], text: str, region: str | None, exclude: Iterable[str]
) -> None:
    """Give delegates without an e-mail or phone those on a line that names only them."""
    missing = [d for d in delegates if d.email is None or d.phone is None]
    if not missing or not _HAS_CONTACT_RE.search(text):
        return
    excluded = list(exclude)
    words = {id(d): _name_words(d.name) for d in delegates}
    for line in (part for row in text.split("\n") for part in _SENTENCE_END_RE.split(row)):
        contact = _HAS_CONTACT_RE.search(line)
        if contact is None or len(line) > _MAX_LINE:
            continue
        # One person named on the whole line, and named before the contacts.
        tokens = [_AR_PREFIX_RE.sub("", w) for w in _WORD_RE.findall(line.casefold())]
        named = [d for d in delegates if _names(tokens, words[id(d)])]
        if len(named) != 1 or named[0] not in missing:
            continue
        lead = line[: contact.start()].casefold()
        if not _names([_AR_PREFIX_RE.sub("", w) for w in _WORD_RE.findall(lead)],
                      words[id(named[0])]):
            continue
        person = named[0]
        found = find_contacts(line, region, excluded)
        if person.email is None and found.emails:
            person.email = found.emails[0]
        if person.phone is None and found.phones:
            person.phone = found.phones[0]


def _name_words(name: str) -> set[str]:
    return {w for w in _WORD_RE.findall(name.casefold()) if len(w) >= 3}


def _names(tokens: list[str], name_words: set[str]) -> bool:
    for token in tokens:
        for word in name_words:
            if token == word:
                return True
            # "Лисина" is "Лисиной", "Ковалев" is "Ковалеву": the stem and a short ending.
            stem = len(word) - _MAX_ENDING
            if (_CYRILLIC_RE.match(word) and stem >= 3 and token[:stem] == word[:stem]
                    and abs(len(token) - len(word)) <= _MAX_ENDING):
                return True
    return False

"""Which words of a listed delegate's name a follow-up may name them by.

The last word; the first too when the name may be written surname first
("Кузнецов Игорь Петрович", "MOUSSAVOU Patrice"); and, written alone, an
inner word: Spanish and Portuguese names carry two surnames and are called
by the first ("el Sr. Zubizarreta" for Iñaki Zubizarreta Etxeberria, "del
Comisario Tupayachi" for Raúl Ernesto Tupayachi Ccori). Read by
:mod:`bot.inbound.followup.mentions`.
"""

from __future__ import annotations

import re
from functools import cache

from bot.extract.lexicon import (
    HONORIFICS,
    NAME_ENDERS,
    NAME_PARTICLES,
    RANK_ADDRESSES,
    TITLE_STARTERS,
    ZH_HONORIFICS,
    ZH_RANK_ADDRESSES,
    ZH_SURNAMES,
    ZH_TITLE_ENDINGS,
)
from bot.extract.names import HONORIFIC_RE
from bot.results.delegation import Person, person_key


def stem_match(a: str, b: str) -> bool:
    """Two spellings of one name in different grammatical cases: a common
    beginning of all but two letters ("Хольцер" / "Хольцера")."""
    if a == b:
        return True
    common = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    return common >= 3 and common >= max(len(a), len(b)) - 2


# A Russian patronymic ("Петрович", "Муратовна"): never the surname.
_PATRONYMIC = re.compile(r"(?:ович|евич|ич|овна|евна|ична|инична)$", re.IGNORECASE)


def cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def surname_words(words: list[str]) -> list[str]:
    """The words of a name that may be its surname: the last; also the first when
    the name may be written surname first ("Кузнецов Игорь Петрович", "Каримова
    Зарина"; "MOUSSAVOU Patrice", the surname in capitals). Never a patronymic, which
    is never the first word ("Пашкевич Ирина Олеговна": a surname in -евич)."""
    if not words:
        return []
    picked = [words[-1]]
    first = words[0]
    if len(words) >= 2 and (cyrillic(first) or (first.isupper() and len(first) >= 3)):
        picked.insert(0, first)
    # A surname in capitals may have two words ("Jean-Pierre KOUASSI YAO").
    picked += [w for w in words[:-1] if w.isupper() and len(w) >= 2 and w not in picked]
    # The first word is never the patronymic: "Пашкевич Ирина Олеговна", "Лукашевич В.И.".
    # "Олег Петрович Климович": after a patronymic, a surname in -ович is the surname.
    after_patronymic = len(words) == 3 and bool(_PATRONYMIC.search(words[1]))
    return [
        w
        for w in picked
        if not (
            cyrillic(w)
            and _PATRONYMIC.search(w)
            and w != words[0]
            and not (after_patronymic and w == words[-1])
        )
    ] or picked[-1:]


def surname(person: Person) -> list[str]:
    """The parts of the surname ("Stix-Hackl": stix, hackl) worth matching (of
    two letters too, "Ba", "Sy", "Ли")."""
    words = str(person.get("name") or "").split()
    return [part for w in surname_words(words) for part in person_key(w).split() if len(part) >= 2]


_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ'’.-]+")
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*\.?")


@cache
def _not_names() -> frozenset[str]:
    """Capitalised words that may stand beside a surname without being a name:
    a rank or title ("Comisario", "Consejera"), a form of address."""
    return frozenset({w.casefold() for w in (*RANK_ADDRESSES, *HONORIFICS)} | NAME_ENDERS)


def _inner(name: str) -> set[str]:
    """The words of a Latin-script name other than the last that may name the person
    written alone: the first name ("Sione won't be coming"), and the inner words of a
    name of three words or more, a first surname ("Fernández de Córdoba",
    "Zubizarreta"). No particle, no initial."""
    words = name.split()
    if len(words) < 2 or not all(_LATIN.fullmatch(w) for w in words):
        return set()
    return {
        person_key(w)
        for w in words[:-1]
        if len(w) >= 4 and w[:1].isupper() and w.casefold() not in NAME_PARTICLES and "." not in w
    }


def named_by_inner_surname(window: str, person: Person) -> bool:
    """``window`` names ``person`` by an inner word of the name written alone: no
    capitalised word that is not theirs right beside it ("Mme Claire Martin" names
    no Marie Claire Dupont), a rank or a form of address aside."""
    name = str(person.get("name") or "")
    inner = _inner(name)
    if not inner:
        return False
    own = set(person_key(name).split())
    tokens = [t.group() for t in _TOKEN.finditer(window)]

    def foreign(token: str) -> bool:
        return (
            token[:1].isupper()
            and not token.endswith(".")
            and person_key(token) not in own
            and token.casefold() not in _not_names()
        )

    return any(
        person_key(token) in inner
        and token[:1].isupper()
        and not (i and foreign(tokens[i - 1]))
        and not (i + 1 < len(tokens) and foreign(tokens[i + 1]))
        for i, token in enumerate(tokens)
    )


# Not "代表": "中方代表团" names no 方明.
_ZH_ADDRESSES = tuple(
    sorted(
        {*ZH_HONORIFICS, *ZH_RANK_ADDRESSES, *ZH_TITLE_ENDINGS} - {"代表"}, key=len, reverse=True
    )
)


def zh_named_by_surname(window: str, name: str) -> bool:
    """``window`` names the Chinese ``name`` by surname and a form of address or rank
    ("林女士" for 林美玲, "欧阳秘书" for 欧阳雪梅, "陈参赞")."""
    name = "".join(name.split())
    family = name[:2] if name[:2] in ZH_SURNAMES and len(name) >= 3 else name[:1]
    if not family or len(name) < 2:
        return False
    text = "".join(window.split())
    at = text.find(family)
    while at >= 0:
        address = next((a for a in _ZH_ADDRESSES if text.startswith(a, at + len(family))), "")
        if address and not text.startswith("团", at + len(family) + len(address)):
            return True
        at = text.find(family, at + 1)
    return False


# Spanish and Portuguese names carry two family names ("Gabriela Solís Mora"); a
# follow-up names the person by the first of them after an honorific or a rank:
# "Sra. Solís: gsolis@…", "el Segundo Secretario Chávez ya no integrará …".
_FIRST_WORD = re.compile(r"[^\W\d_]+")
_FIRST_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")


def first_surname_named(window: str, person: Person) -> bool:
    """``window`` names ``person`` by the first of two family names, capitalised,
    right after an honorific or a rank ("Sra. Solís", "Secretario Chávez")."""
    return first_surname_at(window, person) is not None


def first_surname_at(text: str, person: Person) -> int | None:
    """Where ``text`` first names ``person`` that way, or None."""
    words = str(person.get("name") or "").split()
    if len(words) < 3 or not _FIRST_LATIN.match(words[-2]):
        return None
    first = person_key(words[-2])
    if len(first) < 3 or first in NAME_PARTICLES or " " in first:
        return None
    for match in _FIRST_WORD.finditer(text):
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

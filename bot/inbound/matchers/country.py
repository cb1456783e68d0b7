"""Country matcher: the reply names a mission or its country.

Names are confusable (Niger/Nigeria, Guinea/Guinea-Bissau/Equatorial Guinea,
Dominica/Dominican Republic, Sudan/South Sudan, Congo/Democratic Republic
of the Congo), so names match whole words only and the longest name wins
at each position: "Democratic Republic of the Congo" over "Congo", and
"Niger" never inside "Nigeria". Only the
reply's own text is read, never the quoted invitation, whose venue names
the host country.

Besides the names of the mission list, a mission whose code is an ISO
3166-1 alpha-2 code is known by the names of ``country_names.json`` (English,
French, Spanish, Russian, Arabic, Chinese; written by
``scripts/gen-country-names``). Text and names are compared folded: case,
accents and Arabic vowel marks do not count. Chinese names, in text without
spaces between words, match anywhere, still longest first. The names of
countries that are no mission of the list are matched too, but only to
stop a shorter name inside them ("印度" in "印度尼西亚", "Guinea" in
"Papua New Guinea") from counting.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise

from bot.inbound.matchers.base import Directory, Evidence, MatchInput, MissionEntry

_SEPARATORS = re.compile(r"[\s\u00a0\u2010-\u2015-]+")
_WORD = re.compile(r"[\w']+")
_JOINER = re.compile(r"[\s\u00a0\u2010-\u2015-]+$")
# Marks left by NFKD (accents, Cyrillic й ё), Arabic vowel marks, hamza
# above and below an alef, the dagger alef, and the tatweel.
_MARKS = re.compile("[\u0300-\u036f\u0483-\u0489\u0610-\u061a\u0640\u064b-\u065f"
                    "\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff"
                    "\ufe20-\ufe2f]")
# Arabic letters written either way (teh marbuta or heh, alef maqsura or
# yeh, the Persian yeh and keheh of some keyboards, alef wasla), and
# apostrophes; str.replace a pair at a time is faster than str.translate.
_FOLD = (("ة", "ه"), ("ى", "ي"), ("ی", "ي"), ("ک", "ك"), ("ٱ", "ا"), ("\u2019", "'"),
         ("\u02bc", "'"))
# Scripts written without spaces between words: their names match anywhere.
_DENSE = re.compile("[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ARABIC = re.compile("[\u0621-\u064a]")


def fold(text: str) -> str:
    """``text`` as names are compared: casefolded, without accents or Arabic vowel marks."""
    if text.isascii():
        return text.lower()
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))
    for letter, instead in _FOLD:
        text = text.replace(letter, instead)
    return text


def name_key(name: str) -> str:
    """One spelling for a name whatever separators, case and accents the writer used."""
    return _SEPARATORS.sub(" ", fold(name)).strip()


def _spellings(key: str) -> Iterator[str]:
    """The key, and with the Arabic clitics "and", "by", "for" before it.

    "ل" before "ال" is written "لل" ("للسودان").
    """
    yield key
    if _ARABIC.match(key):
        yield "و" + key
        yield "ب" + key
        yield "لل" + key[2:] if key.startswith("ال") else "ل" + key


@dataclass(frozen=True)
class NameTable:
    """Mission and country names by their word sequence; unambiguous names only.

    ``blocked`` names belong to no mission (or to several): they only stop
    the names inside them from counting.
    """

    names: dict[str, int]
    longest: int
    blocked: frozenset[str] = frozenset()
    # The first word of every spaced name and how many words the longest
    # such name has: most words of a letter start none, and skipping them
    # saves trying every span length at every position.
    firsts: dict[str, int] = field(init=False, default_factory=dict)
    # The first character of every unspaced (Chinese) name, with the
    # lengths of the names it starts, longest first.
    dense: dict[str, tuple[int, ...]] = field(init=False, default_factory=dict)
    _lookup: dict[str, int | None] = field(init=False, default_factory=dict)
    _dense_start: re.Pattern[str] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        lookup: dict[str, int | None] = dict.fromkeys(self.blocked)
        lookup.update(self.names)
        firsts: dict[str, int] = {}
        lengths: dict[str, set[int]] = {}
        for key in lookup:
            if _DENSE.search(key):
                lengths.setdefault(key[0], set()).add(len(key))
            else:
                words = key.split(" ")
                firsts[words[0]] = max(firsts.get(words[0], 0), min(len(words), self.longest))
        dense = {c: tuple(sorted(s, reverse=True)) for c, s in lengths.items()}
        start = re.compile("[" + "".join(map(re.escape, sorted(dense))) + "]") if dense else None
        object.__setattr__(self, "_lookup", lookup)
        object.__setattr__(self, "firsts", firsts)
        object.__setattr__(self, "dense", dense)
        object.__setattr__(self, "_dense_start", start)

    def find(self, text: str) -> Iterator[int]:
        """Missions named in ``text``, longest name first at each position.

        Names are matched on whole words, so "Niger" never matches inside
        "Nigeria", and a longer name ("Equatorial Guinea") consumes the
        shorter one it contains ("Guinea"). Chinese names match anywhere in
        the text, and likewise consume: "南苏丹" leaves no "苏丹".
        """
        text = fold(text)
        yield from self._find_words(text)
        if self._dense_start is not None:
            yield from self._find_dense(text, self._dense_start)

    def _find_words(self, text: str) -> Iterator[int]:
        words = list(_WORD.finditer(text))
        index = 0
        while index < len(words):
            first = words[index].group(0)
            longest = self.firsts.get(first)
            if longest is None:
                index += 1
                continue
            # The spans from here that are one name's words: joined by
            # spaces or hyphens only, and never longer than the longest name.
            keys = [first]
            for a, b in pairwise(words[index:index + longest]):
                if a.end() == b.start() or not _JOINER.match(text, a.end(), b.start()):
                    break
                keys.append(keys[-1] + " " + b.group(0))
            for size in range(len(keys), 0, -1):
                if keys[size - 1] in self._lookup:
                    mission_id = self._lookup[keys[size - 1]]
                    if mission_id is not None:
                        yield mission_id
                    index += size
                    break
            else:
                index += 1

    def _find_dense(self, text: str, start: re.Pattern[str]) -> Iterator[int]:
        end = 0
        for hit in start.finditer(text):
            at = hit.start()
            if at < end:
                continue
            for size in self.dense[hit.group(0)]:
                key = text[at:at + size]
                if key in self._lookup:
                    mission_id = self._lookup[key]
                    if mission_id is not None:
                        yield mission_id
                    end = at + size
                    break


@cache
def known_names() -> dict[str, frozenset[str]]:
    """ISO alpha-2 code -> the keys of its names in every language, from the JSON."""
    source = resources.files(__package__).joinpath("country_names.json")
    data: dict[str, dict[str, list[str]]] = json.loads(source.read_text(encoding="utf-8"))
    return {code: frozenset(_keys(n for names in by_lang.values() for n in names))
            for code, by_lang in data.items()}


def _keys(names: Iterable[str]) -> Iterator[str]:
    """The keys of ``names`` long enough to mean something, with their Arabic spellings."""
    for name in names:
        key = name_key(name)
        if len(key) >= 3 or (len(key) == 2 and _DENSE.search(key)):
            yield from _spellings(key)


def compile_names(missions: Iterable[MissionEntry]) -> NameTable | None:
    """The table of every mission and country name, without names two missions share."""
    known = known_names()
    table: dict[str, int] = {}
    ambiguous: set[str] = set()
    listed: set[str] = set()
    for mission in missions:
        keys = set(_keys((mission.country, mission.mission_name)))
        code = mission.code.strip().upper()
        if code in known:
            listed.add(code)
            keys |= known[code]
        for key in keys:
            if key in table and table[key] != mission.id:
                ambiguous.add(key)
            table[key] = mission.id
    for key in ambiguous:
        del table[key]
    if not table:
        return None
    blocked = {key for code, keys in known.items() if code not in listed for key in keys}
    blocked = (blocked | ambiguous) - table.keys()
    longest = max(len(k.split(" ")) for k in (*table, *blocked))
    return NameTable(table, longest, frozenset(blocked))


class CountryNamed:
    """The reply's own text (or subject) names exactly one mission."""

    name = "country"

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None:
        if ctx.names is None:
            return None
        counts: Counter[int] = Counter()
        for text in (msg.msg.subject, msg.own_text[:50_000]):
            counts.update(ctx.names.find(text))
        if not counts:
            return None
        ranked = counts.most_common()
        mission_id, _ = ranked[0]
        others = tuple(m for m, _ in ranked[1:])
        confidence = 0.6 if not others else 0.4
        name = ctx.missions[mission_id].country
        return Evidence(mission_id, "country_named", confidence, name, others)

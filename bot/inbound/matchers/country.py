"""Country matcher: the reply names a mission or its country.

Names are confusable (Niger/Nigeria, Guinea/Guinea-Bissau/Equatorial Guinea,
Dominica/Dominican Republic, Sudan/South Sudan, Congo/Democratic Republic
of the Congo), so names match whole words only and the longest name wins
at each position: "Democratic Republic of the Congo" over "Congo", and
"Niger" never inside "Nigeria". Only the
reply's own text is read, never the quoted invitation, whose venue names
the host country.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from bot.inbound.matchers.base import Directory, Evidence, MatchInput, MissionEntry

_SEPARATORS = re.compile(r"[\s\u00a0\u2011-]+")
_WORD = re.compile(r"[\w']+")
_JOINER = re.compile(r"[\s\u00a0\u2011-]+$")


def name_key(name: str) -> str:
    """One spelling for a name whatever separators the writer used."""
    return _SEPARATORS.sub(" ", name).strip().lower()


@dataclass(frozen=True)
class NameTable:
    """Mission and country names by their word sequence; unambiguous names only."""

    names: dict[str, int]
    longest: int
    # The first word of every name: most words of a letter start none, and
    # skipping them saves trying every span length at every position.
    firsts: frozenset[str] = field(init=False, default=frozenset())

    def __post_init__(self) -> None:
        object.__setattr__(self, "firsts", frozenset(k.split(" ")[0] for k in self.names))

    def find(self, text: str) -> Iterator[int]:
        """Missions named in ``text``, longest name first at each position.

        Names are matched on whole words, so "Niger" never matches inside
        "Nigeria", and a longer name ("Equatorial Guinea") consumes the
        shorter one it contains ("Guinea").
        """
        words = list(_WORD.finditer(text))
        index = 0
        while index < len(words):
            if words[index].group(0).lower() not in self.firsts:
                index += 1
                continue
            for size in range(min(self.longest, len(words) - index), 0, -1):
                span = words[index:index + size]
                if any(not _JOINER.match(text, a.end(), b.start()) or a.end() == b.start()
                       for a, b in pairwise(span)):
                    continue
                key = " ".join(w.group(0) for w in span).lower()
                if key in self.names:
                    yield self.names[key]
                    index += size
                    break
            else:
                index += 1


def compile_names(missions: Iterable[MissionEntry]) -> NameTable | None:
    """The table of every mission and country name, without names two missions share."""
    table: dict[str, int] = {}
    ambiguous: set[str] = set()
    for mission in missions:
        for name in (mission.country, mission.mission_name):
            key = name_key(name)
            if len(key) < 3:
                continue
            if key in table and table[key] != mission.id:
                ambiguous.add(key)
            table[key] = mission.id
    for key in ambiguous:
        del table[key]
    if not table:
        return None
    return NameTable(table, max(len(k.split(" ")) for k in table))


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

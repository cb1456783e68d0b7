"""The shipped directory of who a United Nations secretariat invites, and lists made from it.

``un_directory.json`` (written by ``scripts/gen-un-directory``) holds the
193 Member States, the two non-member Observer States and a selection of
intergovernmental organisations and other entities with a standing
invitation as observers: code, ISO 3166-1 code where there is one, type and
names in the six languages (iso-codes for the States, United Nations usage
for the rest). No address is shipped: ``missions init`` writes a mission
list with the ``email`` column empty, for staff to fill in; ``check``
refuses it, line by line, until they have.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bot.config.missions import LANGUAGES

DIRECTORY = Path(__file__).with_name("un_directory.json")
COLUMNS = ("code", "country", "mission_name", "email", "cc", "language", "type",
           *(f"country_{lang}" for lang in LANGUAGES))

# English names that take "the" ("the Netherlands", "the United Kingdom").
_THE_PREFIXES = ("United ", "Republic ", "Democratic ", "Kingdom ", "Islamic ", "Plurinational ",
                 "Bolivarian ", "Federated ", "Russian ", "Syrian ", "Lao ", "Central ",
                 "Dominican ", "Czech ", "State ", "Holy ")
_THE_NAMES = {"Bahamas", "Comoros", "Maldives", "Marshall Islands", "Solomon Islands",
              "Netherlands", "Philippines", "Gambia", "Niger", "Sudan", "Congo"}


@dataclass(frozen=True)
class Entry:
    code: str
    iso: str
    type: str
    names: dict[str, str]


def load_directory() -> list[Entry]:
    rows = json.loads(DIRECTORY.read_text(encoding="utf-8"))
    return [Entry(r["code"], r["iso"], r["type"], dict(r["names"])) for r in rows]


def _with_article(name: str) -> str:
    return f"the {name}" if name.startswith(_THE_PREFIXES) or name in _THE_NAMES else name


def mission_name(entry: Entry) -> str:
    """An English mission name for staff to correct where the mission calls itself otherwise."""
    name = entry.names["en"]
    if entry.type == "member_state":
        return f"Permanent Mission of {_with_article(name)} to the United Nations"
    return f"Permanent Observer Mission of the {name.removeprefix('the ')} to the United Nations"


def select_entries(*, member_states: bool, observers: bool) -> list[Entry]:
    """Member States, then Observer States, then organisations and other entities."""
    order = {"member_state": 0, "observer_state": 1, "igo": 2, "other": 3}
    wanted = ({"member_state"} if member_states else set()) | (
        {"observer_state", "igo", "other"} if observers else set())
    chosen = [e for e in load_directory() if e.type in wanted]
    return sorted(chosen, key=lambda e: (order[e.type], e.names["en"]))


def write_list(path: Path, entries: list[Entry], language: str = "en",
               known: Mapping[str, Mapping[str, str]] | None = None) -> int:
    """Write a mission list (UTF-8 with BOM, for Excel); return its rows.

    ``known``: per code, what an earlier campaign had (``email``, ``cc``,
    ``language``, ``mission_name``, and a ``note`` for staff); without it,
    or for a code it lacks, the addresses are left empty.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, *(["note"] if known is not None else [])])
        for entry in entries:
            had = (known or {}).get(entry.code, {})
            writer.writerow([entry.code, entry.names["en"],
                             had.get("mission_name") or mission_name(entry),
                             had.get("email", ""), had.get("cc", ""),
                             had.get("language") or language, entry.type,
                             *(entry.names.get(lang, "") for lang in LANGUAGES),
                             *([had.get("note", "")] if known is not None else [])])
    return len(entries)

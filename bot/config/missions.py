"""The mission list (CSV or XLSX): one ``ListedMission`` per row, validated before anything is sent.

Every error names the file, the line and the column, so a desk officer can
fix the list without reading a traceback. Besides the six required columns
(``cc`` and ``language`` may be left out), a list may say what each
addressee is (``type``: member_state, observer_state, igo or other), give
its name in each language (``country_fr``, ``country_zh`` ...) and carry
any other column, which templates see as ``mission.extra.<column>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.config.tabular import read_table
from bot.errors import ConfigError

LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
# The domain needs a dot and a top-level label of letters: "pm-es@missions"
# is a typo that a local relay would accept and lose.
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
# Field limits: every value ends up in a header line or a spreadsheet cell,
# and RFC 5321 caps an address at 254 octets. Generous for real names.
MAX_EMAIL = 254
MAX_NAME = 200
MAX_TEXT = 300
MAX_REFERENCE = 100
MAX_CC = 10
LIMITS = {"country": MAX_NAME, "mission_name": MAX_NAME,
          **{f"country_{lang}": MAX_NAME for lang in LANGUAGES}}
TYPES = ("member_state", "observer_state", "igo", "other")
_TYPE_WORDS = {"member": "member_state", "state": "member_state", "observer": "observer_state",
               "organization": "igo", "organisation": "igo", "io": "igo"}


def check_email(value: str) -> str:
    value = value.strip()
    if len(value) > MAX_EMAIL:
        raise ValueError(f"{len(value):,} characters, at most {MAX_EMAIL}")
    if not _EMAIL.match(value) or "\r" in value or "\n" in value:
        if _EMAIL.match(value + ".org") or value.endswith("."):
            raise ValueError(f"not an email address: {value!r} (its domain has no "
                             "top-level part such as .org)")
        raise ValueError(f"not an email address: {value!r}")
    return value



@dataclass(frozen=True)
class ListedMission:
    """One row of the mission list: what a template may know about a mission.

    Named apart from ``models.Mission``, the database row made from it.
    """

    code: str
    country: str
    mission_name: str
    email: str
    cc: tuple[str, ...]
    language: str
    type: str = "member_state"
    # (language, name) pairs from the country_<lang> columns.
    names: tuple[tuple[str, str], ...] = ()
    # (column, value) pairs of every other column, in list order.
    extra: tuple[tuple[str, str], ...] = field(default=())

    def name_in(self, language: str) -> str:
        """The addressee's name in ``language`` when the list gives it, else ``country``."""
        return dict(self.names).get(language) or self.country


_MAX_ERRORS = 20
_REQUIRED = ("code", "country", "mission_name", "email")
_KNOWN = (*_REQUIRED, "cc", "language", "type", *(f"country_{lang}" for lang in LANGUAGES))


@dataclass(frozen=True)
class MissionList:
    missions: tuple[ListedMission, ...]
    detected: str


def load_missions(path: Path, languages: list[str] | None = None) -> tuple[ListedMission, ...]:
    """Read the mission list; raise ConfigError naming file, line and column."""
    return read_mission_list(path, languages).missions


def read_mission_list(path: Path, languages: list[str] | None = None) -> MissionList:
    """The missions and how the file was read (encoding, delimiter or sheet)."""
    table = read_table(path)
    missing = [f for f in _REQUIRED if f not in table.header]
    if missing:
        raise ConfigError(f"{path}:1: missing column(s): {', '.join(missing)} "
                          f"(read as {table.detected}; found: {', '.join(table.header)})")
    missions: list[ListedMission] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    extra_columns = [c for c in table.header if c and c not in _KNOWN]
    for line, row in table.rows:
        mission, problems = _read_row(row, languages or list(LANGUAGES), extra_columns)
        errors.extend(f"{path}:{line}: {p}" for p in problems)
        if mission is None:
            continue
        if mission.code in seen:
            first = seen[mission.code]
            errors.append(f"{path}:{line}: code: {mission.code!r} already used on line {first}")
            continue
        seen[mission.code] = line
        missions.append(mission)
    if errors:
        more = len(errors) - _MAX_ERRORS
        shown = errors[:_MAX_ERRORS] + ([f"{path}: ... and {more} more error(s)"] if more > 0
                                        else [])
        raise ConfigError("\n".join(shown))
    if not missions:
        raise ConfigError(f"{path}: the mission list is empty")
    return MissionList(tuple(missions), table.detected)


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def _kind(value: str) -> str | None:
    key = "_".join(value.lower().replace("-", " ").split()) or "member_state"
    if key in TYPES:
        return key
    return _TYPE_WORDS.get(key)


def _read_row(row: dict[str, str], languages: list[str],
              extra_columns: list[str]) -> tuple[ListedMission | None, list[str]]:
    values = {k: _clean(row.get(k)) for k in _KNOWN}
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", values["code"]):
        problems.append(f"code: {values['code'][:40]!r} must be 1-32 letters, digits, '-' or '_'")
    for key in ("country", "mission_name"):
        if not values[key]:
            problems.append(f"{key}: empty")
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            problems.append(f"{key}: {len(values[key]):,} characters, at most {limit}")
    if not values["email"]:
        problems.append("email: empty (the mission's official address)")
    else:
        try:
            check_email(values["email"])
        except ValueError as exc:
            problems.append(f"email: {exc}")
    cc = tuple(c.strip() for c in re.split(r"[;,\s]+", values["cc"]) if c.strip())
    if len(cc) > MAX_CC:
        problems.append(f"cc: {len(cc)} addresses, at most {MAX_CC}")
        cc = ()
    for extra in cc:
        try:
            check_email(extra)
        except ValueError as exc:
            problems.append(f"cc: {exc}")
    language = values["language"].lower() or "en"
    if language not in languages:
        problems.append(f"language: {language!r} is not one of {', '.join(languages)}")
    kind = _kind(values["type"])
    if kind is None:
        problems.append(f"type: {values['type']!r} is not one of {', '.join(TYPES)}")
    if problems or kind is None:
        return None, problems
    return ListedMission(
        code=values["code"].upper(),
        country=values["country"],
        mission_name=values["mission_name"],
        email=values["email"].lower(),
        cc=tuple(c.lower() for c in cc),
        language=language,
        type=kind,
        names=tuple((lang, values[f"country_{lang}"]) for lang in LANGUAGES
                    if values[f"country_{lang}"]),
        extra=tuple((c, _clean(row.get(c))) for c in extra_columns),
    ), []

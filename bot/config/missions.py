"""The mission list (CSV): one ``ListedMission`` per row, validated before anything is sent.

Every error names the file, the line and the column, so a desk officer can
fix the CSV without reading a traceback.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from bot.errors import ConfigError

LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def check_email(value: str) -> str:
    value = value.strip()
    if not _EMAIL.match(value) or "\r" in value or "\n" in value:
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


_CSV_FIELDS = ("code", "country", "mission_name", "email", "cc", "language")


def load_missions(path: Path, languages: list[str] | None = None) -> tuple[ListedMission, ...]:
    """Read the mission CSV; raise ConfigError naming file, line and column."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read mission list: {exc.strerror}") from None
    missions: list[ListedMission] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [f for f in _CSV_FIELDS if f not in header]
        if missing:
            raise ConfigError(f"{path}:1: missing column(s): {', '.join(missing)}")
        for row in reader:
            line = reader.line_num
            mission, problems = _read_row(row, languages or list(LANGUAGES))
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
        raise ConfigError("\n".join(errors))
    if not missions:
        raise ConfigError(f"{path}: the mission list is empty")
    return tuple(missions)


def _read_row(row: dict[str, str | None],
              languages: list[str]) -> tuple[ListedMission | None, list[str]]:
    values = {k: " ".join((row.get(k) or "").split()) for k in _CSV_FIELDS}
    problems = []
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", values["code"]):
        problems.append(f"code: {values['code']!r} must be 1-32 letters, digits, '-' or '_'")
    for key in ("country", "mission_name"):
        if not values[key]:
            problems.append(f"{key}: empty")
    try:
        check_email(values["email"])
    except ValueError as exc:
        problems.append(f"email: {exc}")
    cc = tuple(c.strip() for c in re.split(r"[;,\s]+", values["cc"]) if c.strip())
    for extra in cc:
        try:
            check_email(extra)
        except ValueError as exc:
            problems.append(f"cc: {exc}")
    language = values["language"].lower() or "en"
    if language not in languages:
        problems.append(f"language: {language!r} is not one of {', '.join(languages)}")
    if problems:
        return None, problems
    return ListedMission(
        code=values["code"].upper(),
        country=values["country"],
        mission_name=values["mission_name"],
        email=values["email"].lower(),
        cc=tuple(c.lower() for c in cc),
        language=language,
    ), []

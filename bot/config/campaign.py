"""The campaign file, validated before anything is sent; with the mission list
(:mod:`bot.config.missions`) it makes the ``LoadedConfig``.

Every error names the file, the key and the line, so a desk officer can fix
the YAML or the CSV without reading a traceback.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config.missions import (
    MAX_EMAIL,
    MAX_NAME,
    MAX_REFERENCE,
    MAX_TEXT,
    ListedMission,
    check_email,
    read_mission_list,
)
from bot.errors import ConfigError

Language = Literal["en", "fr", "es", "ru", "ar", "zh"]
def _all_languages() -> list[Language]:
    return ["en", "fr", "es", "ru", "ar", "zh"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Address(_Strict):
    name: str = Field(default="", max_length=MAX_NAME)
    address: str = Field(max_length=MAX_EMAIL)

    @field_validator("address")
    @classmethod
    def _valid(cls, value: str) -> str:
        return check_email(value)

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())


class Meeting(_Strict):
    reference: str = Field(min_length=1, max_length=MAX_REFERENCE)
    # As it reads mid-sentence in a letter ("first meeting of the ...").
    title: str = Field(min_length=1, max_length=MAX_TEXT)
    # As it heads a document (the list of participants); default: the
    # title with a capital first letter.
    display_title: str | None = Field(default=None, max_length=MAX_TEXT)
    organizer: str = Field(min_length=1, max_length=MAX_TEXT)
    start: date
    end: date
    venue: str = Field(min_length=1, max_length=MAX_TEXT)
    language: Language = "en"
    languages: list[Language] = Field(default_factory=_all_languages)
    timezone: str = "UTC"

    @property
    def heading(self) -> str:
        """The title as it heads a document."""
        if self.display_title:
            return " ".join(self.display_title.split())
        title = " ".join(self.title.split())
        return title[:1].upper() + title[1:]

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value


class Mail(_Strict):
    sender: Address
    reply_to: str = Field(max_length=MAX_EMAIL)
    token_in_address: bool = True
    # The token in the Subject helps match replies that lost the Reply-To;
    # None means "when the campaign expects replies". An informational
    # letter reads better without it.
    token_in_subject: bool | None = None
    sent_folder: str = "Sent"
    inbox_folders: list[str] = Field(default_factory=lambda: ["INBOX"])
    processed_mode: Literal["keyword", "move"] = "keyword"
    processed_keyword: str = "$Invitebot"
    processed_folder: str = "Processed"
    rate_limit_per_minute: int = Field(default=600, gt=0)
    # Server defaults and sending limits (bot.config.providers).
    provider: Literal["microsoft365", "google", "generic"] = "generic"
    concurrency: int = Field(default=2, ge=1, le=16)
    retry_first_minutes: float = Field(default=5, gt=0)
    retry_max_minutes: float = Field(default=60, gt=0)
    retry_lifetime_days: float = Field(default=5, gt=0)

    @field_validator("reply_to")
    @classmethod
    def _valid(cls, value: str) -> str:
        return check_email(value)


class Templates(_Strict):
    invitation: str = "invitation"
    reminder: str = "reminder"
    acknowledgement: str | None = None
    digest: str = "digest"
    confirmation: str = "confirmation"  # the echo of a recorded delegation


class Reminders(_Strict):
    after_days: list[int] = Field(default_factory=lambda: [14, 21])
    max_per_mission: int = Field(default=2, ge=0)


class Digest(_Strict):
    time: dt.time = dt.time(8, 0)
    recipients: list[str] = Field(default_factory=list)

    @field_validator("recipients")
    @classmethod
    def _valid(cls, value: list[str]) -> list[str]:
        return [check_email(v) for v in value]


class Schedule(_Strict):
    send_at: datetime | None = None
    # Required only when the campaign expects replies (CampaignFile checks).
    reply_deadline: date | None = None
    reminders: Reminders = Field(default_factory=Reminders)
    digest: Digest = Field(default_factory=Digest)


class Thresholds(_Strict):
    match: float = Field(default=0.8, ge=0, le=1)
    extraction: float = Field(default=0.7, ge=0, le=1)


class CampaignFile(_Strict):
    """The validated campaign file (its database row is ``models.Campaign``)."""

    meeting: Meeting
    # False for an informational letter (no registration asked): no reply
    # deadline, no reminders, no "silent" missions; replies are still read.
    expects_reply: bool = True
    mail: Mail
    templates: Templates = Field(default_factory=Templates)
    attachments: list[Path] = Field(default_factory=list)
    schedule: Schedule
    missions_file: Path
    thresholds: Thresholds = Field(default_factory=Thresholds)
    secretariat_contacts: list[str] = Field(default_factory=list)
    # A database URL or an SQLite file (relative to this file's folder);
    # INVITEBOT_DATABASE_URL overrides it. Default: var/invitebot.db beside this file.
    database: str | None = Field(default=None, min_length=1, max_length=1000)
    # Mail the mission's listed address what was recorded from its reply,
    # each time its delegation is recorded or changed (bot/mail/echo.py).
    confirmation_echo: bool = True

    @model_validator(mode="after")
    def _deadline_when_replies_expected(self) -> CampaignFile:
        if self.expects_reply and self.schedule.reply_deadline is None:
            raise ValueError("schedule.reply_deadline is required unless expects_reply is "
                             "false (an informational letter)")
        return self

    @property
    def token_in_subject(self) -> bool:
        chosen = self.mail.token_in_subject
        return self.expects_reply if chosen is None else chosen

    @property
    def reminders_enabled(self) -> bool:
        reminders = self.schedule.reminders
        return self.expects_reply and bool(reminders.after_days) and reminders.max_per_mission > 0


@dataclass(frozen=True)
class LoadedConfig:
    """A campaign with its paths resolved and its mission list read."""

    path: Path
    campaign: CampaignFile
    missions: tuple[ListedMission, ...]
    template_dir: Path
    # How the mission list was read ("Windows-1252 (not UTF-8), ';'-separated").
    missions_read_as: str = ""

    @property
    def base_dir(self) -> Path:
        return self.path.parent


Loc = tuple[str | int, ...]


def _line_map(node: yaml.Node, prefix: Loc, out: dict[Loc, int]) -> None:
    out[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, str(key.value))
            out[path] = key.start_mark.line + 1
            _line_map(value, path, out)
            out[path] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _line_map(item, (*prefix, index), out)


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 1


def load_campaign(path: Path) -> CampaignFile:
    """Parse and validate the campaign file; raise ConfigError naming file, key and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read campaign file: {exc.strerror}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}:{line}: invalid YAML: {problem}") from None
    if not isinstance(data, dict) or node is None:
        raise ConfigError(f"{path}:1: the campaign file must be a mapping of keys")
    lines: dict[Loc, int] = {}
    _line_map(node, (), lines)
    try:
        return CampaignFile.model_validate(data)
    except ValidationError as exc:
        messages = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            msg = str(err["msg"])
            if not loc:
                # A rule across keys names its key first ("schedule.reply_deadline
                # is required ..."): point at the nearest line that exists.
                msg = msg.removeprefix("Value error, ")
                first = msg.split(" ", 1)[0]
                loc = tuple(first.split(".")) if "." in first else ()
                msg = msg.split(" ", 1)[1] if loc else msg
            key = ".".join(str(p) for p in loc) or "(top)"
            messages.append(f"{path}:{_line_for(loc, lines)}: {key}: {msg}")
        raise ConfigError("\n".join(messages)) from None


def load_config(path: Path, template_dir: Path | None = None) -> LoadedConfig:
    """Load the campaign file and the mission list it names, resolving relative paths."""
    campaign = load_campaign(path)
    base = path.parent
    missions_path = campaign.missions_file
    if not missions_path.is_absolute():
        missions_path = base / missions_path
    listed = read_mission_list(missions_path, list(campaign.meeting.languages))
    attachments = []
    for index, attachment in enumerate(campaign.attachments):
        full = attachment if attachment.is_absolute() else base / attachment
        if not full.is_file():
            raise ConfigError(f"{path}: attachments.{index}: file not found: {full}")
        attachments.append(full)
    campaign = campaign.model_copy(
        update={"attachments": attachments, "missions_file": missions_path}
    )
    if template_dir is None:
        template_dir = _default_template_dir(base)
    return LoadedConfig(path=path, campaign=campaign, missions=listed.missions,
                        template_dir=template_dir, missions_read_as=listed.detected)


def _default_template_dir(base: Path) -> Path:
    for candidate in (base / "templates", base.parent / "templates", Path("templates")):
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[2] / "templates"

"""Compose: turn a mission, its token and the campaign into a MIME message.

Decides the headers (From, To, Cc, a Reply-To carrying the token, the
reference tag in the Subject, threading for reminders), the language and
the attachments. Every header value passes through ``one_line`` so no
mission name, template output or variable can start a header of its own.
The message goes next to ``outbox.enqueue_message``, which fixes its
Message-ID and stores its CRLF bytes.

Invitations and reminders carry no ``Auto-Submitted`` header: they are
notes verbales a person must answer, and RFC 3834 responders treat
``auto-generated`` mail as not worth a reply. Acknowledgements are
``auto-replied``. All carry ``X-Auto-Response-Suppress: All`` so Exchange
holds back out-of-office noise.
"""

from __future__ import annotations

import email
import mimetypes
import re
import unicodedata
import weakref
from dataclasses import replace
from datetime import date
from email import policy
from email.message import EmailMessage
from email.mime.base import MIMEBase
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from sqlmodel import select

from bot import models
from bot.app import App
from bot.checkresult import CheckResult
from bot.clock import utcnow
from bot.config.campaign import LoadedConfig
from bot.config.directory import load_directory
from bot.config.missions import LANGUAGES, ListedMission
from bot.errors import NotFoundError, TemplateError
from bot.mail import mime
from bot.mail.dates import date_range, long_date
from bot.mail.render import SHIPPED, Rendered, Renderer
from bot.tokens import new_token

_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def one_line(value: str) -> str:
    """A header-safe single line: control and line-break characters become spaces.

    ``=?`` is split too, so text that looks like an RFC 2047 encoded word
    (``=?utf-8?q?=0D=0A?=``) cannot decode to a line break in a reader.
    """
    value = unicodedata.normalize("NFC", value)
    value = _BREAKS.sub(" ", value)
    value = value.replace("=?", "= ?")
    return " ".join(value.split())


def listed(row: models.Mission) -> ListedMission:
    """The mission-list row a mission's database row was made from: what a template may know."""
    cc = tuple(c for c in row.cc.split(",") if c)
    return ListedMission(row.code, row.country, row.mission_name, row.email, cc, row.language)


_STATES: dict[str, dict[str, str]] | None = None


def with_shipped_names(mission: ListedMission) -> ListedMission:
    """A State listed under its ISO code gets the shipped names in the languages the list
    leaves out (not English: the list's ``country`` is the English name staff chose), so a
    Chinese letter does not print "Austria"."""
    global _STATES
    if mission.type not in ("member_state", "observer_state"):
        return mission
    if _STATES is None:
        _STATES = {e.iso: e.names for e in load_directory() if e.iso}
    shipped = _STATES.get(mission.code)
    if not shipped:
        return mission
    given = dict(mission.names)
    merged = {**{k: v for k, v in shipped.items() if k != "en"}, **given}
    return replace(mission, names=tuple((lang, merged[lang]) for lang in LANGUAGES
                                        if lang in merged))


def plus_address(address: str, token: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}+{token}@{domain}"


class Composer:
    """Builds invitations, reminders and acknowledgements for one loaded campaign."""

    def __init__(self, config: LoadedConfig) -> None:
        self.config = config
        self.renderer = Renderer(config.template_dir)
        # The echo may come from the shipped templates; the letters never do:
        # a mission must not get a stock invitation its campaign did not write.
        self.system_renderer = Renderer(config.template_dir, also=(SHIPPED,))
        self._attachments: list[tuple[str, str, str, bytes]] | None = None
        self._parts: list[MIMEBase] | None = None
        self._by_code: dict[str, ListedMission] | None = None

    def _listed_by_code(self) -> dict[str, ListedMission]:
        if self._by_code is None:
            self._by_code = {m.code: with_shipped_names(m) for m in self.config.missions}
        return self._by_code

    def attachment_parts(self) -> list[MIMEBase]:
        if self._parts is None:
            self._parts = [mime.attachment(*item) for item in self.attachments()]
        return self._parts

    def attachments(self) -> list[tuple[str, str, str, bytes]]:
        """(filename, maintype, subtype, bytes) of the campaign attachments, read once."""
        if self._attachments is None:
            loaded = []
            for path in self.config.campaign.attachments:
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                maintype, subtype = kind.split("/", 1)
                loaded.append((path.name, maintype, subtype, Path(path).read_bytes()))
            self._attachments = loaded
        return self._attachments

    def reply_address(self, token: str) -> str:
        mail = self.config.campaign.mail
        return plus_address(mail.reply_to, token) if mail.token_in_address else mail.reply_to

    def context(self, mission: ListedMission, token: str, language: str,
                **extra: Any) -> dict[str, Any]:
        campaign = self.config.campaign
        meeting = campaign.meeting
        clean = {k: one_line(v) if isinstance(v, str) else v for k, v in extra.items()}
        # The database row keeps only what matching needs; type, names and
        # the list's other columns come from the list as loaded.
        mission = self._listed_by_code().get(mission.code, mission)
        columns = {k: one_line(v) for k, v in mission.extra}
        return {
            "mission": {
                **columns,
                "code": one_line(mission.code),
                "country": one_line(mission.name_in(language)),
                "country_as_listed": one_line(mission.country),
                "names": {lang: one_line(name) for lang, name in mission.names},
                "mission_name": one_line(mission.mission_name),
                "name": one_line(mission.mission_name),
                "email": mission.email, "language": mission.language,
                "type": mission.type,
                "is_member_state": mission.type == "member_state",
                "is_state": mission.type in ("member_state", "observer_state"),
                "extra": columns,
            },
            "meeting": {
                "reference": one_line(meeting.reference), "title": one_line(meeting.title),
                "organizer": one_line(meeting.organizer), "venue": one_line(meeting.venue),
                "start": meeting.start, "end": meeting.end, "timezone": meeting.timezone,
            },
            "dates": {
                "start": long_date(meeting.start, language),
                "end": long_date(meeting.end, language),
                "range": date_range(meeting.start, meeting.end, language),
                # No key at all for an informational letter: a template that
                # names a deadline then fails in ``check``, not in the mail.
                **({"deadline": long_date(campaign.schedule.reply_deadline, language)}
                   if campaign.schedule.reply_deadline is not None else {}),
                "today": long_date(utcnow().date(), language),
            },
            "token": token,
            "reply_address": self.reply_address(token),
            "sender": {"name": campaign.mail.sender.name, "address": campaign.mail.sender.address},
            "attachments": [name for name, *_ in self.attachments()],
            "language": language,
            **clean,
        }

    def _languages(self, mission: ListedMission) -> list[str]:
        return [mission.language, self.config.campaign.meeting.language]

    def render(self, template: str, mission: ListedMission, token: str, *,
               shipped: bool = False, **extra: Any) -> Rendered:
        """Render ``template`` for ``mission``; with ``shipped``, the campaign's
        folder first, then invitebot's own templates."""
        renderer = self.system_renderer if shipped else self.renderer
        language = renderer.language_for(template, self._languages(mission))
        context = self.context(mission, token, language, **extra)
        return renderer.render(template, [language], context, who=mission.code)

    def subject(self, rendered: Rendered, token: str) -> str:
        campaign = self.config.campaign
        reference = one_line(campaign.meeting.reference)
        tag = f"[Ref. {reference} · {token}]" if campaign.token_in_subject else (
            f"[Ref. {reference}]")
        subject = one_line(rendered.subject)
        return f"{subject} {tag}" if subject else tag

    def build_raw(self, rendered: Rendered, mission: ListedMission, token: str, *, attach: bool,
                  headers: dict[str, str] | None = None, message_id: str | None = None) -> bytes:
        """The message as CRLF bytes (``mime.build``), every header value one line."""
        sender = self.config.campaign.mail.sender
        top = [
            ("From", mime.address(one_line(sender.name), sender.address)),
            ("To", mime.address(one_line(mission.mission_name), mission.email)),
            *([("Cc", ", ".join(mission.cc))] if mission.cc else []),
            ("Reply-To", mime.address(one_line(sender.name), self.reply_address(token))),
            ("Subject", self.subject(rendered, token)),
            ("Date", format_datetime(utcnow())),
            *([("Message-ID", message_id)] if message_id else []),
            ("X-Auto-Response-Suppress", "All"),
            # Which campaign sent it, for the fresh-start check (``freshstart``).
            ("X-Invitebot-Campaign", one_line(self.config.campaign.meeting.reference)),
            *((name, one_line(value)) for name, value in (headers or {}).items()),
            ("Content-Language", rendered.language),
        ]
        return mime.build(top, rendered.text, rendered.html,
                          self.attachment_parts() if attach else [])

    def build(self, rendered: Rendered, mission: ListedMission, token: str, *,
              attach: bool, headers: dict[str, str] | None = None) -> EmailMessage:
        raw = self.build_raw(rendered, mission, token, attach=attach, headers=headers)
        message = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        return message

    def invitation_raw(self, mission: ListedMission, token: str,
                       message_id: str) -> tuple[bytes, str]:
        """(bytes, subject) of the invitation, for the bulk path of ``plan``."""
        rendered = self.render(self.config.campaign.templates.invitation, mission, token)
        raw = self.build_raw(rendered, mission, token, attach=True, message_id=message_id)
        return raw, self.subject(rendered, token)

    def invitation(self, mission: ListedMission, token: str) -> EmailMessage:
        name = self.config.campaign.templates.invitation
        return self.build(self.render(name, mission, token), mission, token, attach=True)

    def render_reminder(self, mission: ListedMission, token: str, number: int,
                        sent_at: date) -> Rendered:
        return self.render(self.config.campaign.templates.reminder, mission, token,
                           reminder_number=number,
                           invitation_date=long_date(sent_at, mission.language))

    def reminder(self, mission: ListedMission, token: str, *, number: int, sent_at: date,
                 thread: list[str]) -> EmailMessage:
        rendered = self.render_reminder(mission, token, number, sent_at)
        return self.build(rendered, mission, token, attach=True, headers=_threading(thread))

    def reminder_raw(self, mission: ListedMission, token: str, *, number: int, sent_at: date,
                     thread: list[str], message_id: str) -> tuple[bytes, str]:
        """(bytes, subject) of reminder ``number``, threaded to ``thread``."""
        rendered = self.render_reminder(mission, token, number, sent_at)
        raw = self.build_raw(rendered, mission, token, attach=True,
                             headers=_threading(thread), message_id=message_id)
        return raw, self.subject(rendered, token)

    def acknowledgement(self, mission: ListedMission, token: str, *,
                        thread: list[str]) -> EmailMessage:
        name = self.config.campaign.templates.acknowledgement
        if name is None:
            raise TemplateError("templates.acknowledgement is not set in the campaign file")
        headers = {"Auto-Submitted": "auto-replied", **_threading(thread)}
        return self.build(self.render(name, mission, token), mission, token, attach=False,
                          headers=headers)


def _threading(thread: list[str]) -> dict[str, str]:
    if not thread:
        return {}
    return {"In-Reply-To": thread[-1], "References": " ".join(thread)}


_COMPOSERS: dict[int, tuple[weakref.ref[LoadedConfig], Composer]] = {}


def composer_for(config: LoadedConfig) -> Composer:
    """One Composer (and so one set of compiled templates) per loaded config."""
    entry = _COMPOSERS.get(id(config))
    if entry is not None and entry[0]() is config:
        return entry[1]
    composer = Composer(config)
    _COMPOSERS[id(config)] = (weakref.ref(config), composer)
    return composer


# What ``check`` renders the confirmation echo with: one delegate, every field.
SAMPLE_ECHO: dict[str, Any] = {
    "delegation": {"decision": "accept", "to_confirm": "a sample", "delegates": [
        {"honorific": "Ms.", "name": "Anna Berger", "title": "Counsellor", "role": "head",
         "email": "anna.berger@example.test", "phone": "+43 1 000000"}]},
    "source": {"message_id": "<sample@example.test>", "from": "mission@example.test",
               "subject": "Re: invitation", "received": "2026-01-01 00:00 UTC",
               "operation": "first", "kind": "reply", "note": ""},
}


def check_templates(app: App) -> CheckResult:
    """Render every mission's invitation and reminder (and acknowledgement, echo if enabled).

    Returns a ``bot.checkresult.CheckResult`` naming each failing template, line
    and mission (at most five, then a count).
    """
    config: LoadedConfig = app.config
    try:
        composer = composer_for(config)
    except TemplateError as exc:
        return CheckResult("templates", False, str(exc))
    errors: list[str] = []
    token = new_token()
    rendered = 0
    templates = config.campaign.templates
    for index, mission in enumerate(config.missions):
        recipient = mission
        try:
            # Rendering is what a template can break; one full message per
            # check also proves the attachments and the MIME assembly.
            if index == 0:
                composer.invitation(recipient, token)
            composer.render(templates.invitation, recipient, token)
            if config.campaign.reminders_enabled:
                composer.render_reminder(recipient, token, 1, utcnow().date())
            if templates.acknowledgement:
                composer.render(templates.acknowledgement, recipient, token)
            if config.campaign.confirmation_echo:
                composer.render(templates.confirmation, recipient, token, shipped=True,
                                **SAMPLE_ECHO)
            rendered += 1
        except (TemplateError, OSError) as exc:
            errors.append(str(exc))
    if errors:
        shown = "; ".join(dict.fromkeys(errors[:5]))
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        return CheckResult("templates", False, shown + more)
    return CheckResult("templates", True,
                       f"{rendered} missions rendered from {config.template_dir}")


def render_invitation(app: App, mission_code: str) -> EmailMessage:
    """The invitation for one mission, with its stored token if it has one (for preview)."""
    config: LoadedConfig = app.config
    code = mission_code.strip().upper()
    mission = next((m for m in config.missions if m.code == code), None)
    if mission is None:
        raise NotFoundError(f"no mission {code!r} in {config.campaign.missions_file}")
    token = None
    with app.session() as session:
        row = session.exec(
            select(models.Invitation.token)
            .join(models.Mission, models.Mission.id == models.Invitation.mission_id)  # type: ignore[arg-type]
            .join(models.Campaign, models.Campaign.id == models.Invitation.campaign_id)  # type: ignore[arg-type]
            .where(models.Campaign.reference == config.campaign.meeting.reference,
                   models.Mission.code == code)
        ).first()
        token = row if row is not None else None
    return composer_for(config).invitation(mission, token or new_token())

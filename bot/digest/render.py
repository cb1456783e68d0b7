"""Render the digest's text and HTML alternatives in the meeting's language.

Templates ``digest.<lang>.txt`` and ``digest.<lang>.html`` are looked up in
the campaign's template folder, then in the ones shipped with invitebot;
a language without its own digest falls back to English; the subject is
``digest.<lang>.subject``, as for the invitations. They render in Jinja2's
sandbox (HTML autoescaped) like every other template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound
from jinja2.sandbox import SandboxedEnvironment

from bot.config.campaign import LoadedConfig
from bot.digest.data import DigestData
from bot.errors import TemplateError

BUILTIN = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def environment(template_dir: Path, *, html: bool, zone: str = "UTC") -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(template_dir)), FileSystemLoader(str(BUILTIN))]),
        autoescape=html, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        keep_trailing_newline=True)
    tz = ZoneInfo(zone)

    def when(value: datetime | None) -> str:
        # Meeting-local time with its abbreviation: the reader is at the venue.
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if value is not None else ""

    env.filters["when"] = when
    return env


def _pick(env: SandboxedEnvironment, name: str, language: str, ext: str) -> str:
    for lang in (language, "en"):
        candidate = f"{name}.{lang}.{ext}"
        try:
            env.get_template(candidate)
        except TemplateNotFound:
            continue
        return candidate
    raise TemplateError(f"no digest template {name}.{language}.{ext} (nor English)")


def render(config: LoadedConfig, data: DigestData) -> Rendered:
    """The subject, text and HTML of the digest for ``data``."""
    campaign = config.campaign
    name, language = campaign.templates.digest, campaign.meeting.language
    context: dict[str, Any] = {
        "d": data, "totals": data.totals, "meeting": campaign.meeting,
        "timezone": campaign.meeting.timezone,
    }
    zone = campaign.meeting.timezone
    text_env = environment(config.template_dir, html=False, zone=zone)
    html_env = environment(config.template_dir, html=True, zone=zone)
    try:
        text = text_env.get_template(_pick(text_env, name, language, "txt")).render(context)
        subject = text_env.get_template(_pick(text_env, name, language, "subject")).render(context)
        html = html_env.get_template(_pick(html_env, name, language, "html")).render(context)
    except TemplateError:
        raise
    except Exception as exc:  # a template error names the template, not a traceback
        raise TemplateError(f"digest template: {exc}") from exc
    subject = " ".join(subject.split()) or f"invitebot digest {data.day.isoformat()}"
    return Rendered(subject=subject, text=text, html=html)

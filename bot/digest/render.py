"""Render the digest's text and HTML alternatives in the meeting's language.

Templates ``digest.<lang>.txt`` and ``digest.<lang>.html`` are looked up in
the campaign's template folder, then in the ones shipped with invitebot;
a language without its own digest falls back to English, part by part; the
subject is ``digest.<lang>.subject``, as for the invitations. They render
through :class:`bot.mail.render.Renderer`, the one sandbox every template
uses (HTML autoescaped).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.config.campaign import LoadedConfig
from bot.digest.data import DigestData
from bot.errors import TemplateError
from bot.mail.render import SHIPPED, Rendered, Renderer

BUILTIN = SHIPPED


def renderer(template_dir: Path, zone: str = "UTC") -> Renderer:
    """The campaign's templates, then the shipped ones, with the ``when`` filter."""
    tz = ZoneInfo(zone)

    def when(value: datetime | None) -> str:
        # Meeting-local time with its abbreviation: the reader is at the venue.
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if value is not None else ""

    return Renderer(template_dir, also=(BUILTIN,), keep_trailing_newline=True,
                    filters={"when": when})


def _pick(templates: Renderer, name: str, language: str, ext: str) -> str:
    for lang in (language, "en"):
        candidate = f"{name}.{lang}.{ext}"
        if templates.exists(candidate):
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
    templates = renderer(config.template_dir, campaign.meeting.timezone)
    try:
        text = templates.env.get_template(_pick(templates, name, language, "txt")).render(context)
        subject = templates.env.get_template(
            _pick(templates, name, language, "subject")).render(context)
        html = templates.env.get_template(_pick(templates, name, language, "html")).render(context)
    except TemplateError:
        raise
    except Exception as exc:  # a template error names the template, not a traceback
        raise TemplateError(f"digest template: {exc}") from exc
    subject = " ".join(subject.split()) or f"invitebot digest {data.day.isoformat()}"
    return Rendered(language=language, subject=subject, text=text, html=html)

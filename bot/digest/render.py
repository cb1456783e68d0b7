"""Render the digest's text and HTML alternatives in the meeting's language.

Templates ``digest.<lang>.txt`` and ``digest.<lang>.html`` are looked up in
the campaign's template folder, then in the ones shipped with invitebot;
a language without its own digest falls back to English, part by part; the
subject is ``digest.<lang>.subject``, as for the invitations. They render
through :class:`bot.mail.render.Renderer`, the one sandbox every template
uses (HTML autoescaped), bounded in size (:mod:`bot.sandbox`).
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
from bot.sandbox import render as render_bounded
from bot.sandbox import where

BUILTIN = SHIPPED


def renderer(template_dir: Path, zone: str = "UTC") -> Renderer:
    """The campaign's templates, then the shipped ones, with the ``when`` filter."""
    tz = ZoneInfo(zone)

    def when(value: datetime | None) -> str:
        # Meeting-local time with its abbreviation: the reader is at the venue.
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z") if value is not None else ""

    def bracketed(url: str | None) -> str:
        # A console link at the end of a text line; nothing when there is none,
        # so a digest without INVITEBOT_CONSOLE_URL is unchanged.
        return f"  <{url}>" if url else ""

    return Renderer(template_dir, also=(BUILTIN,), keep_trailing_newline=True,
                    filters={"when": when, "bracketed": bracketed})


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
    env = templates.env
    try:
        text = render_bounded(env.get_template(_pick(templates, name, language, "txt")), context)
        subject = render_bounded(env.get_template(_pick(templates, name, language, "subject")),
                                 context)
        html = render_bounded(env.get_template(_pick(templates, name, language, "html")),
                              context)
    except TemplateError:
        raise
    except Exception as exc:  # a template error is one line naming file and line
        line = " ".join(str(exc).split())
        raise TemplateError(f"{where(exc, name)}: {exc.__class__.__name__}: {line} "
                            "(digest)") from None
    subject = " ".join(subject.split()) or f"invitebot digest {data.day.isoformat()}"
    return Rendered(language=language, subject=subject, text=text, html=html)

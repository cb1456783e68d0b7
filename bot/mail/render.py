"""Template rendering: a sandboxed, strict Jinja2 environment over ``templates/``.

Decides which file renders a message for a language and turns every
template failure into a ``TemplateError`` naming the template, the line and
the mission. ``compose`` puts the rendered text into a MIME message.

File naming (documented in templates/README.md)::

    templates/<name>.<lang>.subject   one line: the subject (before the reference tag)
    templates/<name>.<lang>.txt       the text/plain part (required)
    templates/<name>.<lang>.html      the text/html part (optional, autoescaped)

``<name>`` is the campaign's ``templates.invitation`` / ``reminder`` /
``acknowledgement``. Language fallback: the mission's language, then the
meeting language, then English; the first language with a ``.txt`` wins.

The digest (:mod:`bot.digest.render`) renders through the same ``Renderer``
and so the same sandbox, with the templates shipped with invitebot as a
second folder, its own ``when`` filter, and trailing newlines kept.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError

from bot.errors import TemplateError
from bot.sandbox import RENDER_ERRORS, BoundedSandbox, render

PARTS = ("subject", "txt", "html")


# The templates shipped with invitebot: the fallback for the messages a
# campaign's own folder need not write (the digest, the confirmation echo).
SHIPPED = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Rendered:
    """The three rendered parts of one message; ``html`` is None when no template exists."""

    language: str
    subject: str
    text: str
    html: str | None


class Renderer:
    """Compiled templates of one folder (then of ``also``), cached for the life of the object."""

    def __init__(self, template_dir: Path, *, also: Sequence[Path] = (),
                 keep_trailing_newline: bool = False,
                 filters: Mapping[str, Callable[..., Any]] | None = None) -> None:
        self.template_dir = template_dir
        self.folders = (template_dir, *also)
        # The bounded sandbox (bot.sandbox): no huge repetition, range or output.
        self.env = BoundedSandbox(
            loader=jinja2.FileSystemLoader([str(f.resolve()) for f in self.folders]),
            undefined=jinja2.StrictUndefined,
            # .html autoescaped, .txt and .subject not.
            autoescape=jinja2.select_autoescape(enabled_extensions=("html",),
                                                default_for_string=False, default=False),
            keep_trailing_newline=keep_trailing_newline,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
            cache_size=-1,
        )
        self.env.filters.update(filters or {})
        self._exists: dict[str, bool] = {}

    def exists(self, filename: str) -> bool:
        known = self._exists.get(filename)
        if known is None:
            known = self._exists[filename] = any((f / filename).is_file() for f in self.folders)
        return known

    def language_for(self, name: str, wanted: list[str]) -> str:
        """The first language in ``wanted`` (then English) with a text template for ``name``."""
        for language in [*wanted, "en"]:
            if self.exists(f"{name}.{language}.txt"):
                return language
        raise TemplateError(f"{self.template_dir}: no template {name}.<lang>.txt for "
                            f"{', '.join(dict.fromkeys([*wanted, 'en']))}")

    def render(self, name: str, languages: list[str], context: Mapping[str, Any],
               *, who: str) -> Rendered:
        """Render ``name`` in the first available language; ``who`` names the mission in errors."""
        language = self.language_for(name, languages)
        parts: dict[str, str | None] = {}
        for part in PARTS:
            filename = f"{name}.{language}.{part}"
            if part != "txt" and not self.exists(filename):
                parts[part] = None
                continue
            parts[part] = self._render_one(filename, context, who)
        subject = parts["subject"]
        text = parts["txt"]
        assert text is not None
        return Rendered(language=language, subject=subject or "", text=text, html=parts["html"])

    def _render_one(self, filename: str, context: Mapping[str, Any], who: str) -> str:
        try:
            return render(self.env.get_template(filename), context)
        except jinja2.TemplateSyntaxError as exc:
            where = exc.filename or filename
            raise TemplateError(f"{_short(where, self.template_dir)}:{exc.lineno}: "
                                f"syntax error: {exc.message} (mission {who})") from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateError(f"{filename}: includes missing template {exc.name!r} "
                                f"(mission {who})") from None
        except SecurityError as exc:
            where, line = _template_frame(exc, self.template_dir, filename)
            raise TemplateError(f"{where}:{line}: SecurityError: {exc} (mission {who})") from None
        except RENDER_ERRORS as exc:
            where, line = _template_frame(exc, self.template_dir, filename)
            kind = exc.__class__.__name__
            raise TemplateError(f"{where}:{line}: {kind}: {exc} (mission {who})") from None


def _short(path: str, folder: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(folder.resolve().parent))
    except ValueError:
        return path


def _template_frame(exc: BaseException, folder: Path, fallback: str) -> tuple[str, int | str]:
    """The innermost traceback frame inside a template file: (name, line)."""
    folder_text = str(folder.resolve())
    found: tuple[str, int | str] = (fallback, "?")
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.startswith(folder_text) or frame.filename.endswith(fallback):
            found = (_short(frame.filename, folder), frame.lineno or "?")
    return found

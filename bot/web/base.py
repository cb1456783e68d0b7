"""What every page handler shares: the console's state, the session, the logged-in user.

Handlers are plain functions taking a ``Request``. GET pages are synchronous
(Starlette runs them in its thread pool, beside the blocking database);
POST handlers read the form asynchronously, check it, then do their work
in the thread pool too.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.app import App
from bot.db import session_scope
from bot.web import auth
from bot.web.throttle import LoginThrottle

COOKIE = "invitebot_session"
HERE = Path(__file__).resolve().parent


@dataclass
class Console:
    """One console serves one campaign (the one of its ``-c`` file)."""

    app: App
    campaign_id: int
    reference: str
    title: str
    secure_cookies: bool = False
    throttle: LoginThrottle = field(default_factory=LoginThrottle)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"),
                      autoescape=select_autoescape(default=True), auto_reload=False)
    env.filters["dt"] = lambda v: v.strftime("%Y-%m-%d %H:%M") if v else ""
    env.filters["pct"] = lambda v: f"{(v or 0) * 100:.0f}%"
    return env


TEMPLATES = _environment()


def console(request: Request) -> Console:
    value: Console = request.app.state.console
    return value


@contextmanager
def db(request: Request) -> Iterator[Session]:
    with session_scope(console(request).app.engine) as session:
        yield session


def current_staff(request: Request) -> auth.Staff | None:
    with db(request) as session:
        return auth.find_staff(session, request.cookies.get(COOKIE))


class LoginRequired(Exception):
    """Raised by pages for a visitor with no live session; answered with a redirect."""


def require_staff(request: Request) -> auth.Staff:
    staff = current_staff(request)
    if staff is None:
        if request.method == "GET":
            raise LoginRequired
        raise HTTPException(403, "not logged in")
    return staff


def login_redirect(request: Request, _exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def safe_next(value: str | None) -> str:
    """A local path to go back to after login; anything else goes home."""
    if value and value.startswith("/") and not value.startswith(("//", "/\\")) \
            and "\\" not in value and all(c.isprintable() for c in value):
        return value
    return "/"


def render(request: Request, name: str, context: dict[str, Any], *,
           staff: auth.Staff | None = None, status_code: int = 200) -> HTMLResponse:
    con = console(request)
    page = TEMPLATES.get_template(name).render(
        staff=staff, reference=con.reference, campaign_title=con.title, path=request.url.path,
        **context)
    return HTMLResponse(page, status_code=status_code)


def back_to(path: str, **notice: str) -> RedirectResponse:
    """After a POST: back to a page (303, so a reload does not post again)."""
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in notice.items())
    return RedirectResponse(path + (f"?{query}" if query else ""), status_code=303)


def describe(detail: str | None) -> str:
    """An audit event's JSON detail as one readable line ("name: old → new; …")."""
    if not detail:
        return ""
    try:
        value = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(value, dict):
        return str(value)
    before, after = value.pop("before", None), value.pop("after", None)
    parts = [f"{k}: {v}" for k, v in value.items() if v not in (None, "", [])]
    if isinstance(before, dict) and isinstance(after, dict):
        parts += [f"{k}: {before.get(k) or '—'} → {after.get(k) or '—'}"
                  for k in after if before.get(k) != after.get(k)]
    elif isinstance(before, dict) or isinstance(after, dict):
        shown = before if isinstance(before, dict) else after
        assert isinstance(shown, dict)
        label = "was" if isinstance(before, dict) else "new"
        parts.append(f"{label}: " + ", ".join(str(v) for v in shown.values() if v))
    elif before is not None or after is not None:
        parts.append(f"{before or '—'} → {after or '—'}")
    return "; ".join(parts)

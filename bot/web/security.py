"""Security headers, the CSRF check and the role guard.

Every response carries a Content-Security-Policy that allows scripts and
styles from the console's own ``/static`` only (no inline script, no
``eval``), forbids framing and plugins, and sends no referrer. Forms carry
the session's CSRF token; a write without it, or by a viewer, is a 403.
"""

from __future__ import annotations

import hmac

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.auth import Staff

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'")
HEADERS = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)


def same_token(expected: str, given: object) -> bool:
    return isinstance(given, str) and bool(expected) and hmac.compare_digest(
        expected.encode(), given.encode())


async def checked_form(request: Request, staff: Staff, *, write: bool = True,
                       fields: int = 50) -> FormData:
    """The posted form, after the CSRF and role checks (403 on failure)."""
    form = await request.form(max_files=0, max_fields=fields)
    if not same_token(staff.csrf_token, form.get("csrf")):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    if write and not staff.can_write:
        raise HTTPException(403, "your role is viewer: only an officer can change records")
    return form

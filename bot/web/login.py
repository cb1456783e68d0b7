"""Log in and log out.

Before there is a session, the login form's CSRF token is a random value
also set in a short-lived cookie (double submit); after it, every form
carries the session's own token. Repeated failures for one user name or
one client address are refused for a while (:mod:`bot.web.throttle`).
"""

from __future__ import annotations

import logging
import secrets

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.web import auth
from bot.web.base import COOKIE, console, current_staff, db, render, safe_next
from bot.web.security import same_token
from bot.web.throttle import minutes

LOGIN_CSRF = "invitebot_login_csrf"
log = logging.getLogger(__name__)


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or console(request).secure_cookies


def login_form(request: Request, error: str = "", status_code: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {
        "csrf": token, "error": error, "next": safe_next(request.query_params.get("next"))},
        status_code=status_code)
    response.set_cookie(LOGIN_CSRF, token, max_age=1800, httponly=True, samesite="strict",
                        secure=_secure(request), path="/login")
    return response


async def login_page(request: Request) -> Response:
    if request.method == "GET":
        return await run_in_threadpool(login_form, request)
    form = await request.form(max_files=0, max_fields=10)
    if not same_token(request.cookies.get(LOGIN_CSRF, ""), form.get("csrf")):
        raise HTTPException(403, "missing or wrong CSRF token: reload the login page")
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    throttle = console(request).throttle
    client = request.client.host if request.client else "unknown"
    wait = throttle.retry_after(username, client)
    if wait:
        log.warning("login refused for %r from %s: too many failed logins", username, client)
        response = await run_in_threadpool(
            login_form, request,
            f"too many failed logins for this user or address: try again in {minutes(wait)}",
            429)
        response.headers["Retry-After"] = str(wait)
        return response

    def check() -> str | None:
        with db(request) as session:
            user = auth.check_password(session, username, password)
            return auth.open_session(session, user) if user is not None else None

    token = await run_in_threadpool(check)
    if token is None:
        throttle.failed(username, client)
        return await run_in_threadpool(login_form, request, "wrong user name or password", 401)
    throttle.succeeded(username)
    response = RedirectResponse(safe_next(str(form.get("next", "/"))), status_code=303)
    response.set_cookie(COOKIE, token, max_age=int(auth.SESSION_LIFETIME.total_seconds()),
                        httponly=True, samesite="lax", secure=_secure(request), path="/")
    response.delete_cookie(LOGIN_CSRF, path="/login")
    return response


async def logout(request: Request) -> Response:
    staff = await run_in_threadpool(current_staff, request)
    form = await request.form(max_files=0, max_fields=5)
    if staff is None or not same_token(staff.csrf_token, form.get("csrf")):
        raise HTTPException(403, "missing or wrong CSRF token")

    def close() -> None:
        with db(request) as session:
            auth.close_session(session, request.cookies.get(COOKIE))

    await run_in_threadpool(close)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response

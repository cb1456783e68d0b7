"""The Starlette application: routes, static files, error pages, security headers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from bot.app import App
from bot.web import campaign, entry, files, login, mission, review
from bot.web.base import HERE, Console, LoginRequired, current_staff, login_redirect, render
from bot.web.security import SecurityHeaders


def error_page(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    staff = current_staff(request) if status != 500 else None
    return render(request, "error.html", {"status": status, "detail": detail}, staff=staff,
                  status_code=status)


ROUTES = [
    Route("/", campaign.campaign_page),
    Route("/login", login.login_page, methods=["GET", "POST"]),
    Route("/logout", login.logout, methods=["POST"]),
    Route("/audit", campaign.audit_page),
    Route("/exports/delegations.xlsx", campaign.export_xlsx),
    Route("/exports/participants.docx", campaign.export_participants),
    Route("/missions/{mission_id:int}", mission.mission_page),
    Route("/missions/{mission_id:int}/enter", entry.mission_entry, methods=["POST"]),
    Route("/missions/{mission_id:int}/{action:str}", mission.mission_edit, methods=["POST"]),
    Route("/review", review.queue_page),
    Route("/messages/{message_id:int}", review.message_page),
    Route("/messages/{message_id:int}/raw.eml", files.download_eml),
    Route("/messages/{message_id:int}/{action:str}", review.message_action, methods=["POST"]),
    Route("/messages/{message_id:int}/attachments/{attachment_id:int}",
          files.download_attachment),
    Route("/messages/{message_id:int}/attachments/{attachment_id:int}/pages/{page:int}.png",
          files.attachment_page),
    Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
]


def create_app(app: App, *, secure_cookies: bool = False) -> Starlette:
    """The console for the campaign of ``app`` (its config is synced into the database)."""
    campaign_id = app.campaign_id()
    meeting = app.config.campaign.meeting
    web = Starlette(routes=ROUTES, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers={LoginRequired: login_redirect,
                                        HTTPException: error_page, 500: error_page})
    web.state.console = Console(app=app, campaign_id=campaign_id, reference=meeting.reference,
                                title=meeting.title, secure_cookies=secure_cookies)
    return web

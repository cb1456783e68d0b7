"""Files the console hands out: attachments as downloads or drawn pages, the raw ``.eml``.

Nothing here takes a path from the request: an attachment is found by its
database id *and* its message's id, the message must belong to this
campaign (or to none yet), and its bytes are cut from the raw message in
the content-addressed store. Downloads go out as
``application/octet-stream`` with ``Content-Disposition: attachment``, so
a browser never runs the sender's HTML, SVG or script.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from bot import models
from bot.web import data, render
from bot.web.base import console, db, require_staff
from bot.web.review import find_message


def disposition(filename: str, fallback: str) -> str:
    """``attachment`` with an ASCII name and the UTF-8 one (RFC 6266)."""
    plain = re.sub(r"[^A-Za-z0-9._ -]", "_", filename).strip(" .") or fallback
    return f"attachment; filename=\"{plain[:100]}\"; filename*=UTF-8''{quote(filename[:200])}"


def _attachment(request: Request, session: Session) -> tuple[models.Attachment, bytes]:
    con = console(request)
    message = find_message(session, con.campaign_id, int(request.path_params["message_id"]))
    attachment = session.get(models.Attachment, int(request.path_params["attachment_id"]))
    if attachment is None or attachment.inbound_id != message.id:
        raise HTTPException(404, "no such attachment on this message")
    try:
        parsed = data.parse_raw(data.raw_message(con.app, message))
    except OSError:
        raise HTTPException(410, "the raw message is no longer in the store") from None
    for part in parsed.attachments:
        if part.sha256 == attachment.sha256:
            return attachment, bytes(part.data)
    raise HTTPException(410, "the attachment is not in the stored message")


def download_attachment(request: Request) -> Response:
    require_staff(request)
    with db(request) as session:
        attachment, blob = _attachment(request, session)
    return Response(blob, media_type="application/octet-stream", headers={
        "content-disposition": disposition(attachment.filename, f"attachment-{attachment.id}"),
        "x-content-type-options": "nosniff"})


def attachment_page(request: Request) -> Response:
    require_staff(request)
    page = int(request.path_params["page"])
    with db(request) as session:
        attachment, blob = _attachment(request, session)
    kind = render.kind_of(attachment.content_type, attachment.filename)
    if kind == "file" or not 1 <= page <= render.page_count(kind, blob):
        raise HTTPException(404, "this attachment has no such page")
    try:
        png = render.render_page(kind, attachment.sha256, blob, page)
    except render.RenderError as exc:
        raise HTTPException(422, str(exc)) from None
    return Response(png, media_type="image/png",
                    headers={"cache-control": "private, max-age=3600"})


def download_eml(request: Request) -> Response:
    require_staff(request)
    con = console(request)
    with db(request) as session:
        message = find_message(session, con.campaign_id, int(request.path_params["message_id"]))
    try:
        raw = data.raw_message(con.app, message)
    except OSError:
        raise HTTPException(410, "the raw message is no longer in the store") from None
    return Response(raw, media_type="application/octet-stream", headers={
        "content-disposition": f'attachment; filename="message-{message.id}.eml"'})

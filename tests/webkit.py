"""A campaign for the staff console tests, built by the real inbound pipeline.

Messages from the corpus and one hostile message (script, ``onerror`` and
``javascript:`` payloads in its subject, HTML and file names, with a
scanned PNG, a two-page PDF and an HTML attachment) are stored in the raw
store, recorded as intake would, and run through every stage. Staff users:
``olga`` (officer) and ``victor`` (viewer), both with :data:`PASSWORD`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from inboundkit import CORPUS, corpus_app, ingest, seed_invitations
from PIL import Image, ImageDraw, ImageFont
from sqlmodel import select
from starlette.testclient import TestClient

from bot import models
from bot.app import App
from bot.inbound.intake.queue import process_pending
from bot.web.app import create_app
from bot.web.auth import add_user

PASSWORD = "correct horse battery"
XSS_SUBJECT = "<script>alert('subject')</script> Delegation <img src=x onerror=alert(1)>"
XSS_HTML = ("<p>Dear colleagues,</p><script>alert('html')</script>"
            "<img src=x onerror=\"alert('img')\"><a href=\"javascript:alert('link')\">details</a>"
            "<iframe src=\"/logout\"></iframe><p style=\"color:red\" onclick=\"alert(5)\">"
            "Kind regards</p>")
XSS_FILENAME = "<img src=x onerror=alert(9)>.png"


def scan_page(text: str, size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    font_path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    font: Any = (ImageFont.truetype(str(font_path), 30) if font_path.is_file()
                 else ImageFont.load_default(size=30))
    for i, line in enumerate(text.splitlines()):
        draw.text((110, 140 + 46 * i), line, fill=0, font=font)
    return page


def pdf_scan(pages: int) -> bytes:
    images = [scan_page(f"Page {n + 1}\nThe Permanent Mission of Belgium\nnote verbale")
              for n in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=150, save_all=True, append_images=images[1:])
    return out.getvalue()


def png_scan() -> bytes:
    out = io.BytesIO()
    scan_page("Note verbale\nThe Embassy has the honour to inform").save(out, "PNG")
    return out.getvalue()


def hostile_message(pdf_pages: int = 2) -> bytes:
    msg = EmailMessage()
    msg["From"] = "\"<script>alert('from')</script>\" <attacker@evil.test>"
    msg["To"] = "secretariat@unodc.test"
    msg["Subject"] = XSS_SUBJECT
    msg["Message-ID"] = make_msgid(domain="evil.test")
    msg.set_content("Please see the attached note about our delegation.\n"
                    "<script>alert('text')</script>\n")
    msg.add_alternative(XSS_HTML, subtype="html")
    msg.add_attachment(png_scan(), maintype="image", subtype="png", filename=XSS_FILENAME)
    msg.add_attachment(pdf_scan(pdf_pages), maintype="application", subtype="pdf",
                       filename="note.pdf")
    msg.add_attachment(b"<html><script>alert('attached')</script></html>", maintype="text",
                       subtype="html", filename="evil.html")
    return msg.as_bytes()


@dataclass
class Scenario:
    app: App
    campaign_id: int
    held: dict[str, int]  # name -> inbound id of a message held for review
    replied: int  # inbound id of the token reply from AT

    def message(self, inbound_id: int) -> models.InboundMessage:
        with self.app.session() as session:
            row = session.get(models.InboundMessage, inbound_id)
            assert row is not None
            return row

    def attachments(self, inbound_id: int) -> list[models.Attachment]:
        with self.app.session() as session:
            return list(session.exec(select(models.Attachment)
                                     .where(models.Attachment.inbound_id == inbound_id)
                                     .order_by(models.Attachment.id)))  # type: ignore[arg-type]

    def mission_id(self, code: str) -> int:
        with self.app.session() as session:
            mission = session.exec(select(models.Mission).where(
                models.Mission.campaign_id == self.campaign_id,
                models.Mission.code == code)).one()
            assert mission.id is not None
            return mission.id


def build_scenario(app_factory: Any, **overrides: Any) -> Scenario:
    app = corpus_app(app_factory, **overrides)
    ids: dict[str, int] = {}
    for name in ("reply_token_address", "personal_dominica"):
        ingest(app, (CORPUS / f"{name}.eml").read_bytes())
    ingest(app, hostile_message())
    process_pending(app)
    with app.session() as session:
        for row in session.exec(select(models.InboundMessage)):
            key = ("hostile" if (row.from_addr or "").endswith("evil.test") else
                   "dominica" if "Dominica" in (row.subject or "") else "austria")
            ids[key] = row.id or 0
        add_user(session, "olga", PASSWORD, "officer")
        add_user(session, "victor", PASSWORD, "viewer")
    replied = ids.pop("austria")
    return Scenario(app=app, campaign_id=app.campaign_id(), held=ids, replied=replied)


def csrf_of(page: str) -> str:
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]


@contextmanager
def logged_in(app: App, user: str = "olga") -> Iterator[TestClient]:
    """A TestClient logged in as ``user`` (its base URL is https, so cookies are Secure)."""
    with TestClient(create_app(app), base_url="https://console.test") as client:
        page = client.get("/login")
        response = client.post("/login", data={"username": user, "password": PASSWORD,
                                               "csrf": csrf_of(page.text), "next": "/"},
                               follow_redirects=False)
        assert response.status_code == 303, response.text
        yield client


def other_campaign(app_factory: Any, database_url: str) -> tuple[App, int, int]:
    """A second campaign in the same database with one held hostile message.

    Returns the app, the message id and the id of its first attachment.
    """
    app: App = app_factory(database_url=database_url)
    seed_invitations(app)
    ingest(app, hostile_message())
    process_pending(app)
    with app.session() as session:
        message = session.exec(select(models.InboundMessage).where(
            models.InboundMessage.campaign_id.is_(None)  # type: ignore[union-attr]
            | (models.InboundMessage.campaign_id == app.campaign_id()))
            .order_by(models.InboundMessage.id.desc())).first()  # type: ignore[union-attr]
        assert message is not None and message.id is not None
        attachment = session.exec(select(models.Attachment).where(
            models.Attachment.inbound_id == message.id)).first()
        assert attachment is not None and attachment.id is not None
        return app, message.id, attachment.id

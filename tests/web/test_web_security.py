"""The staff console's defences, through Starlette's TestClient on a real database.

Login and sessions, CSRF on every form, the viewer role, the security
headers, inert script payloads, and attachments that cannot be reached
from another campaign or served as active content.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from sqlmodel import select
from starlette.testclient import TestClient
from webkit import (
    PASSWORD,
    XSS_FILENAME,
    build_scenario,
    csrf_of,
    logged_in,
    other_campaign,
)

from bot import models
from bot.inbound.intake.store import load_raw
from bot.web.app import create_app
from bot.web.models import StaffUser

TEMPLATES = Path(__file__).resolve().parents[1] / "bot" / "web" / "templates"


@pytest.fixture
def scenario(app_factory):  # type: ignore[no-untyped-def]
    return build_scenario(app_factory)


def test_pages_need_a_login(scenario) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(scenario.app), base_url="https://console.test") as client:
        for url in ("/", "/review", "/audit", f"/messages/{scenario.replied}",
                    "/exports/delegations.xlsx",
                    f"/messages/{scenario.held['hostile']}/raw.eml"):
            response = client.get(url, follow_redirects=False)
            assert response.status_code == 303, url
            assert response.headers["location"].startswith("/login?next=")
        denied = client.post(f"/messages/{scenario.held['hostile']}/dismiss",
                             data={"csrf": "x"}, follow_redirects=False)
        assert denied.status_code == 403


def test_login_cookie_and_password_hash(scenario) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(scenario.app), base_url="https://console.test") as client:
        form = client.get("/login")
        token = csrf_of(form.text)
        no_csrf = client.post("/login", data={"username": "olga", "password": PASSWORD})
        assert no_csrf.status_code == 403
        wrong = client.post("/login", data={"username": "olga", "password": "wrong password!",
                                            "csrf": token})
        assert wrong.status_code == 401 and "wrong user name or password" in wrong.text
        token = csrf_of(wrong.text)
        good = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                           "csrf": token, "next": "//evil.test/x"},
                           follow_redirects=False)
        assert good.status_code == 303
        assert good.headers["location"] == "/"  # no open redirect
        cookie = next(v for k, v in good.headers.multi_items()
                      if k == "set-cookie" and v.startswith("invitebot_session="))
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    with scenario.app.session() as session:
        stored = session.exec(select(StaffUser).where(StaffUser.username == "olga")).one()
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash


def test_cookie_not_secure_over_plain_http_unless_asked(scenario) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(scenario.app), base_url="http://127.0.0.1") as client:
        token = csrf_of(client.get("/login").text)
        good = client.post("/login", data={"username": "olga", "password": PASSWORD,
                                           "csrf": token}, follow_redirects=False)
        cookie = next(v for k, v in good.headers.multi_items()
                      if k == "set-cookie" and v.startswith("invitebot_session="))
        assert "Secure" not in cookie and "HttpOnly" in cookie
    # Behind a TLS proxy that does not say so, --secure-cookies marks every cookie.
    with TestClient(create_app(scenario.app, secure_cookies=True),
                    base_url="http://127.0.0.1") as client:
        cookie = client.get("/login").headers["set-cookie"]
        assert cookie.startswith("invitebot_login_csrf=") and "Secure" in cookie


def test_logout_ends_the_session(scenario) -> None:  # type: ignore[no-untyped-def]
    with logged_in(scenario.app) as client:
        page = client.get("/")
        assert client.post("/logout", data={}).status_code == 403
        kept = client.cookies.get("invitebot_session")
        client.post("/logout", data={"csrf": csrf_of(page.text)})
        client.cookies.set("invitebot_session", kept or "", domain="console.test")
        again = client.get("/", follow_redirects=False)
        assert again.status_code == 303 and again.headers["location"].startswith("/login")


def test_every_write_needs_the_csrf_token(scenario) -> None:  # type: ignore[no-untyped-def]
    hostile = scenario.held["hostile"]
    at = scenario.mission_id("AT")
    posts = [(f"/messages/{hostile}/dismiss", {}), (f"/messages/{hostile}/spam", {}),
             (f"/messages/{hostile}/assign", {"mission": "BE"}),
             (f"/messages/{scenario.replied}/confirm", {}),
             (f"/missions/{at}/decision", {"decision": "decline"}),
             (f"/missions/{at}/add", {"name": "Mallory"})]
    with logged_in(scenario.app) as client:
        for url, form in posts:
            for token in (None, "forged-token"):
                data = form | ({"csrf": token} if token else {})
                response = client.post(url, data=data, follow_redirects=False)
                assert response.status_code == 403, (url, token)
                assert "CSRF" in response.text
    assert scenario.message(hostile).status == "needs_review"
    with scenario.app.session() as session:
        assert not session.exec(select(models.Delegate)
                                .where(models.Delegate.name == "Mallory")).all()
        assert not session.exec(select(models.AuditEvent).where(
            models.AuditEvent.actor.startswith("web:"))).all()  # type: ignore[attr-defined]


def test_a_viewer_reads_but_cannot_write(scenario) -> None:  # type: ignore[no-untyped-def]
    hostile = scenario.held["hostile"]
    at = scenario.mission_id("AT")
    with logged_in(scenario.app, "victor") as client:
        page = client.get(f"/messages/{hostile}")
        assert page.status_code == 200
        assert 'id="assign-form"' not in page.text and 'id="dismiss-form"' not in page.text
        mission_page = client.get(f"/missions/{at}")
        assert 'id="add-delegate"' not in mission_page.text
        token = csrf_of(page.text)  # the logout form's token: valid for this session
        for url, form in ((f"/messages/{hostile}/dismiss", {}),
                          (f"/missions/{at}/add", {"name": "Mallory"}),
                          (f"/missions/{at}/decision", {"decision": "decline"})):
            response = client.post(url, data=form | {"csrf": token}, follow_redirects=False)
            assert response.status_code == 403 and "viewer" in response.text
        assert client.get("/exports/delegations.xlsx").status_code == 200
    assert scenario.message(hostile).status == "needs_review"


def test_headers_forbid_inline_script_and_framing(scenario) -> None:  # type: ignore[no-untyped-def]
    with logged_in(scenario.app) as client:
        for url in ("/", f"/messages/{scenario.held['hostile']}", "/login"):
            headers = client.get(url).headers
            csp = headers["content-security-policy"]
            assert "script-src 'self'" in csp and "unsafe" not in csp
            assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["x-frame-options"] == "DENY"
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        assert "style=" not in text, template.name


def test_script_payloads_are_escaped_or_removed(scenario) -> None:  # type: ignore[no-untyped-def]
    hostile = scenario.held["hostile"]
    at = scenario.mission_id("AT")
    payload = "<script>alert('name')</script><img src=x onerror=alert(2)>"
    with logged_in(scenario.app) as client:
        page = client.get(f"/missions/{at}")
        client.post(f"/missions/{at}/add", data={"csrf": csrf_of(page.text), "name": payload,
                                                  "title": "javascript:alert(3)"})
        pages = [client.get(url).text for url in (
            "/review", f"/messages/{hostile}", f"/missions/{at}", "/?q=script", "/audit")]
    for text in pages:
        assert "<script>alert" not in text and "<img src=x" not in text
        assert 'href="javascript:' not in text
    assert "&lt;script&gt;alert(&#39;subject&#39;)" in pages[0]
    message = pages[1]
    html = message[message.index('id="mailhtml"'):message.index("</details>",
                                                                  message.index('id="mailhtml"'))]
    assert "Dear colleagues" in html and "Kind regards" in html
    assert not re.search(r"<script|onerror|onclick|javascript:|<iframe|style=", html)
    assert "&lt;script&gt;alert(&#39;name&#39;)" in pages[2]


def test_attachments_download_or_draw_never_run(scenario) -> None:  # type: ignore[no-untyped-def]
    hostile = scenario.held["hostile"]
    png, pdf, html = scenario.attachments(hostile)
    assert png.filename == XSS_FILENAME and html.filename == "evil.html"
    with logged_in(scenario.app) as client:
        download = client.get(f"/messages/{hostile}/attachments/{html.id}")
        assert download.status_code == 200
        assert download.headers["content-type"] == "application/octet-stream"
        assert download.headers["content-disposition"].startswith("attachment;")
        assert download.headers["x-content-type-options"] == "nosniff"
        assert b"<script>" in download.content  # the bytes, but never as a page
        odd = client.get(f"/messages/{hostile}/attachments/{png.id}")
        assert '"' not in odd.headers["content-disposition"].split('filename="')[1][:-1] \
            .split('";')[0]
        assert "<" not in odd.headers["content-disposition"]
        assert client.get(f"/messages/{hostile}/attachments/{html.id}/pages/1.png") \
            .status_code == 404
        sizes = []
        for page in (1, 2):
            drawn = client.get(f"/messages/{hostile}/attachments/{pdf.id}/pages/{page}.png")
            assert drawn.headers["content-type"] == "image/png"
            image = Image.open(io.BytesIO(drawn.content))
            assert image.format == "PNG" and image.width > 500
            sizes.append(len(drawn.content))
        assert client.get(f"/messages/{hostile}/attachments/{pdf.id}/pages/3.png") \
            .status_code == 404
        scan = client.get(f"/messages/{hostile}/attachments/{png.id}/pages/1.png")
        assert Image.open(io.BytesIO(scan.content)).format == "PNG"
        raw = client.get(f"/messages/{hostile}/raw.eml")
        assert raw.headers["content-disposition"] == f'attachment; filename="message-{hostile}.eml"'
        stored = scenario.message(hostile).raw_sha256
        assert raw.content == load_raw(scenario.app.settings.store_dir, stored)


def test_another_campaigns_files_are_out_of_reach(scenario, app_factory) -> None:  # type: ignore[no-untyped-def]
    other, theirs, their_attachment = other_campaign(app_factory,
                                                     scenario.app.settings.database_url)
    ours = scenario.held["hostile"]
    with other.session() as session:
        their_message = session.get(models.InboundMessage, theirs)
        assert their_message is not None
        # Held messages match no campaign; put it plainly in the other one.
        their_message.campaign_id = other.campaign_id()
        session.add(their_message)
        their_mission = session.exec(select(models.Mission).where(
            models.Mission.campaign_id == other.campaign_id())).first()
        assert their_mission is not None
    with logged_in(scenario.app) as client:
        for url in (f"/messages/{theirs}", f"/messages/{theirs}/raw.eml",
                    f"/messages/{theirs}/attachments/{their_attachment}",
                    f"/messages/{theirs}/attachments/{their_attachment}/pages/1.png",
                    f"/messages/{ours}/attachments/{their_attachment}",
                    f"/missions/{their_mission.id}",
                    "/messages/1/attachments/../../../../etc/passwd",
                    "/messages/99999/attachments/1"):
            assert client.get(url).status_code == 404, url


def test_adduser_reads_the_password_from_stdin(tmp_path: Path) -> None:
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}", "PATH": "/usr/bin"}
    command = [sys.executable, "-m", "bot", "web", "adduser", "ana", "--role", "officer"]
    done = subprocess.run(command, input="a long enough secret\n", capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "staff user 'ana' (officer) saved" in done.stdout
    short = subprocess.run(command, input="short\n", capture_output=True, text=True, env=env,
                           check=False)
    assert short.returncode == 2
    assert short.stderr.strip() == "invitebot: a password has at least 10 characters"

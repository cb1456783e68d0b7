"""Server time of the staff console's two heaviest pages.

* The campaign page for 200 missions (each invited, most with a reply and
  two or three delegates, 20 held for review): goal < 200 ms.
* The page of a held message with a 5-page scanned PDF: the HTML alone,
  and the HTML plus all five pages drawn (pdftoppm, cold cache): goal < 1 s.

Requests go through Starlette's TestClient in this process (the ASGI app,
the database on a temporary SQLite file and the raw store; no network),
so the numbers are the server's time, not a browser's.

    .venv/bin/python bench/web.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from appfixtures import write_campaign  # noqa: E402
from inboundkit import ingest, seed_invitations  # noqa: E402
from sqlmodel import select  # noqa: E402
from webkit import PASSWORD, csrf_of, pdf_scan  # noqa: E402

from bot import models  # noqa: E402
from bot.app import App  # noqa: E402
from bot.config.settings import load_settings  # noqa: E402


def build(directory: Path, missions: int) -> App:
    config = write_campaign(directory, missions=missions)
    app = App(config_path=config, template_dir=ROOT / "templates", _settings=load_settings({
        "INVITEBOT_DATABASE_URL": f"sqlite:///{directory / 'bench.db'}",
        "INVITEBOT_STORE_DIR": str(directory / "store")}))
    invitations = seed_invitations(app)
    with app.session() as session:
        for index, (code, invitation) in enumerate(sorted(invitations.items())):
            if index % 5 == 4:
                continue  # silent
            message = models.InboundMessage(
                message_key=f"<bench-{code}@bench.test>", message_id=f"<bench-{code}@bench.test>",
                raw_sha256="0" * 64, raw_size=1000, from_addr=f"pm-{code.lower()}@bench.test",
                subject=f"Re: Invitation ({code})", classification="reply",
                campaign_id=invitation.campaign_id, mission_id=invitation.mission_id,
                invitation_id=invitation.id, match_method="token", confidence=0.99,
                status="needs_review" if index % 10 == 3 else "processed")
            session.add(message)
            session.flush()
            held = message.status == "needs_review"
            if held:
                session.add(models.ReviewItem(inbound_id=message.id or 0,
                                              reason="extraction below threshold"))
            response = models.Response(invitation_id=invitation.id or 0,
                                       inbound_id=message.id or 0, decision="accept",
                                       confidence=0.9, needs_review=held)
            session.add(response)
            session.flush()
            for position in range(2 + index % 2):
                session.add(models.Delegate(response_id=response.id or 0, position=position,
                                            name=f"Delegate {position} of {code}",
                                            role="head" if position == 0 else "member",
                                            confidence=0.9))
            row = session.get(models.Invitation, invitation.id)
            assert row is not None
            row.status = "needs_review" if held else "replied"
            session.add(row)
        from bot.web.auth import add_user

        add_user(session, "bench", PASSWORD, "officer")
    return app


def scan_message(pages: int) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "someone@personal.test"
    msg["To"] = "secretariat@unodc.test"
    msg["Subject"] = "Note verbale (scan)"
    msg["Message-ID"] = "<bench-scan@personal.test>"
    msg.set_content("Please find our note verbale attached.")
    msg.add_attachment(pdf_scan(pages), maintype="application", subtype="pdf",
                       filename="note_verbale.pdf")
    return msg.as_bytes()


def timed(runs: int, call: Callable[[], object]) -> list[float]:
    call()  # warm: imports, template compilation, SQLite page cache
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, samples: list[float], goal_ms: float) -> None:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    verdict = "ok" if statistics.median(samples) < goal_ms else "OVER GOAL"
    print(f"{label:<52} p50 {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms  "
          f"max {ordered[-1]:7.1f} ms  (goal < {goal_ms:.0f} ms: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--missions", type=int, default=200)
    args = parser.parse_args()
    from starlette.testclient import TestClient

    from bot.inbound.intake.queue import process_pending
    from bot.web import render
    from bot.web.app import create_app

    with tempfile.TemporaryDirectory(prefix="invitebot-bench-web-") as scratch:
        app = build(Path(scratch), args.missions)
        ingest(app, scan_message(5))
        started = time.perf_counter()
        process_pending(app)  # the real pipeline, OCR included (setup, not measured)
        print(f"setup: {args.missions} missions; the 5-page scan read in "
              f"{time.perf_counter() - started:.1f} s (OCR)")
        with app.session() as session:
            scan = session.exec(select(models.InboundMessage).where(
                models.InboundMessage.message_id == "<bench-scan@personal.test>")).one()
            attachment = session.exec(select(models.Attachment).where(
                models.Attachment.inbound_id == scan.id)).one()
        with TestClient(create_app(app), base_url="https://bench.test") as client:
            login = client.get("/login")
            client.post("/login", data={"username": "bench", "password": PASSWORD,
                                        "csrf": csrf_of(login.text)})
            page = client.get("/")
            assert page.status_code == 200 and page.text.count('href="/missions/') == \
                args.missions, "the campaign page does not list every mission"
            report(f"campaign page, {args.missions} missions",
                   timed(args.runs, lambda: client.get("/")), 200)
            report("campaign page, search + state filter + sort",
                   timed(args.runs, lambda: client.get("/?q=delegate&state=replied&sort=delegates"
                                                       "&dir=desc")), 200)
            url = f"/messages/{scan.id}"
            assert client.get(url).text.count('class="page"') == 5

            def cold_page_and_scan() -> None:
                render._CACHE.clear()
                client.get(url)
                for n in range(1, 6):
                    image = client.get(f"{url}/attachments/{attachment.id}/pages/{n}.png")
                    assert image.headers["content-type"] == "image/png"

            report("review page (HTML), 5-page scan", timed(args.runs, lambda: client.get(url)),
                   1000)
            report("review page + its 5 pages drawn (cold cache)",
                   timed(max(3, args.runs // 6), cold_page_and_scan), 1000)


if __name__ == "__main__":
    main()

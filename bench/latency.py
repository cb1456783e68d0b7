"""Reply to visible: how long after a reply is delivered the console shows it.

With ``invitebot run`` up (IMAP IDLE) on the local mail stack, 50 missions
answer one after another by SMTP; after each, the campaign page is asked
every 50 ms until that mission's row says ``replied`` with the decision
``accept`` read from the reply. Prints p50, p95 and
the worst time from the SMTP server's acceptance of the reply to the first
page that shows it (goal: within 5 s for a text reply). With ``--scans N``
the last N replies are scanned notes (a PNG page, read by Tesseract) and
are reported apart (goal: the OCR time plus 5 s).

    scripts/mailstack start      # with INVITEBOT_STACK_*_PORT for your own ports
    .venv/bin/python bench/latency.py [--replies 50] [--scans 10]
"""

from __future__ import annotations

import argparse
import asyncio
import email
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from email import policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from appfixtures import write_campaign  # noqa: E402
from sqlmodel import select  # noqa: E402
from webkit import PASSWORD, csrf_of  # noqa: E402

from bot import models  # noqa: E402
from bot.app import App  # noqa: E402
from bot.config.settings import load_settings  # noqa: E402

REPLY = ("The Permanent Mission presents its compliments and will participate.\n"
         "Head of delegation: Mr. Jan Novak, Counsellor\n")
SCAN = ("The Permanent Mission presents its compliments\nand will participate in the meeting.\n"
        "Head of delegation: Mr. Jan Novak, Counsellor")


def summary(label: str, samples: list[float], goal: str) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (f"reply to visible over {len(samples)} {label}: "
            f"p50 {statistics.median(samples):.2f} s  p95 {p95:.2f} s  "
            f"max {ordered[-1]:.2f} s  ({goal})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=50)
    parser.add_argument("--scans", type=int, default=0,
                        help="How many of the replies are scanned notes (sent last).")
    args = parser.parse_args()
    from starlette.testclient import TestClient

    from bot.outbound.dispatch import dispatch
    from bot.outbound.plan import plan_invitations
    from bot.service.demo import build_reply
    from bot.web.app import create_app
    from bot.web.auth import add_user

    tag = uuid.uuid4().hex[:6]
    secretariat = f"sec-{tag}@unodc.test"
    with tempfile.TemporaryDirectory(prefix="invitebot-bench-latency-") as scratch:
        directory = Path(scratch)
        config = write_campaign(directory, missions=args.replies, domain=f"lat-{tag}.test",
                                secretariat=secretariat)
        env = {
            "INVITEBOT_DATABASE_URL": f"sqlite:///{directory / 'latency.db'}",
            "INVITEBOT_STORE_DIR": str(directory / "store"),
            "INVITEBOT_SMTP_HOST": "127.0.0.1",
            "INVITEBOT_SMTP_PORT": os.environ.get("INVITEBOT_STACK_SMTP_PORT", "2525"),
            "INVITEBOT_IMAP_HOST": "127.0.0.1",
            "INVITEBOT_IMAP_PORT": os.environ.get("INVITEBOT_STACK_IMAP_PORT", "1143"),
            "INVITEBOT_IMAP_USER": secretariat, "INVITEBOT_IMAP_PASSWORD": "secret",
        }
        app = App(config_path=config, template_dir=ROOT / "templates",
                  _settings=load_settings(env))
        plan_invitations(app)
        report = asyncio.run(dispatch(app))
        print(f"{report.sent} invitations sent")
        with app.session() as session:
            add_user(session, "bench", PASSWORD, "viewer")
            rows = session.exec(select(models.OutboxMessage, models.Mission)
                                .where(models.OutboxMessage.invitation_id == models.Invitation.id)
                                .where(models.Invitation.mission_id == models.Mission.id)
                                .where(models.OutboxMessage.kind == "invitation")
                                .order_by(models.Mission.code)).all()
        service_env = {k: v for k, v in os.environ.items() if not k.startswith("INVITEBOT_")}
        service = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "-c", str(config)], cwd=ROOT,
            env=service_env | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        samples: list[float] = []
        scans: list[float] = []
        try:
            time.sleep(3.0)  # the service logs in and enters IDLE
            with TestClient(create_app(app), base_url="https://bench.test") as client, \
                    smtplib.SMTP("127.0.0.1", int(env["INVITEBOT_SMTP_PORT"])) as smtp:
                login = client.get("/login")
                client.post("/login", data={"username": "bench", "password": PASSWORD,
                                            "csrf": csrf_of(login.text)})
                for index, (outbox, mission) in enumerate(rows[:args.replies]):
                    invitation = email.message_from_bytes(outbox.raw, policy=policy.default)
                    assert isinstance(invitation, EmailMessage)
                    scanned = index >= args.replies - args.scans
                    entry = ({"kind": "scan-png", "body": "Please find our note attached.",
                              "scan": SCAN} if scanned else {"kind": "reply", "body": REPLY})
                    reply = build_reply(entry, invitation, mission.email, secretariat)
                    smtp.send_message(reply)
                    accepted = time.perf_counter()
                    deadline = accepted + 60
                    while time.perf_counter() < deadline:
                        page = client.get(f"/?q={mission.code}&state=replied").text
                        # Replied, and the decision read: from the scan itself for a
                        # scanned note (its mail body says nothing about it).
                        if f">{mission.code}</a>" in page and "<td>accept</td>" in page:
                            (scans if scanned else samples).append(
                                time.perf_counter() - accepted)
                            break
                        time.sleep(0.05)
                    else:
                        print(f"{mission.code}: not visible after 60 s")
        finally:
            service.send_signal(signal.SIGTERM)
            service.wait(timeout=60)
    if not samples and not scans:
        sys.exit("no reply became visible")
    if samples:
        over = sum(1 for s in samples if s > 5.0)
        print(summary("text replies", samples, f"{over} over the 5 s goal"))
    if scans:
        print(summary("scanned replies (OCR included)", scans, "goal: OCR time + 5 s"))


if __name__ == "__main__":
    main()

"""``invitebot demo``: the whole loop, for real, on the local Postfix + Dovecot.

Starts ``scripts/mailstack`` if it is down, writes a fresh campaign into
``var/demo/`` (the example campaign and mission list, every address on the
local stack, one mission at ``nouser.test`` so its invitation bounces),
sends the invitations, mails back the sample replies of ``demo/replies.yaml``
by SMTP (several languages, a decline, an undecided answer, scanned
letters, a personal address, an out-of-office), waits until they are
delivered, runs one intake pass and sends the confirmation echoes. Then
one mission fetches its echo from its own mailbox by IMAP and answers it
with a correction (the ``correction`` entries); a second pass records it
and echoes the change. The demo prints the first echo, the correction's
echo, the status and the digest.
Nothing is canned: every line printed is read back from the database.
"""

from __future__ import annotations

import asyncio
import csv
import email
import io
import os
import shutil
import smtplib
import subprocess
import sys
import textwrap
import time
import uuid
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import click
import yaml
from imapclient import IMAPClient
from sqlmodel import col, select

from bot import models
from bot.app import App
from bot.clock import utcnow
from bot.config.settings import load_settings
from bot.digest.build import preview, send_digest
from bot.errors import InvitebotError
from bot.inbound.intake.poll import poll_once
from bot.outbound.dispatch import dispatch
from bot.outbound.plan import plan_invitations
from bot.results.records import load_missions
from bot.service.status import print_status
from bot.transport import imap_connect

REPO = Path(__file__).resolve().parents[2]
STACK = REPO / "scripts" / "mailstack"
BOUNCING_MISSION = "NG"


def ensure_stack() -> None:
    """Start the local mail stack unless it already answers."""
    if not STACK.is_file():
        raise InvitebotError(f"the demo needs the local mail stack ({STACK} not found)")
    status = subprocess.run([sys.executable, str(STACK), "status"], capture_output=True,
                            text=True, check=False)
    if status.returncode == 0 and "DOWN" not in status.stdout:
        return
    click.echo("starting the local mail stack (scripts/mailstack start)…")
    started = subprocess.run([sys.executable, str(STACK), "start"], capture_output=True,
                             text=True, check=False)
    if started.returncode != 0:
        raise InvitebotError("could not start the local mail stack: "
                             + (started.stderr or started.stdout).strip().splitlines()[-1])


def write_campaign(directory: Path, tag: str) -> tuple[Path, dict[str, Any]]:
    """A fresh campaign (new reference and addresses) copied from the examples."""
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    data = yaml.safe_load((REPO / "config" / "campaign.example.yaml").read_text("utf-8"))
    secretariat = f"secretariat-{tag}@unodc.test"
    data["meeting"]["reference"] = f"CU 2009/33 (A) demo {tag}"
    data["mail"]["sender"]["address"] = secretariat
    data["mail"]["reply_to"] = secretariat
    data["schedule"]["send_at"] = None
    # The example is the 2009 meeting; the demo runs it as if it were sent today.
    data["schedule"]["reply_deadline"] = (utcnow().date() + timedelta(days=21)).isoformat()
    data["schedule"]["digest"]["recipients"] = [f"desk-officer-{tag}@unodc.test"]
    data["secretariat_contacts"] = [secretariat, *data.get("secretariat_contacts", [])[1:]]
    data["attachments"] = [str(REPO / "config" / "information-note.pdf")]
    data["missions_file"] = "missions.csv"
    # The demo's database sits beside its campaign file, whatever the folder it is run from.
    data["database"] = "invitebot.db"
    path = directory / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    with (REPO / "config" / "missions.example.csv").open(encoding="utf-8", newline="") as src, \
            (directory / "missions.csv").open("w", encoding="utf-8", newline="") as dst:
        reader = csv.DictReader(src)
        writer = csv.DictWriter(dst, fieldnames=list(reader.fieldnames or []))
        writer.writeheader()
        for row in reader:
            code = row["code"].lower()
            domain = "nouser.test" if row["code"] == BOUNCING_MISSION else f"missions-{tag}.test"
            row["email"] = f"pm-{code}-{tag}@{domain}"
            writer.writerow(row)
    return path, data


def demo_environment(directory: Path, secretariat: str) -> dict[str, str]:
    return {
        "INVITEBOT_DATABASE_URL": f"sqlite:///{directory.resolve() / 'invitebot.db'}",
        "INVITEBOT_STORE_DIR": str(directory.resolve() / "store"),
        "INVITEBOT_SMTP_HOST": "127.0.0.1",
        "INVITEBOT_SMTP_PORT": os.environ.get("INVITEBOT_STACK_SMTP_PORT", "2525"),
        "INVITEBOT_IMAP_HOST": "127.0.0.1",
        "INVITEBOT_IMAP_PORT": os.environ.get("INVITEBOT_STACK_IMAP_PORT", "1143"),
        "INVITEBOT_IMAP_USER": secretariat,
        "INVITEBOT_IMAP_PASSWORD": "secret",
    }


def scanned_page(text: str) -> Any:
    """A white A4-ish page with ``text`` typed on it, as a scanner would deliver it."""
    from PIL import Image, ImageDraw, ImageFont  # only the demo draws; start-up time

    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    serif = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    font: Any = (ImageFont.truetype(str(serif), 28) if serif.is_file()
                 else ImageFont.load_default(size=28))
    y = 120
    for line in text.splitlines():
        draw.text((110, y), line, fill=0, font=font)
        y += 44
    return page


def build_reply(entry: dict[str, Any], invitation: EmailMessage, mission_email: str,
                secretariat: str) -> EmailMessage:
    """The mission's answer to ``invitation``, as its mail client would send it."""
    kind = entry["kind"]
    reply = EmailMessage()
    reply["Message-ID"] = make_msgid(domain=mission_email.rpartition("@")[2])
    subject = str(invitation["Subject"])
    if kind == "personal":
        reply["From"] = entry["from"]
        reply["To"] = secretariat
        reply["Subject"] = entry["subject"]
    else:
        reply["From"] = mission_email
        reply["To"] = str(invitation["Reply-To"])
        reply["Subject"] = f"{entry.get('subject', 'Re: ')}{subject}"
        reply["In-Reply-To"] = str(invitation["Message-ID"])
        reply["References"] = str(invitation["Message-ID"])
    if kind == "autoreply":
        reply["Auto-Submitted"] = "auto-replied"
        reply["X-Autoreply"] = "yes"
    quoted = textwrap.indent(invitation_text(invitation)[:1500], "> ")
    reply.set_content(entry["body"] + ("" if kind in ("personal", "autoreply") else
                                       f"\n\n-----Original Message-----\n{quoted}\n"))
    if kind in ("scan-png", "scan-pdf"):
        page = scanned_page(entry["scan"])
        buf = io.BytesIO()
        if kind == "scan-png":
            page.save(buf, "PNG")
            reply.add_attachment(buf.getvalue(), maintype="image", subtype="png",
                                 filename="note_verbale_scan.png")
        else:
            page.save(buf, "PDF", resolution=150)
            reply.add_attachment(buf.getvalue(), maintype="application", subtype="pdf",
                                 filename="nota_verbal.pdf")
    return reply


def invitation_text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    return str(body.get_content()) if isinstance(body, EmailMessage) else ""


def inbox_count(app: App) -> int:
    client = imap_connect(app.settings.imap)
    try:
        info = client.select_folder("INBOX", readonly=True)
        return int(info[b"EXISTS"])
    finally:
        client.logout()


def wait_for_mail(app: App, expected: int, timeout: float = 120.0) -> int:
    deadline = time.monotonic() + timeout
    count = inbox_count(app)
    while count < expected and time.monotonic() < deadline:
        time.sleep(1.0)
        count = inbox_count(app)
    return count


def mailbox(app: App, user: str) -> list[EmailMessage]:
    """Every message in ``user``'s INBOX on the local stack, oldest first."""
    settings = app.settings.imap
    client = IMAPClient(settings.host, port=settings.port, ssl=False, timeout=30)
    try:
        client.login(user, "secret")  # the demo stack's one password
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        fetched = client.fetch(uids, ["BODY.PEEK[]"]) if uids else {}
        out = []
        for uid in uids:
            message = email.message_from_bytes(fetched[uid][b"BODY[]"], policy=policy.default)
            assert isinstance(message, EmailMessage)
            out.append(message)
        return out
    finally:
        client.logout()


def echoes_in(app: App, user: str, count: int, timeout: float = 60.0) -> list[EmailMessage]:
    """The confirmation echoes in the mission's mailbox, once ``count`` have arrived."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mailbox(app, user) if m.get("Auto-Submitted") == "auto-replied"]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(1.0)


def correct(app: App, entries: list[dict[str, Any]], campaign_id: int, secretariat: str,
            arrived: int) -> None:
    """Each mission named in ``entries`` answers its echo with a correction; print both."""
    with app.session() as session:
        emails = {m.code: m.email for m in session.exec(select(models.Mission).where(
            models.Mission.campaign_id == campaign_id))}
    sent = 0
    with smtplib.SMTP(app.settings.smtp.host, app.settings.smtp.port) as smtp:
        for entry in entries:
            address = emails.get(entry["mission"])
            echoes = echoes_in(app, address, 1) if address else []
            if not echoes or address is None:
                click.echo(f"  {entry['mission']}: no confirmation echo to answer, skipped")
                continue
            echo = echoes[-1]
            click.echo(f"\n--- the confirmation echo {entry['mission']} received "
                       f"(fetched from {address} by IMAP) ---")
            click.echo(f"Subject: {echo['Subject']}\n")
            click.echo(invitation_text(echo))
            reply = build_reply({"kind": "reply", "body": entry["body"]}, echo, address,
                                secretariat)
            smtp.send_message(reply)
            sent += 1
            click.echo(f"  {entry['mission']} answered its echo with a correction")
    wait_for_mail(app, arrived + sent)
    click.echo(f"intake: {poll_once(app)}")
    report = asyncio.run(dispatch(app))
    click.echo(f"confirmation echoes: {report.sent} sent")
    for entry in entries:
        address = emails.get(entry["mission"])
        echoes = echoes_in(app, address, 2) if address else []
        if len(echoes) >= 2:
            click.echo(f"\n--- the echo of {entry['mission']}'s correction ---")
            click.echo(invitation_text(echoes[-1]))


def run_demo(directory: Path) -> None:
    """Run the whole loop once and print what came of it."""
    ensure_stack()
    tag = uuid.uuid4().hex[:6]
    config_path, data = write_campaign(directory, tag)
    secretariat = data["mail"]["reply_to"]
    env = demo_environment(directory, secretariat)
    os.environ.update(env)
    app = App(config_path=config_path, template_dir=REPO / "templates",
              _settings=load_settings(env))
    click.echo(f"campaign {data['meeting']['reference']!r} in {directory}")

    planned = plan_invitations(app)
    report = asyncio.run(dispatch(app))
    click.echo(f"invitations: {planned} planned, {report.sent} sent, {report.deferred} "
               f"deferred, {report.failed} failed")

    entries = yaml.safe_load((REPO / "demo" / "replies.yaml").read_text("utf-8"))
    campaign_id = app.campaign_id()
    sent = 0
    with app.session() as session, smtplib.SMTP(app.settings.smtp.host,
                                                app.settings.smtp.port) as smtp:
        for entry in entries:
            if entry["kind"] == "correction":
                continue  # answered to the echo, after the first pass
            row = session.exec(
                select(models.OutboxMessage, models.Mission)
                .where(models.OutboxMessage.invitation_id == models.Invitation.id)
                .where(models.Invitation.mission_id == models.Mission.id)
                .where(models.Mission.code == entry["mission"])
                .where(models.Mission.campaign_id == campaign_id)
                .where(col(models.OutboxMessage.kind) == models.OutboxKind.INVITATION)).first()
            if row is None:
                click.echo(f"  {entry['mission']}: no invitation to answer, skipped")
                continue
            outbox, mission = row
            invitation = email.message_from_bytes(outbox.raw, policy=policy.default)
            assert isinstance(invitation, EmailMessage)
            reply = build_reply(entry, invitation, mission.email, secretariat)
            smtp.send_message(reply)
            sent += 1
            click.echo(f"  {mission.code} replied ({entry['kind']}) from {reply['From']}")
    # The invitation to the nouser.test mission comes back as a DSN.
    expected = sent + 1
    click.echo(f"waiting for {expected} messages in {secretariat}'s INBOX…")
    arrived = wait_for_mail(app, expected)
    click.echo(f"{arrived} arrived")

    poll = poll_once(app)
    click.echo(f"intake: {poll}")
    report = asyncio.run(dispatch(app))
    click.echo(f"confirmation echoes: {report.sent} sent to the missions' listed addresses")
    corrections = [e for e in entries if e["kind"] == "correction"]
    if corrections:
        correct(app, corrections, campaign_id, secretariat, arrived)

    with app.session() as session:
        records = load_missions(session, campaign_id)
    print_status(records, f"{data['meeting']['reference']}: missions")
    _data, rendered = preview(app)
    click.echo(f"\nSubject: {rendered.subject}\n")
    click.echo(rendered.text)
    result = send_digest(app)
    report = asyncio.run(dispatch(app))
    click.echo(f"digest {result}; dispatched {report.sent} to "
               f"{', '.join(data['schedule']['digest']['recipients'])}")
    click.echo(f"\nTry: invitebot export -c {config_path} --format json")

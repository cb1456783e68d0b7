"""The two example campaigns end to end on the local mail stack, through the CLI.

Each test copies ``examples/<name>/`` with its ``.test`` domains made unique
(the stack keeps every mailbox between runs), then runs ``invitebot check``,
``send``, ``poll`` and ``digest`` as a desk officer would, replies as a
mission would, and reads the mailboxes and the database.
"""

from __future__ import annotations

import email
import re
import shutil
import smtplib
import time
import uuid
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import Stack, wait_for_messages
from sqlmodel import select

from bot import models
from bot.app import App
from bot.cli import main
from bot.clock import utcnow
from bot.config.settings import load_settings
from bot.mail.reminders import enqueue_reminders

pytestmark = pytest.mark.stack
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def copy_example(name: str, target: Path, extra_row: str | None = None) -> tuple[Path, str]:
    tag = uuid.uuid4().hex[:8]
    shutil.copytree(EXAMPLES / name, target)
    for file in ("campaign.yaml", "missions.csv"):
        path = target / file
        text = re.sub(r"@([a-z0-9.-]+)\.test\b", rf"@\1-{tag}.test", path.read_text("utf-8"))
        path.write_text(text + (extra_row or "" if file == "missions.csv" else ""), "utf-8")
    return target / "campaign.yaml", tag


def env_for(stack: Stack, directory: Path, imap_user: str) -> dict[str, str]:
    return {
        "INVITEBOT_DATABASE_URL": f"sqlite:///{directory / 'invitebot.db'}",
        "INVITEBOT_STORE_DIR": str(directory / "store"),
        "INVITEBOT_SMTP_HOST": stack.host, "INVITEBOT_SMTP_PORT": str(stack.smtp_port),
        "INVITEBOT_IMAP_HOST": stack.host, "INVITEBOT_IMAP_PORT": str(stack.imap_port),
        "INVITEBOT_IMAP_USER": imap_user, "INVITEBOT_IMAP_PASSWORD": stack.password,
    }


def cli(env: dict[str, str], *args: str) -> Result:
    result = CliRunner(env=env).invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def invitation_of(stack: Stack, address: str) -> EmailMessage:
    [message] = wait_for_messages(stack, address)
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


def reply(stack: Stack, invitation: EmailMessage, sender: str, text: str) -> None:
    answer = EmailMessage()
    answer["From"] = sender
    answer["To"] = str(invitation["Reply-To"])
    answer["Subject"] = f"Re: {invitation['Subject']}"
    answer["In-Reply-To"] = str(invitation["Message-ID"])
    answer.set_content(text)
    with smtplib.SMTP(stack.host, stack.smtp_port, timeout=30) as smtp:
        smtp.send_message(answer)


def poll_until(env: dict[str, str], app: App, done: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        cli(env, "poll", "-c", str(app.config_path))
        if callable(done) and done():
            return
        assert time.monotonic() < deadline, "timed out waiting for the replies to be read"
        time.sleep(1)


def statuses(app: App) -> dict[str, str]:
    with app.session() as session:
        rows = session.exec(select(models.Mission.code, models.Invitation.status)
                            .where(models.Invitation.mission_id == models.Mission.id)).all()
    return {code: str(status) for code, status in rows}


def test_unodc_note_verbale_runs_end_to_end(mailstack: Stack, tmp_path: Path) -> None:
    config, tag = copy_example("unodc-cu-2009-33", tmp_path / "unodc")
    secretariat = f"untoc.cop@unodc-{tag}.test"
    env = env_for(mailstack, tmp_path, secretariat)
    checked = cli(env, "check", "-c", str(config))
    assert "8 missions rendered" in checked.output and "FAIL" not in checked.output
    sent = cli(env, "send", "-c", str(config))
    assert "sent 8, deferred 0, failed 0" in sent.output

    austria = invitation_of(mailstack, f"pm-at@vienna.missions-{tag}.test")
    holy_see = invitation_of(mailstack, f"pm-va@vienna.missions-{tag}.test")
    europe = invitation_of(mailstack, f"eu@vienna.missions-{tag}.test")
    spain = invitation_of(mailstack, f"pm-es@vienna.missions-{tag}.test")
    # A campaign that expects replies keeps the token in the subject.
    assert re.search(r"\[Ref\. CU 2009/33 \(A\) · [0-9A-Z]{4}-[0-9A-Z]{3}\]$",
                     str(austria["Subject"]))
    assert [p.get_filename() for p in austria.iter_attachments()] == ["information-note.pdf"]
    assert "has the honour to draw the attention of the Government to decision 4/4" in (
        body(austria))
    assert "the Government" not in body(holy_see)
    assert "draw the attention of the Holy See to decision 4/4" in body(holy_see)
    assert "It would be appreciated if the Holy See's response" in body(holy_see)
    assert "appeler l'attention de l'Union européenne sur la décision 4/4" in body(europe)
    assert "Gouvernement" not in body(europe)
    assert "señalar a la atención del Gobierno la decisión 4/4" in body(spain)
    assert str(spain["Cc"]) == f"consular-es@vienna.missions-{tag}.test"

    reply(mailstack, austria, f"pm-at@vienna.missions-{tag}.test",
          "The Permanent Mission of Austria has the honour to inform that the Government will "
          "participate. Composition of the delegation:\n"
          "Head of delegation: H.E. Ms. Elisabeth Huber, Ambassador, "
          "elisabeth.huber@bmeia.gv.at, +43 1 53115 0\n")
    app = App(config_path=config, _settings=load_settings(env))
    poll_until(env, app, lambda: statuses(app)["AT"] in ("replied", "needs_review"))
    assert statuses(app)["AT"] == "replied"
    with app.session() as session:
        names = session.exec(select(models.Delegate.name)).all()
    assert list(names) == ["Elisabeth Huber"]
    digest = cli(env, "digest", "-c", str(config)).output
    assert "Reply deadline: 2009-03-31 (passed" in digest
    assert "SILENT MISSIONS (7)" in digest
    assert enqueue_reminders(app, utcnow() + timedelta(days=15)) == 7


def test_pga_letter_is_informational_end_to_end(mailstack: Stack, tmp_path: Path) -> None:
    bounced = "XX,Nowhere,Permanent Mission of Nowhere,pm-xx@nouser.test,,en,member_state\n"
    config, tag = copy_example("pga-2017-06-13", tmp_path / "pga", extra_row=bounced)
    office = f"pga-office@un-{tag}.test"
    env = env_for(mailstack, tmp_path, office)
    checked = cli(env, "check", "-c", str(config))
    assert "9 missions rendered" in checked.output and "FAIL" not in checked.output
    assert "sent 9, deferred 0, failed 0" in cli(env, "send", "-c", str(config)).output

    ireland = invitation_of(mailstack, f"pm-ie@newyork.missions-{tag}.test")
    # No token in the subject of an informational letter; the Reply-To keeps it.
    assert str(ireland["Subject"]).endswith("16 June 2017 [Ref. PGA 2017-06-13]")
    assert re.search(r"\+[0-9A-Z]{4}-[0-9A-Z]{3}@", str(ireland["Reply-To"]))
    assert [p.get_filename() for p in ireland.iter_attachments()] == [
        "co-facilitators-letter.pdf"]
    assert "The co-facilitators invite Member States to a first informal meeting on Friday " \
           "16 June 2017 from 10:00 a.m. to 12:00 p.m. in ECOSOC Chamber." in body(ireland)

    reply(mailstack, ireland, f"pm-ie@newyork.missions-{tag}.test",
          "The Permanent Mission of Ireland thanks the President of the General Assembly and "
          "will attend the informal meeting on 16 June.")
    app = App(config_path=config, _settings=load_settings(env))
    poll_until(env, app, lambda: statuses(app)["IE"] != "sent"
               and statuses(app)["XX"] == "bounced")
    # A courtesy reply is recorded as attending, not sent to review.
    assert statuses(app)["IE"] == "replied"
    with app.session() as session:
        response = session.exec(select(models.Response)).one()
        assert response.decision == "accept" and not response.needs_review
        assert session.exec(select(models.ReviewItem)).all() == []
    # Informational: nobody is reminded, however long they stay quiet.
    assert enqueue_reminders(app, utcnow() + timedelta(days=60)) == 0
    digest = cli(env, "digest", "-c", str(config)).output
    assert "An informational letter: no reply is asked" in digest
    assert "deadline" not in digest.lower() and "SILENT" not in digest
    assert re.search(r"Delivered\s+8\n\s+Bounced\s+1\n", digest)
    assert re.search(r"Replied\s+1\n\s+accepted\s+1\n", digest)
    assert "NOT DELIVERED (bounced or failed) (1)\n  XX  Nowhere" in digest
    assert f"from pm-ie@newyork.missions-{tag}.test" in digest
    # Nobody is "silent" in an informational campaign: one sheet, every mission on it.
    from openpyxl import load_workbook

    sheet = tmp_path / "results.xlsx"
    cli(env, "export", "-c", str(config), "--format", "xlsx", "-o", str(sheet))
    book = load_workbook(sheet)
    assert book.sheetnames == ["Delegations"]
    assert len(list(book["Delegations"].iter_rows(values_only=True))) == 1 + 9

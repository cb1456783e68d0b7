"""End to end on the local Postfix + Dovecot (issue 17): reply, echo, correction, export.

The mission reads its invitation from its own IMAP mailbox and answers by
SMTP; invitebot polls, records and mails the confirmation echo; the mission
fetches the echo from its mailbox, answers it with a correction (quoting
the echo, as a mail client does); invitebot records the correction and
echoes it once; ``invitebot export --format json`` shows the corrected
delegation. Polling and dispatching again sends nothing more.
"""

from __future__ import annotations

import asyncio
import email
import json
import textwrap
from email import policy
from email.message import EmailMessage
from typing import Any

from click.testing import CliRunner
from conftest import Stack, deliver, wait_for_messages

from bot.cli import main
from bot.inbound.intake.poll import poll_once
from bot.outbound.dispatch import dispatch
from bot.outbound.plan import plan_invitations


def as_email(message: Any) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def answer(to: EmailMessage, mission: str, text: str) -> bytes:
    """A reply to ``to`` as a mail client writes it: threaded, the original quoted."""
    reply = EmailMessage()
    reply["From"] = mission
    reply["To"] = str(to["Reply-To"])
    reply["Subject"] = f"Re: {to['Subject']}"
    reply["In-Reply-To"] = str(to["Message-ID"])
    reply["References"] = " ".join(filter(None, [str(to.get("References") or ""),
                                                 str(to["Message-ID"])]))
    quoted = textwrap.indent(plain(to), "> ")
    reply.set_content(f"{text}\n\nOn Monday, the Secretariat wrote:\n{quoted}\n")
    return reply.as_bytes()


def test_mission_replies_gets_the_echo_corrects_it_and_export_shows_the_correction(
        mailstack: Stack, app_factory: Any, monkeypatch: Any) -> None:
    app = app_factory(missions=2)
    plan_invitations(app)
    assert asyncio.run(dispatch(app)).sent == 2
    mission = app.config.missions[0].email
    secretariat = app.config.campaign.mail.reply_to
    [invitation] = [as_email(m) for m in wait_for_messages(mailstack, mission)]

    deliver(mailstack, answer(invitation, mission,
                              "The Permanent Mission has the honour to confirm its participation."
                              " The delegation will be composed as follows:\n"
                              "Head of delegation: H.E. Mr. Johann Schmidt, Ambassador\n"
                              "Member: Mr. Lukas Huber, First Secretary, "
                              "lukas.huber@bmeia.example\n"), mission, secretariat)
    wait_for_messages(mailstack, secretariat, count=1)
    poll_once(app)
    assert asyncio.run(dispatch(app)).sent == 1  # the echo
    echo = as_email(wait_for_messages(mailstack, mission, count=2)[-1])
    assert echo["In-Reply-To"] and echo["Auto-Submitted"] == "auto-replied"
    first = plain(echo)
    assert "Johann Schmidt" in first and "Lukas Huber" in first
    assert "lukas.huber@bmeia.example" in first and "participates" in first

    deliver(mailstack, answer(echo, mission,
                              "Correction: Ms. Anna Berger, Counsellor, will replace "
                              "Mr. Lukas Huber in the delegation."), mission, secretariat)
    wait_for_messages(mailstack, secretariat, count=2)
    poll_once(app)
    assert asyncio.run(dispatch(app)).sent == 1  # the echo of the correction
    second = plain(as_email(wait_for_messages(mailstack, mission, count=3)[-1]))
    assert "Anna Berger" in second and "Lukas Huber" not in second
    assert "delegation replaced" in second

    # Nothing more: polling and dispatching again sends no echo twice.
    poll_once(app)
    assert asyncio.run(dispatch(app)).sent == 0
    assert len(wait_for_messages(mailstack, mission, count=3)) == 3

    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("INVITEBOT_STORE_DIR", str(app.settings.store_dir))
    result = CliRunner().invoke(main, ["export", "-c", str(app.config_path), "--format",
                                       "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [item] = [i for i in json.loads(result.stdout) if i["mission_code"] == "M000"]
    assert item["status"] == "replied" and item["decision"] == "accept"
    assert [d["name"] for d in item["delegates"]] == ["Johann Schmidt", "Anna Berger"]
    assert len(item["messages"]) == 2
    messages = CliRunner().invoke(main, ["export", "-c", str(app.config_path), "--format",
                                         "json", "--what", "messages"], catch_exceptions=False)
    operations = [m["operation"] for m in json.loads(messages.stdout)
                  if m["mission_code"] == "M000"]
    assert operations == ["first", "replace"]

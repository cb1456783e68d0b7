"""Two campaigns in one database, one secretariat mailbox, the same missions invited to both.

A reply to one campaign's invitation must be recorded in that campaign,
whichever campaign's ``poll`` reads the mailbox first; every command stays
scoped to its campaign.
"""

from __future__ import annotations

import email
import smtplib
import uuid
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from appfixtures import REPO, write_campaign
from click.testing import CliRunner, Result
from conftest import Stack
from sqlmodel import select

from bot import models
from bot.app import App
from bot.cli import main
from bot.config.settings import load_settings

pytestmark = pytest.mark.stack


def cli(env: dict[str, str], *args: str) -> Result:
    result = CliRunner(env=env).invoke(main, [*args[:1], "--templates", str(REPO / "templates"),
                                              *args[1:]], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def invitation(app: App, code: str) -> tuple[models.Invitation, EmailMessage]:
    with app.session() as session:
        inv, raw = session.exec(
            select(models.Invitation, models.OutboxMessage.raw)
            .where(models.Invitation.mission_id == models.Mission.id,
                   models.Mission.code == code,
                   models.Invitation.campaign_id == app.campaign_id(),
                   models.OutboxMessage.invitation_id == models.Invitation.id,
                   models.OutboxMessage.kind == models.OutboxKind.INVITATION)).one()
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return inv, message


def status_of(app: App, code: str) -> str:
    inv, _ = invitation(app, code)
    with app.session() as session:
        row = session.get(models.Invitation, inv.id)
        assert row is not None
        return str(row.status)


def test_reply_to_one_campaign_is_recorded_there_whoever_polls_first(
        mailstack: Stack, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    domain, secretariat = f"m{tag}.test", f"sec-{tag}@unodc.test"
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
           "INVITEBOT_STORE_DIR": str(tmp_path / "store"),
           "INVITEBOT_SMTP_HOST": mailstack.host, "INVITEBOT_SMTP_PORT": str(mailstack.smtp_port),
           "INVITEBOT_IMAP_HOST": mailstack.host, "INVITEBOT_IMAP_PORT": str(mailstack.imap_port),
           "INVITEBOT_IMAP_USER": secretariat, "INVITEBOT_IMAP_PASSWORD": mailstack.password}
    configs = [write_campaign(tmp_path / name, missions=2, domain=domain, secretariat=secretariat)
               for name in ("a", "b")]
    first, second = (App(config_path=c, template_dir=REPO / "templates",
                         _settings=load_settings(env)) for c in configs)
    for config in configs:
        assert "sent 2, deferred 0, failed 0" in cli(env, "send", "-c", str(config)).output

    _, to_second = invitation(second, "M000")
    reply = EmailMessage()
    reply["From"] = f"pm-m000@{domain}"
    reply["To"] = str(to_second["Reply-To"])
    reply["Subject"] = f"Re: {to_second['Subject']}"
    reply["In-Reply-To"] = str(to_second["Message-ID"])
    reply.set_content("We are pleased to confirm our participation. Delegation:\n"
                      "Head of delegation: H.E. Ms. Maria Lopez, Ambassador\n")
    with smtplib.SMTP(mailstack.host, mailstack.smtp_port) as smtp:
        smtp.send_message(reply)

    # The first campaign reads the mailbox first: the sender is its mission
    # too, but the token and the thread are the second campaign's.
    import time

    for _ in range(30):
        cli(env, "poll", "-c", str(configs[0]))
        with first.session() as session:
            if session.exec(select(models.InboundMessage)).first() is not None:
                break
        time.sleep(1)
    assert status_of(first, "M000") == "sent"
    with first.session() as session:
        row = session.exec(select(models.InboundMessage)).one()
        assert row.status == "new" and row.campaign_id == second.campaign_id()
        assert session.exec(select(models.ReviewItem)).all() == []
    cli(env, "poll", "-c", str(configs[1]))
    assert status_of(second, "M000") == "replied"
    assert status_of(first, "M000") == "sent"
    with second.session() as session:
        names = session.exec(select(models.Delegate.name)).all()
    assert list(names) == ["Maria Lopez"]
    # Commands stay scoped: the first campaign's export knows nothing of the reply.
    exported = cli(env, "export", "-c", str(configs[0]), "--format", "json").output
    assert "Maria Lopez" not in exported
    assert "Maria Lopez" in cli(env, "export", "-c", str(configs[1]), "--format", "json").output
    assert "SINCE THE START" in cli(env, "digest", "-c", str(configs[0])).output
    assert "Maria Lopez" not in cli(env, "digest", "-c", str(configs[0])).output


def test_a_sender_confirmed_in_one_campaign_is_known_to_the_next(tmp_path: Path) -> None:
    from bot.inbound.matchers import MatchInput
    from bot.inbound.matchers.directory import load_directory
    from bot.inbound.matchers.verdict import match_message
    from bot.inbound.parse.message import parse_message

    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.db'}",
           "INVITEBOT_STORE_DIR": str(tmp_path / "store")}
    domain = f"m{uuid.uuid4().hex[:6]}.test"
    earlier, later = (App(config_path=write_campaign(tmp_path / n, missions=3, domain=domain),
                          template_dir=REPO / "templates", _settings=load_settings(env))
                      for n in "ab")
    attache = "m.lopez.attache@gmail.com"
    message = EmailMessage()
    message["From"] = attache
    message["To"] = "secretariat@unodc.test"
    message["Subject"] = "Participation"
    message["Message-ID"] = "<x1@gmail.com>"
    message.set_content("We will participate.")
    parsed = parse_message(message.as_bytes())
    seen = MatchInput(parsed, parsed.text, ())
    with later.session() as session:
        before = load_directory(session, later.campaign_id(), "secretariat@unodc.test")
    assert match_message(before, seen).mission_id is None
    with earlier.session() as session:
        mission = session.exec(select(models.Mission).where(
            models.Mission.campaign_id == earlier.campaign_id(),
            models.Mission.code == "M001")).one()
        session.add(models.InboundMessage(
            message_key="<x0@gmail.com>", message_id="<x0@gmail.com>", raw_sha256="0" * 64,
            raw_size=10, from_addr=attache, campaign_id=earlier.campaign_id(),
            mission_id=mission.id, match_method="manual", confidence=1.0,
            status="processed"))
    with later.session() as session:
        after = load_directory(session, later.campaign_id(), "secretariat@unodc.test")
        own = session.exec(select(models.Mission).where(
            models.Mission.campaign_id == later.campaign_id(),
            models.Mission.code == "M001")).one()
    verdict = match_message(after, seen)
    assert verdict.mission_id == own.id and verdict.method == "sender_address"
    assert after.sender_known(own.id or 0, attache)
    assert "gmail.com" not in after.by_domain

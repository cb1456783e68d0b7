"""The confirmation echo (issue 17): what was recorded, to the mission's listed address, once.

Real SQLite, the real pipeline and extractor; the echo is read back from the
outbox row the record stage queued (its bytes are what the SMTP server gets).
The end-to-end test on the mail stack is ``tests/stack/test_echo_stack.py``.
"""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from inboundkit import CORPUS, corpus_app, ingest
from sqlmodel import select
from test_followups import FIRST, reply

from bot import models
from bot.config.missions import ListedMission
from bot.inbound.intake.queue import process_pending
from bot.mail.compose import composer_for


def echoes(app: Any) -> list[EmailMessage]:
    with app.session() as session:
        rows = session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == models.OutboxKind.ECHO)
            .order_by(models.OutboxMessage.id)).all()  # type: ignore[arg-type]
        out = []
        for row in rows:
            message = email.message_from_bytes(row.raw, policy=policy.default)
            assert isinstance(message, EmailMessage)
            out.append(message)
        return out


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert isinstance(body, EmailMessage)
    return str(body.get_content())


def test_echo_says_exactly_what_was_recorded_to_the_listed_address(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, reply(FIRST, 0))
    process_pending(app)
    [echo] = echoes(app)
    assert echo["To"].addresses[0].addr_spec == "pm-vienna@bmeia.gv.at.test"
    assert echo["In-Reply-To"] == "<followup-0@bmeia.gv.at.test>"
    assert "<inv-at.cu2009-33@unodc.test>" in echo["References"]
    assert echo["Auto-Submitted"] == "auto-replied"
    assert "FK6S-Y96" in echo["Subject"] and "FK6S-Y96" in echo["Reply-To"]
    text = text_of(echo)
    assert "Decision: participates" in text
    assert "1. Head of delegation: Ambassador Dr. Christine Stix-Hackl" in text or \
        "1. Head of delegation: Dr. Christine Stix-Hackl" in text, text
    assert "2. Alternate: " in text and "Andreas Holzer" in text
    assert "andreas.holzer@bmeia.gv.at.test" in text
    assert "<followup-0@bmeia.gv.at.test>" in text  # which message it came from
    assert "What it did: first answer" in text


def test_one_echo_per_change_whatever_the_reruns(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, reply(FIRST, 0))
    process_pending(app)
    # The same message through every stage again (a re-run after a crash, or
    # `review assign`): its event is written anew, its echo is not.
    for _ in range(2):
        with app.session() as session:
            for row in session.exec(select(models.InboundMessage)):
                row.status = models.InboundStatus.NEW
                session.add(row)
        process_pending(app)
    assert len(echoes(app)) == 1
    ingest(app, reply("In addition, Ms. Eva Gruber, First Secretary, will also attend.", 1))
    process_pending(app)
    both = echoes(app)
    assert len(both) == 2  # a second change, a second echo
    assert both[0]["Message-ID"] != both[1]["Message-ID"]
    assert "Eva Gruber" in text_of(both[1]) and "delegates added" in text_of(both[1])


def test_echo_never_goes_to_a_reply_to_nor_an_unknown_sender(app_factory: Any) -> None:
    """The echo goes to the mission's listed address only: never to the Reply-To a
    message names, and a token from an address the mission is not known for is
    held for review, so nothing is echoed to it."""
    app = corpus_app(app_factory)
    message = email.message_from_bytes(reply(FIRST, 0), policy=policy.default)
    message["Reply-To"] = "someone.else@example.test"
    ingest(app, message.as_bytes())
    stranger = email.message_from_bytes(reply(FIRST, 1), policy=policy.default)
    stranger.replace_header("From", "Roberto Carvalho <roberto.carvalho@gmail.test>")
    ingest(app, stranger.as_bytes())
    process_pending(app)
    [echo] = echoes(app)
    recipients = [a.addr_spec for h in ("To", "Cc", "Bcc") for a in
                  (echo[h].addresses if echo[h] else ())]
    assert recipients == ["pm-vienna@bmeia.gv.at.test"]
    assert "someone.else" not in echo.as_string()
    with app.session() as session:
        held = session.exec(select(models.InboundMessage).where(
            models.InboundMessage.from_addr == "roberto.carvalho@gmail.test")).one()
        assert held.status == "needs_review"


def test_no_echo_for_an_auto_reply(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, (CORPUS / "ooo_en_headers.eml").read_bytes())
    process_pending(app)
    assert echoes(app) == []


def test_echo_can_be_turned_off(app_factory: Any) -> None:
    app = corpus_app(app_factory, confirmation_echo=False)
    ingest(app, reply(FIRST, 0))
    process_pending(app)
    assert echoes(app) == []
    with app.session() as session:
        assert session.exec(select(models.DelegationEvent)).first() is not None


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Head of delegation"), ("fr", "Chef de délégation"), ("es", "Jefe de delegación"),
    ("ru", "Глава делегации"), ("ar", "رئيس الوفد"), ("zh", "代表团团长")])
def test_echo_speaks_the_missions_language(app_factory: Any, language: str, words: str) -> None:
    app = app_factory()
    mission = ListedMission("XX", "Country", "Permanent Mission", "pm@x.test", (), language)
    rendered = composer_for(app.config).render(
        "confirmation", mission, "ABCD-EF2",
        delegation={"decision": "accept", "to_confirm": None, "delegates": [
            {"honorific": "Mr.", "name": "Karl Maier", "title": "Counsellor", "role": "head",
             "email": "k@x.test", "phone": "+43 1 1234"}]},
        source={"message_id": "<m@x.test>", "from": "pm@x.test", "subject": "Re: invitation",
                "received": "2026-12-07 10:00 UTC", "operation": "first"})
    assert rendered.language == language
    assert words in rendered.text and "Mr. Karl Maier, Counsellor" in rendered.text
    assert "k@x.test" in rendered.text and "+43 1 1234" in rendered.text
    assert "<m@x.test>" in rendered.text and rendered.subject.strip()


def test_a_claim_is_recorded_to_confirm_and_the_listed_address_is_told(
        app_factory: Any) -> None:
    """The sender rules (issue 16) are one input: an answer from the mission's address
    that nothing proves (no token, no thread, no authentication) is recorded "to
    confirm" with their reason, and the echo tells the mission what was recorded."""
    app = corpus_app(app_factory)
    message = email.message_from_bytes(reply(FIRST, 0), policy=policy.default)
    for name in ("To", "Subject", "In-Reply-To", "References", "Delivered-To"):
        del message[name]
    message["To"] = "secretariat@unodc.test"
    message["Subject"] = "Participation of Austria in the working group"
    ingest(app, message.as_bytes())
    process_pending(app)
    with app.session() as session:
        [response] = session.exec(select(models.Response)).all()
        assert response.to_confirm is not None and "not proven" in response.to_confirm
        invitation = session.get(models.Invitation, response.invitation_id)
        assert invitation is not None and invitation.status == "replied"
    [echo] = echoes(app)
    assert echo["To"].addresses[0].addr_spec == "pm-vienna@bmeia.gv.at.test"
    assert "To be confirmed: " in text_of(echo) and "not proven" in text_of(echo)

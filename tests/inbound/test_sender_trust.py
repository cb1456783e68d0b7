"""Nobody speaks for a mission but the mission (issue 16, defects 1, 2, 3 and 6).

Every message here is forged or hostile, delivered through the local
Postfix to Dovecot, then read by ``poll_once``; the assertions read the
database through the same records ``status`` and the exports use. The
rules are those of :mod:`bot.inbound.matchers.trust` and docs/security.md.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Stack, count_messages, deliver
from inboundkit import CORPUS, seed_invitations
from sqlmodel import select

from bot import models
from bot.app import App
from bot.cli import main as cli
from bot.clock import utcnow
from bot.digest.build import collect
from bot.digest.render import render
from bot.inbound.intake.poll import poll_once
from bot.results.records import MissionRecord, load_missions

pytestmark = pytest.mark.stack

AUTHSERV = "mx.unodc.test"
AT = "pm-vienna@bmeia.gv.at.test"  # Austria's official address
FR = "onu.vienne-dfra@diplomatie.gouv.fr.test"
EVIL = "evil@attacker.test"
GENUINE = ("We are pleased to confirm that Austria will attend. Our delegation:\r\n"
           "1. H.E. Ms. Maria Example, Ambassador, Permanent Representative, "
           "head of delegation\r\n2. Mr. John Sample, First Secretary, alternate\r\n")
FORGED = ("Correction: the Permanent Mission of Austria will attend with the "
          "following delegation, which replaces the earlier list:\r\n"
          "1. Mr. Eve Forger, Minister, head of delegation\r\n")
DECLINE = ("The Permanent Mission of Austria regrets that it will not be able to "
           "attend the meeting.\r\n")


def trust_app(app_factory: Any, **env: str) -> tuple[App, dict[str, models.Invitation]]:
    """The corpus mission list (one domain per mission), a mailbox of its own."""
    app: App = app_factory(missions_file=str(CORPUS / "missions.csv"),
                           env={"INVITEBOT_AUTHSERV_ID": AUTHSERV, **env})
    fixed = json.loads((CORPUS / "invitations.json").read_text(encoding="utf-8"))
    return app, seed_invitations(app, fixed)


def mail(app: App, sender: str, body: str, *, token: str | None = None,
         thread: str | None = None, reply_to: str | None = None,
         auth: str | None = None) -> bytes:
    secretariat = app.config.campaign.mail.reply_to
    lines = [f"From: {sender}", f"To: {secretariat}",
             f"Subject: Re: Invitation{f' [Ref. {token}]' if token else ''}",
             f"Message-ID: <{uuid.uuid4().hex}@forged.test>",
             "Date: Mon, 23 Feb 2009 10:00:00 +0100"]
    if reply_to:
        lines.append(f"Reply-To: {reply_to}")
    if thread:
        lines.append(f"In-Reply-To: {thread}")
    if auth is not None:
        lines.insert(0, f"Authentication-Results: {auth}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def deliver_and_poll(stack: Stack, app: App, *messages: bytes) -> None:
    secretariat = app.config.campaign.mail.reply_to
    before = len(inbound(app))
    # One at a time, each waited for: Postfix delivers two messages submitted
    # together in either order, and the tests read the rows in arrival order.
    for n, raw in enumerate(messages, start=1):
        deliver(stack, raw, "sender@forged.test", secretariat)
        # Counted, not parsed: the stdlib parser recurses on the over-deep mail below.
        deadline = time.monotonic() + 30
        while count_messages(stack, secretariat) < before + n:
            assert time.monotonic() < deadline, "Postfix did not deliver"
            time.sleep(0.2)
    report = poll_once(app, read_images=False)
    assert report.errors == () and report.stored == len(messages), report


def inbound(app: App) -> list[models.InboundMessage]:
    with app.session() as session:
        return list(session.exec(select(models.InboundMessage)
                                 .order_by(models.InboundMessage.id)))  # type: ignore[arg-type]


def reason_of(app: App, row: models.InboundMessage) -> str:
    with app.session() as session:
        item = session.exec(select(models.ReviewItem).where(
            models.ReviewItem.inbound_id == row.id)).first()
        return item.reason if item else ""


def record(app: App, code: str) -> MissionRecord:
    with app.session() as session:
        return next(r for r in load_missions(session, app.campaign_id()) if r.code == code)


def names(app: App, code: str) -> list[str]:
    return [d.name for d in record(app, code).delegates]


def genuine(app: App, invitations: dict[str, models.Invitation]) -> bytes:
    return mail(app, AT, GENUINE, token=invitations["AT"].token,
                auth=f"{AUTHSERV}; dkim=pass header.d=bmeia.gv.at.test; "
                     "dmarc=pass header.from=bmeia.gv.at.test")


# --- defect 1: Reply-To is never the sender ----------------------------------------

REPLY_TO_AUTH = [
    None,  # no header at all
    f"{AUTHSERV}; spf=fail smtp.mailfrom=attacker.test; dkim=none; dmarc=none",
    f"{AUTHSERV}; dkim=pass header.d=attacker.test; dmarc=pass header.from=attacker.test",
    f"{AUTHSERV}; dmarc=fail header.from=attacker.test",
]


@pytest.mark.parametrize("auth", REPLY_TO_AUTH, ids=["no-ar", "none", "pass", "fail"])
def test_reply_to_a_mission_address_proves_nothing(app_factory: Any, mailstack: Stack,
                                                   auth: str | None) -> None:
    app, invitations = trust_app(app_factory)
    deliver_and_poll(mailstack, app, mail(app, EVIL, FORGED, reply_to=AT, auth=auth))
    [row] = inbound(app)
    assert row.status == "needs_review", (row.status, row.confidence, row.match_method)
    assert row.match_method not in ("sender_address", "sender_domain")
    assert record(app, "AT").status == "sent" and names(app, "AT") == []
    # Nor does it replace a genuine delegation as a "correction".
    deliver_and_poll(mailstack, app, genuine(app, invitations))
    assert names(app, "AT") == ["Maria Example", "John Sample"]
    deliver_and_poll(mailstack, app, mail(app, EVIL, FORGED, reply_to=AT, auth=auth))
    assert inbound(app)[-1].status == "needs_review"
    assert names(app, "AT") == ["Maria Example", "John Sample"]


# --- defect 2: a forged From alone is only a claim ---------------------------------

FROM_CASES = {
    # id: (Authentication-Results, first answer's outcome, words in the reason)
    "no-ar": (None, "to_confirm", "unauthenticated: no Authentication-Results from"),
    "foreign-pass": ("mx.attacker.test; dkim=pass header.d=bmeia.gv.at.test; "
                     "dmarc=pass header.from=bmeia.gv.at.test", "to_confirm",
                     "unauthenticated"),
    "none": (f"{AUTHSERV}; spf=none; dkim=none; dmarc=none", "to_confirm",
             "no aligned DKIM or DMARC pass"),
    "misaligned-dkim": (f"{AUTHSERV}; dkim=pass header.d=attacker.test; dmarc=none",
                        "to_confirm", "no aligned"),
    "dmarc-fail": (f"{AUTHSERV}; dkim=none; dmarc=fail header.from=bmeia.gv.at.test",
                   "review", "dmarc=fail"),
    "dmarc-pass": (f"{AUTHSERV}; dkim=none; dmarc=pass header.from=bmeia.gv.at.test",
                   "recorded", None),
    "dkim-pass": (f"{AUTHSERV}; dkim=pass header.d=bmeia.gv.at.test; dmarc=none",
                  "recorded", None),
}


@pytest.mark.parametrize("case", list(FROM_CASES))
def test_official_from_without_token_is_proven_only_by_our_server(
        app_factory: Any, mailstack: Stack, case: str) -> None:
    auth, outcome, words = FROM_CASES[case]
    app, _ = trust_app(app_factory)
    deliver_and_poll(mailstack, app, mail(app, AT, GENUINE, auth=auth))
    [row] = inbound(app)
    at = record(app, "AT")
    if outcome == "review":
        assert row.status == "needs_review" and words and words in reason_of(app, row)
        assert at.delegates == [] and at.status == "sent"
        return
    assert row.status == "processed", (row.status, reason_of(app, row))
    assert [d.name for d in at.delegates] == ["Maria Example", "John Sample"]
    if outcome == "recorded":
        assert at.to_confirm is None
    else:
        assert at.to_confirm and words and words in at.to_confirm, at.to_confirm
        assert AT in at.to_confirm


@pytest.mark.parametrize(("auth", "why"), [
    (None, "would change the recorded answer of AT: claim: from pm-vienna@bmeia.gv.at.test"),
    (f"{AUTHSERV}; dmarc=pass header.from=bmeia.gv.at.test", "no token or thread"),
    (f"{AUTHSERV}; dmarc=fail header.from=bmeia.gv.at.test", "dmarc=fail"),
], ids=["no-ar", "dmarc-pass", "dmarc-fail"])
def test_forged_from_never_changes_a_delegation(app_factory: Any, mailstack: Stack,
                                                auth: str | None, why: str) -> None:
    app, invitations = trust_app(app_factory)
    deliver_and_poll(mailstack, app, genuine(app, invitations))
    assert names(app, "AT") == ["Maria Example", "John Sample"]
    deliver_and_poll(mailstack, app, mail(app, AT, FORGED, auth=auth),
                     mail(app, AT, DECLINE, auth=auth))
    for row in inbound(app)[1:]:
        assert row.status == "needs_review", row.status
        assert why in reason_of(app, row), reason_of(app, row)
    at = record(app, "AT")
    assert [d.name for d in at.delegates] == ["Maria Example", "John Sample"]
    assert at.decision == "accept" and at.to_confirm is None


@pytest.mark.parametrize("evidence", ["token", "thread"])
def test_token_or_thread_from_the_official_address_is_proof(app_factory: Any, mailstack: Stack,
                                                            evidence: str) -> None:
    # No Authentication-Results at all: the token (or the thread) is mail only
    # the mission received, so the first answer is not "to confirm".
    app, invitations = trust_app(app_factory)
    kind = ({"token": invitations["AT"].token} if evidence == "token"
            else {"thread": "<inv-at.cu2009-33@unodc.test>"})
    deliver_and_poll(mailstack, app, mail(app, AT, GENUINE, **kind))
    assert inbound(app)[0].status == "processed"
    at = record(app, "AT")
    assert [d.name for d in at.delegates] == ["Maria Example", "John Sample"]
    assert at.to_confirm is None


def test_to_confirm_shows_in_status_and_digest(app_factory: Any, mailstack: Stack,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    app, _ = trust_app(app_factory)
    deliver_and_poll(mailstack, app, mail(app, AT, GENUINE))
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    result = CliRunner().invoke(cli, ["status", "-c", str(app.config_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if "Austria" in x]
    assert "to confirm" in line, result.output
    assert "1 to confirm" in result.output.splitlines()[-1]
    with app.session() as session:
        data = collect(session, app.config.campaign, app.campaign_id(),
                       now=utcnow(), since=None)
    [arrival] = data.arrivals
    assert arrival.to_confirm and "unauthenticated" in arrival.to_confirm
    rendered = render(app.config, data)
    assert "TO CONFIRM: from pm-vienna@bmeia.gv.at.test" in rendered.text, rendered.text
    assert "<strong>to confirm</strong>: from pm-vienna@bmeia.gv.at.test" in rendered.html


# --- defect 3: changes need the token or thread, from an address seen before --------


def test_changes_need_token_or_thread_from_a_known_address(app_factory: Any,
                                                           mailstack: Stack) -> None:
    app, invitations = trust_app(app_factory)
    token, thread = invitations["AT"].token, "<inv-at.cu2009-33@unodc.test>"
    passing = f"{AUTHSERV}; dkim=pass header.d=bmeia.gv.at.test; " \
              "dmarc=pass header.from=bmeia.gv.at.test"
    colleague = "attache@bmeia.gv.at.test"  # Austria's domain, never seen before
    deliver_and_poll(mailstack, app, genuine(app, invitations))
    refused = [
        mail(app, AT, FORGED, auth=passing),  # proven sender, but no token, no thread
        mail(app, colleague, FORGED, token=token, auth=passing),  # new address
        mail(app, colleague, DECLINE, thread=thread, auth=passing),
    ]
    deliver_and_poll(mailstack, app, *refused)
    rows = inbound(app)[1:]
    assert [r.status for r in rows] == ["needs_review"] * 3
    assert "no token or thread" in reason_of(app, rows[0])
    assert "not yet seen for AT" in reason_of(app, rows[1])
    assert "not yet seen for AT" in reason_of(app, rows[2])
    assert names(app, "AT") == ["Maria Example", "John Sample"]
    # The control: the mission itself, with its thread, may change its answer.
    deliver_and_poll(mailstack, app, mail(app, AT, DECLINE, thread=thread))
    assert inbound(app)[-1].status == "processed"
    assert record(app, "AT").decision == "decline"


def test_a_colleague_on_the_missions_domain_may_give_a_first_answer(
        app_factory: Any, mailstack: Stack) -> None:
    app, invitations = trust_app(app_factory)
    deliver_and_poll(mailstack, app, mail(app, "attache@bmeia.gv.at.test", GENUINE,
                                          token=invitations["AT"].token))
    assert inbound(app)[0].status == "processed"
    at = record(app, "AT")
    assert [d.name for d in at.delegates] == ["Maria Example", "John Sample"]
    assert at.to_confirm is None


# --- defect 6: over-deep mail from a mission goes to review ----------------------


def deep_multipart(app: App, depth: int) -> bytes:
    inner = "Content-Type: text/plain\r\n\r\nWe will attend.\r\n"
    for i in range(depth):
        inner = (f"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n"
                 f"--b{i}\r\n{inner}\r\n--b{i}--\r\n")
    head = (f"From: {AT}\r\nTo: {app.config.campaign.mail.reply_to}\r\n"
            f"Subject: Our delegation\r\nMessage-ID: <{uuid.uuid4().hex}@deep.test>\r\n"
            "MIME-Version: 1.0\r\n")
    return (head + inner).encode()


def deep_attached(app: App, depth: int) -> bytes:
    inner = f"From: {AT}\r\nSubject: Our delegation\r\n\r\nWe will attend.\r\n"
    for i in range(depth):
        inner = (f"From: {AT}\r\nSubject: Fwd {i}\r\nMIME-Version: 1.0\r\n"
                 f"Content-Type: message/rfc822\r\n\r\n{inner}")
    head = (f"To: {app.config.campaign.mail.reply_to}\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@deep.test>\r\n")
    return (head + inner).encode()


def test_over_deep_mail_from_a_mission_goes_to_review(app_factory: Any,
                                                       mailstack: Stack) -> None:
    app, _ = trust_app(app_factory)
    deliver_and_poll(mailstack, app, deep_multipart(app, 1000), deep_attached(app, 200))
    rows = inbound(app)
    assert len(rows) == 2
    for row in rows:
        assert "too_deep" in row.flags, row.flags
        assert row.status == "needs_review", (row.classification, row.status)
        assert "exceeds limits" in reason_of(app, row)
    with app.session() as session:
        data = collect(session, app.config.campaign, app.campaign_id(),
                       now=utcnow(), since=None)
    assert len([p for p in data.review if "too_deep" in p.reason]) == 2


def test_a_human_may_apply_a_refused_change(app_factory: Any, mailstack: Stack,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # The rules stop the machine, not the desk officer: `review assign` settles it.
    app, invitations = trust_app(app_factory)
    deliver_and_poll(mailstack, app, genuine(app, invitations),
                     mail(app, AT, FORGED, auth=f"{AUTHSERV}; dmarc=pass "
                                                "header.from=bmeia.gv.at.test"))
    _genuine, change = inbound(app)
    assert change.status == "needs_review" and "no token or thread" in reason_of(app, change)
    monkeypatch.setenv("INVITEBOT_DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("INVITEBOT_STORE_DIR", str(app.settings.store_dir))
    result = CliRunner().invoke(cli, ["review", "assign", "-c", str(app.config_path),
                                      str(change.id), "AT"], catch_exceptions=False)
    assert result.exit_code == 0 and "processed" in result.output, result.output
    assert names(app, "AT") == ["Eve Forger"]
    assert record(app, "AT").to_confirm is None

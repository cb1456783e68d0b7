"""An answer that did not come by email, entered on the mission page.

Real SQLite (and PostgreSQL where ``INVITEBOT_TEST_POSTGRES_URL`` is set), the
real pipeline, the console through its HTTP interface. A silent mission's
note verbale delivered by hand is entered with its source; the mission is
then ``replied`` everywhere (status, digest, campaign page, exports), the
entry is marked as staff's, the audit log names the officer, the echo goes
once to the listed address, and the mission's reply to the echo folds on top.
"""

from __future__ import annotations

import email
import html
import json
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from inboundkit import ingest
from sqlmodel import col, select
from webkit import Scenario, build_scenario, csrf_of, logged_in

from bot import models
from bot.digest.build import preview
from bot.inbound.intake.queue import process_pending
from bot.results import export
from bot.results.records import load_missions
from bot.service.status import summary

FRANCE = "onu.vienne-dfra@diplomatie.gouv.fr.test"
NOTE = "note verbale 123/2026 received by hand"


def entry_form(token: str, **extra: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "csrf": token,
        "source": NOTE,
        "decision": "accept",
        "honorific": ["H.E. Mr.", "Ms.", ""],
        "name": ["Jean Martin", "Claire Dubois", ""],
        "title": ["Ambassador", "First Secretary", ""],
        "role": ["head", "member", ""],
        "email": ["", "claire.dubois@diplomatie.gouv.fr.test", ""],
        "phone": ["", "+43 1 502 75 0", ""],
    }
    return form | extra


def echoes(scenario: Scenario, invitation_id: int) -> list[models.OutboxMessage]:
    with scenario.app.session() as session:
        return list(
            session.exec(
                select(models.OutboxMessage)
                .where(
                    models.OutboxMessage.kind == models.OutboxKind.ECHO,
                    models.OutboxMessage.invitation_id == invitation_id,
                )
                .order_by(col(models.OutboxMessage.id))
            )
        )


def record_of(scenario: Scenario, code: str) -> Any:
    with scenario.app.session() as session:
        return next(r for r in load_missions(session, scenario.campaign_id) if r.code == code)


def invitation_id(scenario: Scenario, mission_id: int) -> int:
    with scenario.app.session() as session:
        inv = session.exec(
            select(models.Invitation).where(models.Invitation.mission_id == mission_id)
        ).one()
        assert inv.id is not None
        return inv.id


def answer_to(echo: models.OutboxMessage, body: str) -> bytes:
    """France replies to the echo from its listed address, as a mail client would."""
    sent = email.message_from_bytes(echo.raw, policy=policy.default)
    msg = EmailMessage()
    msg["From"] = f"Mission de la France <{FRANCE}>"
    msg["To"] = str(sent["Reply-To"])
    msg["Subject"] = f"Re: {sent['Subject']}"
    msg["Message-ID"] = "<correction-1@diplomatie.gouv.fr.test>"
    msg["In-Reply-To"] = echo.message_id
    msg["References"] = f"{sent['References'] or ''} {echo.message_id}".strip()
    msg["Date"] = "Wed, 25 Feb 2009 10:00:00 +0100"
    msg.set_content(body)
    return msg.as_bytes()


def test_a_silent_missions_answer_by_hand_is_recorded_everywhere(app_factory: Any) -> None:
    scenario = build_scenario(app_factory)
    fr = scenario.mission_id("FR")
    inv = invitation_id(scenario, fr)
    assert record_of(scenario, "FR").silent
    before, _ = preview(scenario.app)
    with logged_in(scenario.app) as client:
        page = client.get(f"/missions/{fr}").text
        assert 'id="enter-answer"' in page and "No reply recorded yet" in page
        done = client.post(
            f"/missions/{fr}/enter", data=entry_form(csrf_of(page)), follow_redirects=False
        )
        assert done.status_code == 303, done.text
        assert "confirmation+queued+to" in done.headers["location"].replace("%20", "+")
        page = client.get(f"/missions/{fr}").text
        assert "Jean Martin" in page and "Claire Dubois" in page
        assert "(entered by staff)" in page[page.index('id="state"') :][:300]
        assert f"Entered by staff (olga): {NOTE}" in page  # the timeline
        assert "web.entry by web:olga" in page
        campaign = client.get("/?q=FR").text
        assert "by staff" in campaign
        audit = client.get("/audit").text
        assert "web.entry" in audit and NOTE in audit
    record = record_of(scenario, "FR")
    assert record.status == "replied" and not record.silent and record.entered_by_staff
    assert record.state == "replied (entered by staff)" and record.to_confirm is None
    assert record.decision == "accept"
    assert [(d.name, d.role) for d in record.delegates] == [
        ("Jean Martin", "head"),
        ("Claire Dubois", "member"),
    ]
    with scenario.app.session() as session:
        records = load_missions(session, scenario.campaign_id)
    assert "1 replied (entered by staff)" in summary(records)  # invitebot status
    after, _ = preview(scenario.app)
    assert after.totals["replied"] == before.totals["replied"] + 1
    assert after.totals["silent"] == before.totals["silent"] - 1
    assert "FR" not in {s.code for s in after.silent}
    with scenario.app.session() as session:
        items = export.delegations(session, scenario.campaign_id)
        messages = export.messages(session, scenario.campaign_id)
        audit_rows = session.exec(
            select(models.AuditEvent).where(models.AuditEvent.action == "web.entry")
        ).all()
    item = next(i for i in items if i["mission_code"] == "FR")
    assert item["status"] == "replied" and item["decision"] == "accept"
    assert item["delegates"][1]["email"] == "claire.dubois@diplomatie.gouv.fr.test"
    [row] = [m for m in messages if m["mission_code"] == "FR"]
    assert set(row) == set(export.MESSAGE_COLUMNS) and row["status"] == "processed"
    assert row["classification"] == "staff_entry" and row["match_method"] == "staff"
    assert row["operation"] == "staff" and row["cue"] == NOTE and row["from"] is None
    assert row["message_id"] in item["messages"]
    [audit] = audit_rows
    assert audit.actor == "web:olga" and audit.subject == f"mission:{fr}"
    assert json.loads(audit.detail or "{}")["source"] == NOTE
    # The echo: once, to the listed address, saying what staff recorded and from what.
    [echo] = echoes(scenario, inv)
    assert echo.recipients == FRANCE
    text = email.message_from_bytes(echo.raw, policy=policy.default)
    body = text.get_body(("plain",))
    assert body is not None
    content = str(body.get_content())  # type: ignore[attr-defined]
    assert "Jean Martin" in content and NOTE in content and "Secrétariat" in content


def test_the_missions_reply_to_the_echo_folds_on_top(app_factory: Any) -> None:
    scenario = build_scenario(app_factory)
    fr = scenario.mission_id("FR")
    inv = invitation_id(scenario, fr)
    with logged_in(scenario.app) as client:
        token = csrf_of(client.get(f"/missions/{fr}").text)
        client.post(f"/missions/{fr}/enter", data=entry_form(token))
        # The same entry again changes nothing: no second echo.
        client.post(f"/missions/{fr}/enter", data=entry_form(token))
    [echo] = echoes(scenario, inv)
    follow_up = (
        "Further to its note, the Permanent Mission of France has the honour to inform "
        "that in addition Mr. Paul Girard, Counsellor, will also be a member of the delegation."
    )
    ingest(scenario.app, answer_to(echo, follow_up))
    process_pending(scenario.app)
    record = record_of(scenario, "FR")
    assert [d.name for d in record.delegates] == ["Jean Martin", "Claire Dubois", "Paul Girard"]
    assert record.status == "replied" and not record.entered_by_staff
    assert record.state == "replied"
    with scenario.app.session() as session:
        messages = export.messages(session, scenario.campaign_id)
    ops = [(m["classification"], m["operation"]) for m in messages if m["mission_code"] == "FR"]
    assert ops == [("staff_entry", "staff"), ("staff_entry", "staff"), ("reply", "add")]
    assert len(echoes(scenario, inv)) == 2  # the follow-up's change is echoed in turn


def test_an_entry_on_a_mission_that_replied_replaces_its_delegation(app_factory: Any) -> None:
    scenario = build_scenario(app_factory)
    at = scenario.mission_id("AT")
    with logged_in(scenario.app) as client:
        page = client.get(f"/missions/{at}").text
        assert "Stix-Hackl" in page[page.index('id="enter-answer"') :]  # prefilled
        client.post(
            f"/missions/{at}/enter",
            data={
                "csrf": csrf_of(page),
                "source": "telephone call from the mission, 3 March",
                "decision": "decline",
                "name": "",
                "honorific": "",
                "title": "",
                "role": "",
                "email": "",
                "phone": "",
            },
        )
        record = record_of(scenario, "AT")
        assert record.decision == "decline" and record.delegates == []
        assert record.entered_by_staff
        # The console's edits work on what was entered, as on a reply.
        client.post(f"/missions/{at}/decision", data={"csrf": csrf_of(page), "decision": "accept"})
        client.post(f"/missions/{at}/add", data={"csrf": csrf_of(page), "name": "Eva Gruber"})
    record = record_of(scenario, "AT")
    assert [d.name for d in record.delegates] == ["Eva Gruber"] and record.decision == "accept"
    with scenario.app.session() as session:
        current = session.exec(select(models.Response).where(col(models.Response.current))).all()
    assert len(current) == 1


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"source": "  "}, "say where this answer came from"),
        ({"decision": "maybe"}, "decision must be one of"),
        (
            {"email": ["", "claire.dubois", ""]},
            "delegate 2: not an e-mail address: 'claire.dubois'",
        ),
        ({"name": ["Jean Martin", "", ""]}, "delegate 2: a delegate needs a name"),
        ({"role": ["boss", "member", ""]}, "delegate 1: role must be one of"),
        ({"decision": "decline"}, "a mission that declines sends nobody"),
    ],
)
def test_bad_input_is_one_clear_line(app_factory: Any, change: dict[str, Any], error: str) -> None:
    scenario = build_scenario(app_factory)
    fr = scenario.mission_id("FR")
    with logged_in(scenario.app) as client:
        token = csrf_of(client.get(f"/missions/{fr}").text)
        answer = client.post(f"/missions/{fr}/enter", data=entry_form(token, **change))
    assert answer.status_code == 400 and error in html.unescape(answer.text)
    assert record_of(scenario, "FR").silent
    assert echoes(scenario, invitation_id(scenario, fr)) == []


def test_csrf_and_role_are_checked(app_factory: Any) -> None:
    scenario = build_scenario(app_factory)
    fr = scenario.mission_id("FR")
    with logged_in(scenario.app, "victor") as client:
        page = client.get(f"/missions/{fr}").text
        assert 'id="enter-answer"' not in page
        refused = client.post(f"/missions/{fr}/enter", data=entry_form(csrf_of(page)))
        assert refused.status_code == 403 and "viewer" in refused.text
    with logged_in(scenario.app) as client:
        client.get(f"/missions/{fr}")
        forged = client.post(f"/missions/{fr}/enter", data=entry_form("forged"))
        assert forged.status_code == 403
    with logged_in(scenario.app) as client:
        client.cookies.clear()
        anonymous = client.post(f"/missions/{fr}/enter", data=entry_form("x"))
        assert anonymous.status_code == 403
    assert record_of(scenario, "FR").silent


def test_an_entry_is_no_mail_to_review(app_factory: Any) -> None:
    scenario = build_scenario(app_factory)
    fr = scenario.mission_id("FR")
    with logged_in(scenario.app) as client:
        token = csrf_of(client.get(f"/missions/{fr}").text)
        client.post(f"/missions/{fr}/enter", data=entry_form(token))
        with scenario.app.session() as session:
            entry = session.exec(
                select(models.InboundMessage).where(
                    models.InboundMessage.classification == "staff_entry"
                )
            ).one()
        page = client.get(f"/messages/{entry.id}")
        assert page.status_code == 200 and "Entered by staff in the console" in page.text
        assert "raw.eml" not in page.text
        refused = client.post(f"/messages/{entry.id}/dismiss", data={"csrf": token})
        assert refused.status_code == 409
    assert scenario.message(entry.id or 0).status == "processed"


@pytest.mark.postgres
def test_an_answer_by_hand_on_postgresql(app_factory: Any, pg_url: str) -> None:
    scenario = build_scenario(app_factory, database_url=pg_url)
    fr = scenario.mission_id("FR")
    with logged_in(scenario.app) as client:
        token = csrf_of(client.get(f"/missions/{fr}").text)
        done = client.post(f"/missions/{fr}/enter", data=entry_form(token), follow_redirects=False)
        assert done.status_code == 303
    record = record_of(scenario, "FR")
    assert record.state == "replied (entered by staff)"
    assert [d.name for d in record.delegates] == ["Jean Martin", "Claire Dubois"]
    assert len(echoes(scenario, invitation_id(scenario, fr))) == 1


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "Recorded by the Secretariat from"),
        ("fr", "Enregistré par le Secrétariat"),
        ("es", "Registrado por la Secretaría"),
        ("ru", "Внесено Секретариатом"),
        ("ar", "سجّلته الأمانة"),
        ("zh", "秘书处根据以下来源录入"),
    ],
)
def test_the_echo_of_an_entry_says_staff_entered_it(
    app_factory: Any, language: str, words: str
) -> None:
    from bot.config.missions import ListedMission
    from bot.mail.compose import composer_for

    app = app_factory()
    mission = ListedMission("XX", "Country", "Permanent Mission", "pm@x.test", (), language)
    rendered = composer_for(app.config).render(
        "confirmation",
        mission,
        "ABCD-EF2",
        delegation={"decision": "decline", "to_confirm": None, "delegates": []},
        source={
            "message_id": "",
            "from": "",
            "subject": "Entered by staff (olga): call",
            "received": "2026-12-07 10:00 UTC",
            "operation": "staff",
            "kind": "staff",
            "note": NOTE,
        },
    )
    assert words in rendered.text and NOTE in rendered.text
    assert "olga" not in rendered.text  # the officer's name stays in the house

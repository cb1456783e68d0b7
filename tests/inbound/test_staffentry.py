"""An answer entered by staff (bot.inbound.staffentry), without the console.

Real SQLite, the real pipeline: the entry is an event like a reply's, the
current delegation is the replay of the events, the echo is queued once per
change, and the review actions refuse the entry (it has no mail to re-read).
"""

from __future__ import annotations

from typing import Any

import pytest
from inboundkit import corpus_app, ingest
from sqlmodel import col, select
from test_followups import FIRST, reply

from bot import models
from bot.errors import InvitebotError
from bot.inbound import review
from bot.inbound.intake.queue import process_pending
from bot.inbound.staffentry import record_staff_entry
from bot.results.current import edits_of, events_of
from bot.results.delegation import fold, in_order

PEOPLE = [
    {
        "honorific": "Ms.",
        "name": "Eva Gruber",
        "title": "Counsellor",
        "role": "head",
        "email": None,
        "phone": None,
    }
]


def invitation_of(app: Any, code: str) -> int:
    with app.session() as session:
        inv = session.exec(
            select(models.Invitation)
            .join(models.Mission, col(models.Mission.id) == models.Invitation.mission_id)
            .where(models.Mission.code == code)
        ).one()
        assert inv.id is not None
        return inv.id


def current_names(app: Any, invitation_id: int) -> list[str]:
    with app.session() as session:
        [response] = session.exec(
            select(models.Response).where(
                models.Response.invitation_id == invitation_id, col(models.Response.current)
            )
        ).all()
        return [
            d.name
            for d in session.exec(
                select(models.Delegate)
                .where(models.Delegate.response_id == response.id)
                .order_by(col(models.Delegate.position))
            )
        ]


def test_an_entry_after_a_reply_is_the_replay_of_the_events(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, reply(FIRST, 0))
    process_pending(app)
    inv = invitation_of(app, "AT")
    with app.session() as session:
        _row, after, echoed = record_staff_entry(
            app,
            session,
            inv,
            decision="accept",
            people=PEOPLE,
            source="note verbale by hand",
            actor="olga",
        )
    assert echoed and [p["name"] for p in after.people] == ["Eva Gruber"]
    assert current_names(app, inv) == ["Eva Gruber"]
    with app.session() as session:
        replayed = fold(in_order(events_of(session, inv), edits_of(session, inv)))
        assert [p["name"] for p in replayed.people] == ["Eva Gruber"]
        invitation = session.get(models.Invitation, inv)
        assert invitation is not None and invitation.status == "replied"
        # The same again changes nothing the mission would read: no second echo.
        _row, _after, again = record_staff_entry(
            app, session, inv, decision="accept", people=PEOPLE, source="a call", actor="olga"
        )
    assert not again
    with app.session() as session:
        echoes = session.exec(
            select(models.OutboxMessage).where(models.OutboxMessage.kind == "echo")
        ).all()
    assert len(echoes) == 2  # the reply's and the first entry's


def test_the_review_actions_refuse_an_entry(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    inv = invitation_of(app, "FR")
    with app.session() as session:
        row, _after, _echoed = record_staff_entry(
            app, session, inv, decision="decline", people=[], source="a call", actor="olga"
        )
        with pytest.raises(InvitebotError, match="entered by staff"):
            review.assign(session, row, "FR", app.campaign_id())
        with pytest.raises(InvitebotError, match="entered by staff"):
            review.dismiss(session, row)
    # Nothing in the inbound queue either: a poll leaves it alone.
    process_pending(app)
    with app.session() as session:
        stored = session.get(models.InboundMessage, row.id)
        assert stored is not None and stored.status == "processed"
        assert stored.classification == "staff_entry" and stored.from_addr is None

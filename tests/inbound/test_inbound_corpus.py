"""Golden files: each ``tests/corpus/inbound/X.eml`` beside ``X.json``.

Each message goes alone through every stage against the fixed mission list;
the classification, the mission, the match method (the strongest evidence),
the other evidence found, the status, the review reason and the
invitation's status must be what the JSON says. For replies, ``status`` is
the verdict of matching: "processed" means the message went on to
extraction, whose own verdict is the business of the extractor's tests.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from inboundkit import CORPUS, corpus_app, inbound_rows, ingest, mission_code
from sqlmodel import select

from bot import models
from bot.inbound.intake.queue import process_pending

CASES = sorted(p.stem for p in CORPUS.glob("*.eml"))


@pytest.mark.parametrize("name", CASES)
def test_corpus_message(name: str, app_factory: object) -> None:
    expected = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    app = corpus_app(app_factory)
    ingest(app, (CORPUS / f"{name}.eml").read_bytes())
    assert process_pending(app) == 1
    [row] = inbound_rows(app)
    assert row.error is None, row.error
    got = {"classification": row.classification, "mission": mission_code(app, row.mission_id),
           "method": row.match_method}
    assert got == {k: expected[k] for k in got}, row.detail
    detail = json.loads(row.detail or "{}")
    methods = [e["method"] for e in detail.get("match", {}).get("evidence", [])]
    for method in expected.get("evidence", []):
        assert method in methods, detail
    if "detail" in expected:
        assert any(expected["detail"] in e["detail"] for e in detail["match"]["evidence"])
    status = row.status
    if row.classification == "reply" and row.stage in ("extract", "record"):
        status = models.InboundStatus.PROCESSED
    if "status" in expected:
        assert status == expected["status"], detail
    with app.session() as session:
        items = session.exec(select(models.ReviewItem).where(
            models.ReviewItem.inbound_id == row.id)).all()
        if "reason" in expected:
            assert any(expected["reason"] in item.reason for item in items), \
                [i.reason for i in items]
        if "invitation_status" in expected:
            invitation = session.get(models.Invitation, row.invitation_id)
            assert invitation is not None
            assert invitation.status == expected["invitation_status"]
        if row.status == models.InboundStatus.NEEDS_REVIEW:
            assert items, "needs_review without a review item"


def test_corpus_has_every_kind() -> None:
    kinds = {json.loads(p.read_text())["classification"] for p in Path(CORPUS).glob("*.json")
             if p.name != "invitations.json"}
    assert kinds == {"reply", "auto_reply", "bounce", "unrelated"}

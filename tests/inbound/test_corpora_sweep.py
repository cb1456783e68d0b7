"""Real-world mail through the real stack: nothing crashes, nothing is lost, nobody accepts.

Every file of the shared corpora (``$INVITEBOT_CORPORA`` or
``<repo>/../shared/corpora``) is APPENDed to a fresh secretariat mailbox on
the local Dovecot, every tenth one is also sent through Postfix, and
``poll_once`` takes them in for a campaign whose missions have nothing to
do with the corpora. The work is done by ``bench/sweep.py``, which prints
the same result as a per-folder table.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from appfixtures import load_bench
from conftest import Stack
from inboundkit import ingest, seed_invitations
from sqlmodel import select

from bot import models

REPO = Path(__file__).resolve().parents[2]
CORPORA = Path(os.environ.get("INVITEBOT_CORPORA") or REPO.parent / "shared" / "corpora")
RECALL_FLOOR = 0.95


sweep = load_bench("sweep")


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory, mailstack: Stack) -> Any:
    if not CORPORA.is_dir():
        pytest.skip(f"real-world corpora not found at {CORPORA}")
    server = sweep.Server(mailstack.host, mailstack.smtp_port, mailstack.imap_port,
                          mailstack.password)
    base = tmp_path_factory.mktemp("sweep")
    main_app = sweep.make_app(base / "main", server)
    smtp_app = sweep.make_app(base / "smtp", server)
    result = sweep.sweep(main_app, smtp_app, server, CORPORA, smtp_every=10)
    print(sweep.render_table(result))
    print("\n".join(sweep.summary(result)))
    return result


@pytest.mark.stack
@pytest.mark.slow
def test_every_corpus_file_entered_the_mailbox(swept: Any) -> None:
    files = sweep.corpus_files(CORPORA)
    assert len(files) >= 400
    via_imap = [o for o in swept.outcomes if o.via == "imap"]
    refused = [o for o in swept.outcomes if o.via == "refused"]
    assert len(via_imap) + len([o for o in refused if "smtp" not in (o.refused_reason or "")]) \
        == len(files)
    # Dovecot refuses only what is not a message at all: empty files.
    for outcome in refused:
        assert (CORPORA / outcome.rel).stat().st_size == 0, outcome
    assert len([o for o in swept.outcomes if o.via == "smtp"]) >= 35


@pytest.mark.stack
@pytest.mark.slow
def test_no_crash_and_nothing_lost(swept: Any) -> None:
    assert [e for r in swept.reports for e in r.errors] == []
    entered = swept.entered()
    lost = [o.rel for o in entered if o.status not in sweep.FINAL]
    assert lost == []
    for outcome in entered:
        if outcome.status == models.InboundStatus.FAILED:
            assert outcome.error, outcome
        else:
            assert outcome.classification in ("bounce", "auto_reply", "reply", "unrelated")
    # Every message in each mailbox was sighted, and made exactly one row per
    # distinct key (Message-ID plus body hash, or the hash of the bytes).
    assert swept.sightings == swept.mailbox_counts
    assert swept.rows == swept.distinct_keys


@pytest.mark.stack
@pytest.mark.slow
def test_no_delegates_and_no_acceptance_from_real_world_mail(swept: Any) -> None:
    assert (swept.accepts, swept.delegates) == (0, 0)


@pytest.mark.stack
@pytest.mark.slow
def test_bounce_recall_through_the_stack(swept: Any) -> None:
    cases = swept.bounce_cases()
    assert len(cases) >= 75
    missed = [(o.rel, o.classification, o.recipients) for o in cases if not swept.recalled(o)]
    assert swept.recall() >= RECALL_FLOOR, missed


def _message(message_id: str, body: str, sender: str) -> bytes:
    return (f"From: {sender}\r\nTo: secretariat@unodc.test\r\nSubject: Our reply\r\n"
            f"Message-ID: {message_id}\r\nDate: Mon, 23 Feb 2009 10:00:00 +0100\r\n\r\n"
            f"{body}\r\n").encode()


def test_a_reused_message_id_does_not_swallow_a_different_message(app_factory: Any) -> None:
    # Found by the sweep: 43 corpus files share a Message-ID with a different
    # message. Scan-to-mail gateways and some webmail forms do this in real
    # life, so a second mission's scanned reply would silently disappear.
    app = app_factory(missions=2)
    seed_invitations(app)
    msgid = f"<scan-{uuid.uuid4().hex[:6]}@scanner.example>"
    ingest(app, _message(msgid, "We will attend.", "pm-m000@one.example"))
    ingest(app, _message(msgid, "We regret we cannot attend.", "pm-m001@two.example"))
    with app.session() as session:
        rows = session.exec(select(models.InboundMessage)).all()
    assert len(rows) == 2

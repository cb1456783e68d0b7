"""What the stages share while a batch of messages is processed.

``PipelineContext`` holds what is read once per run (the mission
directory, the thresholds, where the raw store is); ``Work`` holds what is
computed once per message (the parse, the classification, attachment
texts, the extraction) so that later stages need not redo it. Both are
caches: a stage re-run alone recomputes whatever is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot import models
from bot.app import App
from bot.config.sync import sync_campaign
from bot.db import is_postgres
from bot.inbound.classifiers.registry import Classification, classify
from bot.inbound.intake.store import load_raw
from bot.inbound.matchers.base import Directory
from bot.inbound.matchers.directory import load_directory
from bot.inbound.parse.message import ParsedMessage, parse_message

if TYPE_CHECKING:
    from bot.inbound.intake.prepare import Prepared
    from bot.inbound.matchers.verdict import MatchResult


@dataclass
class Work:
    """Per-message results, filled in by the stages as they go."""

    parsed: ParsedMessage
    classification: Classification | None = None
    attachment_texts: list[str] = field(default_factory=list)
    attachments_read: bool = False
    extraction: Any = None
    # Set by the classify stage for a row no stage has touched before: it has
    # no Attachment or Response rows yet, so nothing needs clearing.
    first_pass: bool = False
    # Computed ahead by a worker (bot.inbound.intake.prepare); a stage uses them
    # only when its own inputs are the ones the worker had.
    own_text: str | None = None
    verdict: MatchResult | None = None
    ready_extraction: Any = None
    ready_region: str | None = None


@dataclass
class PipelineContext:
    """Read once per run; ``manual`` is set when a human assigned the mission."""

    app: App
    campaign_id: int
    directory: Directory
    store_dir: Path
    match_threshold: float
    extraction_threshold: float
    authserv_id: str | None
    exclude_contacts: tuple[str, ...]
    read_images: bool = True
    manual: bool = False
    # False for an informational letter: a bare "we will attend" is complete.
    expects_reply: bool = True
    # PostgreSQL: lock rows that concurrent workers may write (see record).
    row_locks: bool = True
    _work: dict[int, Work] = field(default_factory=dict)

    def work(self, row: models.InboundMessage) -> Work:
        """The per-message cache, parsing the stored raw message on first use."""
        assert row.id is not None
        if row.id not in self._work:
            parsed = parse_message(load_raw(self.store_dir, row.raw_sha256))
            self._work[row.id] = Work(parsed=parsed)
        return self._work[row.id]

    def prefill(self, row_id: int, ready: Prepared) -> None:
        """Start this row's cache from what a worker computed."""
        self._work[row_id] = Work(
            parsed=ready.parsed, classification=ready.classification, own_text=ready.own_text,
            verdict=ready.verdict, ready_extraction=ready.extraction,
            ready_region=ready.region)

    def classification(self, row: models.InboundMessage) -> Classification:
        work = self.work(row)
        if work.classification is None:
            work.classification = classify(work.parsed)
        return work.classification

    def forget(self, row: models.InboundMessage) -> None:
        if row.id is not None:
            self._work.pop(row.id, None)


def build_context(app: App, session: Session, *, read_images: bool = True) -> PipelineContext:
    """Load the campaign's directory and settings for one processing run."""
    config = app.config
    campaign = sync_campaign(session, config)
    assert campaign.id is not None
    mail = config.campaign.mail
    contacts = (*config.campaign.secretariat_contacts, mail.reply_to, mail.sender.address)
    return PipelineContext(
        app=app,
        campaign_id=campaign.id,
        directory=load_directory(session, campaign.id, mail.reply_to),
        store_dir=app.settings.store_dir,
        match_threshold=config.campaign.thresholds.match,
        extraction_threshold=config.campaign.thresholds.extraction,
        authserv_id=app.settings.authserv_id,
        exclude_contacts=tuple(dict.fromkeys(contacts)),
        read_images=read_images,
        expects_reply=config.campaign.expects_reply,
        row_locks=is_postgres(app.engine),
    )

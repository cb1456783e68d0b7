"""Work ahead: the stages' pure computing, done in worker processes.

Parsing, classifying, matching and extracting depend only on the stored
message and on the run's :class:`Directory`; writing the results is what
needs the database. With a backlog (``PREPARE_MIN`` new messages or more)
:func:`bot.inbound.intake.queue.process_batches` starts ``Settings.process_workers``
processes that compute a :class:`Prepared` for the messages ahead of the
one the main process is writing, so both cores work at once.

A ``Prepared`` only fills caches (``Work``): every stage still runs in the
main process, in order, and uses a precomputed result only if its inputs
are the ones the worker used (no attachment text, the same region, the same
own text); otherwise, or if a worker failed, the stage computes it itself,
and an error raised there is the stage's error as before. So results are
the same with and without workers; only the time differs.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.extract import extract_response
from bot.extract.quotes import strip_quoted
from bot.inbound.classifiers.registry import Classification, classify
from bot.inbound.intake.store import load_raw
from bot.inbound.matchers.base import Directory, MatchInput
from bot.inbound.matchers.verdict import MatchResult, match_message
from bot.inbound.parse.forwards import reading_text
from bot.inbound.parse.message import ParsedMessage, parse_message
from bot.lifeline import follow

log = logging.getLogger(__name__)

# Below this many waiting messages, starting processes costs more than it saves.
PREPARE_MIN = 200
# How many messages the workers may be ahead of the main process.
LOOKAHEAD = 400
OWN_TEXT_LIMIT = 200_000


@dataclass(frozen=True)
class Prepared:
    """What a worker computed for one message.

    ``verdict`` and ``extraction`` exist only for replies without
    attachments: an attachment's text (read in the main process) can change
    both.
    """

    parsed: ParsedMessage
    classification: Classification
    own_text: str
    verdict: MatchResult | None = None
    extraction: Any = None
    region: str | None = None


def prepare(raw: bytes, directory: Directory, authserv_id: str | None,
            exclude_contacts: tuple[str, ...]) -> Prepared:
    """Everything the stages compute for ``raw`` without the database."""
    parsed = parse_message(raw)
    classification = classify(parsed)
    text = reading_text(parsed)
    own = strip_quoted(text)[:OWN_TEXT_LIMIT]
    if classification.kind != "reply" or parsed.attachments:
        return Prepared(parsed, classification, own)
    verdict = match_message(directory, MatchInput(parsed, own, ()), authserv_id)
    region = directory.region(verdict.mission_id)
    extraction = extract_response(text, [], region=region,
                                  exclude_contacts=exclude_contacts)
    return Prepared(parsed, classification, own, verdict, extraction, region)


_state: dict[str, Any] = {}


def _init(store_dir: Path, directory: Directory, authserv_id: str | None,
          exclude_contacts: tuple[str, ...], owner: int) -> None:
    follow(owner)  # a killed poller must not leave its workers running
    _state.update(store_dir=store_dir, directory=directory, authserv_id=authserv_id,
                  exclude_contacts=exclude_contacts)


def _prepare_stored(sha256: str) -> Prepared:
    return prepare(load_raw(_state["store_dir"], sha256), _state["directory"],
                   _state["authserv_id"], _state["exclude_contacts"])


class WorkAhead:
    """A pool of worker processes computing ``Prepared`` ahead of the main process."""

    def __init__(self, store_dir: Path, directory: Directory, authserv_id: str | None,
                 exclude_contacts: tuple[str, ...], workers: int) -> None:
        # forkserver: the service has threads (scheduler, IMAP IDLE), and a
        # fork of a threaded process can inherit a held lock.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["bot.inbound.intake.prepare"])
        self.pool = ProcessPoolExecutor(
            max_workers=workers, mp_context=context, initializer=_init,
            initargs=(store_dir, directory, authserv_id, exclude_contacts, os.getpid()))
        self.futures: dict[int, Future[Prepared]] = {}
        self.last_id = 0
        self.broken = False

    def submit(self, rows: Iterable[tuple[int, str]]) -> None:
        """Queue (row id, raw SHA-256) pairs, in id order; after a pool failure, nothing."""
        if self.broken:
            return
        for row_id, sha256 in rows:
            try:
                self.futures[row_id] = self.pool.submit(_prepare_stored, sha256)
            except (BrokenProcessPool, RuntimeError, OSError) as exc:
                # A worker died (killed, out of memory): the main process
                # goes on alone; nothing is lost, only time.
                log.warning("inbound worker processes failed (%s); going on without them", exc)
                self.broken = True
                return
            self.last_id = max(self.last_id, row_id)

    @property
    def ahead(self) -> int:
        return len(self.futures)

    def take(self, row_id: int) -> Prepared | None:
        """The worker's result for this row (waiting for it), or None if there is none."""
        future = self.futures.pop(row_id, None)
        if future is None:
            return None
        try:
            return future.result()
        except Exception as exc:
            # The stage will compute it itself and report its own error.
            log.debug("precomputing inbound message %s failed: %r", row_id, exc)
            return None

    def close(self) -> None:
        for future in self.futures.values():
            future.cancel()
        self.futures.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)

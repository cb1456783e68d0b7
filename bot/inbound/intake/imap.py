"""IMAP intake: take new mail into custody, exactly once, before anyone reads it.

For each folder of ``mail.inbox_folders`` the position ``(UIDVALIDITY,
last UID)`` lives in ``MailboxState``. New UIDs are fetched in bounded
batches (``BODY.PEEK[]``, so nothing is marked seen), each message is
written to the raw store, and then one transaction per batch records a
``Sighting`` per (mailbox, UIDVALIDITY, UID) and one ``InboundMessage`` per
message (Message-ID plus body, see :func:`message_key`), and advances
``last_uid``. A failed store write stops the folder before the commit: the
position does not move and the batch is fetched again next time. A changed
UIDVALIDITY restarts the folder from UID 1; Sightings and message keys keep
that from duplicating anything.

New rows wait in status ``new`` for :mod:`bot.inbound.intake.queue`. Once a row
has been processed and committed, :func:`flag_done` marks it on the server
(a keyword, or a move to ``mail.processed_folder``); a crash before that
only means the flag is set on a later poll.
"""

from __future__ import annotations

import hashlib
import imaplib
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from imapclient import IMAPClient
from sqlmodel import Session, col, select

from bot import models
from bot.app import App
from bot.clock import utcnow
from bot.inbound.intake.store import store_batch
from bot.inbound.parse.message import Limits, normalise_msgid

log = logging.getLogger(__name__)

BATCH_UIDS = 200
BATCH_BYTES = 16 * 1024 * 1024
# Errors after which the connection is gone and must be made again.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (OSError, imaplib.IMAP4.abort, EOFError)


@dataclass
class IntakeReport:
    """What one intake pass did."""

    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    flagged: int = 0
    errors: list[str] = field(default_factory=list)
    # Called with (fetched so far, new in this folder) after each recorded batch.
    progress: Callable[[int, int], None] | None = field(default=None, repr=False,
                                                         compare=False)


@dataclass(frozen=True)
class Fetched:
    uid: int
    sha256: str
    size: int
    message_id: str | None
    oversize: bool
    key: str


def account_name(app: App) -> str:
    imap = app.settings.imap
    return imap.user or f"{imap.host}:{imap.port}"


_MESSAGE_ID = re.compile(rb"^message-id[ \t]*:((?:[^\r\n]*(?:\r?\n[ \t])?)*)",
                         re.IGNORECASE | re.MULTILINE)


def _header_end(raw: bytes) -> int:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        end = raw.find(b"\n\n")
    return end if end >= 0 else min(len(raw), 256 * 1024)


def read_message_id(raw: bytes) -> str | None:
    """The Message-ID from the header block only (the body is never parsed here)."""
    match = _MESSAGE_ID.search(raw[: min(_header_end(raw), 256 * 1024)])
    if match is None:
        return None
    return normalise_msgid(match.group(1).decode("ascii", "replace"))


def message_key(raw: bytes, message_id: str | None, sha256: str) -> str:
    """What makes two copies one message: the Message-ID and the body.

    The same mail in two folders, or delivered again with new Received
    headers, has the same Message-ID and body; a different mail reusing a
    Message-ID (scan-to-mail gateways do) has another body and stays a
    message of its own. Without a Message-ID, the bytes decide.
    """
    if not message_id:
        return f"sha256:{sha256}"
    body = raw[_header_end(raw):].replace(b"\r\n", b"\n").strip()
    return f"{message_id[:900]} {hashlib.sha256(body).hexdigest()[:16]}"


def select_folder(client: IMAPClient, folder: str) -> int:
    """Select ``folder`` read-write and return its UIDVALIDITY."""
    info = client.select_folder(folder)
    return int(info[b"UIDVALIDITY"])


def _position(session: Session, account: str, folder: str, uidvalidity: int) -> models.MailboxState:
    state = session.exec(select(models.MailboxState).where(
        models.MailboxState.account == account, models.MailboxState.mailbox == folder)).first()
    if state is None:
        state = models.MailboxState(account=account, mailbox=folder, uidvalidity=uidvalidity)
    elif state.uidvalidity != uidvalidity:
        # The server renumbered the folder; Sightings and Message-IDs dedupe the re-read.
        log.warning("%s/%s: UIDVALIDITY changed %s -> %s, reading it again",
                    account, folder, state.uidvalidity, uidvalidity)
        state.uidvalidity, state.last_uid = uidvalidity, 0
    session.add(state)
    return state


def _groups(uids: Sequence[int], sizes: dict[int, int]) -> Iterator[list[int]]:
    """UIDs in groups of bounded count and bytes (a huge message alone)."""
    group: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if group and (len(group) >= BATCH_UIDS or total + size > BATCH_BYTES):
            yield group
            group, total = [], 0
        group.append(uid)
        total += size
    if group:
        yield group


def fetched_item(uid: int, raw: bytes, sha256: str, limits: Limits = Limits()) -> Fetched:  # noqa: B008
    """What intake records of one stored message."""
    message_id = read_message_id(raw)
    return Fetched(uid, sha256, len(raw), message_id, len(raw) > limits.max_message_bytes,
                   message_key(raw, message_id, sha256))


def sync_folder(app: App, client: IMAPClient, folder: str, report: IntakeReport,
                limits: Limits = Limits()) -> None:  # noqa: B008
    """Fetch, store and record every message of ``folder`` past the saved position."""
    account = account_name(app)
    uidvalidity = select_folder(client, folder)
    with app.session() as session:
        last = _position(session, account, folder, uidvalidity).last_uid
    uids = sorted(u for u in client.search(["UID", f"{last + 1}:*"]) if u > last)
    for start in range(0, len(uids), BATCH_UIDS * 10):
        window = uids[start:start + BATCH_UIDS * 10]
        sizes = {uid: int(item[b"RFC822.SIZE"])
                 for uid, item in client.fetch(window, [b"RFC822.SIZE"]).items()}
        for group in _groups(window, sizes):
            data = client.fetch(group, [b"BODY.PEEK[]", b"RFC822.SIZE"])
            fetched = [(uid, bytes(data[uid][b"BODY[]"])) for uid in group
                       if b"BODY[]" in data.get(uid, {})]  # absent: expunged meanwhile
            del data
            report.fetched += len(fetched)
            # Raises StoreError: the batch is not recorded and is fetched again later.
            digests = store_batch(app.settings.store_dir, [raw for _, raw in fetched])
            batch = [fetched_item(uid, raw, digest, limits)
                     for (uid, raw), digest in zip(fetched, digests, strict=True)]
            del fetched
            record_batch(app, account, folder, uidvalidity, batch, max(group), report)
            if report.progress is not None:
                report.progress(report.fetched, len(uids))


def record_batch(app: App, account: str, folder: str, uidvalidity: int,
                 batch: list[Fetched], last_uid: int, report: IntakeReport) -> None:
    """One transaction: Sightings, new InboundMessages, and the new position.

    Written with bulk statements: intake must keep up with the IMAP fetch.
    """
    messages = models.InboundMessage.__table__  # type: ignore[attr-defined]
    sightings = models.Sighting.__table__  # type: ignore[attr-defined]
    now = utcnow()
    with app.session() as session:
        seen = set(session.exec(select(models.Sighting.uid).where(
            models.Sighting.account == account, models.Sighting.mailbox == folder,
            models.Sighting.uidvalidity == uidvalidity,
            col(models.Sighting.uid).in_([f.uid for f in batch]))))
        fresh = [f for f in batch if f.uid not in seen]
        report.duplicates += len(batch) - len(fresh)
        keys = {f.uid: f.key for f in fresh}
        known = _ids_by_key(session, set(keys.values()))
        new_rows: dict[str, dict[str, object]] = {}
        for item in fresh:
            key = keys[item.uid]
            if key in known or key in new_rows:
                report.duplicates += 1
                continue
            new_rows[key] = {
                "message_key": key, "message_id": item.message_id and item.message_id[:998],
                "raw_sha256": item.sha256, "raw_size": item.size, "received_at": now,
                "status": models.InboundStatus.NEW, "flags": "oversize" if item.oversize else "",
                "updated_at": now}
        if new_rows:
            session.execute(messages.insert(), list(new_rows.values()))
            known.update(_ids_by_key(session, set(new_rows)))
            report.stored += len(new_rows)
        if fresh:
            session.execute(sightings.insert(), [
                {"inbound_id": known[keys[f.uid]], "account": account, "mailbox": folder,
                 "uidvalidity": uidvalidity, "uid": f.uid, "flagged": False, "seen_at": now}
                for f in fresh])
        state = _position(session, account, folder, uidvalidity)
        state.last_uid = max(state.last_uid, last_uid)
        state.updated_at = now


def _ids_by_key(session: Session, keys: set[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = session.exec(select(models.InboundMessage.message_key, models.InboundMessage.id)
                        .where(col(models.InboundMessage.message_key).in_(keys)))
    return {key: row_id for key, row_id in rows if row_id is not None}


def flag_done(app: App, client: IMAPClient, folder: str, report: IntakeReport) -> None:
    """Mark on the server what the database says is processed (after its commit)."""
    account = account_name(app)
    mail = app.config.campaign.mail
    uidvalidity = select_folder(client, folder)
    with app.session() as session:
        sightings = list(session.exec(
            select(models.Sighting).join(
                models.InboundMessage,
                col(models.InboundMessage.id) == models.Sighting.inbound_id)
            .where(models.Sighting.account == account, models.Sighting.mailbox == folder,
                   models.Sighting.uidvalidity == uidvalidity,
                   col(models.Sighting.flagged).is_(False),
                   models.InboundMessage.status != models.InboundStatus.NEW)))
    if not sightings:
        return
    uids = sorted(s.uid for s in sightings)
    for start in range(0, len(uids), 500):
        chunk = uids[start:start + 500]
        if mail.processed_mode == "move":
            _move(client, chunk, mail.processed_folder)
        else:
            client.add_flags(chunk, [mail.processed_keyword.encode()], silent=True)
    with app.session() as session:
        for sighting in sightings:
            sighting.flagged = True
            session.add(sighting)
    report.flagged += len(uids)


def _move(client: IMAPClient, uids: list[int], target: str) -> None:
    if not client.folder_exists(target):
        client.create_folder(target)
    if client.has_capability("MOVE"):
        client.move(uids, target)
        return
    client.copy(uids, target)
    client.add_flags(uids, [b"\\Deleted"], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge(uids)
    else:
        client.expunge()


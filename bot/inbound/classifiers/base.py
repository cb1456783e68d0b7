"""The result every classifier returns, and the small helpers they share."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.inbound.parse.message import ParsedMessage, normalise_msgid

Kind = Literal["bounce", "auto_reply", "reply", "unrelated"]

# Scanning is bounded: bounces put what matters in the first few kilobytes.
SCAN_CHARS = 20_000

ADDRESS = re.compile(
    r"(?<![\w.+-])([A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+)"
)
_DAEMON_LOCALS = re.compile(
    r"^(mailer[-_.]?daemon|mail[-_.]?daemon|postmaster|post[-_]master|poostmaster|"
    r"mail\.delivery\.system|mail[-_]delivery[-_]system|mdaemon|mmsc|"
    r"bounces?|nobody|mta|smtp|microsoftexchange[0-9a-f]{8,})$",
    re.IGNORECASE,
)
_DAEMON_NAMES = re.compile(
    r"mail delivery (sub)?system|mailer[- ]daemon|postmaster|mail deliver system|"
    r"ndr administrator|content[- ]filter|system administrator",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Classification:
    """What a message is. ``kind == "bounce"`` with ``permanent`` marks an
    invitation bounced; a delay DSN is ``kind == "bounce"``, ``is_delay``,
    ``permanent=False``: record it, change nothing."""

    kind: Kind
    classifier: str
    reason: str
    permanent: bool = False
    is_delay: bool = False
    bounced_recipients: tuple[str, ...] = ()
    status: str | None = None
    diagnostic: str | None = None
    original_message_id: str | None = None
    original_subject: str | None = None
    # Doubts for a person to look at (e.g. "suspect_phishing" on a reply);
    # the kind stays what the classifier decided.
    flags: tuple[str, ...] = ()


class Classifier(Protocol):
    """One rule: a name and a check that answers, or passes with None."""

    name: str

    def check(self, msg: ParsedMessage) -> Classification | None: ...


def local_part(address: str) -> str:
    return address.rsplit("@", 1)[0] if "@" in address else address


def is_daemon_sender(msg: ParsedMessage) -> bool:
    """From a mailer daemon or postmaster (by address or display name)."""
    if msg.from_addr and _DAEMON_LOCALS.match(local_part(msg.from_addr)):
        return True
    return bool(msg.from_name and _DAEMON_NAMES.search(msg.from_name))


def has_null_return_path(msg: ParsedMessage) -> bool:
    value = msg.header("return-path")
    return value is not None and value.strip() in ("<>", "")


def clean_address(value: str) -> str | None:
    """The first plausible address in ``value``, lowercased."""
    match = ADDRESS.search(value)
    if not match:
        return None
    return match.group(1).strip(".").lower()


def excluded_addresses(msg: ParsedMessage) -> set[str]:
    """Addresses a bounce names that are not the failed recipient: us, the daemon."""
    out = {msg.from_addr, *msg.to, *msg.cc, *msg.reply_to}
    for embedded in msg.embedded[:3]:
        out.add(embedded.from_addr)
    return {a for a in out if a}


_QUOTED_MSGID = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{1,900}>)", re.I | re.M)
_QUOTED_SUBJECT = re.compile(r"^[ \t>]*Subject:[ \t]*(.{1,500})$", re.I | re.M)


def find_original(msg: ParsedMessage) -> tuple[str | None, str | None]:
    """Message-ID and Subject of the message a bounce or auto-reply is about:
    from an embedded message, else from quoted header lines in the text, the
    delivery-status part or a small text attachment."""
    for embedded in msg.embedded[:3]:
        if embedded.message_id:
            return embedded.message_id, embedded.subject or None
    subject = next((e.subject for e in msg.embedded[:3] if e.subject), None)
    for text in _quoting_texts(msg):
        match = _QUOTED_MSGID.search(text)
        if match:
            if not subject:
                subj = _QUOTED_SUBJECT.search(text)
                subject = subj.group(1).strip() if subj else None
            return normalise_msgid(match.group(1)), subject
    return None, subject


def _quoting_texts(msg: ParsedMessage) -> list[str]:
    texts = [msg.text[: SCAN_CHARS * 5], *msg.delivery_status[:3]]
    for attachment in msg.attachments[:5]:
        if attachment.content_type.startswith("text/") and 0 < len(attachment.data) < 200_000:
            texts.append(attachment.data.decode("utf-8", errors="replace"))
    return texts

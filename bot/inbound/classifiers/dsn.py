"""RFC 3464 delivery status notifications and RFC 5965 (ARF) feedback reports.

A DSN names each recipient with an Action (failed, delayed, delivered,
relayed, expanded) and a Status (5.x.x permanent, 4.x.x transient). Only
``failed`` makes a bounce that marks an invitation bounced; ``delayed`` is a
bounce with ``is_delay`` and ``permanent=False``; success reports are
unrelated. Abuse feedback reports are never bounces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.inbound.classifiers.base import (
    SCAN_CHARS,
    Classification,
    clean_address,
    find_original,
)
from bot.inbound.parse.message import ParsedMessage

_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9-]{0,60})[ \t]*:[ \t]*(.*)$")
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_RECIPIENT_FIELDS = ("final-recipient", "original-recipient", "x-actual-recipient")


@dataclass
class RecipientStatus:
    """One per-recipient block of a delivery-status report."""

    fields: dict[str, str] = field(default_factory=dict)

    @property
    def addresses(self) -> list[str]:
        """Original-Recipient first: it is the address we wrote, before any
        alias expansion; then Final-Recipient."""
        out: list[str] = []
        for name in ("original-recipient", "final-recipient", "x-actual-recipient"):
            value = self.fields.get(name)
            found = clean_address(value.split(";", 1)[-1]) if value else None
            if found and found not in out:
                out.append(found)
        return out

    @property
    def action(self) -> str:
        return self.fields.get("action", "").strip().lower().split(" ")[0] if self.fields else ""

    @property
    def status(self) -> str | None:
        match = _STATUS.search(self.fields.get("status", ""))
        return match.group(0) if match else None


def parse_delivery_status(text: str) -> list[RecipientStatus]:
    """Per-recipient blocks of a delivery-status text (message fields dropped)."""
    lines = _unfold(text[:SCAN_CHARS])
    blocks: list[RecipientStatus] = []
    current = RecipientStatus()
    for line in lines:
        if not line.strip():
            if _has_recipient(current):
                blocks.append(current)
            current = RecipientStatus()
            continue
        match = _FIELD.match(line)
        if not match:
            continue
        name, value = match.group(1).lower(), match.group(2).strip()
        if name in _RECIPIENT_FIELDS and name in current.fields and _has_recipient(current):
            blocks.append(current)
            current = RecipientStatus()
        current.fields.setdefault(name, value)
    if _has_recipient(current):
        blocks.append(current)
    return blocks[:500]


def _has_recipient(block: RecipientStatus) -> bool:
    return any(name in block.fields for name in _RECIPIENT_FIELDS)


def _unfold(text: str) -> list[str]:
    out: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t") and out and out[-1].strip():
            out[-1] += " " + line.strip()
        else:
            out.append(line)
    return out


def summarise(
    name: str, msg: ParsedMessage, blocks: list[RecipientStatus], reason: str
) -> Classification | None:
    """Turn per-recipient blocks into a Classification, or None if there are none."""
    failed = [b for b in blocks if b.action == "failed" or _is_permanent_without_action(b)]
    delayed = [b for b in blocks if b.action == "delayed" or _is_transient_without_action(b)]
    msgid, subject = find_original(msg)
    chosen = failed or delayed
    if not chosen:
        if blocks and all(b.action in ("delivered", "relayed", "expanded") for b in blocks):
            return Classification(
                kind="unrelated", classifier=name, reason=f"{reason}: success report",
                original_message_id=msgid, original_subject=subject,
            )
        return None
    first = chosen[0]
    diagnostic = first.fields.get("diagnostic-code") or first.fields.get("x-diagnostic")
    if diagnostic and ";" in diagnostic[:20]:
        diagnostic = diagnostic.split(";", 1)[1].strip()
    return Classification(
        kind="bounce",
        classifier=name,
        reason=f"{reason}: action={first.action or 'none'}",
        permanent=bool(failed),
        is_delay=not failed,
        bounced_recipients=tuple(dict.fromkeys(a for b in chosen for a in b.addresses)),
        status=first.status,
        diagnostic=diagnostic[:1000] if diagnostic else None,
        original_message_id=msgid,
        original_subject=subject,
    )


def _is_permanent_without_action(block: RecipientStatus) -> bool:
    return not block.action and (block.status or "").startswith("5")


def _is_transient_without_action(block: RecipientStatus) -> bool:
    return not block.action and (block.status or "").startswith("4")


class FeedbackReport:
    """ARF abuse/complaint reports: somebody else's spam button, not a bounce."""

    name = "arf_feedback"

    def check(self, msg: ParsedMessage) -> Classification | None:
        is_arf = msg.report_type == "feedback-report" or any(
            a.content_type == "message/feedback-report" for a in msg.attachments
        )
        if not is_arf:
            return None
        msgid, subject = find_original(msg)
        return Classification(
            kind="unrelated", classifier=self.name, reason="report-type=feedback-report",
            original_message_id=msgid, original_subject=subject,
        )


class DeliveryStatusReport:
    """RFC 3464: a message/delivery-status part (or its fields in the text)."""

    name = "rfc3464_dsn"

    def check(self, msg: ParsedMessage) -> Classification | None:
        blocks: list[RecipientStatus] = []
        for part in msg.delivery_status[:5]:
            blocks.extend(parse_delivery_status(part))
        reason = "message/delivery-status"
        if not blocks and (msg.report_type == "delivery-status" or "Final-Recipient:" in msg.text):
            # Some MTAs put the fields in the text part, or mislabel the part.
            blocks = parse_delivery_status(msg.text)
            reason = "delivery-status fields in text"
        if not blocks:
            return None
        return summarise(self.name, msg, blocks, reason)

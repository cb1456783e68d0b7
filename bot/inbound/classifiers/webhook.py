"""Delivery events sent as JSON: Amazon SES through SNS (raw message or the
SNS envelope with the event as a string in ``Message``), and the event
webhooks of SendGrid, Mailgun, Postmark, Mandrill and SparkPost when a
relay mails them to us.

Such a mail comes from a no-reply address or a relay and its text is a JSON
document; read as text it looks like a reply with odd words. A bounce or
drop event is a bounce, a deferral is a delay, a complaint is a feedback
report (unrelated), and delivery, open or click events are unrelated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from bot.inbound.classifiers.base import Classification, clean_address
from bot.inbound.parse.message import ParsedMessage, normalise_msgid

# The JSON must open the text (after at most a form-field name such as
# "mandrill_events="): a person pasting JSON writes words first.
_START_WITHIN = 80
_MAX_CHARS = 500_000
# A relay's covering note for attached events is a line or two.
_COVER_NOTE = 300
_MAX_NODES = 2_000

_BOUNCE = {"bounce", "bounced", "hard_bounce", "soft_bounce", "hardbounce", "softbounce",
           "failed", "dropped", "blocked", "reject", "rejected", "out_of_band",
           "policy_rejection", "generation_rejection", "generation_failure",
           "renderingfailure", "rendering_failure"}
_DELAY = {"deferred", "delayed", "delay", "deliverydelay", "delivery_delay", "delayed_delivery"}
_COMPLAINT = {"complaint", "complained", "spamreport", "spam_report", "spam_complaint",
              "spamcomplaint", "abuse", "feedback"}
_SUCCESS = {"delivered", "delivery", "processed", "open", "opened", "click", "clicked", "sent",
            "send", "unsubscribe", "unsubscribed", "group_unsubscribe", "group_resubscribe",
            "injection", "accepted", "subscriptionchange", "subscription", "stored"}
_EVENT_KEYS = ("notificationType", "eventType", "event", "RecordType", "recordType", "type")
_RECIPIENT_KEYS = ("emailAddress", "email", "Email", "recipient", "rcpt_to", "Recipient",
                   "address", "raw_rcpt_to")
_PERMANENT_WORDS = {"permanent", "hardbounce", "hard_bounce", "hard"}
_TRANSIENT_WORDS = {"transient", "temporary", "softbounce", "soft_bounce", "soft", "undetermined"}
_WORD = re.compile(r"[a-z_]+")
_SENDMAIL_CUT = re.compile(r"!\r?\n ")
# A failure record with no event name (SendGrid's bounce list): an SMTP code.
_SMTP_FAILURE = re.compile(r"^\s*([45])(\d\d|\.\d{1,3}\.\d{1,3})\b")
_STATUS_CODE = re.compile(r"\b[245]\.\d{1,3}\.\d{1,3}\b")


def _documents(text: str) -> Iterator[Any]:
    """JSON values found at the first few ``{`` or ``[`` near the top."""
    decoder = json.JSONDecoder()
    # Sendmail cuts lines over 990 characters with "!" + newline + space, in
    # the middle of a JSON string; SNS sends the event as one long line.
    text = _SENDMAIL_CUT.sub("", text[:_MAX_CHARS])
    start = 0
    for _ in range(4):
        positions = [p for p in (text.find("{", start), text.find("[", start)) if p >= 0]
        if not positions or min(positions) > _START_WITHIN:
            return
        pos = min(positions)
        try:
            value, _end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):  # not JSON, or nested beyond reason
            start = pos + 1
            continue
        yield value
        return


def _json_texts(msg: ParsedMessage) -> list[str]:
    """The text when JSON opens it; else, under a short covering note, the
    attached ``.json`` files (a relay that attaches the events)."""
    text = msg.text.lstrip()
    if "{" in text[:_START_WITHIN] or "[" in text[:_START_WITHIN]:
        return [text]
    if len(text) > _COVER_NOTE:
        return []
    return [
        a.data[:_MAX_CHARS].decode("utf-8", errors="replace").lstrip()
        for a in msg.attachments[:5]
        if a.content_type.lower() == "application/json"
        or a.filename_display.lower().endswith(".json")
    ]


def _walk(value: Any, budget: list[int], depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in ``value``, decoding JSON held in strings (the SNS envelope)."""
    if depth > 8 or budget[0] <= 0:
        return
    budget[0] -= 1
    if isinstance(value, str):
        stripped = value.strip()
        if stripped[:1] in ("{", "[") and len(stripped) < _MAX_CHARS:
            try:
                inner = json.loads(stripped)
            except (ValueError, RecursionError):
                return
            yield from _walk(inner, budget, depth + 1)
        return
    if isinstance(value, list):
        for item in value[:500]:
            yield from _walk(item, budget, depth + 1)
        return
    if isinstance(value, dict):
        yield value
        for item in value.values():
            if isinstance(item, (dict, list, str)):
                yield from _walk(item, budget, depth + 1)


def _event_name(obj: dict[str, Any]) -> str:
    for key in _EVENT_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and value:
            return value.strip().lower().replace("-", "_").replace(" ", "_")
    # No event name, but a recipient with an SMTP failure code: a bounce
    # list entry ({"email": ..., "status": "550", "reason": "550 ..."}).
    status = obj.get("status")
    if _recipients_here(obj) and isinstance(status, (str, int)):
        code = _SMTP_FAILURE.match(str(status))
        if code:
            return "bounce" if code.group(1) == "5" else "deferred"
    return ""


def _recipients_here(obj: dict[str, Any]) -> bool:
    return any(isinstance(obj.get(key), str) and "@" in obj[key] for key in _RECIPIENT_KEYS)


def _recipients(obj: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for key in _RECIPIENT_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and (address := clean_address(value)):
            found.append(address)
    for key in ("bouncedRecipients", "delayedRecipients", "recipients"):
        items = obj.get(key)
        if isinstance(items, list):
            for item in items[:500]:
                if isinstance(item, dict):
                    found.extend(_recipients(item))
                elif isinstance(item, str) and (address := clean_address(item)):
                    found.append(address)
    for key in ("bounce", "deliveryDelay", "msg", "message_event", "event-data"):
        inner = obj.get(key)
        if isinstance(inner, dict):
            found.extend(_recipients(inner))
    return found


def _flat(obj: dict[str, Any]) -> str:
    """The object's scalar values (one level of nesting), lowercased, for hints."""
    parts: list[str] = []
    for value in obj.values():
        if isinstance(value, dict):
            parts.extend(str(v) for v in value.values() if not isinstance(v, (dict, list)))
        elif not isinstance(value, list):
            parts.append(str(value))
    return " ".join(parts).lower()


def _original(objects: list[dict[str, Any]]) -> tuple[str | None, str | None]:
    """Our Message-ID and subject, when the event carries the sent headers."""
    for obj in objects:
        for key in ("commonHeaders", "headers"):
            headers = obj.get(key)
            if isinstance(headers, dict):
                msgid = headers.get("messageId") or headers.get("message-id")
                subject = headers.get("subject") or obj.get("subject")
                if isinstance(msgid, str) and "@" in msgid:
                    return normalise_msgid(msgid), subject if isinstance(subject, str) else None
    return None, None


class WebhookNotification:
    """A mail whose text is a JSON delivery event (SES/SNS and webhook relays)."""

    name = "json_delivery_event"

    def check(self, msg: ParsedMessage) -> Classification | None:
        objects: list[dict[str, Any]] = []
        for text in _json_texts(msg):
            for document in _documents(text):
                objects.extend(_walk(document, [_MAX_NODES]))
        if not objects:
            return None
        events = [(obj, _event_name(obj)) for obj in objects]
        events = [(obj, name) for obj, name in events if name]
        names = {name for _, name in events}
        if not names & (_BOUNCE | _DELAY | _COMPLAINT | _SUCCESS):
            return None
        msgid, subject = _original(objects)
        failed = [obj for obj, name in events if name in _BOUNCE]
        delayed = [obj for obj, name in events if name in _DELAY]
        if not failed and not delayed:
            what = "complaint" if names & _COMPLAINT else "success"
            return Classification(
                kind="unrelated", classifier=self.name, reason=f"JSON {what} event",
                original_message_id=msgid, original_subject=subject,
            )
        chosen = failed or delayed
        # Words, not substrings: "soft" is in every "Microsoft" diagnostic.
        hints = set(_WORD.findall(" ".join(_flat(obj) for obj in chosen)))
        permanent = bool(failed) and (bool(hints & _PERMANENT_WORDS)
                                      or not hints & _TRANSIENT_WORDS)
        recipients = tuple(dict.fromkeys(a for obj in chosen for a in _recipients(obj)))
        status = next((s for obj in chosen for s in _status_of(obj)), None)
        return Classification(
            kind="bounce", classifier=self.name,
            reason=f"JSON {'bounce' if failed else 'delay'} event "
                   f"({', '.join(sorted(names))[:80]})",
            permanent=permanent, is_delay=not failed,
            bounced_recipients=recipients, status=status,
            diagnostic=_diagnostic(chosen),
            original_message_id=msgid, original_subject=subject,
        )


def _status_of(obj: dict[str, Any]) -> Iterator[str]:
    match = _STATUS_CODE.search(json.dumps(obj)[:20_000])
    if match:
        yield match.group(0)


def _diagnostic(objects: list[dict[str, Any]]) -> str | None:
    for obj in objects:
        for inner in _walk(obj, [50]):
            for key in ("diagnosticCode", "diag", "reason", "Details", "raw_reason",
                        "description", "message", "response"):
                value = inner.get(key)
                if isinstance(value, str) and value.strip():
                    return value.strip()[:1000]
    return None

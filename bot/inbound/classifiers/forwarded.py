"""A person forwarding a bounce ("Fwd: Returned mail", "TR: Non remis",
"RV: No se puede entregar", "Fwd: Недоставленное сообщение",
"إعادة توجيه: غير قابل للتسليم", "转发：系统退信"), inline or attached.

Such a mail comes from a real person at a mission, so the daemon rules do
not see it, and read as text it reads like a reply. When the forwarder's own
words answer nothing (empty, "FYI", "pour information") it is a bounce
notice: recorded, never an answer or a delegation. When they do answer ("we
will attend, write to this address instead") it stays a reply.

A forwarded bounce is second-hand: it says that somebody's message failed,
not necessarily ours, so it is recorded with ``permanent=False`` and never
marks an invitation bounced on its own.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import (
    SCAN_CHARS,
    Classification,
    find_original,
    has_null_return_path,
    is_daemon_sender,
)
from bot.inbound.classifiers.bounce_text import (
    BODY_WORDS as _BODY,
)
from bot.inbound.classifiers.bounce_text import (
    MTA_SIGNATURE as _SIGNATURE,
)
from bot.inbound.classifiers.bounce_text import (
    STATUS_CODE as _STATUS_CODE,
)
from bot.inbound.classifiers.bounce_text import (
    SUBJECT_WORDS as _SUBJECT,
)
from bot.inbound.classifiers.bounce_text import (
    find_failed_recipients,
    report_section,
)
from bot.inbound.classifiers.lexicon import (
    DAEMON_FROM,
    FORWARD_MARKER,
    FORWARD_PREFIX,
    QUOTED_FROM,
    QUOTED_SUBJECT,
    REPLY_PREFIX,
    has_answer_words,
)
from bot.inbound.parse.message import EmbeddedMessage, ParsedMessage

# Attachments that carry an answer of their own (a note verbale, a scan).
# (An Outlook item, application/vnd.ms-outlook, is the forwarded mail itself.)
_ANSWER_ATTACHMENT = re.compile(
    r"^(application/(pdf|msword|rtf|vnd\.(?!ms-outlook))|image/)", re.IGNORECASE
)


# Letters in the forwarder's own words beyond "FYI" / "Pour information".
_NOTE_CHARS = 40


def _strip_prefixes(subject: str) -> str:
    for _ in range(5):
        match = FORWARD_PREFIX.match(subject) or REPLY_PREFIX.match(subject)
        if not match:
            break
        subject = subject[match.end():]
    return subject.strip()


def _embedded_bounce(embedded: EmbeddedMessage) -> bool:
    daemon = bool(DAEMON_FROM.search(embedded.from_addr))
    subject = _SUBJECT.search(embedded.subject) is not None
    body = bool(_BODY.search(embedded.text[:SCAN_CHARS]) or _SIGNATURE.search(embedded.text))
    return (daemon and (subject or body)) or (subject and body)


def _copy_is_bounce(subject: str, copy: str) -> str | None:
    """Why the forwarded copy is a bounce notice, or None."""
    head = copy[:3000]
    quoted_from = QUOTED_FROM.search(head)
    daemon = bool(quoted_from and DAEMON_FROM.search(quoted_from.group(1)))
    quoted_subject = QUOTED_SUBJECT.search(head)
    subject_hit = bool(_SUBJECT.search(subject)) or bool(
        quoted_subject and _SUBJECT.search(quoted_subject.group(1))
    )
    signature = _SIGNATURE.search(copy) is not None
    body = _BODY.search(copy) is not None
    if signature and (daemon or subject_hit):
        return "mta signature in the forwarded copy"
    if (daemon or subject_hit) and body:
        return "forwarded " + ("daemon notice" if daemon else "failure notice")
    return None


class ForwardedBounce:
    """A person's forward of a bounce, with no answer of their own."""

    name = "forwarded_bounce"

    def check(self, msg: ParsedMessage) -> Classification | None:
        submitted = (msg.header("auto-submitted") or "no").strip().lower()
        if (is_daemon_sender(msg) or has_null_return_path(msg) or not submitted.startswith("no")
                or msg.header("x-failed-recipients") is not None):
            return None  # a machine's own notice is text_bounce's, not a person's forward
        text = msg.text[:SCAN_CHARS]
        prefixed = FORWARD_PREFIX.match(msg.subject) is not None
        marker = FORWARD_MARKER.search(text)
        if not (prefixed or marker or msg.embedded):
            return None
        subject = _strip_prefixes(msg.subject)
        why = None
        for embedded in msg.embedded[:3]:
            if _embedded_bounce(embedded):
                why = "forwarded bounce attached"
        mixed = ""
        if marker is not None:
            own, copy = text[: marker.start()], text[marker.start():]
        elif prefixed and why is None:
            # Pasted with no header block: the person's words, if any, are
            # mixed with the bounce's; read them up to the original's copy
            # (whose invitation text would say "to attend").
            own, copy = "", text
            mixed = report_section(msg)
        else:
            own, copy = text, ""
        if why is None and copy:
            why = _copy_is_bounce(subject, copy)
        if (why is None and prefixed and _SUBJECT.search(subject)
                and len(re.sub(r"\W+", "", text)) <= _NOTE_CHARS):
            # "Fw: Undeliverable: ..." with the bounce attached as an item we
            # cannot read (.msg) and no words of the forwarder's own.
            why = "forwarded bounce subject, nothing else said"
        if why is None:
            return None
        if has_answer_words(own or mixed) or any(
            _ANSWER_ATTACHMENT.match(a.content_type) for a in msg.attachments[:20]
        ):
            return None  # the forwarder answers too: a reply for the matcher
        # A note with the forward ("the Ambassador's new address is ...") is
        # not an answer, but a person may want to read it.
        note = len(re.sub(r"\W+", "", own)) > _NOTE_CHARS
        status = _STATUS_CODE.search(copy)
        msgid, original_subject = find_original(msg)
        return Classification(
            kind="bounce", classifier=self.name, reason=why,
            permanent=False, is_delay=False,
            bounced_recipients=tuple(find_failed_recipients(msg, copy or text)),
            status=status.group(0) if status else None,
            original_message_id=msgid, original_subject=original_subject or subject or None,
            flags=("forwarded_with_note",) if note else (),
        )

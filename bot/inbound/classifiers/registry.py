"""Classify a parsed inbound message: bounce, auto_reply, reply or unrelated.

Classifiers run in the order of ``CLASSIFIERS`` (Mailman-rules style); the
first that answers wins. Bounces come first because they also carry
auto-reply headers; feedback reports come before them because they are
``multipart/report`` too but never mean a failed delivery.

Delay DSNs (Action: delayed) are ``kind="bounce"`` with ``is_delay=True``
and ``permanent=False``: record them, but only a permanent bounce marks an
invitation ``bounced``. A ``reply`` goes on to the matcher, which decides
whether it answers an invitation; ``auto_reply`` and ``bounce`` go to the
matcher too (by original Message-ID and recipient); ``unrelated`` stops here.

Issue 17's families sit where they protect something: JSON delivery events
(SES over SNS, webhook relays) before the no-reply rule that would call them
unrelated noise; a person's forward of a bounce before ``text_bounce``,
which trusts only daemons; list-manager refusals before ``newsletter``
(they carry List-* headers); text receipts and challenge-response filters
with the auto-replies; phishing just before ``human_reply``. A
classification may carry ``flags`` (``suspect_phishing`` on a reply kept
for a person to look at, ``forwarded_with_note`` on a forwarded bounce).

``classify`` never raises: a classifier that fails is skipped and named in
the result's reason.
"""

from __future__ import annotations

import dataclasses

from bot.inbound.classifiers.autoreply import AutoReplyHeaders, OutOfOffice
from bot.inbound.classifiers.base import Classification, Classifier, Kind
from bot.inbound.classifiers.bounce_text import TextBounce
from bot.inbound.classifiers.dsn import DeliveryStatusReport, FeedbackReport
from bot.inbound.classifiers.forwarded import ForwardedBounce
from bot.inbound.classifiers.human import HumanReply, Newsletter, NoReplySender, Spam
from bot.inbound.classifiers.list_notice import ListNotice
from bot.inbound.classifiers.phishing import Phishing
from bot.inbound.classifiers.receipts import ReceiptOrChallenge
from bot.inbound.classifiers.webhook import WebhookNotification
from bot.inbound.parse.message import ParsedMessage

__all__ = ["CLASSIFIERS", "Classification", "Classifier", "Kind", "classify"]

CLASSIFIERS: tuple[Classifier, ...] = (
    FeedbackReport(),
    DeliveryStatusReport(),
    WebhookNotification(),
    ForwardedBounce(),
    TextBounce(),
    ListNotice(),
    AutoReplyHeaders(),
    ReceiptOrChallenge(),
    OutOfOffice(),
    Newsletter(),
    Spam(),
    Phishing(),
    NoReplySender(),
    HumanReply(),
)


def classify(
    msg: ParsedMessage, classifiers: tuple[Classifier, ...] = CLASSIFIERS
) -> Classification:
    """The first classifier's answer; never raises."""
    failures: list[str] = []
    for classifier in classifiers:
        try:
            result = classifier.check(msg)
        except Exception as exc:
            # One broken rule must not stop intake; the others still decide.
            failures.append(f"{classifier.name}: {type(exc).__name__}")
            continue
        if result is not None:
            if failures:
                reason = f"{result.reason} (failed: {'; '.join(failures)})"
                return dataclasses.replace(result, reason=reason)
            return result
    reason = "no classifier answered" + (f" (failed: {'; '.join(failures)})" if failures else "")
    return Classification(kind="reply", classifier="none", reason=reason)

"""Automatic replies: RFC 3834 headers, vendor headers, read receipts, and
out-of-office subjects and texts in the six languages missions write in.

``X-Auto-Response-Suppress`` is deliberately not a signal: Outlook puts it
on ordinary human mail. ``Precedence: bulk|junk`` and Exchange's
``X-MS-Exchange-Inbox-Rules-Loop`` are weak: they count only together with
out-of-office wording.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import Classification, find_original
from bot.inbound.parse.message import ParsedMessage

_STRONG_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|auto[- ]?response|"
    r"automatic response|autoresponder|vacation (reply|message|notice)|\bOOO\b|"
    r"absence du bureau|r[ée]ponse automatique|message d'absence|absent du bureau|"
    r"respuesta autom[áa]tica|fuera de (la )?oficina|respuesta de ausencia|"
    r"автоматический ответ|автоответ|нет на месте|вне офиса|"
    r"رد تلقائي|رد آلي|الرد التلقائي|خارج المكتب|"
    r"自动回复|自動回覆|自動回复|不在办公室|不在辦公室|"
    r"abwesenheitsnotiz|automatische antwort",
    re.IGNORECASE,
)
_WEAK_SUBJECT = re.compile(
    r"^(away|absent|on leave|en congé|ausente|de vacaciones|в отпуске|отсутству|"
    r"إجازة|外出|休假)|away until|out until",
    re.IGNORECASE,
)
_BODY = re.compile(
    r"\bI (am|'m|will be) (currently )?(out of (the )?office|away|on (annual )?leave|"
    r"on vacation|on holiday|absent|travell?ing)|"
    r"this is an? (automatic|automated) (reply|response|message)|"
    r"je suis (actuellement )?(absente?|en congé|en déplacement)|je serai absente?|"
    r"ceci est une réponse automatique|"
    r"estoy (actualmente )?(fuera de la oficina|ausente|de vacaciones)|estaré (fuera|ausente)|"
    r"esta es una respuesta autom[áa]tica|"
    r"я (сейчас |в настоящее время )?(нахожусь в отпуске|в отпуске|отсутствую|"
    r"нахожусь вне офиса)|это автоматический ответ|"
    r"أنا (حاليا |حالياً )?خارج المكتب|سأكون خارج المكتب|هذا رد تلقائي|"
    r"我(目前|现在)?不在办公室|我正在休假|这是一封?自动回复|此为自动回复",
    re.IGNORECASE,
)
# An out-of-office text is short and says so early; a human reply that
# mentions an absence further down must stay a reply.
_BODY_WINDOW = 600
_BODY_MAX = 3000


def looks_out_of_office(msg: ParsedMessage) -> str | None:
    """Which out-of-office cue the subject or text shows, or None."""
    subject = msg.subject
    if _STRONG_SUBJECT.search(subject):
        return "subject"
    if _WEAK_SUBJECT.search(subject) and not subject.lower().startswith(("re:", "fw", "tr:")):
        return "subject (weak)"
    text = msg.text.strip()
    if len(text) <= _BODY_MAX and _BODY.search(text[:_BODY_WINDOW]):
        return "text"
    return None


def _auto_reply(name: str, msg: ParsedMessage, reason: str) -> Classification:
    msgid, subject = find_original(msg)
    return Classification(
        kind="auto_reply", classifier=name, reason=reason,
        original_message_id=msgid, original_subject=subject,
    )


class AutoReplyHeaders:
    """RFC 3834 ``Auto-Submitted`` and the vendor headers that mean the same."""

    name = "auto_reply_headers"

    def check(self, msg: ParsedMessage) -> Classification | None:
        submitted = (msg.header("auto-submitted") or "").strip().lower()
        if submitted and not submitted.startswith("no"):
            return _auto_reply(self.name, msg, f"Auto-Submitted: {submitted[:40]}")
        for name in ("x-autoreply", "x-autorespond", "x-autoresponder", "x-auto-reply"):
            value = msg.header(name)
            if value is not None and value.strip().lower() not in ("no", "false", "0"):
                return _auto_reply(self.name, msg, f"{name} present")
        precedence = (msg.header("precedence") or "").strip().lower()
        if precedence == "auto_reply":
            return _auto_reply(self.name, msg, "Precedence: auto_reply")
        if msg.report_type == "disposition-notification":
            return _auto_reply(self.name, msg, "read receipt (disposition-notification)")
        return None


class OutOfOffice:
    """Out-of-office wording, alone or backed by a weak header."""

    name = "out_of_office"

    def check(self, msg: ParsedMessage) -> Classification | None:
        cue = looks_out_of_office(msg)
        if cue is None:
            return None
        weak = []
        if (msg.header("precedence") or "").strip().lower() in ("bulk", "junk"):
            weak.append("Precedence")
        if msg.header("x-ms-exchange-inbox-rules-loop") is not None:
            weak.append("X-MS-Exchange-Inbox-Rules-Loop")
        reason = f"out-of-office {cue}" + (f" + {', '.join(weak)}" if weak else "")
        return _auto_reply(self.name, msg, reason)

"""Bounces without a delivery-status part: qmail, Exim, Exchange, Domino,
Yahoo, Gmail, Postfix without a report, and the many "Returned mail" texts.

A message is such a bounce when a daemon sent it (MAILER-DAEMON, postmaster,
or an empty Return-Path) and its subject or text says delivery failed, or
when its text carries an unmistakable MTA signature. The failed recipient
is read from the text before the copy of the original message.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import (
    ADDRESS,
    SCAN_CHARS,
    Classification,
    excluded_addresses,
    find_original,
    has_null_return_path,
    is_daemon_sender,
    local_part,
)
from bot.inbound.classifiers.dsn import parse_delivery_status, summarise
from bot.inbound.parse.message import ParsedMessage

_SUBJECT = re.compile(
    r"undeliver|undelivered|not delivered|non[- ]?deliver|delivery (status|failure|failed|"
    r"has failed|notification|report|problem)|mail delivery failed|failure notice|"
    r"returned mail|returning message|could not be delivered|mail system error|"
    r"delivery failure|message delivery has failed|delayed mail|could not send message|"
    r"error sending your mail|bounce notification|mail failure|delivery status|"
    r"message you sent blocked|"
    r"недоставлен|не доставлено|не может быть доставлено|"
    r"non remis|non distribuable|échec de (la )?remise|no se pudo entregar|no entregado|"
    r"未能投递|退信|投递失败|"
    r"配信できません|メールエラー|配送エラー",
    re.IGNORECASE,
)

# Texts only MTAs write; enough on their own, whoever the sender is.
_SIGNATURE = re.compile(
    r"This is the qmail-send program|"
    r"This message was created automatically by mail delivery software|"
    r"I'm sorry to have to inform you that your message could not|"
    r"Delivery to the following recipients? failed|"
    r"did not reach the following recipient|"
    r"Your message did not reach some or all of the intended recipients|"
    r"The following message to <[^>]+> was undeliverable|"
    r"Delivery has failed to these recipients or groups|"
    r"Sorry, we were unable to deliver your message|"
    r"Unable to deliver message to the following address|"
    r"was not delivered to:|"
    r"Delivery to the following recipient failed permanently|"
    r"There was an error delivering your mail to|"
    r"----- Transcript of session follows -----",
    re.IGNORECASE,
)

_BODY = re.compile(
    r"could not be delivered|undeliverable|delivery (has )?failed|permanent(ly)? (error|fail)|"
    r"user unknown|unknown user|no such user|mailbox (is )?(unavailable|full|not found)|"
    r"recipient address rejected|address(es)? failed|was rejected|returned to sender|"
    r"failed permanently|Failure Reasons|not listed in|delivery status notification|"
    r"\b5\.\d\.\d{1,3}\b|\b55[0-4][ -]|"
    r"не может быть доставлено|送信に失敗|配信できません|undeliverable mail|"
    r"invalid (user|recipient)|rejected by",
    re.IGNORECASE,
)

_DELAY = re.compile(
    r"delayed mail|could not send message for past|will (continue to )?(re)?try|"
    r"still being retried|has not yet been delivered|delivery (has been |is )?delayed|"
    r"delivery status notification \(delay\)",
    re.IGNORECASE,
)

_ORIGINAL_MARK = re.compile(
    r"^(?:[-=*_ #>]*(?:below this line is a copy|this is a copy of|original message|"
    r"returned message|the header of the original|included is a copy|copy of the message|"
    r"bounced e-?mail|message header follows|unsent message below)"
    r"|Received: |Return-path: )",
    re.IGNORECASE | re.MULTILINE,
)

_ANCHOR = re.compile(
    r"following (recipient|address|destination)|not delivered to|could not be delivered to|"
    r"undeliverable to|address(es)? failed|failed recipient|recipient address|"
    r"target mail address|RCPT TO|unknown user|user unknown|Failure Reasons|did not reach|"
    r"failed permanently|not listed|送信に失敗|получателям|recipients? (was|were) rejected|"
    r"delivering your mail to|delivery problems|could not be delivered to|no valid recipients",
    re.IGNORECASE,
)
_QMAIL_RECIPIENT = re.compile(r"^<([^<>\s]+@[^<>\s]+)>:\s*$", re.MULTILINE)
_QUOTED_TO = re.compile(r"^[ \t>]*To:[ \t]*(.{1,500})$", re.IGNORECASE | re.MULTILINE)
_STATUS_CODE = re.compile(r"\b[245]\.\d{1,3}\.\d{1,3}\b")
_SMTP_LINE = re.compile(r"^.*\b[45]\d\d[ -].*$|^.*\b[45]\.\d\.\d{1,3}\b.*$", re.MULTILINE)


def report_section(msg: ParsedMessage) -> str:
    """The bounce's own words: the text up to the copy of the original."""
    text = msg.text[:SCAN_CHARS]
    match = _ORIGINAL_MARK.search(text, 1)
    return text[: match.start()] if match else text


def find_failed_recipients(msg: ParsedMessage, section: str) -> list[str]:
    """Failed recipients named in a bounce text, best guess first."""
    failed = msg.header("x-failed-recipients")
    if failed:
        found = [a.lower() for a in ADDRESS.findall(failed)]
        if found:
            return found
    excluded = excluded_addresses(msg)

    def usable(addr: str) -> bool:
        addr = addr.lower().strip(".")
        return addr not in excluded and local_part(addr).lower() not in (
            "mailer-daemon", "postmaster",
        )

    qmail = [a.lower() for a in _QMAIL_RECIPIENT.findall(section) if usable(a)]
    if qmail:
        return list(dict.fromkeys(qmail))
    anchor = _ANCHOR.search(section)
    if anchor:
        # After an anchor even postmaster@ is the recipient, not a contact.
        after = [a.lower().strip(".") for a in ADDRESS.findall(section[anchor.start():])]
        chosen = [a for a in after if a not in excluded]
        if chosen:
            return chosen[:1]
    candidates = [a.lower().strip(".") for a in ADDRESS.findall(section) if usable(a)]
    originals = {a for e in msg.embedded[:3] for a in e.to}
    preferred = [a for a in candidates if a in originals]
    if preferred or candidates:
        return (preferred or candidates)[:1]
    if originals - excluded:
        return sorted(originals - excluded)[:1]
    # Last resort: the To line of the original quoted after the report.
    quoted = _QUOTED_TO.search(msg.text[len(section) : len(section) + SCAN_CHARS])
    if quoted:
        found = [a.lower() for a in ADDRESS.findall(quoted.group(1)) if usable(a)]
        return found[:1]
    return []


class TextBounce:
    """A bounce recognised by its sender, subject and wording."""

    name = "text_bounce"

    def check(self, msg: ParsedMessage) -> Classification | None:
        subject = msg.subject
        daemon = is_daemon_sender(msg) or has_null_return_path(msg)
        # Most replies stop here, before the long signature search.
        if subject.lower().startswith(("fw:", "fwd:", "tr:", "re:")) and not daemon:
            return None
        section = report_section(msg)
        signature = _SIGNATURE.search(section) is not None
        subject_hit = _SUBJECT.search(subject) is not None
        body_hit = _BODY.search(section) is not None
        if not (signature or (daemon and (subject_hit or body_hit)) or (subject_hit and body_hit)):
            return None
        blocks = parse_delivery_status(msg.text) if "Final-Recipient:" in msg.text else []
        if blocks and (found := summarise(self.name, msg, blocks, "delivery-status fields")):
            return found
        delay = bool(_DELAY.search(subject) or _DELAY.search(section)) and not re.search(
            r"permanent", section, re.IGNORECASE
        )
        status = _STATUS_CODE.search(section)
        smtp = _SMTP_LINE.search(section)
        msgid, original_subject = find_original(msg)
        why = "mta signature" if signature else ("daemon sender" if daemon else "wording")
        return Classification(
            kind="bounce",
            classifier=self.name,
            reason=f"{why}; subject={'y' if subject_hit else 'n'}",
            permanent=not delay,
            is_delay=delay,
            bounced_recipients=tuple(find_failed_recipients(msg, section)),
            status=status.group(0) if status else None,
            diagnostic=smtp.group(0).strip()[:1000] if smtp else None,
            original_message_id=msgid,
            original_subject=original_subject,
        )

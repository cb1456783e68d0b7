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
from bot.inbound.classifiers.lexicon import (
    BOUNCE_BODY_L10N,
    BOUNCE_DELAY_L10N,
    BOUNCE_SUBJECT_L10N,
    FORWARD_PREFIX,
    REPLY_PREFIX,
    has_answer_words,
)
from bot.inbound.parse.message import ParsedMessage

_SUBJECT = re.compile(
    r"undeliver|undelivered|not delivered|non[- ]?deliver|delivery (status|failure|failed|"
    r"has failed|notification|report|problem)|mail delivery failed|failure notice|"
    r"returned mail|returning message|could not be delivered|mail system error|"
    r"delivery failure|message delivery has failed|delayed mail|could not send (message|mail)|"
    r"error sending your mail|bounce notification|mail failure|delivery status|"
    r"message you sent blocked|address not found|^NDN:|(could not|unable to|cannot|can't) "
    r"deliver|(couldn't|wasn't|was not) (be )?delivered|message not delivered|bounced (mail|"
    r"message|e-?mail)|(mail|message) (delivery )?deferred|delivery (has been )?delayed|"
    r"message delayed|"
    r"warning: message .{1,40} delayed|delay(ed)? notification|errors from|"
    r"не может быть доставлено|" + BOUNCE_SUBJECT_L10N,
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
    r"----- Transcript of session follows -----|"
    r"Transcript of session follows\.|"
    r"THIS IS A WARNING MESSAGE ONLY|DELAYS IN DELIVERING YOUR MESSAGE|"
    r"running the Courier mail server|This is an automatically generated Delivery Status|"
    r"not listed in (the )?(Domino Directory|public Name & Address Book)|"
    r"non répertorié dans l'annuaire Domino|no se encuentra en el Directorio de Domino|"
    r"votre courrier n'a pas pu être (transmis|remis|distribué)|"
    r"A message that you sent has not yet been delivered to one or more",
    re.IGNORECASE,
)

_BODY = re.compile(
    r"could not be delivered|undeliverable|delivery (has )?failed|permanent(ly)? (error|fail)|"
    r"user unknown|unknown user|no such user|mailbox (is )?(unavailable|full|not found)|"
    r"recipient address rejected|address(es)? failed|was rejected|returned to sender|"
    r"failed permanently|Failure Reasons|not listed in|delivery status notification|"
    r"\b5\.\d\.\d{1,3}\b|\b55[0-4][ -]|"
    r"не может быть доставлено|送信に失敗|配信できません|undeliverable mail|"
    r"invalid (user|recipient)|rejected by|not (been )?accepted for|not yet been delivered|"
    r"temporary problem delivering|message not delivered|" + BOUNCE_BODY_L10N,
    re.IGNORECASE,
)
# From a daemon, any of these is enough whatever the layout: a mailer
# daemon does not write to us about anything but its deliveries.
_DAEMON_WORDS = re.compile(
    r"not (be |been |yet been )?(delivered|accepted|deliverable|sent|relayed)|undeliver|"
    r"rejected|refused|discarded|disabled|failed|failure|returned|bounced?|delay|retry|"
    r"retrying|recipient|(does|may) not exist|not have permission|no such|unknown|errors?\b|"
    r"timed out|could not|unable to|"
    + BOUNCE_BODY_L10N,
    re.IGNORECASE,
)

_DELAY = re.compile(
    r"delayed mail|could not send (message|mail) for past|will (continue to )?(re)?try|"
    r"still being retried|has not yet been delivered|delivery (has been |is )?delayed|"
    r"delivery status notification \(delay\)|warning message only|delay reason|"
    r"temporary problem delivering|not yet been delivered|message delayed|"
    r"delays in delivering|" + BOUNCE_DELAY_L10N,
    re.IGNORECASE,
)
# What makes a notice final even when it talks about retrying.
_FINAL = re.compile(
    r"permanent(ly)? (error|failure|fatal)|failed permanently|permanent fatal errors|"
    r"(have|has) been (given up|discarded)|giving up|gave up|\b5\.\d\.\d{1,3}\b",
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

# Shared with forwarded_bounce, which reads the same words in a forwarded copy.
SUBJECT_WORDS, MTA_SIGNATURE, BODY_WORDS, STATUS_CODE = _SUBJECT, _SIGNATURE, _BODY, _STATUS_CODE


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


def _daemon_texts(msg: ParsedMessage) -> list[str]:
    """The notice's text, and a small text attachment when the body is empty
    (some daemons put the whole report in ``details.txt``)."""
    texts = [msg.text[:SCAN_CHARS]]
    if not msg.text.strip():
        texts += [a.data[:SCAN_CHARS].decode("utf-8", errors="replace")
                  for a in msg.attachments[:3]
                  if a.content_type.startswith("text/") and a.size < 200_000]
    return texts


class TextBounce:
    """A bounce recognised by its sender, subject and wording."""

    name = "text_bounce"

    def check(self, msg: ParsedMessage) -> Classification | None:
        subject = msg.subject
        daemon = is_daemon_sender(msg) or has_null_return_path(msg)
        # Most replies stop here, before the long signature search; a
        # person's forward of a bounce is forwarded_bounce's to judge.
        if not daemon and (REPLY_PREFIX.match(subject) or FORWARD_PREFIX.match(subject)):
            return None
        section = report_section(msg)
        if not section.strip():
            section = "\n".join(_daemon_texts(msg))[:SCAN_CHARS]
        signature = _SIGNATURE.search(section) is not None
        subject_hit = _SUBJECT.search(subject) is not None
        # The body's words matter only from a daemon or under a bounce subject:
        # most replies skip the longest search.
        body_hit = (daemon or subject_hit) and _BODY.search(section) is not None
        # A daemon's own notice with an unusual layout: failure words anywhere
        # in its text (some put the original's headers first).
        # (A display name such as "System Administrator" can be a person's:
        # one who answers the invitation is not a daemon.)
        daemon_words = daemon and is_daemon_sender(msg) and any(
            _DAEMON_WORDS.search(text) for text in _daemon_texts(msg)
        ) and not has_answer_words(section)
        if not (signature or (daemon and (subject_hit or body_hit)) or (subject_hit and body_hit)
                or daemon_words):
            return None
        if not daemon and has_answer_words(section):
            # A person who mentions a failed delivery and answers in the same
            # words is talking to us: the reply must reach the matcher.
            return None
        blocks = parse_delivery_status(msg.text) if "Final-Recipient:" in msg.text else []
        if blocks and (found := summarise(self.name, msg, blocks, "delivery-status fields")):
            return found
        delay = bool(_DELAY.search(subject) or _DELAY.search(section)) and not _FINAL.search(
            section
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

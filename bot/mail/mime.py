"""MIME bytes for outbound mail, built with the fast legacy (compat32) classes.

Decides the shape of every message invitebot writes: text/plain, with a
text/html alternative when there is one, with the attachments in a
multipart/mixed around them; bodies quoted-printable UTF-8, attachments
base64, CRLF line ends. ``email.message.EmailMessage`` does the same at
five times the CPU (it parses back every header it is given), which a
1,000-mission plan feels. Header values must already be single lines
(``compose.one_line``); non-ASCII text is RFC 2047-encoded here.
"""

from __future__ import annotations

from email import charset, encoders, policy
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import formataddr
from typing import cast

CRLF_COMPAT = policy.compat32.clone(linesep="\r\n")
_UTF8_QP = charset.Charset("utf-8")
_UTF8_QP.body_encoding = charset.QP
# Base64 for headers: "shortest" measures the QP length character by
# character, which costs more than the rest of the message.
_UTF8_QP.header_encoding = charset.BASE64


def address(name: str, addr: str) -> str:
    """``Name <addr>`` with the name quoted or encoded as needed (ASCII result)."""
    return formataddr((name, addr), charset="utf-8")


def header_value(value: str) -> str | Header:
    return value if value.isascii() else Header(value, _UTF8_QP)


def attachment(filename: str, maintype: str, subtype: str, data: bytes) -> MIMEBase:
    part: MIMEBase
    if maintype == "application":
        part = MIMEApplication(data, _subtype=subtype)
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(data)
        encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def _text(text: str, subtype: str) -> MIMENonMultipart:
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, _UTF8_QP)
    return part


def build(headers: list[tuple[str, str]], text: str, html: str | None,
          attachments: list[MIMEBase]) -> bytes:
    """The message bytes: ``headers`` (name, one-line value) on top of the body parts."""
    body: Message = _text(text, "plain")
    if html is not None:
        body = MIMEMultipart("alternative", _subparts=[body, _text(html, "html")])
    if attachments:
        body = MIMEMultipart("mixed", _subparts=[body, *attachments])
    for name, value in headers:
        # compat32 folds Header objects itself; typeshed only knows str here.
        body[name] = cast(str, header_value(value))
    return body.as_bytes(policy=CRLF_COMPAT)

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

import base64
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


# A word longer than this cannot be folded as it stands (RFC 5322 folds at
# white space only), so such text is sent as encoded words, which can be.
# 75 is RFC 2047's longest encoded word, so ours pass through unchanged.
_FOLDABLE_WORD = 75
# UTF-8 bytes per encoded word: base64 of 45 bytes is 60 characters, so a
# word with its =?utf-8?b?…?= frame fits a 78-character line.
_WORD_BYTES = 45
# Up to this length a name stays one encoded word, as ``formataddr`` writes it.
_ONE_WORD_LIMIT = 200


def _foldable(text: str) -> bool:
    return text.isascii() and all(len(word) <= _FOLDABLE_WORD for word in text.split())


def encoded_words(text: str) -> str:
    """``text`` as RFC 2047 base64 words of at most 75 characters, separated by spaces.

    Words break after a space where one is near, and always on a character
    boundary, so each decodes on its own and readers that follow RFC 2047
    (which drops the space between encoded words) see the text unchanged.
    """
    chunks: list[str] = []
    chunk = ""
    for char in text:
        if len((chunk + char).encode("utf-8")) > _WORD_BYTES:
            cut = chunk.rfind(" ") + 1 or len(chunk)
            chunks.append(chunk[:cut])
            chunk = chunk[cut:]
        chunk += char
    if chunk:
        chunks.append(chunk)
    return " ".join(f"=?utf-8?b?{base64.b64encode(c.encode('utf-8')).decode()}?="
                    for c in chunks)


def address(name: str, addr: str) -> str:
    """``Name <addr>`` with the name quoted or encoded as needed (ASCII, foldable result).

    ``formataddr`` writes a non-ASCII name as one encoded word, which no
    mailer can fold: a 300-character name became an 800-character line. A
    name too long for one short line is written as several encoded words.
    """
    if not name or _foldable(name):
        return formataddr((name, addr))
    single = formataddr((name, addr), charset="utf-8")
    if len(single) <= _ONE_WORD_LIMIT:
        return single
    return f"{encoded_words(name)} <{addr}>"


def header_value(value: str) -> str | Header:
    return value if _foldable(value) else Header(value, _UTF8_QP)


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

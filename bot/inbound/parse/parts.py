"""Reading one MIME part without trusting it: headers, payload, charset, file name.

Every accessor here survives what ``email`` raises on hostile input and
notes what went wrong in the ``Walk`` (the state of one parse), never
raising itself. :mod:`bot.inbound.parse.message` walks the tree with them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import policy
from email.message import Message

from bot.inbound.parse.mimetext import (
    clean_header,
    decode_bytes,
    decode_words,
    repair_surrogates,
    sanitise_filename,
)
from bot.inbound.parse.parsed import EmbeddedMessage, Headers, Limits, ParsedAttachment

MAX_HEADERS = 1000
MAX_HEADER_CHARS = 16_384
MAX_POLICY_CHARS = 2048
MAX_POLICY_PARSES = 32
MAX_TEXT_CHARS = 2_000_000


@dataclass
class Walk:
    """Mutable state while walking the MIME tree."""

    limits: Limits
    flags: list[str] = field(default_factory=list)
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    embedded: list[EmbeddedMessage] = field(default_factory=list)
    delivery_status: list[str] = field(default_factory=list)
    parts: int = 0
    depth: int = 0

    def flag(self, name: str) -> None:
        if name not in self.flags:
            self.flags.append(name)


def headers(msg: Message, walk: Walk | None = None) -> Headers:
    """Decoded (name, value) pairs: policy.default for encoded words, the
    compat32 decoder when it fails or the value is too long for it."""
    out: list[tuple[str, str]] = []
    budget = [MAX_POLICY_PARSES]
    for i, (name, value) in enumerate(msg.raw_items()):
        if i >= MAX_HEADERS:
            if walk:
                walk.flag("too_many_headers")
            break
        decoded = decode_value(str(name), str(value), walk, budget)
        out.append((clean_header(str(name), 200), decoded))
    return tuple(out)


def decode_value(name: str, value: str, walk: Walk | None, budget: list[int]) -> str:
    if len(value) > MAX_HEADER_CHARS:
        if walk:
            walk.flag("header_too_long")
        value = value[:MAX_HEADER_CHARS]
    if "=?" not in value:
        return clean_header(value)
    # policy.default's header parser is quadratic in the value's length, so
    # it only sees short ASCII values, and only so many per message.
    if len(value) <= MAX_POLICY_CHARS and value.isascii() and budget[0] > 0:
        budget[0] -= 1
        try:
            return clean_header(str(policy.default.header_fetch_parse(name, value)))
        except Exception:
            if walk:
                walk.flag("header_fallback")
    return clean_header(decode_words(repair_surrogates(value)))


def payload(part: Message) -> list[Message | str] | str:
    """The undecoded payload; get_payload() itself can raise on a bad charset."""
    try:
        payload = part.get_payload()
    except Exception:
        # compat32 keeps the source text (or the subparts) here.
        payload = getattr(part, "payload", "")
    if isinstance(payload, str):
        return payload
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message | str)]
    return ""


def content_type(part: Message) -> str:
    try:
        return clean_header(part.get_content_type(), 200).lower()
    except Exception:
        return "application/octet-stream"


def payload_bytes(part: Message, walk: Walk | None) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        if walk:
            walk.flag("payload_error")
        data = None
    if isinstance(data, bytes):
        return data
    raw = payload(part)
    if isinstance(raw, str):
        return raw.encode("utf-8", errors="surrogateescape")
    return b""


def decode(part: Message, data: bytes, walk: Walk | None) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text, fallback = decode_bytes(data, charset)
    if fallback and charset and walk:
        walk.flag("charset_fallback")
    return text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n")


def filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        param = part.get_param("name", header="content-type")
        name = param if isinstance(param, str) else None
    return sanitise_filename(decode_words(name) if name else None)


def raw_values(msg: Message, name: str) -> list[str]:
    """Undecoded header values: encoded words stay intact, so commas inside
    display names cannot split addresses."""
    lname = name.lower()
    return [
        clean_header(str(v)) for k, v in msg.raw_items() if str(k).lower() == lname
    ][:50]

"""Parse one raw inbound message into a bounded, decoded ``ParsedMessage``.

This stage decides nothing about meaning: it turns bytes from the inbound
store into addresses, a subject, body text, attachments and the raw parts a
bounce carries (delivery-status fields, the embedded original's headers).
It never raises: whatever goes wrong is recorded in ``flags`` and parsing
continues as far as is safe. The result goes to :mod:`bot.inbound.classifiers.registry`,
then to the matcher and the reader.

The MIME tree is split with the compat32 policy and header values are
decoded with ``policy.default`` (short values with encoded words), falling
back to compat32's decoder when it raises: policy.default's header parser is
quadratic, and it runs on every Content-Type while the tree is split.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import parsedate_to_datetime

from bot.inbound.parse.mimetext import (
    MSGID,
    addr_list,
    addr_pairs,
    clean_header,
    decode_bytes,
    decode_words,
    html_to_text,
    normalise_msgid,
    repair_surrogates,
    sanitise_filename,
)
from bot.inbound.parse.parsed import (
    EmbeddedMessage,
    Headers,
    Limits,
    ParsedAttachment,
    ParsedMessage,
)
from bot.inbound.parse.rawlimits import CTYPE_LINE, bound_raw, cut_at

__all__ = [
    "EmbeddedMessage",
    "Limits",
    "ParsedAttachment",
    "ParsedMessage",
    "normalise_msgid",
    "parse_message",
]

DEFAULT_LIMITS = Limits()
MAX_HEADERS = 1000
MAX_HEADER_CHARS = 16_384
MAX_POLICY_CHARS = 2048
MAX_POLICY_PARSES = 32
MAX_TEXT_CHARS = 2_000_000


@dataclass
class _Walk:
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


def parse_message(raw: bytes, limits: Limits = DEFAULT_LIMITS) -> ParsedMessage:
    """Parse ``raw`` within ``limits``; never raises."""
    flags: list[str] = []
    try:
        return _parse(bytes(raw), limits, flags)
    except Exception as exc:
        flags.append(f"parse_error:{type(exc).__name__}")
    try:
        return _parse_headers_only(bytes(raw)[: limits.max_message_bytes], flags)
    except Exception as exc:
        flags.append(f"parse_error:{type(exc).__name__}")
        return ParsedMessage(size=len(raw), flags=tuple(flags))


def _parse(raw: bytes, limits: Limits, flags: list[str]) -> ParsedMessage:
    size = len(raw)
    raw = bound_raw(raw, limits, flags)
    try:
        msg = _parse_structure(raw)
    except RecursionError:
        # The stdlib parser recurses once per nesting level.
        flags.append("too_deep")
        raw = cut_at(raw, CTYPE_LINE, limits.max_depth + 1)
        msg = _parse_structure(raw)
    walk = _Walk(limits=limits, flags=flags)
    if msg.defects:
        walk.flag("defects")
    headers = _headers(msg, walk)
    _walk(msg, walk)
    return _build(msg, headers, walk, size)


def _parse_structure(raw: bytes) -> Message:
    """The MIME tree, parsed with compat32: policy.default would run its
    quadratic header parser on every Content-Type while splitting parts
    (a 470 kB header took two minutes); headers are decoded later, bounded."""
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def _headers(msg: Message, walk: _Walk | None = None) -> Headers:
    """Decoded (name, value) pairs: policy.default for encoded words, the
    compat32 decoder when it fails or the value is too long for it."""
    out: list[tuple[str, str]] = []
    budget = [MAX_POLICY_PARSES]
    for i, (name, value) in enumerate(msg.raw_items()):
        if i >= MAX_HEADERS:
            if walk:
                walk.flag("too_many_headers")
            break
        decoded = _decode_value(str(name), str(value), walk, budget)
        out.append((clean_header(str(name), 200), decoded))
    return tuple(out)


def _decode_value(name: str, value: str, walk: _Walk | None, budget: list[int]) -> str:
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


def _walk(root: Message, walk: _Walk) -> None:
    """Visit parts depth-first with an explicit stack, within the limits."""
    stack: list[tuple[Message, int, bool]] = [(root, 0, False)]
    while stack:
        part, depth, in_embedded = stack.pop()
        walk.parts += 1
        if walk.parts > walk.limits.max_parts:
            walk.flag("too_many_parts")
            return
        walk.depth = max(walk.depth, depth)
        if part.defects:
            walk.flag("defects")
        ctype = _content_type(part)
        payload = _payload(part)
        if isinstance(payload, list):
            if depth >= walk.limits.max_depth:
                walk.flag("too_deep")
                continue
            if ctype == "message/delivery-status":
                walk.delivery_status.append(_blocks_text(payload))
                continue
            children = [p for p in payload if isinstance(p, Message)]
            if ctype == "message/rfc822" or ctype == "message/global":
                for child in children[:1]:
                    walk.embedded.append(_embedded(child))
                in_embedded = True
            stack.extend((c, depth + 1, in_embedded) for c in reversed(children))
            continue
        _leaf(part, ctype, walk, in_embedded, is_root=depth == 0)


def _leaf(part: Message, ctype: str, walk: _Walk, in_embedded: bool, is_root: bool) -> None:
    data = _payload_bytes(part, walk)
    disposition = (part.get_content_disposition() or "").lower()
    filename = _filename(part)
    is_text = ctype in ("text/plain", "text/html") or ctype.startswith("text/")
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        walk.delivery_status.append(_decode(part, data, walk))
        return
    looks_like_message = "received" in part or ("message-id" in part and "from" in part)
    if not (is_root or in_embedded) and looks_like_message:
        # A part whose headers are a message's (Received:, Message-ID:) is a
        # quoted original without its message/rfc822 wrapper, seen in bounces.
        walk.embedded.append(_embedded_from_headers(_headers(part), _decode(part, data, walk)))
        return
    if ctype in ("text/rfc822-headers", "text/global-headers") or (
        ctype in ("message/rfc822", "message/global") and disposition != "attachment"
    ):
        walk.embedded.append(_embedded_from_text(_decode(part, data, walk)))
        return
    if is_text and disposition != "attachment" and not filename and not in_embedded:
        text = _decode(part, data, walk)
        if ctype == "text/html":
            walk.html.append(text)
        elif ctype == "text/plain" or not walk.plain:
            walk.plain.append(text)
        return
    if is_text and in_embedded and disposition != "attachment" and not filename:
        return
    if ctype.startswith("multipart/"):
        # A multipart whose boundary was lost: its raw text is the best body left.
        walk.flag("defects")
        if not in_embedded:
            walk.plain.append(_decode(part, data, walk))
        return
    _attachment(part, ctype, data, disposition, filename, walk)


def _attachment(
    part: Message, ctype: str, data: bytes, disposition: str, filename: str, walk: _Walk
) -> None:
    size = len(data)
    if size > walk.limits.max_attachment_bytes:
        walk.flag("attachment_too_large")
        kept = b""
    else:
        kept = data
    walk.attachments.append(
        ParsedAttachment(
            filename_display=filename,
            content_type=ctype,
            size=size,
            sha256=hashlib.sha256(data).hexdigest(),
            data=kept,
            is_inline=disposition == "inline" or (not disposition and "content-id" in part),
        )
    )


def _payload(part: Message) -> list[Message | str] | str:
    """The undecoded payload; get_payload() itself can raise on a bad charset."""
    try:
        payload = part.get_payload()
    except Exception:
        # compat32 keeps the source text (or the subparts) here.
        payload = getattr(part, "_payload", "")
    if isinstance(payload, str):
        return payload
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message | str)]
    return ""


def _content_type(part: Message) -> str:
    try:
        return clean_header(part.get_content_type(), 200).lower()
    except Exception:
        return "application/octet-stream"


def _payload_bytes(part: Message, walk: _Walk | None) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        if walk:
            walk.flag("payload_error")
        data = None
    if isinstance(data, bytes):
        return data
    raw = _payload(part)
    if isinstance(raw, str):
        return raw.encode("utf-8", errors="surrogateescape")
    return b""


def _decode(part: Message, data: bytes, walk: _Walk | None) -> str:
    try:
        charset = part.get_content_charset()
    except Exception:
        charset = None
    text, fallback = decode_bytes(data, charset)
    if fallback and charset and walk:
        walk.flag("charset_fallback")
    return text[:MAX_TEXT_CHARS].replace("\r\n", "\n").replace("\r", "\n")


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        param = part.get_param("name", header="content-type")
        name = param if isinstance(param, str) else None
    return sanitise_filename(decode_words(name) if name else None)


def _blocks_text(blocks: list[Message | str]) -> str:
    """Rebuild the text of a message/delivery-status part from its field blocks."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Message):
            out.extend(f"{k}: {clean_header(str(v))}" for k, v in block.raw_items())
            # A field folded without indentation ends the parsed headers; the
            # rest of the block (often Status and Action) is left as payload.
            rest = _payload(block)
            if isinstance(rest, str) and rest.strip():
                out.append(repair_surrogates(rest[:MAX_TEXT_CHARS]).replace("\r\n", "\n"))
            out.append("")
    return "\n".join(out)


def _embedded(child: Message) -> EmbeddedMessage:
    headers = _headers(child)
    text = ""
    for sub in (child, *_first_texts(child)):
        if _content_type(sub) == "text/plain" and not isinstance(_payload(sub), list):
            text = _decode(sub, _payload_bytes(sub, None), None)
            break
    return _embedded_from_headers(headers, text)


def _first_texts(msg: Message) -> list[Message]:
    payload = _payload(msg)
    if isinstance(payload, list):
        return [p for p in payload[:5] if isinstance(p, Message)]
    return []


def _embedded_from_text(text: str) -> EmbeddedMessage:
    head, _, body = text.replace("\r\n", "\n").lstrip("\n").partition("\n\n")
    headers = _headers(HeaderParser(policy=policy.compat32).parsestr(head + "\n\n"))
    return _embedded_from_headers(headers, body[:MAX_TEXT_CHARS])


def _embedded_from_headers(headers: Headers, text: str) -> EmbeddedMessage:
    def first(name: str) -> str:
        return next((v for k, v in headers if k.lower() == name), "")

    return EmbeddedMessage(
        headers=headers,
        message_id=normalise_msgid(first("message-id")),
        subject=first("subject"),
        from_addr=next(iter(addr_list([first("from")])), ""),
        to=addr_list([v for k, v in headers if k.lower() == "to"]),
        text=text,
    )


def _raw_values(msg: Message, name: str) -> list[str]:
    """Undecoded header values: encoded words stay intact, so commas inside
    display names cannot split addresses."""
    lname = name.lower()
    return [
        clean_header(str(v)) for k, v in msg.raw_items() if str(k).lower() == lname
    ][:50]


def _date(msg: Message, headers: Headers) -> datetime | None:
    value = next((v for k, v in headers if k.lower() == "date"), None)
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        # RFC 5322 "-0000": the zone is unknown; UTC is the honest reading.
        parsed = parsed.replace(tzinfo=UTC)
    try:
        # Stages compare timestamps; one zone (UTC) keeps that honest.
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _build(msg: Message, headers: Headers, walk: _Walk, size: int) -> ParsedMessage:
    def first(name: str) -> str | None:
        return next((v for k, v in headers if k.lower() == name), None)

    from_pairs = addr_pairs(_raw_values(msg, "from"), need_at=False)
    from_name, from_addr = from_pairs[0] if from_pairs else ("", "")
    refs = " ".join(_raw_values(msg, "references"))
    text = "\n\n".join(t for t in walk.plain if t.strip())
    html = "\n".join(walk.html) if walk.html else None
    if not text.strip() and html:
        text = html_to_text(html)
    try:
        report_type = str(msg.get_param("report-type", "") or "").lower()
    except Exception:
        report_type = ""
    return ParsedMessage(
        message_id=normalise_msgid(first("message-id")),
        in_reply_to=normalise_msgid(" ".join(_raw_values(msg, "in-reply-to"))),
        references=tuple(MSGID.findall(refs))[:200],
        from_addr=from_addr,
        from_name=clean_header(decode_words(from_name), 500),
        reply_to=addr_list(_raw_values(msg, "reply-to")),
        to=addr_list(_raw_values(msg, "to")),
        cc=addr_list(_raw_values(msg, "cc")),
        delivered_to=addr_list(
            _raw_values(msg, "delivered-to") + _raw_values(msg, "x-original-to")
        ),
        subject=first("subject") or "",
        date=_date(msg, headers),
        headers=headers,
        text=text[:MAX_TEXT_CHARS],
        html=html[:MAX_TEXT_CHARS] if html else None,
        attachments=tuple(walk.attachments),
        embedded=tuple(walk.embedded),
        delivery_status=tuple(walk.delivery_status),
        content_type=_content_type(msg),
        report_type=report_type,
        parts_count=walk.parts,
        depth=walk.depth,
        size=size,
        flags=tuple(walk.flags),
    )


def _parse_headers_only(raw: bytes, flags: list[str]) -> ParsedMessage:
    """Last resort after the MIME parser failed: headers plus the raw body as text."""
    head, _, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    msg = BytesParser(policy=policy.compat32).parsebytes(head + b"\n\n", headersonly=True)
    headers = _headers(msg)
    walk = _Walk(limits=Limits(), flags=flags)
    walk.plain.append(decode_bytes(body[:MAX_TEXT_CHARS], None)[0])
    walk.parts = 1
    return _build(msg, headers, walk, len(raw))

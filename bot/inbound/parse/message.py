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
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser, HeaderParser
from email.utils import parsedate_to_datetime

from bot.inbound.parse import htmlbody, parts
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
    walk = parts.Walk(limits=limits, flags=flags)
    if msg.defects:
        walk.flag("defects")
    headers = parts.headers(msg, walk)
    _walk(msg, walk)
    return _build(msg, headers, walk, size)


def _parse_structure(raw: bytes) -> Message:
    """The MIME tree, parsed with compat32: policy.default would run its
    quadratic header parser on every Content-Type while splitting parts
    (a 470 kB header took two minutes); headers are decoded later, bounded."""
    return BytesParser(policy=policy.compat32).parsebytes(raw)


def _walk(root: Message, walk: parts.Walk) -> None:
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
        ctype = parts.content_type(part)
        payload = parts.payload(part)
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


def _leaf(part: Message, ctype: str, walk: parts.Walk, in_embedded: bool, is_root: bool) -> None:
    data = parts.payload_bytes(part, walk)
    disposition = (part.get_content_disposition() or "").lower()
    filename = parts.filename(part)
    is_text = ctype in ("text/plain", "text/html") or ctype.startswith("text/")
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        walk.delivery_status.append(parts.decode(part, data, walk))
        return
    looks_like_message = "received" in part or ("message-id" in part and "from" in part)
    if not (is_root or in_embedded) and looks_like_message:
        # A part whose headers are a message's (Received:, Message-ID:) is a
        # quoted original without its message/rfc822 wrapper, seen in bounces.
        walk.embedded.append(_embedded_from_headers(parts.headers(part),
                                                    parts.decode(part, data, walk)))
        return
    if ctype in ("text/rfc822-headers", "text/global-headers") or (
        ctype in ("message/rfc822", "message/global") and disposition != "attachment"
    ):
        walk.embedded.append(_embedded_from_text(parts.decode(part, data, walk)))
        return
    if is_text and disposition != "attachment" and not filename and not in_embedded:
        text = parts.decode(part, data, walk)
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
            walk.plain.append(parts.decode(part, data, walk))
        return
    _attachment(part, ctype, data, disposition, filename, walk)


def _attachment(
    part: Message, ctype: str, data: bytes, disposition: str, filename: str, walk: parts.Walk
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


def _blocks_text(blocks: list[Message | str]) -> str:
    """Rebuild the text of a message/delivery-status part from its field blocks."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Message):
            out.extend(f"{k}: {clean_header(str(v))}" for k, v in block.raw_items())
            # A field folded without indentation ends the parsed headers; the
            # rest of the block (often Status and Action) is left as payload.
            rest = parts.payload(block)
            if isinstance(rest, str) and rest.strip():
                out.append(repair_surrogates(rest[:parts.MAX_TEXT_CHARS]).replace("\r\n", "\n"))
            out.append("")
    return "\n".join(out)


def _embedded(child: Message) -> EmbeddedMessage:
    headers = parts.headers(child)
    text = ""
    for sub in (child, *_first_texts(child)):
        if parts.content_type(sub) == "text/plain" and not isinstance(parts.payload(sub), list):
            text = parts.decode(sub, parts.payload_bytes(sub, None), None)
            break
    return _embedded_from_headers(headers, text)


def _first_texts(msg: Message) -> list[Message]:
    payload = parts.payload(msg)
    if isinstance(payload, list):
        return [p for p in payload[:5] if isinstance(p, Message)]
    return []


def _embedded_from_text(text: str) -> EmbeddedMessage:
    head, _, body = text.replace("\r\n", "\n").lstrip("\n").partition("\n\n")
    headers = parts.headers(HeaderParser(policy=policy.compat32).parsestr(head + "\n\n"))
    return _embedded_from_headers(headers, body[:parts.MAX_TEXT_CHARS])


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


def _build(msg: Message, headers: Headers, walk: parts.Walk, size: int) -> ParsedMessage:
    def first(name: str) -> str | None:
        return next((v for k, v in headers if k.lower() == name), None)

    from_pairs = addr_pairs(parts.raw_values(msg, "from"), need_at=False)
    from_name, from_addr = from_pairs[0] if from_pairs else ("", "")
    refs = " ".join(parts.raw_values(msg, "references"))
    text = "\n\n".join(t for t in walk.plain if t.strip())
    html = "\n".join(walk.html) if walk.html else None
    plain = ""
    if not text.strip() and html:
        text = html_to_text(html)
    elif html and not walk.delivery_status and htmlbody.has_data_table(html):
        # The plain alternative flattens the table (columns lost); the HTML
        # rendered row by row keeps them. The plain text is kept for the
        # token matcher, in case a client left the token out of the HTML.
        from_html = html_to_text(html)
        if from_html.strip():
            plain, text = text, from_html
    try:
        report_type = str(msg.get_param("report-type", "") or "").lower()
    except Exception:
        report_type = ""
    return ParsedMessage(
        message_id=normalise_msgid(first("message-id")),
        in_reply_to=normalise_msgid(" ".join(parts.raw_values(msg, "in-reply-to"))),
        references=tuple(MSGID.findall(refs))[:200],
        from_addr=from_addr,
        from_name=clean_header(decode_words(from_name), 500),
        reply_to=addr_list(parts.raw_values(msg, "reply-to")),
        to=addr_list(parts.raw_values(msg, "to")),
        cc=addr_list(parts.raw_values(msg, "cc")),
        delivered_to=addr_list(
            parts.raw_values(msg, "delivered-to") + parts.raw_values(msg, "x-original-to")
        ),
        subject=first("subject") or "",
        date=_date(msg, headers),
        headers=headers,
        text=text[:parts.MAX_TEXT_CHARS],
        plain_text=plain[:parts.MAX_TEXT_CHARS],
        html=html[:parts.MAX_TEXT_CHARS] if html else None,
        attachments=tuple(walk.attachments),
        embedded=tuple(walk.embedded),
        delivery_status=tuple(walk.delivery_status),
        content_type=parts.content_type(msg),
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
    headers = parts.headers(msg)
    walk = parts.Walk(limits=Limits(), flags=flags)
    walk.plain.append(decode_bytes(body[:parts.MAX_TEXT_CHARS], None)[0])
    walk.parts = 1
    return _build(msg, headers, walk, len(raw))

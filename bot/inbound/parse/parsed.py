"""The parsed form of an inbound message, shared by every later stage.

Produced only by :func:`bot.inbound.parse.message.parse_message`; frozen, and every
sequence is a tuple, so a stage cannot change what the next one reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Limits:
    """Bounds on untrusted input (DESIGN hard rule 6)."""

    max_message_bytes: int = 25 * 1024 * 1024
    max_parts: int = 200
    max_depth: int = 10
    max_attachment_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class ParsedAttachment:
    """One attachment; ``filename_display`` is for people, never a path."""

    filename_display: str
    content_type: str
    size: int
    sha256: str
    data: bytes
    is_inline: bool


@dataclass(frozen=True)
class EmbeddedMessage:
    """Headers (and text) of an attached message/rfc822 or text/rfc822-headers part."""

    headers: Headers
    message_id: str | None
    subject: str
    from_addr: str
    to: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ParsedMessage:
    """Everything later stages read from a message; sequences are tuples."""

    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    from_addr: str = ""
    from_name: str = ""
    reply_to: tuple[str, ...] = ()
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    delivered_to: tuple[str, ...] = ()
    subject: str = ""
    date: datetime | None = None
    headers: Headers = ()
    text: str = ""
    html: str | None = None
    # The text/plain alternative when ``text`` was rendered from an HTML table
    # instead (see bot.inbound.parse.htmlbody); empty otherwise.
    plain_text: str = ""
    attachments: tuple[ParsedAttachment, ...] = ()
    embedded: tuple[EmbeddedMessage, ...] = ()
    delivery_status: tuple[str, ...] = ()
    content_type: str = "text/plain"
    report_type: str = ""
    parts_count: int = 0
    depth: int = 0
    size: int = 0
    flags: tuple[str, ...] = ()

    def header(self, name: str) -> str | None:
        """First value of header ``name`` (case-insensitive), or None."""
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)

    def header_all(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.headers if k.lower() == lname]

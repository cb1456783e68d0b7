"""Bound raw message bytes before the stdlib parser sees them.

The stdlib parser's time and memory grow with the number of lines, parts,
nesting levels and header lengths (its parameter parser is quadratic in a
header's length). These cuts keep all of them within :class:`Limits`; each
cut adds a flag, and :mod:`bot.inbound.parse.message` parses what is left.
"""

from __future__ import annotations

import re

from bot.inbound.parse.parsed import Limits

MAX_FIELD_BYTES = 32_768
MAX_LINES = 600_000

_BOUNDARY_DECL = re.compile(rb"""boundary\s*=\s*"?([^";\r\n]{1,200})""", re.IGNORECASE)
CTYPE_LINE = re.compile(rb"^content-type\s*:", re.IGNORECASE | re.MULTILINE)
# A header-like line and its folded continuation lines.
_FIELD = re.compile(rb"^[!-9;-~]{1,100}:[^\n]*\n(?:[ \t][^\n]*\n)*", re.MULTILINE)
_DASH_LINE = re.compile(rb"^--([^\r\n]{0,202})", re.MULTILINE)


def bound_raw(raw: bytes, limits: Limits, flags: list[str]) -> bytes:
    """Cut the raw bytes so the stdlib parser's time and memory stay bounded."""
    if len(raw) > limits.max_message_bytes:
        flags.append("too_large")
        raw = raw[: limits.max_message_bytes]
    if raw.count(b"\n") > MAX_LINES:
        flags.append("too_many_lines")
        raw = cut_at(raw, re.compile(rb"\n"), MAX_LINES)
    raw = _cut_long_fields(raw, flags)
    # Each declared boundary or Content-Type is a potential part; cutting after
    # a generous multiple of max_parts keeps a 10,000-part bomb cheap.
    budget = limits.max_parts * 2 + 10
    if len(CTYPE_LINE.findall(raw)) > budget:
        flags.append("too_many_parts")
        raw = cut_at(raw, CTYPE_LINE, budget)
    boundaries = {m.group(1).strip() for m in _BOUNDARY_DECL.finditer(raw)}
    if boundaries:
        count = 0
        for match in _DASH_LINE.finditer(raw):
            tail = match.group(1).rstrip()
            if tail in boundaries or (tail.endswith(b"--") and tail[:-2] in boundaries):
                count += 1
                if count > budget:
                    if "too_many_parts" not in flags:
                        flags.append("too_many_parts")
                    raw = raw[: match.start()]
                    break
    return raw


def _cut_long_fields(raw: bytes, flags: list[str]) -> bytes:
    """Shorten header fields over MAX_FIELD_BYTES: the stdlib's parameter
    parser (even compat32's) is quadratic in a header's length."""
    long_spans = [m.span() for m in _FIELD.finditer(raw) if m.end() - m.start() > MAX_FIELD_BYTES]
    if not long_spans:
        return raw
    flags.append("header_too_long")
    pieces: list[bytes] = []
    pos = 0
    for start, end in long_spans[:10_000]:
        field = raw[start : start + MAX_FIELD_BYTES]
        cut = field.rfind(b"\n")
        kept = field[: cut + 1] if cut > 0 else field + b"\r\n"
        pieces.extend((raw[pos:start], kept))
        pos = end
    pieces.append(raw[pos:])
    return b"".join(pieces)


def cut_at(raw: bytes, pattern: re.Pattern[bytes], n: int) -> bytes:
    """Return ``raw`` up to the start of the n-th match of ``pattern``."""
    for i, match in enumerate(pattern.finditer(raw), start=1):
        if i >= n:
            return raw[: match.start()]
    return raw

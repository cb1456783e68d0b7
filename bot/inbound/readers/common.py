"""Types shared by the attachment readers: limits, the result, and the per-call context.

A reader turns bytes of one format into an ``AttachmentText``; it never raises on
bad input but flags it, so the read stage can hand doubtful text to a human.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

# Flags a reader may set; each one also means needs_review.
ENCRYPTED = "encrypted"
UNREADABLE = "unreadable"
UNSUPPORTED = "unsupported"
TOO_MANY_PAGES = "too_many_pages"
TOO_MANY_PIXELS = "too_many_pixels"
TOO_LARGE = "too_large"
TIMEOUT = "timeout"
ZIP_TOO_LARGE = "zip_too_large"
ZIP_TOO_DEEP = "zip_too_deep"
LOW_CONFIDENCE = "low_confidence"
MISSING_LANGUAGE = "missing_language"

MB = 1024 * 1024


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on the work one attachment may cause (hard rule 6: untrusted input is bounded)."""

    max_pages: int = 30
    max_pixels: int = 40_000_000
    page_timeout_s: float = 60.0
    total_timeout_s: float = 300.0
    max_zip_total: int = 50 * MB
    max_zip_members: int = 100
    max_zip_depth: int = 2
    max_input_bytes: int = 30 * MB
    # Address-space cap for poppler and tesseract children; they parse hostile files.
    max_child_memory: int = 2048 * MB


@dataclass
class AttachmentText:
    """What an attachment says, how it was read, and whether a human should look."""

    text: str
    engine: str
    pages: int = 0
    flags: list[str] = field(default_factory=list)
    needs_review: bool = False
    error: str | None = None

    def flag(self, name: str, error: str | None = None) -> None:
        """Record a problem once; every problem means a human should look."""
        if name not in self.flags:
            self.flags.append(name)
        self.needs_review = True
        if error and not self.error:
            self.error = error


def document_text(lines: Sequence[str], engine: str) -> AttachmentText:
    """A document's text from its lines in order; one with no text is flagged."""
    text = "\n".join(lines).strip()
    result = AttachmentText(text=text, engine=engine, pages=1)
    if not text:
        result.flag(UNREADABLE, "document has no text")
    return result


def failed(flag: str, error: str, engine: str = "none") -> AttachmentText:
    """A result with no text, for input that could not be read at all."""
    result = AttachmentText(text="", engine=engine)
    result.flag(flag, error)
    return result


@dataclass
class Deadline:
    """The wall-clock budget shared by everything one ``read_attachment`` call starts."""

    at: float

    @classmethod
    def after(cls, seconds: float) -> Deadline:
        return cls(time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def timeout(self, per_step: float) -> float:
        """The timeout for one subprocess: its own limit, cut to what is left overall."""
        return max(0.0, min(per_step, self.remaining()))


# Re-entry point for containers (ZIP): read one member with the shared context.
ReadMember = Callable[[bytes, str, str, "ReadContext"], AttachmentText]


@dataclass
class ReadContext:
    """Per-call state handed down to readers and into archive members."""

    languages: Sequence[str]
    limits: ReadLimits
    deadline: Deadline
    depth: int = 0
    # Uncompressed bytes still allowed across all (nested) archives of this call.
    zip_budget: int = 0

"""Folds recognised pages into one ``AttachmentText`` (shared by the PDF and image readers)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.inbound.readers.common import LOW_CONFIDENCE, TIMEOUT, UNREADABLE, AttachmentText
from bot.inbound.readers.ocr import PageText

# Mean word confidence under which OCR text should not be trusted without a look.
REVIEW_BELOW_CONFIDENCE = 70.0


def collect_pages(result: AttachmentText, pages: Sequence[PageText]) -> None:
    """Append OCR pages to ``result`` in order and flag what went wrong on any of them."""
    texts = [result.text] if result.text else []
    words = 0
    weighted = 0.0
    for number, page in enumerate(pages, start=1):
        if page.timed_out:
            result.flag(TIMEOUT, f"page {number}: {page.error}")
        elif page.error:
            result.flag(UNREADABLE, f"page {number}: {page.error}")
        if page.text:
            texts.append(page.text)
        words += page.words
        weighted += page.confidence * page.words
    result.pages += len(pages)
    result.text = "\n\n".join(texts)
    if words and weighted / words < REVIEW_BELOW_CONFIDENCE:
        result.flag(LOW_CONFIDENCE, f"mean OCR word confidence {weighted / words:.0f}")
    if not result.text.strip():
        result.flag(UNREADABLE, "no text recognised")

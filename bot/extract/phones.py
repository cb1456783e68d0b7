"""Find e-mail addresses and telephone numbers in a delegate's entry.

Numbers are normalised to E.164 with `phonenumbers`, using the mission's
country as the region hint and Vienna ("AT") as the fallback, because most
missions write their local Vienna numbers without a country code.  Fax
numbers are never a delegate's phone, and neither is any contact the
secretariat listed as its own (`exclude_contacts`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import phonenumbers

from bot.extract.lexicon import EXTENSION_LABELS, FAX_LABEL_RE, PHONE_LABEL_RE

EMAIL_RE: Final = re.compile(
    r"[A-Za-z0-9._%+\-]+\s?@\s?[A-Za-z0-9\-]+(?:\s?\.\s?[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"
)
# Something that could be a phone number: optional "+", then digits with the
# usual separators.  Arabic-Indic digits count; phonenumbers reads them.
_DIGIT = r"[0-9\u0660-\u0669\u06F0-\u06F9]"
PHONE_RE: Final = re.compile(
    rf"(?<![\w/.])(?:\+|00)?\s?\(?{_DIGIT}[{_DIGIT[1:-1]}\s().\-/]{{5,22}}{_DIGIT}(?![\w/])"
)
# An extension after the number: "ext. 204", "poste 312", "доб. 204", "، الرقم الفرعي 204",
# "转 204" (the words are the lexicons' extension_labels), also after a slash or in
# parentheses ("/ ext. 312", "(ext 31)").
_EXTENSION_RE: Final = re.compile(
    rf"[ \t]*[,،\-–/]?[ \t]*\(?(?:{EXTENSION_LABELS})"
    rf"[ \t]*[:.]?[ \t]*({_DIGIT}{{1,6}})(?!{_DIGIT})",
    re.IGNORECASE,
)
# Keep the metadata's compiled patterns: re's own cache (512 patterns, shared with
# everything else) drops them between two numbers, and compiling them again is most
# of the cost of reading a number.
phonenumbers.enable_pattern_cache()
_DATE_LIKE_RE: Final = re.compile(r"^\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}$|^\d{4}[./\-]\d{1,2}")
_FALLBACK_REGION: Final = "AT"


@dataclass(frozen=True)
class Contacts:
    """Contacts found in a span of text, with where they were so callers can blank them."""

    emails: list[str]
    phones: list[str]
    spans: list[tuple[int, int]]
    # How many of the secretariat's own contacts were there: the entry is ours.
    excluded: int = 0


def normalise_email(raw: str) -> str:
    return re.sub(r"\s+", "", raw).strip(".").lower()


def normalise_phone(raw: str, region: str | None = None) -> str | None:
    """Return `raw` as E.164, or None when it is not a plausible phone number."""
    digits = unicodedata.normalize("NFKC", raw)
    digits = re.sub(r"\(0\)", "", re.sub(r"\s+", " ", digits))
    if sum(ch.isdigit() for ch in digits) < 7:
        return None
    regions = [r for r in (region, _FALLBACK_REGION) if r]
    best: str | None = None
    for hint in regions:
        try:
            number = phonenumbers.parse(digits, hint.upper())
        except phonenumbers.NumberParseException:
            continue
        formatted: str = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number):
            return formatted
        if best is None and phonenumbers.is_possible_number(number):
            best = formatted
    return best


@functools.lru_cache(maxsize=1024)
def contact_key(raw: str, region: str | None = None) -> str:
    """A comparable form of an e-mail or phone, for the exclusion list (kept: the
    same few secretariat contacts are asked for on every line of every reply)."""
    if "@" in raw:
        return normalise_email(raw)
    return normalise_phone(raw, region) or re.sub(r"\D", "", raw)


def find_contacts(text: str, region: str | None, exclude: Iterable[str] = ()) -> Contacts:
    """Find e-mails and non-fax phones in `text`, skipping excluded contacts."""
    excluded = {contact_key(item, region) for item in exclude}
    emails: list[str] = []
    phones: list[str] = []
    hits = 0
    spans: list[tuple[int, int]] = []
    for match in EMAIL_RE.finditer(text):
        spans.append(match.span())
        email = normalise_email(match.group())
        hits += email in excluded
        if email not in excluded and email not in emails:
            emails.append(email)
    masked = EMAIL_RE.sub(lambda m: " " * len(m.group()), text)
    for match in PHONE_RE.finditer(masked):
        raw = match.group().strip()
        if _DATE_LIKE_RE.match(raw) or not _looks_dialled(raw):
            continue
        spans.append(match.span())
        if _is_fax(masked, match.start()):
            continue
        phone = normalise_phone(raw, region)
        extension = _EXTENSION_RE.match(masked, match.end())
        if extension:
            spans.append(extension.span())
        hits += phone in excluded
        if phone and phone not in excluded:
            # RFC 3966 spelling, so the desk officer still dials the right person.
            ext = "".join(str(unicodedata.digit(ch, 0)) if ch.isdigit() else ch
                          for ch in extension.group(1)) if extension else ""
            phone = f"{phone};ext={ext}" if extension else phone
            if phone not in phones:
                phones.append(phone)
    return Contacts(emails=emails, phones=phones, spans=spans, excluded=hits)


def _looks_dialled(raw: str) -> bool:
    # Reference numbers ("CU 2009/33") and years are not phones: a phone starts
    # with "+", "00" or a trunk "0", or is long enough to be a local number.
    stripped = raw.lstrip("(")
    digits = sum(ch.isdigit() for ch in unicodedata.normalize("NFKC", raw))
    return stripped.startswith(("+", "0", "٠", "۰")) or digits >= 9


def _is_fax(text: str, start: int) -> bool:
    # The label closest before the number decides: "Tel: ..., Fax: ..." on one line.
    line_start = max(text.rfind("\n", 0, start), 0)
    before = text[line_start:start]
    fax = [m.end() for m in FAX_LABEL_RE.finditer(before)]
    if not fax:
        return False
    tel = [m.end() for m in PHONE_LABEL_RE.finditer(before)]
    return max(fax) > max(tel, default=-1)

"""Extract: turn a reply's text into a decision and a delegation list.

Input is what the read stage produced: the mail body (quotes and
signatures are stripped here) and the text of each attachment (PDF text,
OCR, DOCX).  Output is an `Extraction` with a decision, delegate
candidates and confidences; the caller stores it as Response + Delegates
and sends anything below its threshold to the review queue.  Pure
functions: no database, no network.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from bot.extract.contacts import tie_contacts
from bot.extract.decision import decide, detect_amendment
from bot.extract.delegates import parse_delegates
from bot.extract.heads import head_named_apart
from bot.extract.lexicon import (
    ACCEPT_RE,
    AUTO_REPLY_RE,
    DELEGATION_CUE_RE,
    GREETING_RE,
    SELF_ATTENDANCE_RE,
    SELF_LEAD_RE,
)
from bot.extract.model import DelegateCandidate, Extraction
from bot.extract.names import name_key
from bot.extract.quotes import split_signature, strip_quoted
from bot.extract.tables import has_name_header
from bot.extract.tagged import correct_names, long_name_lines, tagged_delegates
from bot.extract.tidy import tidy

__all__ = [
    "DelegateCandidate",
    "Extraction",
    "extract_response",
    "split_signature",
    "strip_quoted",
]

# Below this, a candidate is dropped rather than sent to review: it is noise.
MIN_CANDIDATE_CONFIDENCE = 0.3
MAX_TEXT_CHARS = 50_000
MERGE_RATIO = 0.88
# Where the name tagger helps the rules: "fallback" (a reply that accepts where
# the rules found nobody); "correct" (a rank the rules took into a name the
# model reads without it); "extend" (extra names that open a line naming none
# of the rules' people).  Chosen by measurement (bench/tagger.py, 5-fold on the
# tuning part): only "fallback" gains there; the other two gain nothing since
# the rules read ranks in names, and cost 0.2-0.5 ms per reply.
TAGGER_MODES: frozenset[str] = frozenset({"fallback"})
# The longest real names ("Excma. Sra. Dña. María Eugenia de los RÍOS BENÍTEZ")
# are a third of this; longer "names" are noise.
MAX_NAME_CHARS = 100
_CJK_RE = re.compile(r"[\u4e00-\u9fff]+")
# Characters a written name may hold besides letters and combining marks.
_NAME_PUNCTUATION = frozenset(" .,'’-·()")


def extract_response(
    body: str,
    attachments: Sequence[str] = (),
    *,
    language: str | None = None,
    region: str | None = None,
    exclude_contacts: Iterable[str] = (),
    followup: bool = False,
) -> Extraction:
    """Read the decision and the delegation from a reply and its attachments' text.

    `language` is a hint only (the lexicon covers all six languages at once);
    `region` is the mission's ISO country code, used for national phone
    numbers before the Vienna default; `exclude_contacts` are the
    secretariat's own e-mails and numbers, which never become a delegate's.
    `followup`: the reply changes a delegation already recorded ("please also
    register Mr. X"), so the names it gives need no phrase saying they form
    a delegation.
    """
    del language  # Missions mix languages; every lexicon is always consulted.
    excluded = list(exclude_contacts)
    notes: list[str] = []
    body_text, signature = _own_parts(body)
    attached = [_own_parts(text) for text in attachments if text.strip()]
    sources = [(body_text, "body")] + [(text, "attachment") for text, _ in attached]
    # Who signs each text: the mail's signature, then each attached letter's.
    signed = [(body_text, signature, "body"), *((text, sig, "attachment")
                                                for text, sig in attached)]
    everything = "\n\n".join(text for text, _ in sources)
    if AUTO_REPLY_RE.search(sources[0][0]) and not any(s == "attachment" for _, s in sources):
        return Extraction(None, 0.0, [], None, 0.0, ["looks like an automatic reply"])
    amendment = detect_amendment(everything)
    # A message that replaces or adds people speaks of a delegation too
    # ("M. B sera remplacé par Mme C").
    has_cue = bool(DELEGATION_CUE_RE.search(everything) or ACCEPT_RE.search(everything)
                   or has_name_header(everything) or amendment is not None or followup)
    delegates: list[DelegateCandidate] = []
    withdrawn: list[str] = []
    for text, source in sources:
        found = parse_delegates(text, region=region, exclude=excluded, source=source,
                                has_cue=has_cue, withdrawn=withdrawn)
        _merge(delegates, [d for d in found if _plausible_name(d.name)])
    if (not delegates and has_cue and "fallback" in TAGGER_MODES
            and decide(everything, delegates=0, amendment=detect_amendment(everything)).decision
            == "accept"):
        # A reply that accepts with no name the rules know: the statistical tagger reads it.
        for text, source in sources:
            found = tagged_delegates(text, region=region, exclude=excluded, source=source,
                                     withdrawn=withdrawn)
            _merge(delegates, [d for d in found if _plausible_name(d.name)])
        if delegates:
            notes.append("names read by the statistical tagger, no rule matched: to confirm")
    elif delegates and has_cue and TAGGER_MODES & {"extend", "correct"}:
        extra: list[DelegateCandidate] = []
        for text, source in sources:
            # Correcting reads only the lines of long names; extending, the other lines.
            lines = long_name_lines(text, delegates)
            if "correct" in TAGGER_MODES and lines:
                notes.extend(correct_names(delegates, tagged_delegates(
                    text, region=region, exclude=excluded, source=source, lines=lines)))
            if "extend" in TAGGER_MODES:
                extra += tagged_delegates(text, region=region, exclude=excluded,
                                          source=source, beside=delegates)
        if extra:
            before = len(delegates)
            _merge(delegates, [d for d in extra if _plausible_name(d.name)])
            if len(delegates) > before:
                notes.append(f"{len(delegates) - before} more names read by the statistical "
                             "tagger only: to confirm")
    if delegates and not has_cue:
        notes.append("names found but nothing says they form a delegation; dropped")
        delegates = []
    kept = [d for d in delegates if d.confidence >= MIN_CANDIDATE_CONFIDENCE]
    if len(kept) < len(delegates):
        notes.append(f"{len(delegates) - len(kept)} weak name candidates dropped")
    delegates = [d for d in _fold_mentions(kept) if not _addressee(everything, d.name)]
    for own, signs, source in signed:
        if signs and delegates and SELF_LEAD_RE.search(own):
            _signer_leads(delegates, signs, region=region, exclude=excluded, source=source)
            continue
        if delegates or not signs or not SELF_ATTENDANCE_RE.search(own):
            continue
        # "I will represent Singapore myself. My details are below.": the one
        # who signs (the mail, or a letter attached) is the delegation, with
        # the signature's contacts.
        signer = parse_delegates(signs, region=region, exclude=excluded, source=source,
                                 has_cue=True)[:1]
        delegates = [d for d in signer if _plausible_name(d.name)]
        for person in delegates:
            person.title = _signature_title(signs, person.name) or person.title
    head_named_apart(everything, delegates)
    # Contact lines apart from the list, and those below it by surname and initials
    # ("Юсупов Б. — ...", "г-на Стоянова:").
    tie_contacts(everything, delegates, region, excluded)
    if len(delegates) == 1 and amendment is None and delegates[0].role in (None, "member"):
        # A delegation of one is led by that person; a follow-up that adds
        # one person says nothing about who leads.
        delegates[0].role = "head"
    verdict = decide(everything, delegates=len(delegates), amendment=amendment)
    notes.extend(verdict.notes)
    if not verdict.accept_stated:
        # A regret or a deferral signed or followed by a contact person.
        notes.append("named as contacts: " + "; ".join(d.name for d in delegates))
        delegates = []
    decision = verdict.decision
    if decision in ("decline", "undecided") and delegates:
        notes.append(f"{decision} with named people; delegates kept for review")
    confidence = verdict.confidence
    if delegates:
        mean = sum(d.confidence for d in delegates) / len(delegates)
        confidence = min(confidence, round(mean, 2))
    elif decision == "accept" and not verdict.names_later:
        # Accepted and nobody named: a delegation the reading may have missed
        # (not when the reply says the names will follow).
        confidence = round(confidence * 0.8, 2)
    if withdrawn:
        notes.append("withdrawn or replaced: " + "; ".join(dict.fromkeys(withdrawn)))
    if not any(d.role == "head" for d in delegates) and len(delegates) > 1:
        notes.append("no head of delegation named")
    return Extraction(
        decision=decision,
        decision_confidence=verdict.confidence,
        delegates=delegates,
        amendment=amendment,
        confidence=confidence,
        notes=notes,
        withdrawn=list(dict.fromkeys(withdrawn)),
    )


_ADDRESSEE_AFTER_RE = re.compile(r"[ \t]*(?:المحترم|المحترمة|المحترمين|المحترمون)(?!\w)")


def _addressee(text: str, name: str) -> bool:
    """"السيد هانز غروبر المحترم": the name is the person the letter is written to."""
    start = text.find(name)
    while start != -1:
        if _ADDRESSEE_AFTER_RE.match(text, start + len(name)):
            return True
        start = text.find(name, start + 1)
    return False


def _signer_leads(delegates: list[DelegateCandidate], signs: str, *, region: str | None,
                  exclude: list[str], source: str) -> None:
    """"I will lead our delegation myself, accompanied by Mr. X": the one who signs heads
    the delegation (in place, first), the others named are its members."""
    signer = [d for d in parse_delegates(signs, region=region, exclude=exclude, source=source,
                                         has_cue=True)[:1] if _plausible_name(d.name)]
    if not signer or _mentioned(delegates, signer[0].name) or any(
            name_key(d.name) == name_key(signer[0].name) for d in delegates):
        return
    head = signer[0]
    head.title = _signature_title(signs, head.name) or head.title
    head.role = "head"
    for person in delegates:
        if person.role == "head":
            person.role = "member"
    delegates.insert(0, head)


def _signature_title(signature: str, name: str) -> str | None:
    """The line under the signer's name: their rank (the mission's name and the
    contacts below it are the letterhead, not the title)."""
    lines = [line.strip() for line in signature.split("\n") if line.strip()]
    at = next((i for i, line in enumerate(lines) if name in line), None)
    if at is None or at + 1 >= len(lines):
        return None
    title = lines[at + 1]
    if "@" in title or re.search(r"\d{3}|^\w{1,12}\s*[:：]", title):
        return None
    return title


def _own_parts(text: str) -> tuple[str, str | None]:
    """(what the sender wrote, their signature), quoted history cut."""
    # Upstream bounds message sizes; this bounds the work on any one text.
    own = strip_quoted(tidy(text[:MAX_TEXT_CHARS]))
    # The person greeted ("Bonjour Monsieur Gruber,") is the secretariat's.
    greeting = GREETING_RE.match(own)
    return split_signature(own[greeting.end():] if greeting else own)


def _similar(index: dict[str, DelegateCandidate], key: str) -> DelegateCandidate | None:
    # OCR misreads a letter or two ("Rajlv KUMAR"): still the same person.
    for other, candidate in index.items():
        if min(len(other), len(key)) < 6:
            continue
        # The quick ratios are upper bounds of ratio(): most pairs stop there.
        matcher = SequenceMatcher(None, other, key)
        if (matcher.real_quick_ratio() >= MERGE_RATIO and matcher.quick_ratio() >= MERGE_RATIO
                and matcher.ratio() >= MERGE_RATIO):
            return candidate
    return None


def _plausible_name(name: str) -> bool:
    # Binary junk read as text (a PNG sent as a bare message) yields "names"
    # of control characters and symbols by the hundred; every pair would
    # cost a SequenceMatcher in `_similar`.  A name is letters, marks and a
    # little punctuation; a tenth of anything else is tolerated (OCR).
    if len(name) > MAX_NAME_CHARS:
        return False
    odd = sum(
        1 for ch in name
        if not (ch.isalpha() or ch in _NAME_PUNCTUATION or unicodedata.category(ch) == "Mn")
    )
    return odd * 10 <= len(name)


def _mentioned(into: list[DelegateCandidate], name: str) -> DelegateCandidate | None:
    """The person already listed whom a shorter later mention names.

    "Mr. Mwangi will also take part", "Ms. Bergqvist's office", "M. Ben
    Salah interviendra", "林先生": every word of the mention is a word of
    one listed name (the possessive dropped), so it is that person again.
    """
    if _CJK_RE.fullmatch(name):
        # Chinese writes no spaces: "郑先生" is 郑志明.
        hits = [d for d in into if d.name.startswith(name) and len(d.name) > len(name)]
        return hits[0] if len(hits) == 1 else None
    words = set(name_key(re.sub(r"['’]s$", "", name)).split())
    if not words:
        return None
    hits = [d for d in into if _names(words, set(name_key(d.name).split()))]
    return hits[0] if len(hits) == 1 else None


def _names(mention: set[str], full: set[str]) -> bool:
    """Every word of the mention is one of the full name's, an initial its first letter
    ("АТАЕВ М.Г." names Мердан Гурбангулыевич АТАЕВ)."""
    whole = {w for w in mention if len(w) > 1}
    rest = sorted(full - whole)
    if not whole or not whole < full:
        return mention < full
    for initial in sorted(mention - whole):
        match = next((w for w in rest if w.startswith(initial)), None)
        if match is None:
            return False
        rest.remove(match)
    return True


def _fold_mentions(delegates: list[DelegateCandidate]) -> list[DelegateCandidate]:
    """Fold a short mention written before the full name into that person.

    "La délégation sera conduite par M. NGUEMA." followed by the list line
    "NGUEMA ESSOMBA Jean-Marie, ...": `_merge` only folds later mentions.
    """
    out = list(delegates)
    for candidate in delegates:
        if _CJK_RE.fullmatch(candidate.name):
            continue
        others = [d for d in out if d is not candidate]
        known = _mentioned(others, candidate.name)
        if known is None or known.confidence < candidate.confidence - 0.3:
            continue
        out.remove(candidate)
        for attr in ("honorific", "title", "email", "phone"):
            if getattr(known, attr) is None and getattr(candidate, attr) is not None:
                setattr(known, attr, getattr(candidate, attr))
        if known.role in (None, "member") and candidate.role not in (None, "member"):
            known.role = candidate.role
    return out


def _misread_contact(
    into: list[DelegateCandidate], candidate: DelegateCandidate
) -> DelegateCandidate | None:
    """The listed person whose Chinese name a contact line repeats with one character
    misread ("联系人：林慧敏女士，电话 …" under "林莹敏女士"): the same person."""
    name = candidate.name
    if not (_CJK_RE.fullmatch(name) and len(name) >= 3 and (candidate.email or candidate.phone)):
        return None
    hits = [d for d in into if len(d.name) == len(name) and d.name[0] == name[0]
            and sum(a != b for a, b in zip(d.name, name, strict=True)) == 1]
    return hits[0] if len(hits) == 1 else None


def _merge(into: list[DelegateCandidate], found: list[DelegateCandidate]) -> None:
    """Add `found` to `into`, merging people already there by normalised name."""
    index = {name_key(d.name): d for d in into}
    for candidate in found:
        key = name_key(candidate.name)
        known = (index.get(key) or _similar(index, key) or _mentioned(into, candidate.name)
                 or _misread_contact(into, candidate))
        if known is None and _CJK_RE.fullmatch(candidate.name) and len(candidate.name) < 2:
            continue  # a surname alone names nobody new
        if known is None:
            into.append(candidate)
            index[key] = candidate
            continue
        # The first sighting wins; later ones only fill gaps (body before attachment).
        for attr in ("honorific", "title", "email", "phone"):
            if getattr(known, attr) is None and getattr(candidate, attr) is not None:
                setattr(known, attr, getattr(candidate, attr))
        if known.role in (None, "member") and candidate.role not in (None, "member"):
            known.role = candidate.role
        known.confidence = max(known.confidence, candidate.confidence)


"""Delegates the statistical tagger finds where the rules found nobody.

The rules (`delegates.parse_delegates`) know the name shapes they were
written for.  When a reply that accepts, or that announces a delegation,
yields no delegate from them, the tagger (`bot.extract.tagger`) reads its
lines instead; each name it finds becomes a candidate whose title, role and
contacts are read from the rest of its line by the same `fields.read_fields`
the rules use, and the same filters drop a contact person, an addressee or
someone withdrawn.  Such a candidate is marked to confirm: its confidence
stays below what a rule-found delegate gets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.extract.features import gazetteer
from bot.extract.fields import read_fields, role_of
from bot.extract.lexicon import (
    NOT_DELEGATE_BEFORE_RE,
    REPLACED_BEFORE_RE,
    WITHDRAWN_AFTER_RE,
)
from bot.extract.model import DelegateCandidate
from bot.extract.tagger import TaggedName, find_names

# Below MIN_CANDIDATE_CONFIDENCE's review band, above the drop line: to confirm.
TAGGED_CONFIDENCE: Final = 0.55
MIN_TAG_PROBABILITY: Final = 0.6
# An extra name beside the rules' own must be surer, open its entry and sit on a short line.
MIN_EXTRA_PROBABILITY: Final = 0.9
MAX_EXTRA_LINE_WORDS: Final = 30
MAX_PREFIX_WORDS: Final = 4
# Words a rule may have taken into a name that the model leaves out ("Magistrado").
MAX_LEAD_WORDS: Final = 2
# A line that may hold a name: two capitalised words, or Arabic, Cyrillic or Chinese script.
_CANDIDATE_LINE_RE: Final = re.compile(
    r"[A-ZÀ-ÞА-ЯЁ]\w*[ \t]+[A-ZÀ-ÞА-ЯЁ]|[\u0600-\u06ff]|[\u4e00-\u9fff]"
)
_CJK_RE: Final = re.compile(r"[\u4e00-\u9fff]")
_CONTACT_RE: Final = re.compile(r"@|\+?\d[\d ()./-]{6,}")
_NAME_LABEL_PREFIX_RE: Final = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[-•*·–])?\s*$")
# Text the entry of a tagged name may take from the lines after it: contacts only.
MAX_ENTRY_LINES: Final = 3


def tagged_delegates(
    text: str,
    *,
    region: str | None,
    exclude: Iterable[str],
    source: str,
    withdrawn: list[str] | None = None,
    beside: list[DelegateCandidate] | None = None,
    lines: set[int] | None = None,
) -> list[DelegateCandidate]:
    """Candidates from the names the tagger finds in `text`.

    `beside`: the rules found these people; only lines that may hold
    someone else are read, and only names that open their line.  With
    `beside` or `lines`, only names the model is sure of are kept.
    """
    excluded = list(exclude)
    out: list[DelegateCandidate] = []
    beside_rules = beside is not None
    if beside is not None and lines is None:
        lines = _candidate_lines(text, beside)
    if lines is not None and not lines:
        return []
    floor = MIN_EXTRA_PROBABILITY if beside_rules or lines is not None else MIN_TAG_PROBABILITY
    for found in find_names(text, lines=lines, min_probability=floor):
        if not _plausible(found):
            continue
        if beside_rules and not _opens_entry(text, found):
            continue
        line_start = text.rfind("\n", 0, found.start) + 1
        line_end = text.find("\n", found.end)
        line_end = len(text) if line_end < 0 else line_end
        before = text[max(0, found.start - 60) : found.start]
        if NOT_DELEGATE_BEFORE_RE.search(before):
            continue
        sentence = re.split(r"[.!?。]\s", text[found.end : line_end], maxsplit=1)[0]
        if REPLACED_BEFORE_RE.search(before) or WITHDRAWN_AFTER_RE.search(sentence):
            if withdrawn is not None:
                withdrawn.append(found.name)
            continue
        entry = _entry(text, found.end, line_end)
        fields = read_fields(entry, region=region, exclude=excluded,
                             title_joiner=_joiner(found.name))
        if fields.secretariat:
            continue
        prefix = text[line_start : found.start]
        honorific = found.honorific
        if not (honorific or fields.title or fields.email or fields.phone or fields.role
                or _given_name_first(found.name)):
            # Nothing says person but the model: "FINAL LIST, see below."
            continue
        role = fields.role or _prefix_role(prefix, honorific) or "member"
        out.append(DelegateCandidate(
            honorific=honorific, name=found.name, title=fields.title, role=role,
            email=fields.email, phone=fields.phone,
            confidence=round(min(TAGGED_CONFIDENCE, found.probability), 2), source=source,
        ))
    return out


def _candidate_lines(text: str, known: list[DelegateCandidate]) -> set[int]:
    """Numbers of the lines that may name someone the rules missed: not too long,
    naming none of `known`, with two capitalised words or Arabic, Cyrillic or
    Chinese script."""
    words = {w.casefold() for d in known for w in re.findall(r"\w{3,}", d.name)}
    chinese = [d.name[:2] for d in known if _CJK_RE.search(d.name)]
    out = set()
    for number, line in enumerate(text.split("\n")):
        tokens = line.split()
        if not tokens or len(tokens) > MAX_EXTRA_LINE_WORDS:
            continue
        if any(t.casefold().strip(".,;:()،") in words for t in tokens):
            continue
        if any(name in line for name in chinese):
            continue
        if _CANDIDATE_LINE_RE.search(line):
            out.add(number)
    return out


def _opens_entry(text: str, found: TaggedName) -> bool:
    """The name opens its line, after at most a list marker, a label or a rank."""
    line_start = text.rfind("\n", 0, found.start) + 1
    prefix = text[line_start : found.start]
    if found.honorific:
        prefix = prefix.replace(found.honorific, "")
    return len(prefix.split()) <= MAX_PREFIX_WORDS


def long_name_lines(text: str, delegates: list[DelegateCandidate]) -> set[int]:
    """Numbers of the lines that hold a name of three words or more, not opening on a
    known given name, where a rule may have taken a rank into the name."""
    names = [d.name for d in delegates
             if len(d.name.split()) >= 1 + 2 and not _given_name_first(d.name)]
    return {number for number, line in enumerate(text.split("\n"))
            if any(name in line for name in names)}


def correct_names(
    delegates: list[DelegateCandidate], tagged: list[DelegateCandidate]
) -> list[str]:
    """Where a rule's name is a rank or title word plus the name the model read
    ("Minister Paulo ROBERTO", "المستشار فهد ناصر العتيبي"), keep the model's name
    and make the words before it the honorific.  Returns notes."""
    notes = []
    for delegate in delegates:
        for other in tagged:
            if other.name == delegate.name or not delegate.name.endswith(" " + other.name):
                continue
            lead = delegate.name[: -len(other.name)].strip()
            if not 1 <= len(lead.split()) <= MAX_LEAD_WORDS or len(other.name.split()) < 2:
                continue
            if any(gazetteer().get(w.casefold()) in ("g", "b") for w in lead.split()):
                continue  # "Gloria ZELAYA PINEDA": a given name the model left out
            notes.append(f"{lead!r} read as a form of address, not part of the name "
                         f"{other.name!r}")
            delegate.honorific = f"{delegate.honorific} {lead}" if delegate.honorific else lead
            delegate.name = other.name
            break
    return notes


def _given_name_first(name: str) -> bool:
    words = name.split()
    return bool(words) and gazetteer().get(words[0].casefold()) in ("g", "b")


def _plausible(found: TaggedName) -> bool:
    if _CJK_RE.search(found.name):
        return 2 <= len(found.name) <= 9
    # A surname alone names a person already listed, never a new one.
    return len(found.name.split()) >= 2 and not found.name.isdigit()


def _entry(text: str, start: int, line_end: int) -> str:
    """The rest of the name's line, and the contact lines right under it."""
    entry = text[start:line_end]
    lines = text[line_end + 1 :].split("\n")[:MAX_ENTRY_LINES]
    for line in lines:
        if not line.strip() or not _CONTACT_RE.search(line) or len(line.split()) > 8:
            break
        entry += "\n" + line
    return entry


def _prefix_role(prefix: str, honorific: str | None) -> str | None:
    """"Head of delegation: X", "Advisers – X": the label before the name."""
    if honorific:
        prefix = prefix[: prefix.rfind(honorific.split()[0])] if honorific.split()[0] in prefix \
            else prefix
    label = prefix.strip().rstrip(":：-–—").strip()
    if not label or _NAME_LABEL_PREFIX_RE.match(label):
        return None
    return role_of(label, role_context=True)


def _joiner(name: str) -> str:
    if _CJK_RE.search(name):
        return "，"
    if re.search(r"[\u0600-\u06FF]", name):
        return "، "
    return ", "

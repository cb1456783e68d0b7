"""Read a delegate's title, role and contacts from the text after the name.

The text after a name ("Ambassador, Permanent Representative, Head of
Delegation, john@mfa.gov.xx, +43 1 123 4567") is cut into fields; each
field is a contact, a role, a label, or part of the title.  Reading stops
where prose starts again, so the closing formula never becomes a title.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Final

from bot.extract.alternation import merged
from bot.extract.lexicon import (
    CONTACT_LABEL_RE,
    EMAIL_LABEL_RE,
    NAME_ENDERS,
    POSTNOMINALS_RE,
    PROSE_RE,
    ROLE_ADVISER_CONTEXT_RE,
    ROLE_ALTERNATE_RE,
    ROLE_AS_RE,
    ROLE_FIELD_RES,
    ROLE_HEAD_RE,
    ROLE_MEMBER_CONTEXT_RE,
    ROLE_PHRASES,
    header_kind,
)
from bot.extract.phones import find_contacts

_SEPARATORS_RE: Final = re.compile(r"[,;|\n،؛，；、]|\s[–—-]\s")
# A full stop that ends a sentence, not an initial ("T.") or an abbreviation ("Tel.").
_SENTENCE_RE: Final = re.compile(
    r"(?<!\b[A-Z])(?<!\bTel)(?<!\bNo)\.\s+(?=[A-ZА-ЯЁ\u0600-\u06FF])"
)
# A sentence that opens on a rank but goes on as a clause ("Ambassador Lindqvist
# still leads", "L'Ambassadrice reste cheffe de délégation") is no title.
_CLAUSE_RE: Final = re.compile(
    r"\b(?:still|remains?|continues?|stays?|leads|heads|reste|demeure|sigue|contin[úu]a|"
    r"permanece|остаётся|остается|продолжает)\b", re.IGNORECASE)
_PAREN_RE: Final = re.compile(r"[(（]([^()（）]*)[)）]")
_VERB_RE: Final = re.compile(
    r"\b(?:will|would|shall|please|has|have|is|are|was|were|sera|seront|est|sont|ont|"
    r"ser[áa]n?|es|son|estar[áa]|будет|будут|является|войд[её]т|войдут|примет|примут|"
    r"возглавит|avails|find|attached|ci-joint)\b|\bв состав"
    r"|سوف|سيكون|يرجى|将|请|包括|组成|如下|出席|参加",
    re.IGNORECASE,
)
_LEAD_CONNECTOR_RE: Final = re.compile(
    r"^(?:and|et|y|e|и|а также|as well as|ainsi que|así como|و|和|以及)\s+", re.IGNORECASE
)
_CONNECTOR_ONLY_RE: Final = re.compile(r"^(?:and|et|y|e|и|а также|و|和|以及)$", re.IGNORECASE)
_JOINED_PART_RE: Final = re.compile(r"^\s*(and|et|y|e|и)\s+(?=\S)")
_PINYIN_RE: Final = re.compile(r"[A-Z][a-z]*(?:[ \-][A-Za-z][a-z]*){1,3}|[A-Z]+ [A-Z][a-z]+")
_TRAIL_CONNECTOR_RE: Final = re.compile(r"\s+(?:and|et|y|e|и|و)$", re.IGNORECASE)
_LABEL_ONLY_RE: Final = re.compile(
    r"^(?:e-?mail|courriel|m[ée]l|correo(?: electr[óo]nico)?|эл\.? ?почта|электронная почта|"
    r"البريد(?: الإلكتروني)?|电子邮件|电子邮箱|邮箱|tel|t[ée]l[ée]?phone?|t[ée]l|tlf|tfno|telf|"
    r"phone|mobile|mob|cell|gsm|portable|m[óo]vil|celular|тел(?:ефон)?|моб(?:ильный)?|"
    r"هاتف|الهاتف|جوال|الجوال|محمول|电话|手机|联系电话|fax|t[ée]l[ée]copie|факс|فاكس|传真|"
    r"contacts?|контакты|office|off|cel|m|t|e|p|f)\W*$",
    re.IGNORECASE,
)
EXTRA_HEAD_RE: Final = merged(
    r"(?:will|shall|who will) (?:head|lead) (?:the|its|our)(?: \w+)? delegation|"
    r"(?:will|shall) (?:head|lead|chair) (?:the|its|our)(?: \w+)? delegation|"
    r"(?:qui )?(?:conduira|dirigera|pr[ée]sidera) la d[ée]l[ée]gation|qui la (?:conduira|dirigera)|"
    r"(?:quien )?(?:encabezar[áa]|presidir[áa]|dirigir[áa]) la delegaci[óo]n|"
    r"возглавит делегацию|سيرأس الوفد|任团长|率领|率团",
    re.IGNORECASE,
)
_LABEL_RE: Final = re.compile(r"^([^\W\d][\w .\-/]{0,40}?)\s*[:：]\s*(.*)$")
_PROSE_START_RE: Final = re.compile(
    r"^[a-zà-ÿ](?![.)]?$)(?!\.)|^(?:إلى|الى|في|من|على|عن|مع|وذلك|إضافة|بالإضافة|وسيتم|سوف|كما|و?يضم|و?يتألف|و?يشمل|"
    r"و?يتكون|وكذلك|و?ب?عضوية|كل من|و?يرافق(?:ه|ها|هم)?|برفقة|و?بمشاركة|و?هو|و?هي|الذي|التي|"
    r"حيث|لكي|كي)(?:\s|$)"
    # An Arabic verb in the future ("سيمثل ليبيا", "ستشارك") is the sentence resuming.
    r"|^و?س[يتن][\u0621-\u064A]{3,}(?:\s|$)"
)
_NAMED_LABEL_RE: Final = re.compile(
    r"(?m)^[ \t]*(?:e-?mail|courriel|correo(?: electr[óo]nico)?|эл\.? ?почта|электронная почта|"
    r"البريد(?: الإلكتروني)?|الهاتف|هاتف|phone|tel\.?|tel[ée]fono|t[ée]l[ée]phone|телефон|"
    r"电子邮箱|电子邮件|电话)[^\n:：@]{1,60}[:：]"
)
_WRAP_AFTER_RE: Final = re.compile(
    r"(\s(?:of|the|de|la|del|des|du|and|et|y|и|for|pour|para|в|по|à|al|en|in))\n(?=\S)",
    re.IGNORECASE,
)
MAX_TITLE_WORDS: Final = 22
ROLE_SPELLING_RATIO: Final = 0.9
# Each canonical role phrase with its role and its letters counted.
_ROLE_SPELLINGS: Final = tuple((phrase, role, Counter(phrase)) for phrase, role in ROLE_PHRASES)


@dataclass
class Fields:
    title: str | None
    role: str | None
    email: str | None
    phone: str | None
    prose_stop: bool  # reading ended on prose, not at the end of the entry
    secretariat: bool = False  # the entry holds the secretariat's own contacts


@dataclass
class _Field:
    text: str
    in_parens: bool
    stop: bool = False


def role_of(field: str, *, role_context: bool) -> str | None:
    """The role a whole field names, or None."""
    cleaned = field.strip(" .:：-–").strip()
    as_match = ROLE_AS_RE.match(cleaned)
    if as_match:
        cleaned, role_context = as_match.group(1).strip(" ."), True
    for role, pattern in ROLE_FIELD_RES:
        if pattern.match(cleaned):
            return role
    if role_context and ROLE_ADVISER_CONTEXT_RE.match(cleaned):
        return "adviser"
    if role_context and ROLE_MEMBER_CONTEXT_RE.match(cleaned):
        return "member"
    return _role_by_spelling(cleaned)


def _role_by_spelling(value: str) -> str | None:
    # Typos in role phrases ("Head of Delgation") are common in hurried mail.
    words = value.casefold().split()
    if not 2 <= len(words) <= 6:
        return None
    text = " ".join(words)
    best, best_ratio = None, 0.0
    # The field is the matcher's second sequence, indexed once for every phrase
    # (and only once a phrase passes the bounds below).
    matcher: SequenceMatcher[str] | None = None
    letters = Counter(text)
    for phrase, role, phrase_letters in _ROLE_SPELLINGS:
        # The length ratio and quick_ratio() bound ratio() from above: a
        # phrase that cannot reach the threshold cannot be the answer.
        size = len(text) + len(phrase)
        if 2.0 * min(len(text), len(phrase)) / size < ROLE_SPELLING_RATIO:
            continue
        # SequenceMatcher.quick_ratio(), from letter counts kept for each phrase.
        common = sum(min(count, letters[char]) for char, count in phrase_letters.items())
        if 2.0 * common / size < ROLE_SPELLING_RATIO:
            continue
        if matcher is None:
            matcher = SequenceMatcher(None, "", text)
        matcher.set_seq1(phrase)
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = role, ratio
    return best if best_ratio >= ROLE_SPELLING_RATIO else None


def read_fields(
    text: str,
    *,
    region: str | None,
    exclude: Iterable[str],
    role_context: bool = False,
    title_joiner: str = ", ",
) -> Fields:
    """Title, role, e-mail and phone from the text that follows a name."""
    text = POSTNOMINALS_RE.sub("", text)
    contacts = find_contacts(text, region, exclude)
    masked = list(text)
    for start, end in contacts.spans:
        masked[start:end] = " " * (end - start)
    # A soft line wrap inside a title ("Police nationale\nd'Haïti") is a space.
    plain = re.sub(r"(?<=[^\s,;.:،，])\n(?=[a-zà-ÿ])", " ", "".join(masked))
    # A line that ends on a preposition goes on ("Head of\nDelegation", "Jefa de\nDelegación").
    plain = _WRAP_AFTER_RE.sub(r"\1 ", plain)
    # "البريد الإلكتروني لنورة الدوسري:", "Phone of Ms. X:": the label of a contact
    # block names its person; it is no title.
    plain = _NAMED_LABEL_RE.sub(" ", plain)
    title_parts: list[str] = []
    role: str | None = None
    prose_stop = False
    for field in _split(plain):
        if field.stop:
            prose_stop = True
            break
        value = _clean(field.text)
        label = _LABEL_RE.match(value)
        kind = header_kind(label.group(1)) if label else None
        if label and kind:
            # Form-style entries: "Position: Counsellor", "Role: Head of Delegation".
            value = label.group(2).strip()
            if kind == "role":
                role = role or role_of(value, role_context=True)
                continue
            if kind != "title":
                continue
        if not value:
            continue
        found = _role_inside(value, role_context=role_context or field.in_parens)
        if found is not None:
            role = role or found[0]
            value = found[1]
            if not value:
                continue
        if PROSE_RE.search(value) or _VERB_RE.search(value) or len(value.split()) > MAX_TITLE_WORDS:
            prose_stop = True
            break
        if (_LABEL_ONLY_RE.match(value) or CONTACT_LABEL_RE.match(value)
                or not re.search(r"\w", value)):
            continue
        if _CONNECTOR_ONLY_RE.match(value) or (
                field.in_parens and title_joiner == "，" and _PINYIN_RE.fullmatch(value)):
            # "马骁（Ma Xiao）": the pinyin of a Chinese name is no title.
            continue
        if _PROSE_START_RE.match(value) and not _title_word_first(value):
            # Titles start with a capital ("Counsellor"); "comprendra", "y contará"
            # or "إلى الوفد" is the sentence resuming.
            prose_stop = True
            break
        joined = _JOINED_PART_RE.match(field.text)
        if joined and title_parts and value[:1].isupper():
            # "Undersecretary, Department of Justice, and Chair, …": two offices held.
            value = f"{joined.group(1)} {value}"
        title_parts.append(value)
    title = title_joiner.join(title_parts) or None
    return Fields(
        title=title,
        role=role,
        email=contacts.emails[0] if contacts.emails else None,
        phone=contacts.phones[0] if contacts.phones else None,
        prose_stop=prose_stop,
        secretariat=contacts.excluded > 0 and not contacts.emails and not contacts.phones,
    )


def _title_word_first(value: str) -> bool:
    # French and Spanish write titles in lower case ("sous-directeur, Direction
    # des affaires juridiques, ministère ..."): a known title word may open one.
    first = re.split(r"[\s\-'’]", value, maxsplit=1)[0].casefold()
    whole = value.split(" ", 1)[0].casefold()
    return first in NAME_ENDERS or whole in NAME_ENDERS


def _split(text: str) -> list[_Field]:
    sentences = _SENTENCE_RE.split(text)
    fields = _split_sentence(sentences[0])
    for sentence in sentences[1:]:
        # After a full stop, only a rank or a contact continues the entry
        # ("Attaché. Tel. ..."); anything else is the letter resuming.
        first = re.match(r"\W*(\w+)", sentence)
        word = first.group(1).casefold() if first else ""
        if (word not in NAME_ENDERS and not _LABEL_ONLY_RE.match(word)) or _CLAUSE_RE.search(
                sentence):
            fields.append(_Field(sentence, False, stop=True))
            break
        fields.extend(_split_sentence(sentence))
    return fields


def _split_sentence(text: str) -> list[_Field]:
    fields: list[_Field] = []
    cursor = 0
    for paren in _PAREN_RE.finditer(text):
        before = text[cursor : paren.start()]
        fields.extend(_Field(part, False) for part in _SEPARATORS_RE.split(before))
        fields.extend(_Field(part, True) for part in _SEPARATORS_RE.split(paren.group(1)))
        cursor = paren.end()
    fields.extend(_Field(part, False) for part in _SEPARATORS_RE.split(text[cursor:]))
    return fields


def _clean(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip(" .:;-–—*•·\t。")
    value = EMAIL_LABEL_RE.sub("", value) if EMAIL_LABEL_RE.match(value) else value
    value = _LEAD_CONNECTOR_RE.sub("", value)
    value = re.sub(r"^(?:现任|担任|任)", "", value)  # "黄先生现任……一等秘书": "now serves as"
    value = re.sub(r"^[يت]شغل\s+(?:منصب\s+)?", "", value)  # "تشغل منصب": "holds the post of"
    value = _TRAIL_CONNECTOR_RE.sub("", value)
    return value.strip(" .:;-–—")


def _role_inside(value: str, *, role_context: bool) -> tuple[str, str] | None:
    """(role, what is left of the field) when the field names a role."""
    whole = role_of(value, role_context=role_context)
    if whole:
        return whole, ""
    for role, pattern in (("alternate", ROLE_ALTERNATE_RE), ("head", ROLE_HEAD_RE),
                          ("head", EXTRA_HEAD_RE)):
        match = pattern.search(value)
        if match:
            rest = (value[: match.start()] + " " + value[match.end() :]).strip()
            rest = _clean(re.sub(r"\s+(?:and|et|y|и|و)\s*$", "", rest))
            if _VERB_RE.search(rest) or PROSE_RE.search(rest):
                rest = ""
            return role, rest
    return None

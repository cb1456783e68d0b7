"""Names that open an entry without an honorific: a rank as the form of address,
a bare name on a line or in a list item, a name straight before its title.

``anchors.find_anchors`` asks these where a line, a list item or a sentence
starts: "Ambassador Ahmed HASSAN, Permanent Representative", "BUDI SANTOSO,
Director …", "1. María José García López, Primera Secretaria", "Назаров Умед,
старший инспектор МВД", "刘晓明（团长），公安部国际合作局副局长".
"""

from __future__ import annotations

import re
from typing import Final

from bot.extract.lexicon import NAME_ENDERS
from bot.extract.model import NameMatch
from bot.extract.names import (
    HONORIFIC_RE,
    RANK_ANYWHERE_RE,
    parse_listed_name,
    parse_person_at,
    parse_rank_addressed,
)
from bot.extract.names_zh import is_zh_bare_name, zh_after_role

# A full stop ends the entry too: "3) Primer Secretario Tomás ARAYA SOTO."
_FIELD_AFTER_RE: Final = re.compile(r"[ \t]*(?:[,،，、;(（|–—]|-\s|\.(?=\s|$)|\n|$)")


def bare_name_line(text: str, person: NameMatch) -> bool:
    """``person``, read with no honorific where a line starts, is a name: a title follows it."""
    if person.title_hint or zh_after_role(text, person.start):
        return True  # a Chinese name after its title ("处长陈磊") or role ("团长，柯伟林")
    tokens = person.name.split()
    follows = text[person.end : person.end + 200]
    if len(tokens) >= 2 and all(t.isupper() for t in tokens):
        # "BUDI SANTOSO, Director for ...": all capitals is a name only before a title.
        field = re.match(r"[ \t]*[,(–—-][ \t]*(\w+)", follows)
        return bool(field and field.group(1).casefold() in NAME_ENDERS)
    if not any(t[:1].isupper() and not t.isupper() for t in tokens):
        return False
    if re.match(r"[ \t]*(?:[,(|–—]|-\s)", follows):
        return True
    # "John SMITH" alone on a line counts only when a title follows on the next line.
    nxt = re.match(r"[ \t]*\n[ \t]*(\w+)", follows)
    return bool(nxt and nxt.group(1).casefold() in NAME_ENDERS)


def rank_addressed(text: str, start: int, *, listed: bool, labelled: bool) -> NameMatch | None:
    """A rank as the form of address where an entry starts.

    "Head of delegation: Ambassador Ahmed HASSAN, Permanent Representative" or
    "Alternate: First Secretary Ana LÓPEZ": the rank is the honorific and the
    title is what follows the name.  "Ambassador, Permanent Representative"
    reads no name.  Without a role label the name must look like one: in a
    list item, an ALL-CAPS surname (or Arabic or Chinese script, which have
    no capitals) and a field after it; on a bare line, both in Latin or
    Cyrillic script.
    """
    person = parse_rank_addressed(text, start)
    if person is None:
        return None
    chinese = bool(re.match(r"[\u4e00-\u9fff]", person.name))
    arabic = bool(re.match(r"[\u0600-\u06FF]", person.name))
    caps = _caps(person.name)
    separated = bool(_FIELD_AFTER_RE.match(text, person.end))
    if labelled:
        return person if chinese or caps or separated else None
    # "Commodore Ali Hassan Juma, Director …" in a list, or on a line of its own
    # under another person's line: a rank, then two or more proper names.
    proper = separated and _proper_name(person.name) and (listed or _after_person_line(text, start))
    if listed:
        return person if ((caps or arabic or chinese) and separated) or proper else None
    if arabic:
        # A line of its own opening with a rank: "السفير وليد محمود عبد الناصر، المندوب الدائم".
        return person if separated and len(person.name.split()) >= 2 else None
    return person if (caps and separated and not chinese) or proper else None


def _proper_name(name: str) -> bool:
    """Two or more proper names, or initials and one ("А.В. Вишневская")."""
    tokens = name.split()
    words = [t for t in tokens if not re.fullmatch(r"(?:[A-ZÀ-ÞА-ЯЁ]\.){1,3}", t)]
    return (
        len(tokens) >= 2
        and bool(words)
        and all(
            re.fullmatch(r"[A-ZÀ-ÞА-ЯЁ][a-zß-ÿа-яё'’]+(?:-[A-ZÀ-ÞА-ЯЁ]?[a-zß-ÿа-яё'’]+)*", t)
            for t in words
        )
    )


def _after_person_line(text: str, start: int) -> bool:
    """The previous non-empty line opens with an honorific or a rank (a list of people),
    or announces a list ("Состав делегации Российской Федерации:")."""
    before = text[:start].rstrip()
    line = before[before.rfind("\n") + 1 :].lstrip(" \t-•*·")
    return bool(line) and bool(
        line.endswith((":", "：")) or HONORIFIC_RE.match(line) or RANK_ANYWHERE_RE.match(line)
    )


def rank_in_sentence(text: str, start: int) -> NameMatch | None:
    person = parse_rank_addressed(text, start)
    if person is None:
        return None
    after = text[person.end : person.end + 12]
    if re.match(r"[\u0600-\u06FF]", person.name):
        if re.search(r"[،,]\s*$", text[max(0, start - 3) : start]):
            # "السيد أحمد علي حسن، المستشار الأول بالسفارة": after a name and its
            # comma, the rank is that person's title (a new person is joined by "و").
            return None
        # Arabic has no capitals: "ويضم السفير فيصل بن عبد الله القحطاني، المندوب الدائم"
        # needs a name of two words or more and a comma after it.
        return person if len(person.name.split()) >= 2 and re.match(r"[ \t]*[،,]", after) else None
    # "Judge Maria Santos Cruz, Court of Appeal": a capitalised rank, then a
    # name in capitals or of two proper words or more, then a field.
    before = text[max(0, start - 30) : start].split()
    # Unless in capitals, only where a sentence leads to it ("include Judge …"),
    # not inside a title ("Officer, General Police Department").
    led = not before or before[-1][:1].islower()
    if not (_caps(person.name) or (_proper_name(person.name) and led)):
        return None
    if _FIELD_AFTER_RE.match(after) or re.match(r"[ \t]*(?:[.;]|and |et |y |и )", after):
        return person
    return None


def _caps(name: str) -> bool:
    # "N'GORAN", "EL-MASRY": letters in capitals, apostrophes and hyphens aside.
    return any(
        len(t) >= 2 and t.isupper() and re.sub(r"['’\-]", "", t).isalpha() for t in name.split()
    )


def list_name_without_caps(text: str, start: int, listed: bool) -> NameMatch | None:
    # "1. María José García López, Primera Secretaria": no honorific, no
    # capitals, but a list item whose next field starts with a rank.
    if not listed:
        if re.match(r"[А-ЯЁ]", text[start : start + 1]):
            # "Назаров Умед, старший инспектор МВД" on a line of its own (under a
            # heading): two to four Cyrillic words, then a title.
            return _name_before_title(text, start, max_words=4, listed=False)
        # "刘晓明（团长），公安部国际合作局副局长" on a line of its own: a bare Chinese
        # name that starts with a known surname, before a title or role.
        if not any(is_zh_bare_name(text[start : start + size]) for size in (2, 3, 4)):
            return None
        return parse_listed_name(text, start)
    person = parse_listed_name(text, start)
    if person is not None:
        return person
    return _name_before_title(text, start, max_words=7)


def _name_before_title(
    text: str, start: int, *, max_words: int, listed: bool = True
) -> NameMatch | None:
    person = parse_person_at(text, start)
    if person is None or not 2 <= len(person.name.split()) <= max_words:
        return None
    if not listed and "\n" in text[start : person.end]:
        return None  # a heading ("Эксперты") above a name
    after = text[person.end : person.end + 40]
    nxt = re.match(r"\s*[,(–\-،]\s*(\w+)", after)
    if nxt and nxt.group(1).casefold() in NAME_ENDERS:
        return person
    return None

"""Where delegates start: the anchors of a reply's free text.

An anchor is an honorific ("H.E. Mr.", "г-н", "السيد", "王伟先生"), a rank
used as the form of address ("Ambassador Ahmed HASSAN", "张明参赞"), or the
start of a list item or line that reads as a name ("John SMITH, title",
"Иванов Сергей Петрович –", "阮文雄，常驻代表").  `find_anchors` returns them
in order; `delegates` reads each person's entry from one anchor to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.extract.fields import role_of
from bot.extract.lexicon import RANK_ADDRESSES, TITLE_STARTERS, header_kind
from bot.extract.model import NameMatch
from bot.extract.names import (
    HONORIFIC_RE,
    RANK_ANYWHERE_RE,
    parse_listed_name,
    parse_person_at,
    parse_rank_addressed,
    plural_addressed,
)
from bot.extract.names_ru import RU_PATRONYMIC_NAME_RE, declined_form, in_case, to_nominative
from bot.extract.names_zh import is_zh_bare_name, zh_after_role, zh_anchor_starts

LIST_MARKER_RE: Final = re.compile(
    r"[ \t]*(?:\(?\d{1,2}[.)](?!\d)|（\d{1,2}）|[一二三四五六七八九十]{1,3}[、．.]"
    r"|\d{1,2}[ \t]?[-–](?=[ \t])|\(?[a-zA-Z][.)](?=\s|$)"
    r"|[ivx]{1,4}[.)]|[-•*·▪◦–>])[ \t]*"
)
_ROLE_PREFIX_RE: Final = re.compile(r"([^:：\n]{2,60}?)(?:\s*[:：]|\s+[-–—])\s*")
# A full stop ends the entry too: "3) Primer Secretario Tomás ARAYA SOTO."
_FIELD_AFTER_RE: Final = re.compile(r"[ \t]*(?:[,،，、;(（|–—]|-\s|\.(?=\s|$)|\n|$)")
_ALIAS_OPEN_RE: Final = re.compile(r"[ \t]*[(（]")
# (A comma or "and" after a parenthesis too: "Петросян Арман (руководитель делегации),
# Саакян Лилит (советник)", "Julien Roux (chef de délégation) et Camille Blanc".)
_LIST_SEPARATOR_RE: Final = re.compile(
    r"(?:[:;]|(?<=[)）]),|(?<=[)）])[ \t]+(?:et|and|y|и))[ \t]+(?=[A-ZÀ-ÞА-ЯЁ])")
# A run-on list whose items open with their role: "…: глава делегации – Нурланов
# Асхат Маратович, директор …; заместитель главы делегации – Омарова …".
# Also after the full stop of a sentence ("…, заместитель министра. Член делегации –
# Рахимова Зарина, …"): a word of two lower-case letters or more ends it.
_ROLE_DASH_ITEM_RE: Final = re.compile(
    r"(?:[:;]|(?<=[^\W\d_A-ZÀ-ÞА-ЯЁ]{2})\.)[ \t]+([^\W\d][^:;,.()\n–—]{1,40}?)[ \t]+[–—-][ \t]+"
    r"(?=[A-ZÀ-ÞА-ЯЁ])")
# "…, первый секретарь, и Ким Дмитрий, атташе": "и" joins the next item.
_AND_ITEM_RE: Final = re.compile(r"(?:,[ \t]*|[ \t])и[ \t]+(?=[А-ЯЁ])")


@dataclass
class Anchor:
    person: NameMatch
    listed: bool  # came from a list item or a line of its own
    prefix_role: str | None
    item_start: int | None = None  # where a run-on list item opens, before its role
    shared: bool = False  # the second of two names after a plural honorific (their title too)


_AR_RANK_RE: Final = re.compile(
    r"ال(?:مستشار|مستشارة|وزير المفوض|وزيرة المفوضة|سكرتير|سكرتيرة|ملحق|ملحقة|سفير|سفيرة)(?=\s)"
)


def _ar_rank_after_comma(text: str, start: int) -> bool:
    """"السيد أحمد حسن، المستشار بمكتب ...": after a name and its comma an Arabic
    rank is that person's title (a new person is joined by "و")."""
    return (_AR_RANK_RE.match(text, start) is not None
            and re.search(r"[،,][ \t]*$", text[max(0, start - 3):start]) is not None)


# "Исп.: Каримова З.Т., тел. ...": the clerk who drafted the note, not a list item.
_CLERK_LABEL_RE: Final = re.compile(
    r"(?:исп|исполнитель|отв\. исп|контактное лицо|контакт\w*|тел|e-?mail|tel|contact)"
    r"\.?[ \t]*[:：][ \t]*$",
    re.IGNORECASE,
)


def find_anchors(text: str) -> list[Anchor]:
    starts: dict[int, tuple[bool, str | None]] = {}
    shared = plural_addressed(text)
    for start in [*(m.start() for m in HONORIFIC_RE.finditer(text)), *shared,
                  *zh_anchor_starts(text)]:
        if not _ar_rank_after_comma(text, start):
            starts.setdefault(start, (False, None))
    ranked = {m.start(1) for m in RANK_ANYWHERE_RE.finditer(text)}
    starts.update((start, (False, None)) for start in ranked - starts.keys())
    separated: set[int] = set()
    for match in _LIST_SEPARATOR_RE.finditer(text):
        # "Members: Айгерим Сериковна ЖУМАБАЕВА, первый секретарь; Бобур ...": each item of
        # a colon- or semicolon-led list may open with a bare name (checked below).
        starts.setdefault(match.end(), (False, None))
        separated.add(match.end())
    item_starts: dict[int, int] = {}
    for match in _ROLE_DASH_ITEM_RE.finditer(text):
        role = role_of(match.group(1), role_context=True)
        if role:
            starts[match.end()] = (False, role)
            separated.add(match.end())
            item_starts[match.end()] = match.start() + 1
    for match in _AND_ITEM_RE.finditer(text):
        starts.setdefault(match.end(), (False, None))
        separated.add(match.end())
    # "будет представлять первый секретарь Ерлан Болатович Сейткали", "в составе
    # Осмонова Бакыта Алмазбековича": a patronymic marks a name in running text
    # with no honorific; a declined one is read back in the nominative.
    ru_named: dict[int, NameMatch] = {}
    for match in _ru_patronymic_names(text):
        if _CLERK_LABEL_RE.search(text[max(0, match.start() - 30) : match.start()]):
            continue
        written = " ".join(match.group().split())  # a wrapped line joined
        form = declined_form(written)
        name = to_nominative(written, *form) if form else written
        ru_named[match.start()] = NameMatch(match.start(), match.end(), None, name)
        starts.setdefault(match.start(), (False, None))
    offset = 0
    for line in text.split("\n"):
        content, listed, role = _line_content_start(line)
        if content is not None:
            prev = starts.get(offset + content)
            starts[offset + content] = (listed or (prev[0] if prev else False), role)
        offset += len(line) + 1
    anchors: list[Anchor] = []
    cursor = 0
    for start in sorted(starts):
        if start < cursor or _ar_rank_after_comma(text, start):
            continue
        listed, role = starts[start]
        at_line_start = start == 0 or text[start - 1] == "\n" or listed or role is not None
        person = parse_person_at(text, start, need_caps=start not in shared)
        if person and start in shared:  # "Mesdames Awa Ba et Fanta Sy": the second one
            person = NameMatch(person.start, person.end, shared[start], person.name)
        if start in ru_named and (person is None or person.honorific is None):
            named = _with_rank_before(text, ru_named[start])
            if named.start in starts:
                # "Глава делегации: Посол Иванов Иван Иванович": the line's role label
                # stands before the rank.
                rank_listed, rank_role = starts[named.start]
                listed, role = listed or rank_listed, role or rank_role
                at_line_start = at_line_start or rank_listed or rank_role is not None or (
                    named.start == 0 or text[named.start - 1] == "\n")
            anchors.append(Anchor(named, listed or at_line_start, role,
                                  item_starts.get(named.start, item_starts.get(start))))
            cursor = ru_named[start].end
            continue
        if (not HONORIFIC_RE.match(text, start)
                and any(start < other < _reach(text, start) for other in ru_named)):
            # "первый секретарь Постпредства Кузнецова Ирина Павловна": the rank and a
            # capitalised word before the name; the name is where the patronymic is.
            continue
        if (person is None or person.honorific is None) and start in ranked and not at_line_start:
            # "headed by Minister Paulo DOS SANTOS, ...", "la Embajadora Laura DUPUY": a
            # capitalised rank in a sentence addresses the person named after it.
            person = _rank_in_sentence(text, start)
        elif person is not None and person.honorific is None and at_line_start:
            # "Lieutenant-colonel Ibrahim OUATTARA": the rank is not part of the name.
            ranked_person = _rank_addressed(text, start, listed=listed, labelled=role is not None)
            person = ranked_person or person
        # A bare line that starts with capitals is a letterhead or a sentence
        # unless it reads like "Given SURNAME, title".
        bare = person is not None and person.honorific is None and not listed and not role
        if bare and person is not None and not _bare_name_line(text, person):
            person = None
        if person is None and (at_line_start or (
                start in separated
                and _CLERK_LABEL_RE.search(text[max(0, start - 30):start]) is None)):
            # An item of a run-on list ("…: Каримов Ботир, заместитель …; Абдуллаева
            # Нодира, советник …") reads like a list item: a name, then a title.
            person = _list_name_without_caps(text, start, listed or start in separated)
        if person is None and (at_line_start or start in separated):  # "Делегация: Посол …"
            person = _rank_addressed(text, start, listed=listed, labelled=role is not None)
        if person is None:
            continue
        if anchors and _ALIAS_OPEN_RE.fullmatch(text, anchors[-1].person.end, person.start):
            # "г-н Игорь ЛЕБЕДЕВ (Mr. Igor LEBEDEV)": the same person, transliterated.
            cursor = person.end
            continue
        if person.honorific is None and anchors:
            person = _declined_like_previous(text, anchors[-1].person, person)
        anchors.append(Anchor(person, listed or at_line_start, role, item_starts.get(start),
                              start in shared))
        cursor = person.end
    return anchors


def _reach(text: str, start: int) -> int:
    """Where a rank-addressed name read at `start` would end."""
    person = parse_rank_addressed(text, start)
    return person.end if person else start


_RANK_BEFORE_RE: Final = re.compile(
    r"(?:^|(?<=[\s:;,(]))("
    + "|".join(re.escape(r).replace(r"\ ", r"\s+")
               for r in sorted(RANK_ADDRESSES, key=len, reverse=True))
    + r")[ \t]+$")


def _with_rank_before(text: str, person: NameMatch) -> NameMatch:
    """"Посол Петров Иван Иванович": the rank right before the name is its form of address."""
    window = text[max(0, person.start - 45) : person.start]
    rank = _RANK_BEFORE_RE.search(window)
    if rank is None:
        return person
    start = person.start - (len(window) - rank.start(1))
    return NameMatch(start, person.end, re.sub(r"\s+", " ", rank.group(1)), person.name)


def _ru_patronymic_names(text: str) -> list[re.Match[str]]:
    """Russian names with a patronymic, none starting with a rank or title word
    ("Посол Ержан Нурланович КАЗЫХАНОВ" is the rank, then the name)."""
    found: list[re.Match[str]] = []
    pos = 0
    while (match := RU_PATRONYMIC_NAME_RE.search(text, pos)) is not None:
        first = match.group().split()[0]
        if first.casefold() in TITLE_STARTERS or HONORIFIC_RE.match(text, match.start()):
            pos = match.start() + len(first)
            continue
        found.append(match)
        pos = match.end()
    return found


def _declined_like_previous(text: str, previous: NameMatch, person: NameMatch) -> NameMatch:
    """"в составе Осмонова Бакыта Алмазбековича, …, и Токтогулова Нурбека, атташе": a
    name without patronymic in the same run-on sentence as a declined one is in its case."""
    form = declined_form(text[previous.start : previous.end])
    if (form is None or form[0] == "nom" or not re.match(r"[А-ЯЁ]", person.name)
            or declined_form(person.name)
            or re.search(r"[.!?]\s|\n\s*\n", text[previous.end : person.start])):
        return person
    case, gender = in_case(person.name, form[0])
    return NameMatch(person.start, person.end, None, to_nominative(person.name, case, gender),
                     person.title_hint)


def _bare_name_line(text: str, person: NameMatch) -> bool:
    if person.title_hint or zh_after_role(text, person.start):
        return True  # a Chinese name after its title ("处长陈磊") or role ("团长，柯伟林")
    tokens = person.name.split()
    follows = text[person.end : person.end + 200]
    if len(tokens) >= 2 and all(t.isupper() for t in tokens):
        # "BUDI SANTOSO, Director for ...": all capitals is a name only before a title.
        field = re.match(r"[ \t]*[,(–—-][ \t]*(\w+)", follows)
        return bool(field and field.group(1).casefold() in TITLE_STARTERS)
    if not any(t[:1].isupper() and not t.isupper() for t in tokens):
        return False
    if re.match(r"[ \t]*(?:[,(|–—]|-\s)", follows):
        return True
    # "John SMITH" alone on a line counts only when a title follows on the next line.
    nxt = re.match(r"[ \t]*\n[ \t]*(\w+)", follows)
    return bool(nxt and nxt.group(1).casefold() in TITLE_STARTERS)


def _line_content_start(line: str) -> tuple[int | None, bool, str | None]:
    """Where a line's text starts after a list marker and a "Role:" prefix."""
    pos = 0
    listed = False
    marker = LIST_MARKER_RE.match(line)
    if marker and starts_list_item(line):
        pos, listed = marker.end(), True
    else:
        pos = len(line) - len(line.lstrip())
    role: str | None = None
    prefix = _ROLE_PREFIX_RE.match(line, pos)
    if prefix:
        role = role_of(prefix.group(1), role_context=True)
        if role:
            pos = prefix.end()
        elif header_kind(prefix.group(1)) == "name":
            # "Name: John SMITH" in a form-style reply.
            pos, listed = prefix.end(), True
    if pos >= len(line):
        return None, listed, role
    return pos, listed, role


def _rank_addressed(text: str, start: int, *, listed: bool, labelled: bool) -> NameMatch | None:
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
    return len(tokens) >= 2 and bool(words) and all(
        re.fullmatch(r"[A-ZÀ-ÞА-ЯЁ][a-zß-ÿа-яё'’]+(?:-[A-ZÀ-ÞА-ЯЁ]?[a-zß-ÿа-яё'’]+)*", t)
        for t in words)


def _after_person_line(text: str, start: int) -> bool:
    """The previous non-empty line opens with an honorific or a rank (a list of people),
    or announces a list ("Состав делегации Российской Федерации:")."""
    before = text[:start].rstrip()
    line = before[before.rfind("\n") + 1 :].lstrip(" \t-•*·")
    return bool(line) and bool(line.endswith((":", "：")) or HONORIFIC_RE.match(line)
                               or RANK_ANYWHERE_RE.match(line))


def _rank_in_sentence(text: str, start: int) -> NameMatch | None:
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


def _list_name_without_caps(text: str, start: int, listed: bool) -> NameMatch | None:
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
    if nxt and nxt.group(1).casefold() in TITLE_STARTERS:
        return person
    return None


def starts_list_item(line: str) -> bool:
    marker = LIST_MARKER_RE.match(line)
    return marker is not None and bool(marker.group().strip())

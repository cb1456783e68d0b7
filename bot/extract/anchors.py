"""Where delegates start: the anchors of a reply's free text.

An anchor is an honorific ("H.E. Mr.", "г-н", "السيد", "王伟先生"), a rank
used as the form of address ("Ambassador Ahmed HASSAN", "张明参赞"), or the
start of a list item or line that reads as a name ("John SMITH, title",
"Иванов Сергей Петрович –", "阮文雄，常驻代表").  `find_anchors` returns them
in order; `delegates` reads each person's entry from one anchor to the next.
Whether a line or a sentence opening with no honorific holds a name is
`bare_names`' to say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from bot.extract.bare_names import (
    bare_name_line,
    list_name_without_caps,
    rank_addressed,
    rank_in_sentence,
)
from bot.extract.fields import role_of
from bot.extract.lexicon import RANK_ADDRESSES, TITLE_STARTERS, header_kind
from bot.extract.model import NameMatch
from bot.extract.names import (
    HONORIFIC_RE,
    RANK_ANYWHERE_RE,
    parse_person_at,
    parse_rank_addressed,
    plural_addressed,
)
from bot.extract.names_ru import RU_PATRONYMIC_NAME_RE, declined_form, in_case, to_nominative
from bot.extract.names_zh import zh_anchor_starts

LIST_MARKER_RE: Final = re.compile(
    r"[ \t]*(?:\(?\d{1,2}[.)](?!\d)|（\d{1,2}）|[一二三四五六七八九十]{1,3}[、．.]"
    r"|\d{1,2}[ \t]?[-–](?=[ \t])|\(?[a-zA-Z][.)](?=\s|$)"
    r"|[ivx]{1,4}[.)]|[-•*·▪◦–>])[ \t]*"
)
_ROLE_PREFIX_RE: Final = re.compile(r"([^:：\n]{2,60}?)(?:\s*[:：]|\s+[-–—])\s*")
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
            person = rank_in_sentence(text, start)
        elif person is not None and person.honorific is None and at_line_start:
            # "Lieutenant-colonel Ibrahim OUATTARA": the rank is not part of the name.
            ranked_person = rank_addressed(text, start, listed=listed, labelled=role is not None)
            person = ranked_person or person
        # A bare line that starts with capitals is a letterhead or a sentence
        # unless it reads like "Given SURNAME, title".
        bare = person is not None and person.honorific is None and not listed and not role
        if bare and person is not None and not bare_name_line(text, person):
            person = None
        if person is None and (at_line_start or (
                start in separated
                and _CLERK_LABEL_RE.search(text[max(0, start - 30):start]) is None)):
            # An item of a run-on list ("…: Каримов Ботир, заместитель …; Абдуллаева
            # Нодира, советник …") reads like a list item: a name, then a title.
            person = list_name_without_caps(text, start, listed or start in separated)
        if person is None and (at_line_start or start in separated):  # "Делегация: Посол …"
            person = rank_addressed(text, start, listed=listed, labelled=role is not None)
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




def starts_list_item(line: str) -> bool:
    marker = LIST_MARKER_RE.match(line)
    return marker is not None and bool(marker.group().strip())

"""Chinese names in a follow-up, read clause by clause.

Chinese writes no spaces: in "由孙丽萍一等秘书接替赵海涛参赞参会" a name and its
rank run straight into the verb that replaces, and the extractor (or its tagger)
may read "接替赵海涛" as a name or "一等秘书接替赵海涛参赞参会" as a title. Here the
reply is cut into clauses at punctuation and at the cue words of ``cues.yaml``
(replacing, leaving, correcting; ``attends``: "出席", "参会"…), so that a name
ends before them, and each clause is read by the extractor's own Chinese reader
(:mod:`bot.extract.names_zh`: a name and its form of address or rank, a name after
its title). A clause that opens with "由"/"改由" and ends at the verb holds a name
written bare, a transliterated one without a Chinese surname too ("改由一等秘书
坎蓬出席"). :func:`reread` puts these beside what the extractor read.
"""

from __future__ import annotations

import re
from functools import cache

from bot.extract.lexicon import (
    ZH_HONORIFICS,
    ZH_RANK_ADDRESSES,
    ZH_SURNAMES,
    ZH_TITLE_ENDINGS,
    words,
)
from bot.extract.names_zh import parse_zh_person, zh_title_before
from bot.inbound.followup.cues import CATEGORIES, phrases
from bot.results.delegation import Person, State

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Every Chinese cue word ends a clause, a name before it ("补充李明先生的联系方式").
_CUTTING = CATEGORIES
# Words that bring in the one named bare after them ("改由坎蓬出席", "由颂猜接替").
_OPENER = re.compile(r"(?:改由|改派|由|以|用|换为|替换为|更换为|为)$")
# Particles and adverbs a clause may open with, before its name ("的", "将", "其").
_PARTICLES = "的之了将拟把被其并则即现也"
_PUNCTUATION = r"[，,。；;：:、！!？?\n（）()]"


@cache
def _cut() -> re.Pattern[str]:
    cues = sorted(
        {p for c in _CUTTING for p in phrases(c, "zh") if "…" not in p}, key=len, reverse=True
    )
    return re.compile(_PUNCTUATION + "|" + "|".join(re.escape(c) for c in cues))


def _not_a_name(name: str) -> bool:
    return (
        not name
        or name.startswith((*ZH_TITLE_ENDINGS, *words("not_name_starts")))
        or any(w in name for w in words("not_in_names"))
        or _cut().search(name) is not None
    )


def clause_people(text: str) -> list[Person]:
    """The people named in ``text``, each clause read on its own, in order."""
    found: list[Person] = []
    start = 0
    for stop in [*(m.start() for m in _cut().finditer(text)), len(text)]:
        # "原定参会的王强先生": a particle after a cut word opens no name.
        clause = text[start:stop].lstrip(_PARTICLES)
        end = _cut().match(text, stop)
        start = end.end() if end else stop + 1
        found += [p for p in _read(clause) if p["name"] not in [f["name"] for f in found]]
    return found


def _read(clause: str) -> list[Person]:
    people: list[Person] = []
    pos = 0
    while pos < len(clause):
        match = parse_zh_person(clause, pos)
        if match is None or not _HAN.match(match.name) or _not_a_name(match.name):
            pos += 1
            continue
        rank = match.honorific if match.honorific in words("ranks_after_name") else None
        people.append(_person(match.name, rank or match.title_hint))
        pos = match.end
    if people:
        return people
    # "改由一等秘书坎蓬", "由颂猜": a bare name after an opener (and a title) that ends the clause.
    bare = re.search(r"[\u4e00-\u9fff·]{2,5}$", clause)
    if bare is None:
        return []
    for at in range(max(bare.start(), len(clause) - 4), len(clause) - 1):
        title = zh_title_before(clause, at)
        lead = clause[: at - len(title)] if title else clause[:at]
        name = clause[at:]
        if _OPENER.search(lead) and not _not_a_name(name) and not name.endswith(ZH_TITLE_ENDINGS):
            return [_person(name, title)]
    return []


def _person(name: str, title: str | None) -> Person:
    return {
        "honorific": None,
        "name": name,
        "title": title,
        "role": "member",
        "email": None,
        "phone": None,
        "confidence": 0.6,
        "source": "body",
    }


def chinese_title(title: str) -> str:
    """A title the extractor read in a follow-up's sentence, to the title alone:
    "的职务为参赞" → "参赞", "一等秘书接替赵海涛参赞参会" → "一等秘书"."""
    if not _HAN.search(title):
        return title
    # The words saying what follows is the title, near its start ("的职务为", "担任").
    said = [
        m.end()
        for p in phrases("title_is", "zh")
        if "…" not in p
        if (m := re.search(re.escape(p), title)) and m.start() <= 8
    ]
    if said:
        title = title[max(said) :]
    title = _cut().split(title, maxsplit=1)[0]
    return title.strip(" 的是为")


_DATE_LINE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?|\d{4}[-./]\d{1,2}[-./]\d{1,2}"
)


def signature(text: str) -> str:
    """The signature block closing a Chinese follow-up: the short lines after its last
    closing line ("谢谢！", "此致", "——会议科 吴敏") or the one above a date line at the
    end ("联络员 韦华" / "2026年5月13日"); "" when there is none."""
    lines = [line.strip() for line in text.strip().split("\n")]
    closing = phrases("closing", "zh")
    end = len(lines)
    dated = False
    while end and (not lines[end - 1] or _DATE_LINE.fullmatch(lines[end - 1])):
        dated = dated or bool(lines[end - 1])
        end -= 1
    start = end
    # Up to three short lines without a sentence's marks, above the date or the end.
    while start > max(0, end - 3) and len(lines[start - 1]) <= 24 and not re.search(
        r"[，,。；;：:]", lines[start - 1]
    ):
        start -= 1
    for at in range(start, end):
        line = lines[at].rstrip("！!。.，,")
        if line.startswith(closing) and (len(line) <= 6 or line.startswith("——")):
            start = at if line.startswith("——") else at + 1
    if start == end:
        return ""
    above = start > 0 and lines[start - 1].rstrip("！!。.，,").startswith(closing)
    return "\n".join(lines[start:end]) if dated or above or lines[start].startswith("——") else ""


def reread(text: str, people: list[Person], before: State) -> list[Person]:
    """``people`` the extractor read in a Chinese follow-up, without the "names" that run
    through a cue word ("接替赵海涛"), their titles cut to the title, and with the
    newcomers the clauses hold that it did not read (a listed delegate named again is
    left to the readers of who leaves and of corrected details)."""
    if not _HAN.search(text):
        return people
    # The sender signs below the message: a name only there is no delegate's.
    signed = signature(text)
    text = text[: text.rfind(signed.split("\n")[0])] if signed else text
    listed = [str(p.get("name") or "") for p in before.people]
    kept: list[Person] = []
    for person in people:
        name = str(person.get("name") or "")
        if (_HAN.search(name) and _not_a_name(name)) or (name and name in signed):
            continue
        # "司马大使：电话…": a listed delegate by surname and rank, no one new.
        if name in ZH_SURNAMES and any(n.startswith(name) and n != name for n in listed):
            continue
        kept.append(_companion(person, text, before) if name not in listed else person)
    for person in clause_people(text):
        if not any(
            person["name"] in str(p.get("name")) or str(p.get("name")) in person["name"]
            for p in kept
        ) and not any(person["name"] in n or n in person["name"] for n in listed if n):
            kept.append(person)
    return kept


def _companion(person: Person, text: str, before: State) -> Person:
    """A newcomer's title cut to the title ("本团法律顾问" → "法律顾问", "孟凡大使将偕同
    顾问" → "顾问"); one who comes along with a listed head ("随同", "偕同") is a member."""
    title = str(person.get("title") or "")
    along = phrases("companion", "zh")
    for word in along:
        title = title.rsplit(word, 1)[-1]
    title = chinese_title(re.sub(r"^(?:我团|本团|我馆|我方)", "", title))
    head = any(p.get("role") == "head" for p in before.people)
    role = "member" if head and any(w in text for w in along) else person.get("role")
    return {**person, "title": title or None, "role": role}


# The short ranks, for the long one a listed title is written with ("宇文一秘": 一等秘书).
_SHORT_RANKS = {"一秘": "一等秘书", "二秘": "二等秘书", "三秘": "三等秘书"}


def surname(name: str) -> str | None:
    """The Chinese surname ``name`` starts with, a compound one first ("夏侯杰": 夏侯)."""
    return next((name[:n] for n in (2, 1) if len(name) > n and name[:n] in ZH_SURNAMES), None)


def first_mention(text: str, name: str, title: str | None) -> int | None:
    """Where ``text`` first names the Chinese ``name``: whole, or by surname and a form of
    address or the rank of its ``title`` ("夏侯参赞：", "司马大使", "宇文一秘", "黄先生")."""
    whole = "".join(name.split())
    at = text.find(whole)
    if at >= 0 or not (family := surname(whole)):
        return at if at >= 0 and whole else None
    ranks = [r for r in ZH_RANK_ADDRESSES if title and _SHORT_RANKS.get(r, r) in title]
    polite = [h for h in ZH_HONORIFICS if h != "大使" or (title and "大使" in title)]
    found = re.search(
        re.escape(family) + "(?:" + "|".join(map(re.escape, [*ranks, *polite])) + ")", text
    )
    return found.start() if found else None

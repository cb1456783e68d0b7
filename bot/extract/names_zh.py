"""Chinese names: where they start, their form of address, the title before them.

Chinese writes no spaces and no capitals.  A name starts after punctuation,
after a title ("局长张晓明"), or after a word that opens a name ("由", "团长",
"成员"); it is followed by its form of address ("王伟先生", "李晓东大使",
"周红参赞"), or, bare, starts with a known surname (lexicons/zh.toml).
"""

from __future__ import annotations

import re
from typing import Final

from bot.extract.lexicon import (
    ZH_HONORIFICS,
    ZH_NAME_OPENERS,
    ZH_RANK_ADDRESSES,
    ZH_SURNAMES,
    ZH_TITLE_ENDINGS,
    words,
)
from bot.extract.model import NameMatch

_ZH_RANK_NAME_RE: Final = re.compile(
    rf"([\u4e00-\u9fff]{{2,4}}?)({'|'.join(ZH_RANK_ADDRESSES)})"
    r"(?=[，,、；;（(\s。]|$|出席|参加|和|与|及|组成|担任|率)"
)
# A transliterated foreign name keeps its middle dot and runs longer: "巴差·汶玛先生".
ZH_NAME_RE: Final = re.compile(
    r"([\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,4}?|[\u4e00-\u9fff]{2,4}?)"
    r"(大使|参赞|公使|秘书|随员)?"
    rf"({'|'.join(ZH_HONORIFICS)})"
)
_ZH_SURNAME_ALT: Final = "|".join(sorted(ZH_SURNAMES, key=len, reverse=True))
# A bare name right after its title: "国际合作局局长张晓明（团长）、处长陈磊、".
_ZH_TITLED_NAME_RE: Final = re.compile(
    rf"((?:{_ZH_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}}?)(?=[（(、，,；;。：:\s]|$|率领|率团|和|与|及|出席|参加|参会|与会|组成|为|担任|将|一行|等人)"
)
# A later mention by surname alone: "郑先生任团长", "林先生将发言".
_ZH_SURNAME_MENTION_RE: Final = re.compile(rf"((?:{_ZH_SURNAME_ALT}))(先生|女士)")
# A name does not start with a role word, a joining word or a greeting ("成员郭明",
# "和朴智恩", "谢谢").
_ZH_NOT_NAME_START: Final = (*ZH_NAME_OPENERS, *words("not_name_starts"))


_HAN_RE: Final = re.compile(r"[\u4e00-\u9fff]")
# Spaces that may part a title from the name after it.
_ZH_SPACES: Final = " \t\u3000"
# What a name may follow straight: a title's last word or a word that opens a name.
_ZH_NAME_BEFORE: Final = ZH_TITLE_ENDINGS + ZH_NAME_OPENERS


def zh_anchor_starts(text: str) -> list[int]:
    """Where a Chinese name followed by 先生/女士/阁下/大使 starts."""
    starts: list[int] = []
    pos = 0
    # Only a Chinese character opens one: the search skips the rest at C speed.
    while (han := _HAN_RE.search(text, pos)) is not None:
        pos = han.start()
        match = parse_zh_person(text, pos)
        if match:
            starts.append(pos)
            pos = match.end
        else:
            pos += 1
    return starts


def _zh_boundary(text: str, pos: int) -> bool:
    if not "\u4e00" <= text[pos] <= "\u9fff" or text.startswith(_ZH_NOT_NAME_START, pos):
        return False
    if pos == 0 or not "\u4e00" <= text[pos - 1] <= "\u9fff":
        return True
    return text.endswith(_ZH_NAME_BEFORE, 0, pos)


def _zh_titled_name(text: str, pos: int) -> re.Match[str] | None:
    # "公安部国际合作局处长　端木宏伟": a space may part the title from the name.
    if not text.endswith(ZH_TITLE_ENDINGS, 0, len(text[:pos].rstrip(_ZH_SPACES))):
        return None
    return _ZH_TITLED_NAME_RE.match(text, pos)


def zh_title_before(text: str, pos: int) -> str | None:
    """The title written straight before a Chinese name ("常驻代表" in "由常驻代表王伟大使")."""
    run = re.search(r"[\u4e00-\u9fff]+\Z", text[:pos].rstrip(_ZH_SPACES))
    if run is None:
        return None
    title = re.sub(r"^.*(?:由|包括|为|是|兹派|将派|增补|增派|新增|增加|委派|指派|改派)", "",
                   run.group())
    title = re.sub(r"^(?:现任|担任|任)", "", title)
    return title if title and title.endswith(ZH_TITLE_ENDINGS) else None


def is_zh_bare_name(cell: str) -> bool:
    """A table cell that is a Chinese name alone: a surname and one or two characters."""
    return _ZH_BARE_CELL_RE.fullmatch(cell) is not None


_ZH_BARE_CELL_RE: Final = re.compile(rf"(?:{_ZH_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}}")


_ZH_NOT_IN_NAMES: Final = words("not_in_names")


def _titled(name: str) -> bool:
    # "特命全权大使": a title read as a name before 大使.
    return any(word in name for word in _ZH_NOT_IN_NAMES)


def parse_zh_person(text: str, pos: int) -> NameMatch | None:
    """A Chinese name and its form of address at `pos`, if one starts there."""
    boundary = _zh_boundary(text, pos)
    if not boundary:
        return None
    zh = ZH_NAME_RE.match(text, pos)
    if zh and zh.group(1).startswith(ZH_TITLE_ENDINGS):
        # "主任科员黄丽同志": the name starts after the title's last word.
        return None
    if zh and not _titled(zh.group(1)):
        hint = zh.group(2) or zh_title_before(text, pos)
        return NameMatch(pos, zh.end(), zh.group(3), zh.group(1), hint)
    titled = _zh_titled_name(text, pos)
    if titled:
        return NameMatch(pos, titled.end(), None, titled.group(1), zh_title_before(text, pos))
    mention = _ZH_SURNAME_MENTION_RE.match(text, pos)
    if mention:
        return NameMatch(pos, mention.end(), mention.group(2), mention.group(1))
    after_role = _ZH_NAME_AFTER_ROLE_RE.match(text, pos)
    if after_role and zh_after_role(text, pos):
        # "团长，柯伟林，司法部副部长；": a role word and a comma, then a bare name.
        return NameMatch(pos, after_role.end(), None, after_role.group(1))
    listed = _ZH_LISTED_PAREN_RE.match(text, pos)
    if listed and text.endswith("、", 0, pos):
        return NameMatch(pos, listed.end(), None, listed.group(1))
    takes = _ZH_NAME_TAKES_ROLE_RE.match(text, pos)
    if takes:
        return NameMatch(pos, takes.end(), None, takes.group(1))
    zh_rank = _ZH_RANK_NAME_RE.match(text, pos)
    if zh_rank and not _titled(zh_rank.group(1)):
        # "团长孙立平大使，副团长周红参赞": the rank after the name is its form of address.
        return NameMatch(pos, zh_rank.end(), zh_rank.group(2), zh_rank.group(1),
                         zh_title_before(text, pos))
    return None


def zh_after_role(text: str, pos: int) -> bool:
    """A bare name is a person's here: after a role word and a comma ("团长，柯伟林"), in a
    list before its particulars ("、王刚（男，…）") or before the role it takes ("王海涛任团长")."""
    return (_ZH_ROLE_COMMA_RE.search(text, max(0, pos - 5), pos) is not None
            or (text.endswith("、", 0, pos) and _ZH_LISTED_PAREN_RE.match(text, pos) is not None)
            or _ZH_NAME_TAKES_ROLE_RE.match(text, pos) is not None)


def zh_rank_name(text: str, pos: int) -> NameMatch | None:
    """"张明参赞": a name and the rank that addresses it, wherever `pos` is."""
    zh = _ZH_RANK_NAME_RE.match(text, pos)
    return NameMatch(pos, zh.end(), zh.group(2), zh.group(1)) if zh else None


# Chinese puts the role before the name with no separator: "副团长周红参赞".
ZH_LEAD_ROLE_RE: Final = re.compile(r"(副团长|团长|成员|团员|顾问|专家|随员)(?:为|是|[：:，,])?$")
# A role word and a comma, then a bare name and a comma: "团长，柯伟林，司法部副部长".
_ZH_ROLE_COMMA_RE: Final = re.compile(r"(?:副团长|团长|成员|团员|顾问|专家|随员)[，,：:]$")
_ZH_NAME_AFTER_ROLE_RE: Final = re.compile(
    rf"((?:{_ZH_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}})(?=[，,（(；;])")
# A bare name, then its particulars in parentheses, in a list: "、王刚（男，司法部调研员）".
_ZH_LISTED_PAREN_RE: Final = re.compile(
    rf"((?:{_ZH_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}})(?=[（(])")
# A bare name that takes its role: "王海涛任团长", "赵军担任顾问".
_ZH_NAME_TAKES_ROLE_RE: Final = re.compile(
    rf"((?:{_ZH_SURNAME_ALT})[\u4e00-\u9fff]{{1,2}}?)(?=(?:担任|任)(?:代表团)?"
    r"(?:副团长|团长|顾问|团员|成员|专家))")
_RANKS_AFTER_NAME: Final = ("大使", "参赞", "公使", "秘书", "随员")


def zh_title_hint(text: str, person: NameMatch, previous_end: int) -> str | None:
    """The title written before a Chinese name, not reaching back into the previous person
    ("处长张军和外交部条约法律司参赞李娜": 李娜's title starts after "张军和")."""
    hint = person.title_hint
    if not hint:
        return None
    room = person.start - previous_end
    if len(hint) > room and text.endswith(hint, 0, person.start):
        hint = hint[len(hint) - room :]
    # "代表团成员还有禁毒部队处长法蒂玛·马利克女士": the sentence before the title is not it.
    hint = re.sub(r"^.*(?:还有|包括|另有|成员有|成员为|分别为|分别是)", "", hint)
    return re.sub(r"^[和与及、，,]+", "", hint) or None


def _hint_start(text: str, person: NameMatch) -> int:
    """Where the title written before a Chinese name starts (the name's start if none)."""
    hint = person.title_hint
    before = text[: person.start].rstrip(_ZH_SPACES)
    if hint and before.endswith(hint) and hint not in _RANKS_AFTER_NAME:
        return len(before) - len(hint)
    return person.start


def zh_lead_role(text: str, person: NameMatch) -> re.Match[str] | None:
    """The role word leading a Chinese entry, before its title if one is written
    ("团长：司法部副部长熊选国", "副团长周红参赞")."""
    start = _hint_start(text, person)
    return ZH_LEAD_ROLE_RE.search(text, max(0, start - 6), start)


def zh_lead_start(text: str, person: NameMatch) -> int:
    """Where a person's entry starts: before the Chinese title or role word leading it."""
    start = _hint_start(text, person)
    lead = ZH_LEAD_ROLE_RE.search(text, max(0, start - 6), start)
    return lead.start() if lead else start


def is_zh_addressed_cell(cell: str, following: str) -> bool:
    """A cell that is a name because the next cell is its form of address: "巴特尔 | 大使"
    reads as "巴特尔大使" does, a transliterated name without a Chinese surname too."""
    if not following or following not in (*ZH_RANK_ADDRESSES, *ZH_HONORIFICS):
        return False
    if cell.endswith(ZH_TITLE_ENDINGS) or _titled(cell) or cell.startswith(_ZH_NOT_NAME_START):
        return False
    person = parse_zh_person(cell + following, 0) or zh_rank_name(cell + following, 0)
    return person is not None and person.name == cell and person.end == len(cell + following)

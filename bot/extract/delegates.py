"""Find the people a reply names as its delegation.

A delegate starts at an anchor (found by `anchors.find_anchors`): an
honorific ("H.E. Mr.", "S.E. M.", "Excmo. Sr.", "г-н", "السيد", "王伟先生"),
a rank used as the form of address, or a list item whose text is a name.
Everything from the end of that name to the next anchor, up to where prose
resumes, is read by `fields.read_fields`.
Role headings ("Advisers:", "Suppléants :") and narrative cues ("headed
by") set the role of the entries after them.  Tables arrive as " | "-joined
rows and are read by `tables.read_table`.  The caller (`extract_response`)
merges body and attachment candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.extract.alternation import merged
from bot.extract.anchors import LIST_MARKER_RE, find_anchors, starts_list_item
from bot.extract.fields import read_fields, role_of
from bot.extract.lexicon import (
    CONTACT_LABELS,
    EMAIL_LABEL_RE,
    NAME_ENDERS,
    NOT_DELEGATE_BEFORE_RE,
    PHONE_LABEL_RE,
    PROSE_RE,
    REPLACED_BEFORE_RE,
    ROLE_HEAD_AFTER_RE,
    WITHDRAWN_AFTER_RE,
)
from bot.extract.model import DelegateCandidate, NameMatch
from bot.extract.names import (
    HONORIFIC_RE,
)
from bot.extract.names_zh import (
    ZH_NAME_RE,
    zh_lead_role,
    zh_lead_start,
    zh_title_hint,
)
from bot.extract.phones import find_contacts
from bot.extract.tables import is_table_row, read_table

HEAD_CUE_RE: Final = merged(
    r"(?:headed|led|chaired) by|(?:conduite|dirig[ée]e|pr[ée]sid[ée]e) par|"
    r"(?:encabezad[ao]|presidid[ao]|dirigid[ao]) por|"
    r"sous la (?:conduite|direction|pr[ée]sidence) d[eu]|"
    r"bajo la (?:presidencia|direcci[óo]n) de|во главе с|возглав\w*|برئاسة|(?:سي|ي)(?:ترأس|رأس)|"
    r"率领|率团",
    re.IGNORECASE,
)
# The words between the last break and a comma right before the honorific.
_TITLE_BEFORE_RE: Final = re.compile(r"([^\W\d][\w\-' ]{0,80}?),[ \t]*$")
_SENTENCE_END_RE: Final = re.compile(r"[.!?。；;]\s|\n\s*\n|[。！？]")
_CONTACT_LINE_RE: Final = re.compile(
    r"^\s*(?:" + EMAIL_LABEL_RE.pattern.lstrip("^") + "|" + PHONE_LABEL_RE.pattern
    + r"|\+\d|\S+@\S+\.\w+\s*$|(?:контакты|контактные данные|contacts?|" + CONTACT_LABELS
    + r")\s*[:：])",
    re.IGNORECASE,
)
MAX_ENTRY_LINE_WORDS: Final = 22
_CJK_CHAR_RE: Final = re.compile(r"[\u4e00-\u9fff]")
# Characters in parentheses straight after a Latin name, with more Chinese after them.
_ZH_ALIAS_RE: Final = re.compile(
    r"[ \t]*[(（]([\u4e00-\u9fff]{2,4})[)）](?=[^\n]*[\u4e00-\u9fff])"
)
# A transliteration in parentheses straight after the name: "王建军先生（Mr. WANG Jianjun）".
_ALIAS_RE: Final = re.compile(
    r"^[ \t]*[(（](?:" + HONORIFIC_RE.pattern + r")[ \t]+[A-Z][\w'’\- .]*[)）]"
)
# A Cyrillic name's spelling in Latin letters, in parentheses straight after it:
# "Смирнов Алексей Валерьевич (SMIRNOV Alexey)".
_LATIN_ALIAS_RE: Final = re.compile(
    r"^[ \t]*[(（][A-Z][A-Za-z'’\-]*(?:[ \t]+[A-Z][A-Za-z'’\-.]*){1,4}[)）]"
)
_CYRILLIC_RE: Final = re.compile(r"[А-ЯЁа-яё]")


def parse_delegates(
    text: str,
    *,
    region: str | None,
    exclude: Iterable[str],
    source: str,
    has_cue: bool,
    withdrawn: list[str] | None = None,
) -> list[DelegateCandidate]:
    """All delegate candidates in `text` (tables and free text), in order of appearance.

    People the text withdraws or replaces are appended to `withdrawn`.
    """
    excluded = list(exclude)
    lines = text.split("\n")
    free_lines: list[str] = []
    table: list[str] = []
    candidates: list[DelegateCandidate] = []
    lines.append("")
    for index, line in enumerate(lines):
        if is_table_row(line):
            table.append(line)
            free_lines.append("")
            continue
        if table and index and lines[index - 1] is table[-1] and _WRAPPED_CELL_RE.match(line):
            # "… | заместитель Генерального" then "прокурора": the row's last
            # cell wrapped onto a line of its own (a scan, a narrow column).
            table[-1] = table[-1] + " " + line.strip()
            free_lines.append("")
            continue
        if table and not line.strip() and _table_goes_on(lines, index):
            # HTML tables arrive with a blank line between rows.
            free_lines.append("")
            continue
        if table:
            rows = read_table(table, region=region, exclude=excluded, source=source)
            candidates.extend(rows)
            table = []
            if rows and _CONTACT_LINE_RE.match(line) and _fill_contacts(rows[-1], line, region,
                                                                         excluded):
                # "团长：… | 蒋文华" then "联系方式：jiang@…": the row's own contact line.
                free_lines.append("")
                continue
        free_lines.append(line)
    candidates.extend(
        _parse_free_text("\n".join(free_lines), region=region, exclude=excluded,
                         source=source, has_cue=has_cue, withdrawn=withdrawn)
    )
    return candidates


def _fill_contacts(
    row: DelegateCandidate, line: str, region: str | None, exclude: list[str]
) -> bool:
    """Give a table row the e-mail or phone on the line after it, if it has none."""
    found = find_contacts(line, region, exclude)
    email = found.emails[0] if found.emails and row.email is None else None
    phone = found.phones[0] if found.phones and row.phone is None else None
    if email is None and phone is None:
        return False
    row.email = row.email or email
    row.phone = row.phone or phone
    return True


def _drop_next_title(entry: str) -> str:
    """Cut "и советник" off "... (глава делегации) и советник": written with no comma
    straight before the next person, a rank is that person's, not this one's."""
    tail = re.search(r"(?:^|[,;()（），、])\s*(?:and|et|y|e|и|а также|ainsi que|as well as)\s+"
                     r"([^,;()（），、]*)$", entry, re.IGNORECASE)
    if tail is None:
        return entry
    words = tail.group(1).split()
    # "… и советник" or "… и первый секретарь Постпредства" (then the next name).
    if words and (words[-1].casefold().strip(".") in NAME_ENDERS
                  or (words[0].islower() and words[0] in NAME_ENDERS)):
        return entry[: tail.start(1)]
    return entry


# A few lower-case words, no sentence's end: the rest of a wrapped cell.
_WRAPPED_CELL_RE = re.compile(r"^\s*[a-zà-ÿа-яё][^|\t.!?:;]{0,40}$")


def _table_goes_on(lines: list[str], index: int) -> bool:
    following = next((line for line in lines[index + 1 :] if line.strip()), "")
    return is_table_row(following)


# "г-на Лебедева заменит г-н Орлов": after the verb, a name in the nominative is
# the one who comes (the one who leaves is in the accusative, before or after).
_RU_REPLACES_RE = re.compile(r"(?<!\w)(?:заменит|заменяет|заменят)\W{0,12}$", re.IGNORECASE)
_RU_NOMINATIVE = frozenset({"г-н", "г-жа", "господин", "госпожа"})


def _ru_subject(just_before: str, person: NameMatch) -> bool:
    words = (person.honorific or "").lower().split()
    return bool(words and words[-1] in _RU_NOMINATIVE and _RU_REPLACES_RE.search(just_before))


def _parse_free_text(
    text: str, *, region: str | None, exclude: list[str], source: str, has_cue: bool,
    withdrawn: list[str] | None,
) -> list[DelegateCandidate]:
    anchors = find_anchors(text)
    out: list[DelegateCandidate] = []
    # "Mesdames Awa BA et Fanta SY, Conseillères": the first shares the second's title.
    sharing: list[tuple[DelegateCandidate, int]] = []
    heading: str | None = None
    previous_end = 0
    for index, anchor in enumerate(anchors):
        person = anchor.person
        before = text[previous_end : person.start]
        # The cue may sit in the previous entry's tail ("... secretary. The delegation
        # will be led by Mr. X"), but never before the previous name.
        gap_start = max(anchors[index - 1].person.end if index else 0, person.start - 35)
        heading, cue_role = _roles_before(before, heading, text[gap_start : person.start])
        following = len(text)
        if index + 1 < len(anchors):
            nxt = anchors[index + 1]
            following = nxt.item_start if nxt.item_start is not None else zh_lead_start(
                text, nxt.person)
        lead = zh_lead_role(text, person)
        entry = _bound_entry(text[person.end : following], last=index + 1 == len(anchors))
        entry = _ALIAS_RE.sub("", entry, count=1)
        if _CYRILLIC_RE.search(person.name):
            entry = _LATIN_ALIAS_RE.sub("", entry, count=1)
        zh_alias = _ZH_ALIAS_RE.match(entry)
        if zh_alias and not _CJK_CHAR_RE.search(person.name):
            # "团长：ZHANG Wei（张伟），外交部条约法律司参赞": a Chinese entry names the
            # person in characters; the pinyin before them is the transliteration.
            person = NameMatch(person.start, person.end, person.honorific, zh_alias.group(1))
            entry = entry[zh_alias.end() :]
        if index + 1 < len(anchors) and "\n" not in text[person.end : following]:
            entry = _drop_next_title(entry)
        previous_end = person.end + len(entry)
        just_before = text[max(0, person.start - 60) : person.start]
        if NOT_DELEGATE_BEFORE_RE.search(just_before):
            continue
        same_sentence = _SENTENCE_END_RE.split(text[person.end : following][:200], maxsplit=1)[0]
        if ((REPLACED_BEFORE_RE.search(just_before) and not _ru_subject(just_before, person))
                or WITHDRAWN_AFTER_RE.search(same_sentence)):
            if withdrawn is not None:
                withdrawn.append(person.name)
            continue
        fields = read_fields(
            entry, region=region, exclude=exclude, role_context=False,
            title_joiner=_joiner(entry + person.name),
        )
        if fields.secretariat and not anchor.listed:
            # "We thank Mr. Hans GRUBER (hans.gruber@unodc.test)": a person named in
            # passing with the secretariat's own contacts is the secretariat's.  (A
            # listed delegate with our contacts pasted by mistake stays, without them.)
            continue
        previous_name_end = anchors[index - 1].person.end if index else 0
        title = fields.title or _title_before(text[previous_name_end : person.start])
        if title is None and person.honorific is None and _CYRILLIC_RE.match(person.name):
            title = _ru_title_before(text[previous_name_end : person.start])
        hint = zh_title_hint(text, person, previous_name_end)
        if hint:
            title = hint + ("，" + title if title else "")
        if title and _ZH_CHAR_RE.search(person.name):
            title = _zh_title(title)
        lead_role = role_of(lead.group(1), role_context=True) if lead else None
        if lead and lead_role and lead_role != "head" and lead.group().endswith(("：", ":")):
            # "专家：周红女士、马骏先生": a label with a colon leads the names after it.
            heading = lead_role
        role = fields.role or lead_role or anchor.prefix_role or cue_role or heading or "member"
        # The whole sentence, semicolons included: "Посол X, ...; его будет сопровождать Y".
        sentence = re.split(r"[.!?。]\s|\n\s*\n", text[person.end : following][:300], maxsplit=1)[0]
        if role == "member" and ROLE_HEAD_AFTER_RE.search(sentence):
            # "H.E. Mr. X, Ambassador, will attend accompanied by Mr. Y", "孙立群参赞率团出席".
            role = "head"
        if heading == "head":
            # A "Head of Delegation:" heading names one person.
            heading = None
        confidence = _confidence(person, anchor.listed, has_cue, title)
        out.append(DelegateCandidate(
            honorific=person.honorific, name=person.name, title=title, role=role,
            email=fields.email, phone=fields.phone, confidence=confidence, source=source,
        ))
        if title is None and index + 1 < len(anchors) and anchors[index + 1].shared:
            sharing.append((out[-1], len(out)))
    for first, second in sharing:
        first.title = out[second].title if second < len(out) else None
    return out


def _roles_before(
    before: str, heading: str | None, tail: str
) -> tuple[str | None, str | None]:
    """(heading role in force, narrative role cue) from the text before an anchor."""
    lines = before.split("\n")
    for number, line in enumerate(lines):
        stripped = LIST_MARKER_RE.sub("", line, count=1).strip()
        whole_line = 0 < number < len(lines) - 1
        # "Advisers:" or, on a line of its own, "Head of Delegation".
        if stripped.endswith((":", "：")) or (whole_line and 0 < len(stripped.split()) <= 5):
            found = role_of(stripped.rstrip(":："), role_context=True)
            if found:
                heading = found
    # "led by the", "возглавит": the cue leads straight to the name ("由王伟大使率领，
    # 成员包括：" leads to the next one's list, not to its head).
    cue = "head" if any(
        len(tail) - m.end() <= 12 and not re.search(r"[,，:：;；。.]", tail[m.end() :])
        for m in HEAD_CUE_RE.finditer(tail)
    ) else None
    return heading, cue


def _bound_entry(gap: str, *, last: bool) -> str:
    """The part of `gap` that still describes the person just named."""
    lines = gap.split("\n")
    if len(lines) > 1 and not last:
        # The line the next anchor sits on ("Member - Ms. X") is that anchor's prefix;
        # before a semicolon it still describes this person, wrapped by the mail
        # ("M. A, Ministre conseiller, chef de\ndélégation ; Mme B, …").
        # So is a line that goes on in lower case ("(chef de\ndélégation), Mme B").
        # (Not a list mark: "б) г-жа …", nor the next one's role label before a dash or
        # colon: "заместитель главы делегации – Омарова …".)
        head, semicolon, _ = lines[-1].rpartition(";")
        rest = lines[-1].strip()
        goes_on = (re.match(r"[^\W\d_]{2}", rest) and rest[:1].islower()
                   and not rest.endswith(("-", "–", "—", ":", "：")))
        lines[-1] = head if semicolon or not goes_on else lines[-1]
        if not lines[-1].strip():
            lines = lines[:-1]
    kept = [lines[0]]
    index = 1
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            nxt = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
            if nxt is not None and _CONTACT_LINE_RE.match(lines[nxt]):
                index = nxt
                continue
            break
        if (
            line.endswith((":", "："))
            or PROSE_RE.search(line)
            or len(line.split()) > MAX_ENTRY_LINE_WORDS
            or starts_list_item(line)
        ):
            break
        kept.append(lines[index])
        index += 1
    return "\n".join(kept)


_ZH_CHAR_RE: Final = re.compile(r"[\u4e00-\u9fff]")
# After a Chinese name the sentence goes on ("（二等秘书）参会。", "…调研员，其余人员不变"):
# a clause with a verb of attending, contacting or remaining is no part of the title.
_ZH_CLAUSE_RE: Final = re.compile(
    r"参会|出席|参加|与会|联系|其余|不变|组成|如有|请|谢谢|届时|负责|陪同|随同|率团|将|^为|^担任")


def _zh_title(title: str) -> str | None:
    """A Chinese delegate's title without the sentence that follows it."""
    title = re.split(r"[。！？!?]", title, maxsplit=1)[0]
    # The name in pinyin beside the characters ("张晓东（Zhang Xiaodong）") is no title.
    title = re.sub(r"^[\s（(]*[A-Za-z][A-Za-z \-'’.]*[)）]?[\s，,]*", "", title)
    kept: list[str] = []
    for piece in re.split(r"[，,；;]", title):
        piece = piece.strip(" ：:、")
        if not piece or _ZH_CLAUSE_RE.search(piece):
            break
        if piece in ("男", "女"):
            continue  # "王刚（男，司法部调研员）": the sex, no title
        kept.append(piece)
    return "，".join(kept) or None


def _title_before(text: str) -> str | None:
    """"la Embajadora, Sra. Carmen ORTIZ", "le Directeur général de la police, M. X": a
    title written before the honorific, from its first title word to the comma."""
    match = _TITLE_BEFORE_RE.search(text)
    if match is None:
        return None
    words = match.group(1).split()
    for index, word in enumerate(words):
        if word[:1].isupper() and word.casefold() in NAME_ENDERS:
            return " ".join(words[index:])
    return None


_RU_CLAUSE_RE: Final = re.compile(r"[^,;:.!?()\n–—]*\Z")
MAX_TITLE_BEFORE_WORDS: Final = 8


def _ru_title_before(text: str) -> str | None:
    """"возглавит заместитель министра внутренних дел Николай Михайлович Карпенко": a
    title in lower case straight before a Russian name, from its first title word."""
    clause = _RU_CLAUSE_RE.search(text)
    words = clause.group().split() if clause else []
    for index, word in enumerate(words):
        if word.islower() and word in NAME_ENDERS:
            title = words[index:]
            return " ".join(title) if len(title) <= MAX_TITLE_BEFORE_WORDS else None
    return None


def _joiner(text: str) -> str:
    if re.search(r"[\u4e00-\u9fff]", text):
        return "，"
    if re.search(r"[\u0600-\u06FF]", text):
        return "، "
    return ", "


def _confidence(person: NameMatch, listed: bool, has_cue: bool, title: str | None) -> float:
    score = 0.9
    score += 0.05 if person.honorific else -0.15
    score -= 0.0 if has_cue else 0.2
    score -= 0.0 if listed else 0.05
    one_word = len(person.name.split()) < 2 and not ZH_NAME_RE.match(person.name + "先生")
    score -= 0.1 if one_word else 0.0
    score -= 0.0 if title else 0.05
    return round(max(0.05, min(score, 0.99)), 2)

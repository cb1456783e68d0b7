"""Read an honorific and a personal name as written, at a given position.

Names are kept exactly as the mission wrote them (ALL-CAPS surnames,
particles, Cyrillic, Arabic and Chinese script); the parser only decides
where the name starts and stops, and puts a Russian name declined after an
oblique honorific ("г-на Дмитрия Соколова") back in the nominative.
Chinese puts 先生/女士/阁下 after the name, every other language puts the
honorific before it.
"""

from __future__ import annotations

import re
from typing import Final

from bot.extract.alternation import alternation
from bot.extract.lexicon import (
    HONORIFICS,
    NAME_ABBREVIATIONS,
    NAME_ENDERS,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    PLURAL_HONORIFICS,
    RANK_ADDRESSES,
    SINGLE_LETTER_HONORIFICS,
    WEAK_HONORIFICS,
    ZH_TITLE_ENDINGS,
    header_kind,
    words,
)
from bot.extract.model import NameMatch
from bot.extract.names_ru import nominative
from bot.extract.names_zh import ZH_NAME_RE, parse_zh_person, zh_rank_name
from bot.personkey import person_key

_HON_ALT = alternation(sorted(HONORIFICS, key=len, reverse=True), words=True)
# One or more honorifics in a row ("H.E. Mr.", "Excmo. Sr. D."), then a space.
# An abbreviation no lexicon lists ("Mgs.", "Abg.", "Psic.") is read as an
# honorific only straight before two capitalised words (a first name and a
# surname) and when it is not one of the abbreviations of addresses and dates.
_ABBREVIATION = (
    r"(?!(?:Tel|Tél|Fax|Mob|Cel|No|Nr|Núm|Ref|Réf|Av|Art|Ext|St|Dept|Inc|Ltd|Co|Vol|Cc|Ctra|Apdo"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Ene|Abr|Ago|Dic|Janv|Févr|Avr|Juil"
    r")\.)[A-Z][a-z]{1,3}\.(?=[ \t]+[A-ZÀ-Þ][a-zà-ÿ'’\-]+[ \t]+[A-ZÀ-Þ])"
)
# "and" between two names after a plural form of address.
PLURAL_JOIN_RE: Final = re.compile(r"[ \t]+(?:et|y|and|и)[ \t]+(?=[A-ZÀ-ÞА-ЯЁ])")
HONORIFIC_RE: Final = re.compile(
    rf"(?<![\w.\-])(?:(?:{_HON_ALT})(?:\s*(?:{_HON_ALT}))*|{_ABBREVIATION})(?=\s)", re.UNICODE
)
# Arabic uses the title "the Ambassador" as part of the form of address.
_AR_TITLE_HON_RE: Final = re.compile(r"\s+(?:السفيرة|السفير)(?=\s)")
# A PDF may wrap a line inside a rank ("Comisario\nGeneral"): any space will do.
_RANKS = sorted(RANK_ADDRESSES, key=len, reverse=True)
_RANK_ALT = alternation(_RANKS, words=True, space=r"\s+")
_RANK_ALT_CASELESS = alternation(_RANKS, words=True, space=r"\s+", ignorecase=True)
# A rank as the form of address ("Ambassador", "l'Ambassadeur", "el Embajador");
# group 1 is the rank without its article.
RANK_ADDRESS_RE: Final = re.compile(
    rf"[ \t]*(?:(?:l['’]|le |la |el |the )[ \t]*)?"
    rf"({_RANK_ALT_CASELESS})(?=[ \t])",
    re.IGNORECASE,
)
# A capitalised rank inside a sentence ("headed by Minister Paulo ..."); group 1
# is where it starts (after an optional article).
RANK_ANYWHERE_RE: Final = re.compile(
    rf"(?<![\w\-])(?:(?:l['’]|le |la |el |the )[ \t]*)?((?:{_RANK_ALT}))(?=[ \t])"
)
# Joined initials ("Ю.В.", "A.K.") come first: one token, not an initial and a sentence end.
_LATIN_TOKEN_RE: Final = re.compile(
    r"(?:[A-ZА-ЯЁ]\.){2,3}|[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯЁ](?:[\w'’]|-(?=\w))*\.?|[A-ZА-Я]\.", re.UNICODE
)
_ARABIC_TOKEN_RE: Final = re.compile(
    r"[\u0621-\u064A\u066E-\u06D3](?:[\u0621-\u065F\u066E-\u06D3]|-)*"
)
_OCR_LOWER_L_RE: Final = re.compile(r"l[a-zà-ÿ]{2,}(?=[ \t]+[A-ZÀ-ÞА-ЯЁ])")
_PARTICLE_RE: Final = re.compile(
    r"(?:de la|van der|van den|von der|"
    + "|".join(sorted(NAME_PARTICLES, key=len, reverse=True)) + r")(?=\s)"
)
# Capitalised words that are never part of a personal name in these letters.
_NOT_NAME: Final = frozenset({
    "united", "nations", "office", "vienna", "vienne", "viena", "mission", "embassy",
    "republic", "kingdom", "note", "verbale", "annex", "annexe", "anexo", "delegation",
    "délégation", "delegación", "the", "and", "unodc", "onudc", "ref", "tel", "fax",
    "email", "e-mail", "phone", "mobile", "no", "permanent", "permanente", "ministry",
    "misión", "mision", "représentation", "representación", "embajada", "ambassade",
    "república", "république", "royaume", "reino", "regarding", "dear", "please",
    "pour", "for", "para", "with", "avec", "con", "nota", "también", "также",
    "и", "в", "постоянное", "представительство", "посольство", "regards", "cordialement",
    "saludos", "thank", "thanks", "merci", "gracias", "спасибо",
    *words("not_name"),
})
NOT_NAME_WORDS: Final = _NOT_NAME  # for readers of names outside the extractor
# The rest of a name wrapped onto the next line: one to three capitalised
# words, then a comma, a parenthesis or "and" ("Echeverría Soto, Jefa…",
# "l'Ambassadrice Sophie\nLambert et comprendra…").
_WRAPPED_REST_RE: Final = re.compile(
    r"\n[ \t]*((?:[A-ZÀ-ÞА-ЯЁ][\w'’\-]+[ \t]+){0,2}[A-ZÀ-ÞА-ЯЁ][\w'’\-]+)"
    r"(?:,|[ \t]*[;(]|[ \t]+(?:et|and|y|и)[ \t])")
_AR_WRAPPED_REST_RE: Final = re.compile(
    r"\n[ \t]*((?:[\u0621-\u064A]+[ \t]+)?[\u0621-\u064A]+)(?=[ \t]*(?:[،,؛;(.]|$))", re.M)
# Arabic names chain particles: "عبد العزيز بن فهد آل سعود" is seven tokens.
MAX_NAME_TOKENS: Final = 8
# Russian patronymics mark a personal name even without capitals or honorific.
_PATRONYMIC_RE: Final = re.compile(r"[А-ЯЁ][а-яё]+(?:ович|евич|ьич|овна|евна|ична|инична)$")


def match_honorific(text: str, pos: int) -> re.Match[str] | None:
    """An honorific sequence starting exactly at `pos`, if one that leads to a name is there."""
    match = HONORIFIC_RE.match(text, pos)
    if match is None:
        return None
    if match.group() in SINGLE_LETTER_HONORIFICS and not "\u0621" <= match.group()[0] <= "\u064a":
        # (Arabic has no capitals; "د." and "م." are only ever abbreviations.)
        # "M." and "D." are also initials; only trust them before a capitalised word.
        after = text[match.end() :].lstrip(" ")
        if not after[:1].isupper():
            return None
    return match


# read_name matches these at a position of the whole text (no copy of its rest).
_BLANKS_RE: Final = re.compile(r"[ \t]*")
_SPACES_RE: Final = re.compile(r"\s+")
_WRAPPED_CAPS_RE: Final = re.compile(r"[ \t]*\n[ \t]*([A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'\-]+)\b")
_SUFFIX_WORD_RE: Final = re.compile(r"[ \t]+(\w+)")
_JOINED_ARTICLE_RE: Final = re.compile(r"\s+(?:(?:la|el|le|the|de la)\s+)?")


def read_name(text: str, pos: int, *, need_caps: bool = False) -> tuple[str, int] | None:
    """Read name tokens at `pos`; return (name, end) or None if no name starts there."""
    tokens: list[str] = []
    ends: list[int] = []
    cursor = pos
    while len(tokens) < MAX_NAME_TOKENS:
        blank = _BLANKS_RE.match(text, cursor)
        step = blank.end() if blank else cursor
        wrapped = _WRAPPED_CAPS_RE.match(text, cursor)
        caps_pending = not any(t.isupper() and len(t) > 1 for t in tokens)
        if (tokens and (tokens[-1].isupper() or caps_pending) and wrapped
                and step < len(text) and text[step] == "\n"):
            # A PDF line wrap inside a name: "Gloria\nZELAYA", "ZELAYA\nPINEDA".
            step = wrapped.start(1)
        elif ((len(tokens) == 1 or (tokens and tokens[-1].casefold() in NAME_PARTICLES))
              and step < len(text) and text[step] == "\n"
              and (rest := _WRAPPED_REST_RE.match(text, step))):
            # A mail wrapped inside a name, the rest of it before a comma:
            # "la Sra. Paula\nEcheverría Soto, Jefa de…", "M. Pierre de La\nFontaine, …".
            step = rest.start(1)
        elif (tokens and "\u0621" <= tokens[-1][:1] <= "\u064a" and step < len(text)
              and text[step] == "\n" and (rest := _AR_WRAPPED_REST_RE.match(text, step))):
            # "السيدة زينب علي\nالجبوري، سكرتير ثالث": the family name on the next line.
            step = rest.start(1)
        if tokens and step == cursor:
            break
        particle = _PARTICLE_RE.match(text, step)
        if particle and tokens and not _honorific_after(text, particle.end()):
            nxt = _SPACES_RE.match(text, particle.end())
            after = nxt.end() if nxt else particle.end()
            if (_LATIN_TOKEN_RE.match(text, after) or _ARABIC_TOKEN_RE.match(text, after)
                    or _PARTICLE_RE.match(text, after)):
                tokens.append(particle.group())
                cursor = particle.end()
                ends.append(cursor)
                continue
        token_match = _LATIN_TOKEN_RE.match(text, step) or _ARABIC_TOKEN_RE.match(text, step)
        ocr_i = None if token_match or tokens else _OCR_LOWER_L_RE.match(text, step)
        if ocr_i is not None:
            # OCR reads a capital I as l: "Sra. lleana NÚÑEZ" is Ileana.
            tokens.append("I" + ocr_i.group()[1:])
            cursor = ocr_i.end()
            ends.append(cursor)
            continue
        if token_match is None:
            break
        token = token_match.group()
        bare = token.rstrip(".").casefold()
        # The word ends at any space: "SMITH\nsmith@x.example" is a name, then an address.
        first_word = (text[step : step + 40].split() or [""])[0]
        initial = _is_initial(token)  # "В." is an initial, not the preposition "в"
        if (bare in NAME_ENDERS or (bare in _NOT_NAME and not initial)
                or "@" in first_word):
            break
        if (token.endswith(".") and len(token) > 2 and not _is_initial(token)
                and bare not in NAME_ABBREVIATIONS):
            # "SMITH." ends a sentence; keep the word, not the full stop.
            tokens.append(token[:-1])
            ends.append(token_match.end() - 1)
            break
        tokens.append(token)
        cursor = token_match.end()
        ends.append(cursor)
    while tokens and tokens[-1].casefold() in NAME_PARTICLES:
        tokens.pop()
    if tokens:
        end = ends[len(tokens) - 1]
        suffix = _SUFFIX_WORD_RE.match(text, end)
        if suffix and suffix.group(1).casefold() in NAME_SUFFIXES:
            tokens.append(suffix.group(1))
            ends = [*ends[: len(tokens) - 1], suffix.end()]
            # "Рашад Ильхам оглы МАМЕДОВ,": the surname after the father's name.
            surname = _SURNAME_AFTER_SUFFIX_RE.match(text, ends[-1])
            if surname and surname.group(1).casefold() not in NAME_ENDERS:
                tokens.append(surname.group(1))
                ends.append(surname.end(1))
    if not tokens:
        return None
    if need_caps and not _has_caps_surname(tokens):
        return None
    return " ".join(tokens), ends[len(tokens) - 1]


_SURNAME_AFTER_SUFFIX_RE: Final = re.compile(
    r"[ \t]+([A-ZÀ-ÞА-ЯЁ][\w'’\-]+)(?=[ \t]*(?:[,;(\n]|[.](?:\s|$)|$))")


def _honorific_after(text: str, pos: int) -> bool:
    # "GONZÁLEZ DOS SANTOS y la Sra. Lucía": "y la" joins two people, not a name.
    nxt = _JOINED_ARTICLE_RE.match(text, pos)
    return bool(nxt and HONORIFIC_RE.match(text, nxt.end()))


def _is_initial(token: str) -> bool:
    # "В." or joined initials "Ю.В.", "A.K."
    return (len(token) == 2 and token[0].isupper()) or _INITIALS_RE.fullmatch(token) is not None


_INITIALS_RE: Final = re.compile(r"(?:[A-ZА-ЯЁ]\.){2,3}")


def _has_caps_surname(tokens: list[str]) -> bool:
    if len(tokens) < 2:
        return False
    if any(t.casefold() in NAME_SUFFIXES for t in tokens):
        return True
    if len(tokens) <= 4 and any(_PATRONYMIC_RE.match(t) for t in tokens[1:]):
        return True
    if len(tokens) == 2 and _INITIALS_RE.fullmatch(tokens[0]) and tokens[1][:1].isupper():
        # "Ю.В. Ушаков", "A.K. Sharma": initials before a surname are a name's shape.
        return True
    return any(len(t) >= 2 and t.isupper() and t.isalpha() for t in tokens)


def parse_person_at(text: str, pos: int, *, need_caps: bool = False) -> NameMatch | None:
    """Honorific (optional) and name at `pos`."""
    zh = parse_zh_person(text, pos)
    if zh:
        return zh
    honorific = match_honorific(text, pos)
    name_pos = pos
    hon_text: str | None = None
    if honorific:
        hon_end = honorific.end()
        ar_title = _AR_TITLE_HON_RE.match(text, hon_end)
        if ar_title:
            hon_end = ar_title.end()
        rank = None if ar_title else RANK_ADDRESS_RE.match(text, hon_end)
        if rank and read_name(text, rank.end()):
            # "H.E. Ambassador Ahmed HASSAN": the rank belongs to the address.
            hon_end = rank.end()
        hon_text = re.sub(r"\s+", " ", text[pos:hon_end]).strip()
        # Arabic joins "and" to the next word: "والسيدة" is "و" + "السيدة".
        # and "by" likewise: "ممثلاً بالسيدة" is "ب" + "السيدة".
        hon_text = re.sub(r"^(?:و|ب|وب)(?=ال|س)", "", hon_text)
        name_pos = hon_end
    read = read_name(text, name_pos, need_caps=need_caps and honorific is None)
    if read is None:
        return None
    name, end = read
    if hon_text and hon_text.casefold() in PLURAL_HONORIFICS:
        # "Mesdames Awa BA et Fanta SY": the first name ends at "and" (anchors.py
        # reads the second), each is addressed in the singular.
        # Without a second name it addresses no one person ("Señores Secretaría:").
        joined = PLURAL_JOIN_RE.search(text, name_pos, end) or PLURAL_JOIN_RE.match(text, end)
        if not joined:
            return None
        name, end = " ".join(text[name_pos : joined.start()].split()), joined.start()
        hon_text = PLURAL_HONORIFICS[hon_text.casefold()]
    if len(name.split()) < 2 and (honorific is None or _weak(honorific.group())):
        return None
    return NameMatch(pos, end, hon_text, nominative(hon_text, name))


_PLURAL_RE: Final = re.compile(
    r"(?<![\w.\-])(?:" + "|".join(re.escape(h) for h in sorted(PLURAL_HONORIFICS, key=len,
                                                               reverse=True)) + r")(?=\s)",
    re.IGNORECASE,
)


def plural_addressed(text: str) -> dict[int, str]:
    """Where the second of two names after a plural form of address starts ("Mesdames
    Awa BA et Fanta SY"), with the singular form each is addressed by."""
    second: dict[int, str] = {}
    for match in _PLURAL_RE.finditer(text):
        first = parse_person_at(text, match.start())
        joined = first and PLURAL_JOIN_RE.match(text, first.end)
        if first and first.honorific and joined:
            second[joined.end()] = first.honorific
    return second


def _weak(honorifics: str) -> bool:
    last = honorifics.split()[-1] if honorifics.split() else ""
    return honorifics in WEAK_HONORIFICS or last in WEAK_HONORIFICS


def parse_rank_addressed(text: str, pos: int) -> NameMatch | None:
    """A name addressed by a rank: "Ambassador Ahmed HASSAN", "السفير أحمد حسن", "张明参赞".

    The rank is returned as the honorific; the caller decides whether the
    place makes a rank an address (the start of an entry) or a title.
    """
    zh = zh_rank_name(text, pos)
    if zh:
        return zh
    rank = RANK_ADDRESS_RE.match(text, pos)
    if rank is None:
        return None
    read = read_name(text, rank.end())
    if read is None or len(read[0].split()) < 2:
        return None
    return NameMatch(pos, read[1], re.sub(r"\s+", " ", rank.group(1)), read[0])


_SURNAME_FIRST_RE: Final = re.compile(
    r"([A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'’\-]+(?: [A-ZÀ-ÞА-ЯЁ][A-ZÀ-ÞА-ЯЁ'’\-]+)*),[ \t]*"
    r"([A-ZÀ-ÞА-ЯЁ][\w'’\-]+(?: [A-ZÀ-ÞА-ЯЁ][\w'’\-]+){0,3})[ \t]*\(([^()\n]{1,30})\)"
)
_ZH_BARE_NAME_RE: Final = re.compile(r"([\u4e00-\u9fff·]{2,4})(?=[，,、（(\s])")
_ZH_TITLE_WORD_RE: Final = re.compile(
    "|".join(ZH_TITLE_ENDINGS) + r"|秘书|团长|成员|顾问|官员|专家|教授|博士|处长|科长|主任"
)


def parse_listed_name(text: str, pos: int) -> NameMatch | None:
    """Names a list item may hold without a leading honorific.

    "TAMM, Kristjan (Mr.)" (registration forms, surname first) and a bare
    Chinese name before its title ("阮文雄，常驻代表").
    """
    form = _SURNAME_FIRST_RE.match(text, pos)
    if form and match_honorific(form.group(3) + " ", 0):
        name = f"{form.group(1)}, {form.group(2)}"
        return NameMatch(pos, form.end(), form.group(3).strip(), name)
    zh = _ZH_BARE_NAME_RE.match(text, pos)
    line_start = text.rfind("\n", 0, pos) + 1
    if zh and header_kind(text[line_start:pos]) == "name":
        return NameMatch(pos, zh.end(), None, zh.group(1))  # "姓名：高志远"
    line_end = text.find("\n", pos)
    rest = text[zh.end() : line_end if line_end >= 0 else len(text)] if zh else ""
    # Only when a rank or function follows: "1. 感谢贵处，……" is a sentence.
    if zh and _ZH_TITLE_WORD_RE.search(rest) and not _ZH_TITLE_WORD_RE.search(zh.group(1)):
        return NameMatch(pos, zh.end(), None, zh.group(1))
    return None


def split_cell_name(cell: str) -> tuple[str | None, str]:
    """Split a table cell holding a whole name into (honorific, name)."""
    cell = cell.strip()
    zh = ZH_NAME_RE.match(cell)
    if zh and zh.end() == len(cell):
        return zh.group(3), zh.group(1)
    honorific = match_honorific(cell + " ", 0)
    form = re.sub(r"\s+", " ", honorific.group()) if honorific else None
    rest = cell[honorific.end() :].strip() if honorific else cell
    # A rank or office written before the name in the name column ("Minister
    # Paulo …", "Magistrado Juan …", "المستشار فهد …") is the form of address.
    rank = RANK_ADDRESS_RE.match(rest)
    word = rest.split(" ", 1)[0]
    if rank and _a_name_follows(rest[rank.end() :]):
        address, rest = rank.group(1), rest[rank.end() :].strip()
    elif word[:1].isupper() and word.casefold() in NAME_ENDERS and _a_name_follows(
            rest[len(word):]):
        address, rest = word, rest[len(word):].strip()
    else:
        return form, rest
    return (f"{form} {address}" if form else address), rest


def _a_name_follows(text: str) -> bool:
    """Two words or more, the first capitalised (or in a script without case)."""
    words = text.split()
    return len(words) >= 2 and (words[0][:1].isupper() or (not words[0][:1].isascii()
                                and not words[0][:1].islower()))


# The spelling-insensitive key merging one person read from body and attachment.
name_key = person_key

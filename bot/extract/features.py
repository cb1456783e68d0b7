"""Tokens and features for the name tagger (`bot.extract.tagger`).

A line is cut into tokens by script: Latin and Cyrillic words (an initial or
an abbreviation keeps its full stop: "H.E.", "A.", "Ю.В."), Arabic words,
each Chinese character on its own (Chinese writes no spaces, and a name is
two to four characters), numbers, e-mail addresses and single punctuation
marks.  Each token gets features that describe its shape, never the name
itself: script, case, length, prefixes and suffixes, hits in the lexicons
(honorifics, ranks, title words, particles, Chinese surnames and forms of
address after a name) and in a given-name/surname gazetteer built from
Faker's public lists (scripts/gen-name-gazetteer), its place relative to the
line start, a list marker, the last honorific or rank and a separator,
whether the line is a list item, a contact line, a role label or a table row,
and the same for its neighbours.  A word's own identity is a feature
too, but training keeps it only for words never seen inside a name
(`train.context_vocabulary`), so the model learns where names stand rather
than which names it has met.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Final

from bot.extract.lexicon import (
    DELEGATION_CUE_RE,
    EMAIL_LABEL_RE,
    HONORIFICS,
    NAME_ENDERS,
    NAME_PARTICLES,
    PHONE_LABEL_RE,
    RANK_ADDRESSES,
    ROLE_ALTERNATE_RE,
    ROLE_HEAD_RE,
    ZH_HONORIFICS,
    ZH_RANK_ADDRESSES,
    ZH_SURNAMES,
    ZH_TITLE_ENDINGS,
    header_kind,
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN_RE: Final = re.compile(
    r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"  # e-mail
    rf"|[{_CJK}]"  # one Chinese character
    r"|(?:[A-ZА-ЯЁ]\.){2,4}"  # joined initials "A.K.", "Ю.В."
    rf"|[^\W\d_{_CJK}](?:[^\W_{_CJK}]|['’\-](?=[^\W\d_{_CJK}]))*\.?"  # a word
    r"|\d+"
    r"|[^\s\w]",
)
_LIST_MARKER_RE: Final = re.compile(r"^[ \t]*(?:\(?\d{1,2}[.)]|[-•*·▪◦–]|[a-z][.)])[ \t]")
_LATIN_RE: Final = re.compile(r"[A-Za-zÀ-ɏ]")
_CYRILLIC_RE: Final = re.compile(r"[Ѐ-ӿ]")
_ARABIC_RE: Final = re.compile(r"[\u0600-\u06ff\u0750-\u077f]")
_CJK_RE: Final = re.compile(rf"[{_CJK}]")
GAZETTEER_NAME: Final = "gazetteer.txt.gz"
# The longest honorific, rank or Chinese form of address, in tokens.
_MAX_PHRASE_TOKENS: Final = 4


@dataclass(frozen=True)
class Token:
    text: str
    start: int  # offset in the line
    end: int


def tokenize(line: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(line)]


def script(token: str) -> str:
    if "@" in token:
        return "mail"
    if _CJK_RE.match(token):
        return "cjk"
    if _ARABIC_RE.match(token):
        return "ara"
    if _CYRILLIC_RE.match(token):
        return "cyr"
    if _LATIN_RE.match(token) or token[:1].isalpha():
        return "lat"
    if token[:1].isdigit():
        return "num"
    return "punct"


def shape(token: str) -> str:
    word = token.rstrip(".")
    if not word[:1].isalpha() or not (word.isupper() or word.islower() or word[:1].isupper()):
        return "other" if word[:1].isalpha() else "none"
    if _CJK_RE.match(word) or _ARABIC_RE.match(word):
        return "nocase"
    if len(word) == 1 or re.fullmatch(r"(?:\w\.)+\w?", word):
        return "initial" if word[:1].isupper() else "short"
    if word.isupper():
        return "upper"
    if word[:1].isupper():
        return "title" if word[1:].islower() else "mixed"
    return "lower"


@cache
def _phrase_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    honorifics = frozenset(" ".join(h.casefold().split()) for h in HONORIFICS)
    ranks = frozenset(" ".join(r.casefold().split()) for r in RANK_ADDRESSES)
    # The first token of every phrase: most tokens start none, and need no more look.
    firsts = frozenset(
        m.group().casefold() for p in (*HONORIFICS, *RANK_ADDRESSES)
        for m in [TOKEN_RE.match(p)] if m
    )
    zh_after = frozenset(w[:1] for w in (*ZH_HONORIFICS, *ZH_RANK_ADDRESSES))
    return honorifics, ranks, firsts, zh_after


@cache
def _zh_title_last_chars() -> frozenset[str]:
    return frozenset(e[-1:] for e in ZH_TITLE_ENDINGS)


def _phrase_marks(tokens: list[Token], line: str) -> tuple[list[str], list[str]]:
    """Per token: "hon"/"rank" if it is inside an honorific or rank phrase, and
    "zhaft" if it starts a Chinese form of address written after the name."""
    honorifics, ranks, firsts, zh_first = _phrase_sets()
    marks = [""] * len(tokens)
    zh = [""] * len(tokens)
    for i, token in enumerate(tokens):
        if marks[i]:
            continue
        if token.text in zh_first:
            rest = line[token.start : token.start + 3]
            if any(rest.startswith(w) for w in (*ZH_HONORIFICS, *ZH_RANK_ADDRESSES)):
                zh[i] = "zhaft"
        if token.text.casefold() not in firsts:
            continue
        for size in range(min(_MAX_PHRASE_TOKENS, len(tokens) - i), 0, -1):
            phrase = " ".join(line[token.start : tokens[i + size - 1].end].casefold().split())
            kind = "hon" if phrase in honorifics else "rank" if phrase in ranks else ""
            if kind:
                for j in range(i, i + size):
                    marks[j] = kind
                break
    return marks, zh


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4+"


def line_context(line: str) -> list[str]:
    """Features of the whole line, given to each of its tokens."""
    feats = []
    stripped = line.strip()
    if _LIST_MARKER_RE.match(line):
        feats.append("L:list")
    if EMAIL_LABEL_RE.match(stripped) or PHONE_LABEL_RE.match(stripped) or "@" in line:
        feats.append("L:contact")
    if ROLE_HEAD_RE.search(line) or ROLE_ALTERNATE_RE.search(line):
        feats.append("L:role")
    if DELEGATION_CUE_RE.search(line):
        feats.append("L:cue")
    if " | " in line:
        feats.append("L:table")
    label = re.match(r"^\s*([^:：\n]{1,40})[:：]", line)
    if label:
        feats.append("L:label")
        kind = header_kind(label.group(1))
        if kind:
            feats.append("L:hdr=" + kind)
    words = len(stripped.split())
    feats.append("L:len=" + ("s" if words <= 4 else "m" if words <= 12 else "l"))
    return feats


@cache
def gazetteer() -> dict[str, str]:
    """Given names ("g"), surnames ("s") or both ("b"), case-folded, from Faker's
    public lists (scripts/gen-name-gazetteer); empty if the file is missing."""
    path = resources.files("bot.extract").joinpath("models", GAZETTEER_NAME)
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
        kind, _, word = line.partition("\t")
        out[word] = kind
    return out


@lru_cache(maxsize=32768)
def _neighbour(key: tuple[str, str, str], offset: int) -> tuple[str, ...]:
    """A neighbour's word, script, shape and lexicon features, as seen from `offset`."""
    return tuple(f"{offset}:{f}" for f in _own(*key) if f[:2] in ("s=", "sh", "le", "w="))


@lru_cache(maxsize=8192)
def _own(token: str, mark: str, zh: str) -> tuple[str, ...]:
    word = token.rstrip(".") or token
    low = word.casefold()
    feats = [
        "s=" + script(token),
        "sh=" + shape(token),
        "len=" + _bucket(len(word)),
        "w=" + low,
    ]
    if token.endswith(".") and len(token) > 1:
        feats.append("dot")
    if "-" in word or "'" in word or "’" in word:
        feats.append("hyph")
    if len(word) >= 3 and script(token) in ("lat", "cyr", "ara"):
        feats += ["p2=" + low[:2], "p3=" + low[:3], "x2=" + low[-2:], "x3=" + low[-3:]]
    if mark:
        feats.append("lex=" + mark)
    if "zhaft" in zh:
        feats.append("lex=zhaft")
    if "zhsur2" in zh:
        feats.append("lex=zhsur2")
    if low in NAME_ENDERS:  # "lex=title": the trained model's feature, "qui" included
        feats.append("lex=title")
    if low in NAME_PARTICLES:
        feats.append("lex=particle")
    kind = gazetteer().get(low)
    if kind:
        feats.append("lex=gz" + kind)
    if token in ZH_SURNAMES:
        feats.append("lex=zhsur")
    if token in _zh_title_last_chars():
        feats.append("lex=zhtitle_end")
    return tuple(feats)


def line_features(
    line: str, tokens: list[Token] | None = None, *, prev: str = ""
) -> list[list[str]]:
    """The feature strings of each token of `line`; `prev` is the line before it."""
    tokens = tokenize(line) if tokens is None else tokens
    if not tokens:
        return []
    marks, zh = _phrase_marks(tokens, line)
    for i, token in enumerate(tokens):
        if line[token.start : token.start + 2] in ZH_SURNAMES:
            zh[i] += "zhsur2"
    keys = [(t.text, m, z) for t, m, z in zip(tokens, marks, zh, strict=True)]
    context = line_context(line)
    before = prev.strip()
    if before.endswith((":", "：")):
        context.append("P:colon")
        if ROLE_HEAD_RE.search(before) or ROLE_ALTERNATE_RE.search(before):
            context.append("P:role")
    out: list[list[str]] = []
    since_hon = 99
    since_sep = 99
    for i, token in enumerate(tokens):
        if marks[i]:
            since_hon = 0
        else:
            since_hon += 1
        if token.text in ",;:|，；：、،(（" or i == 0:
            since_sep = 0
        else:
            since_sep += 1
        feats = ["bias", *_own(*keys[i]), *context]
        feats.append("pos=" + _bucket(i))
        feats.append("hon_d=" + (_bucket(since_hon) if since_hon < 99 else "none"))
        feats.append("sep_d=" + _bucket(since_sep))
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(tokens):
                feats += _neighbour(keys[j], offset)
            else:
                feats.append(f"{offset}:edge")
        if i > 0 and tokens[i - 1].end == token.start:
            feats.append("glued")
        if _CJK_RE.match(token.text):
            # Chinese words are character pairs: "先生", "大使", "司长".
            if i + 1 < len(tokens) and tokens[i + 1].start == token.end:
                feats.append("b=" + token.text + tokens[i + 1].text)
            if i > 0 and tokens[i - 1].end == token.start:
                feats.append("-1:b=" + tokens[i - 1].text + token.text)
        out.append(feats)
    return out

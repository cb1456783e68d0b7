"""Who a follow-up says is leaving the delegation.

The person named beside a leaving cue of ``cues.yaml`` ("instead of B", "B will
no longer attend", "г-на Б. заменит …"), read within the cue's line, sentence
and clause, in any grammatical case; or a listed delegate named by rank alone
("our Ambassador will not be able to lead the delegation"). Read by
:mod:`bot.inbound.followup.operation`, which decides what the reply does.
"""

from __future__ import annotations

import re

from bot.extract.lexicon import NAME_ENDERS, RANK_ADDRESSES, ROLE_HEAD_RE
from bot.extract.names import HONORIFIC_RE
from bot.inbound.followup.cues import cue_patterns
from bot.inbound.followup.given import leaving_by_given_name
from bot.inbound.followup.mentions import CLAUSE, named_in, named_oblique
from bot.inbound.followup.pronoun import leaving_by_pronoun
from bot.results.delegation import Person, State, person_key

# How far from a leaving cue the name of the one leaving may be written; the
# line, sentence and clause of the cue narrow it further.
_WINDOW = 80


def _ahead(text: str, end: int) -> str:
    """Up to ``_WINDOW`` characters after ``end``, never cutting the last word."""
    stop = end + _WINDOW
    while stop < len(text) and not text[stop].isspace():
        stop += 1
    return text[end:stop]


def _behind(text: str, start: int) -> str:
    """Up to ``_WINDOW`` characters before ``start``, never cutting the first word."""
    begin = max(0, start - _WINDOW)
    while begin > 0 and not text[begin - 1].isspace():
        begin -= 1
    return text[begin:start]


# A line break inside a sentence: the next line goes on in lower case.
_WRAP = re.compile(r"(?<![.:;!?。；])[ \t]*\n[ \t]*(?=[^\W\d_])(?=[^A-ZА-ЯЁ\n])")
_STOP = re.compile(r"([^\s.!?]*)[.!?](?=\s+\S)")


# A line that ends on a rank, the surname on the next ("el Primer Secretario\nOspina").
_RANK_WRAP = re.compile(r"(\w+)[ \t]*\n[ \t]*(?=[A-ZÀ-ÞА-ЯЁ])")


def _unwrap(window: str) -> str:
    """Join the lines of a sentence wrapped by the mail client ("делегации\nсоветника")."""
    return _RANK_WRAP.sub(lambda m: m.group(1) + (" " if m.group(1).casefold() in NAME_ENDERS
                                                  else "\n"), _WRAP.sub(" ", window))


def _sentences(window: str) -> list[str]:
    """``window`` cut at the ends of sentences: a full stop after a word that is
    no honorific or initial ("M. Dufour. Mme Wouters reste …": two sentences)."""
    parts, start = [], 0
    for match in _STOP.finditer(window):
        word = match.group(1)
        letters = sum(ch.isalpha() for ch in word)
        if letters < 2 or "." in word or HONORIFIC_RE.match(word + ". "):
            continue  # "M.", "Е.А.", "Mrs.", "S.E.": part of a name
        nxt = window[match.end():].lstrip()[:1]
        if nxt.isalpha() and not nxt.isupper():
            continue
        parts.append(window[start:match.end()])
        start = match.end()
    return [*parts, window[start:]]


# Where the line of a cue ends: a line break, a semicolon, a Chinese full stop.
_LINE_END = re.compile(r"[;\n。；！？]")
_COMMA = re.compile(r"\s*[,،，]\s*")


def _about(window: str, before: State, side: int) -> str:
    """The part of ``window`` a leaving cue is about, cut at commas.

    ``side`` -1, the words before the cue (its subject): from the last piece
    naming a listed delegate ("…qui accompagnera M. Mercier, M. Girard n'étant
    plus disponible": M. Girard), an apposition after it kept ("M. X,
    Conseiller, ne pourra pas"), with the pieces before it that are only a
    name ("M. A, M. B et Mme C ne viendront pas"). ``side`` 1, the words after
    it (its object): up to the first piece naming a listed delegate, with the
    pieces after it that are only a name ("au lieu de M. A, M. B": both;
    "désistement de M. A, la délégation sera conduite par M. B": M. A alone).
    """
    pieces = _COMMA.split(window)
    order = range(len(pieces)) if side > 0 else range(len(pieces) - 1, -1, -1)
    at = next((i for i in order if any(named_in(pieces[i], p) for p in before.people)), None)
    if at is None:
        return window
    edge = at
    while 0 <= edge + side < len(pieces) and _only_a_name(pieces[edge + side], before):
        edge += side
    return ", ".join(pieces[:edge + 1] if side > 0 else pieces[edge:])


def _only_a_name(piece: str, before: State) -> bool:
    """``piece`` is a listed delegate's name and nothing else ("M. A", "Mme Claire Martin"),
    or a title and a surname ("el Consejero Choque")."""
    words = re.findall(r"[\w'’-]+", HONORIFIC_RE.sub(" ", " " + piece + " "))
    words = words[1:] if words and words[0].casefold() in _ARTICLES else words
    return (bool(words) and len(words) <= 4
            and all(w[:1].isupper() or w.casefold() in NAME_ENDERS for w in words)
            and any(named_in(piece, p) for p in before.people))


_ARTICLES = frozenset({"the", "le", "la", "l", "el", "los", "las", "les"})
# Where the name before a "par" of a paired replacement begins.
_PAIR_START = re.compile(r"[,:;]|(?<!\w)(?:et|and|y|и|а)(?!\w)", re.IGNORECASE)


def leaving(text: str, before: State) -> list[str]:
    """Names of the delegation ``before`` that ``text`` says are leaving or replaced.

    Read beside the extractor's own list: a name right after "instead of",
    "en sustitución de", "вместо"…, or right before "will no longer",
    "ne participera pas", "больше не"…, in any grammatical case.
    """
    patterns = cue_patterns()
    found: list[str] = []
    idle = [m.span() for m in patterns["not_leaving"].finditer(text)]
    for category, side in (("leaving_before", 1), ("leaving_after", -1)):
        for match in patterns[category].finditer(text):
            if any(a <= match.start() < b for a, b in idle):
                continue  # "ne manquera pas de", "do not hesitate"
            window = (_ahead(text, match.end()).lstrip() if side > 0
                      else _behind(text, match.start()).rstrip())
            # Only the line next to the cue (a line wrapped in a sentence goes on)
            # and the sentence of the cue ("Mr." ends no sentence); before it,
            # only the clause that the cue ends.
            line = re.split(_LINE_END, _unwrap(window))[0 if side > 0 else -1]
            window = _sentences(line)[0 if side > 0 else -1]
            window = _about(window if side > 0 else CLAUSE.split(window)[-1], before, side)
            found += [p["name"] for p in before.people
                      if named_in(window, p) and p["name"] not in found]
    for match in patterns["leaving_paired"].finditer(text):
        # "M. A est remplacé par M. B, et Mme C par Mme D": in a sentence that
        # replaces, the listed name alone right before "par" leaves.
        sentence = _sentences(_unwrap(text[max(0, match.start() - 3 * _WINDOW):match.start()]))[-1]
        if not patterns["replace"].search(sentence):
            continue
        piece = _PAIR_START.split(sentence)[-1]
        if _only_a_name(piece, before):
            found += [p["name"] for p in before.people
                      if named_in(piece, p) and p["name"] not in found]
    for match in patterns["leaving_oblique"].finditer(text):
        # "г-на Лебедева заменит г-н Орлов": the one in an oblique case leaves,
        # on whichever side of the verb, within its sentence.
        ahead = _sentences(re.split(_LINE_END, _unwrap(
            _ahead(text, match.end())))[0])[0]
        behind = _sentences(re.split(_LINE_END, _unwrap(
            _behind(text, match.start())))[-1])[-1]
        found += [p["name"] for p in before.people if p["name"] not in found
                  and (named_oblique(ahead, p) or named_oblique(behind, p))]
    # "Derek is no longer able to …"; "M. Benali, …, le retirer de la liste".
    return found or leaving_by_given_name(text, before) or leaving_by_pronoun(text, before)


def leaving_by_rank(text: str, before: State) -> list[str]:
    """The one listed delegate ``text`` names by rank or role alone as leaving.

    "Notre Ambassadeur ne pourra finalement pas conduire la délégation",
    "the head of delegation is unable to travel": beside a leaving cue, no
    listed name, but the first word of one listed delegate's title (or the
    head's role) -- that delegate, when exactly one fits.
    """
    patterns = cue_patterns()
    found: list[str] = []
    for category, side in (("leaving_before", 1), ("leaving_after", -1)):
        for match in patterns[category].finditer(text):
            window = (_ahead(text, match.end()) if side > 0
                      else _behind(text, match.start()))
            line = re.split(_LINE_END, _unwrap(window))[0 if side > 0 else -1]
            window = _sentences(line)[0 if side > 0 else -1]
            if side < 0:
                window = CLAUSE.split(window)[-1]
            if any(named_in(window, p) for p in before.people):
                continue
            words = set(person_key(window).split())
            fits = [p["name"] for p in before.people
                    if (p.get("role") == "head" and ROLE_HEAD_RE.search(window))
                    or _rank_word(p) in words]
            if len(fits) == 1 and fits[0] not in found:
                found.append(fits[0])
    return found


def _rank_word(person: Person) -> str | None:
    """The first word of a delegate's title, when long enough to be a rank
    ("Ambassadeur", "посол" is too short to be sure of); without a title, a rank
    they are addressed by ("المستشار يوسف العنزي")."""
    title = str(person.get("title") or "").split(",")[0]
    if not title.split():
        title = next((r for r in RANK_ADDRESSES if r.casefold()
                      in str(person.get("honorific") or "").casefold().split()), "")
    first = person_key(title.split()[0]) if title.split() else ""
    return first if len(first) >= 5 else None

def someone_leaving(text: str) -> bool:
    """A person (an honorific) is written next to a leaving cue: "исключить г-жу К."."""
    patterns = cue_patterns()
    for category, side in (("leaving_before", 1), ("leaving_after", -1)):
        for match in patterns[category].finditer(text):
            window = (_ahead(text, match.end()) if side > 0
                      else _behind(text, match.start()))
            if HONORIFIC_RE.search(" " + window + " "):
                return True
    return False

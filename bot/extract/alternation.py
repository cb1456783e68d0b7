"""One regular expression for a long list of alternatives, as fast as `re` allows.

`re` tries the alternatives of "a|b|c" one after the other at every position
of the text: with the thousand honorifics of the lexicons that is a thousand
tries per character.  Alternatives that begin with different letters can
never match at the same position, so `alternation` merges those that begin
alike into one branch, letter by letter ("Mr|Mrs|Ms" becomes
"M(?:r|rs|s)"), keeping the order in which they were written.  The result
matches exactly what the plain alternation matches, with the same spans,
groups aside: the first alternative written that matches still wins, and a
shorter one is still tried when a longer one fails further on.

An alternative that is a pattern is merged only on its literal beginning
("participat(?:e|ion)" on "participat"), once written out where that changes
nothing it matches: "a|b" as two alternatives, "(?:sa|notre) note" as "sa
note|notre note", "(?:l')?attente" as "l'attente|attente", "[ée]t[ée]" as
"ét[ée]|et[ée]".  One that still starts otherwise (".{0,40}", "\\w+") stays
whole where it was, and nothing is merged across it.  Patterns with groups
that capture are left as they are.  Not for re.VERBOSE.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from typing import Final

# Characters with a meaning in a pattern; any other stands for itself.
_SPECIAL: Final = frozenset("\\.^$*+?{}[]|()")
_QUANTIFIERS: Final = frozenset("?*+{")

# An alternative: its literal characters, then the rest of its pattern ("" when none).
_Parts = tuple[str, str]


def alternation(
    entries: Iterable[str], *, words: bool = False, ignorecase: bool = False,
    space: str = r"\ ",
) -> str:
    """The alternatives `entries` joined by "|", merged on their common beginnings.

    `words`: the entries are plain text, written as such (each space as `space`,
    e.g. r"\\s+"); otherwise they are patterns.  `ignorecase`: the pattern will
    be compiled with re.IGNORECASE, so "A" and "a" begin alike.
    """
    if words:
        parts = [(entry, "") for entry in entries]
    else:
        parts = [_split(part) for entry in entries for part in _written_out(entry)]
    def render(text: str) -> str:
        return re.escape(text).replace(r"\ ", space)
    key = _caseless if ignorecase else str
    if ignorecase and any(_caseless(c) is None for text, _ in parts for c in text):
        return "|".join(render(text) + rest for text, rest in parts)
    return _merged(parts, render, key)


def merged(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """re.compile(pattern, flags), its alternatives merged as `alternation` merges them."""
    return re.compile(alternation([pattern], ignorecase=bool(flags & re.IGNORECASE)), flags)


def _caseless(char: str) -> str | None:
    # Letters `re` matches alike under IGNORECASE have the same upper-case form
    # ("s", "S" and "ſ"); None for the few whose forms are not single letters.
    upper = char.upper()
    lower = upper.lower()
    return lower if len(upper) == 1 and len(lower) == 1 else None


def _written_out(entry: str) -> list[str]:
    """`entry` as alternatives that match what it matches, in the order `re` tries them,
    each starting with a letter where that can be done."""
    if _captures(entry):
        return [entry]
    return [alt for part in _top_level(entry) for alt in _opened(part)]


def _opened(entry: str) -> list[str]:
    # (?:a|b)c is ac|bc; (?:a|b)?c is ac|bc|c; [ab]c is ac|bc.
    if entry.startswith("(?:"):
        end = _closing(entry)
        rest = entry[end + 1 :]
        optional = rest[:1] == "?" and rest[1:2] not in ("?", "+")
        if optional:
            rest = rest[1:]
        elif rest[:1] in _QUANTIFIERS:
            return [entry]
        alts = [alt + rest for alt in _top_level(entry[3:end])]
        return [out for alt in [*alts, *([rest] if optional else [])] for out in _opened(alt)]
    members = _PLAIN_CLASS_RE.match(entry)
    if members and entry[members.end() : members.end() + 1] not in _QUANTIFIERS:
        return [out for char in members.group(1) for out in _opened(char + entry[members.end():])]
    return [entry]


# An opening parenthesis that may start a group that captures: any but (?: (?= (?! (?<= (?<!.
_MAY_CAPTURE_RE: Final = re.compile(r"\((?!\?(?::|=|!|<=|<!))")


def _captures(entry: str) -> bool:
    """`entry` has a group that captures.  Compiling a pattern of a thousand alternatives
    only to count its groups costs tens of milliseconds at every start, so it is
    compiled only where such a parenthesis stands (an escaped one, or one in a class,
    is taken for one: compiling then settles it)."""
    return _MAY_CAPTURE_RE.search(entry) is not None and re.compile(entry).groups > 0


_PLAIN_CLASS_RE: Final = re.compile(r"\[([^\\\[\]^\-]+)\]")


def _split(entry: str) -> _Parts:
    """(the literal characters an alternative starts with, the rest of it)."""
    end = 0
    while end < len(entry) and entry[end] not in _SPECIAL:
        end += 1
    if end < len(entry) and entry[end] in _QUANTIFIERS:
        end -= 1  # "delegates?": the quantifier belongs to the last letter
    end = max(end, 0)
    return entry[:end], entry[end:]


def _top_level(entry: str) -> list[str]:
    """`entry` cut at each "|" outside brackets."""
    return [entry[a + 1 : b] for a, b in itertools.pairwise([-1, *_bars(entry), len(entry)])]


def _closing(entry: str) -> int:
    """Where the bracket that opens `entry` closes."""
    return _scan(entry, stop=")")[0]


def _bars(entry: str) -> list[int]:
    return _scan(entry, stop="|")


def _scan(entry: str, stop: str) -> list[int]:
    # The positions of `stop` outside brackets (")": of the one closing the first "(").
    found: list[int] = []
    depth, index, in_class = 0, 0, False
    while index < len(entry):
        char = entry[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1
            if entry[index : index + 1] == "^":
                index += 1
            if entry[index : index + 1] == "]":
                index += 1  # "[]...]": the first "]" is a member
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if stop == ")" and depth == 0:
                return [index]
        elif char == "|" and depth == 0 and stop == "|":
            found.append(index)
        index += 1
    return found


def _merged(
    parts: list[_Parts], render: Callable[[str], str], key: Callable[[str], str | None]
) -> str:
    out: list[str] = []
    # Alternatives since the last one kept whole, by their first letter's key.
    groups: dict[str | None, list[_Parts]] = {}

    def flush() -> None:
        for group in groups.values():
            if len(group) == 1:
                text, rest = group[0]
                out.append(render(text) + rest)
            else:
                inner = _merged([(text[1:], rest) for text, rest in group], render, key)
                out.append(render(group[0][0][0]) + "(?:" + inner + ")")
        groups.clear()

    for text, rest in parts:
        if not text or text[0].isspace():
            # Nothing literal to merge on (or a space written as a class): kept
            # whole, in its place.
            flush()
            out.append(render(text) + rest)
        else:
            groups.setdefault(key(text[0]), []).append((text, rest))
    flush()
    return "|".join(out)

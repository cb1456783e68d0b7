"""bot.extract.alternation: the merged alternation matches exactly what "|".join matches."""

from __future__ import annotations

import random
import re

import pytest

from bot.extract.alternation import alternation, merged
from bot.extract.decision import _entries
from bot.extract.lexicon import (
    DELEGATION_CUE,
    HONORIFICS,
    RANK_ADDRESSES,
    SELF_FOLLOW_UP,
    STRONG_EXTEND,
)


def _same(plain: str, merged: str, texts: list[str], flags: int = 0) -> None:
    old, new = re.compile(plain, flags), re.compile(merged, flags)
    for text in texts:
        assert ([(m.span(), m.groups()) for m in old.finditer(text)]
                == [(m.span(), m.groups()) for m in new.finditer(text)]), (plain, text)
        assert old.sub("#", text) == new.sub("#", text)


def test_merges_words_on_their_first_letters_in_the_order_written() -> None:
    assert alternation(["Mr", "Mrs", "M", "Ms", "Dr"], words=True) == r"M(?:r(?:|s)||s)|Dr"
    assert alternation(["Amb", "amb"], words=True, ignorecase=True) == "A(?:m(?:b(?:|)))"


def test_writes_out_groups_and_classes_that_open_a_pattern() -> None:
    merged = alternation([r"(?:dans l')?attente", r"[ée]t[ée]", r"\bx", "a|b"])
    assert merged == r"dans\ l'attente|attente|ét[ée]|et[ée]|\bx|a|b"


def test_lexicon_alternations_match_as_the_plain_ones() -> None:
    texts = ["H.E. Mr. Ahmed HASSAN, Minister Counsellor", "S.E. M. l'Ambassadeur Jean DUPONT",
             "г-н Иван ПЕТРОВ, советник", "السيد أحمد حسن والسفير",
             "Sr. D. Juan, Embajador\nGeneral",
             "Mrs Mr. Ms. Dr. Prof. ambassador AMBASSADOR Ministre plénipotentiaire"]
    honorifics = sorted(HONORIFICS, key=len, reverse=True)
    _same("|".join(map(re.escape, honorifics)), alternation(honorifics, words=True), texts)
    ranks = sorted(RANK_ADDRESSES, key=len, reverse=True)
    plain = "|".join(re.escape(r).replace(r"\ ", r"\s+") for r in ranks)
    _same(plain, alternation(ranks, words=True, space=r"\s+"), texts)
    _same(plain, alternation(ranks, words=True, space=r"\s+", ignorecase=True), texts,
          re.IGNORECASE)
    replies = [text.lower() for text in texts] + [
        "the mission regrets that it will not be able to attend, but names will follow later.",
        "nous vous informerons ultérieurement; la délégation sera conduite par m. x",
        "в составе делегации: посол; не сможет принять участие", "لن يتسنى المشاركة"]
    for kind in ("undecided", "decline", "accept", "neutral", "participate", "negators"):
        entries = _entries(kind)
        _same("|".join(entries), alternation(entries), replies)
    for source in (DELEGATION_CUE, SELF_FOLLOW_UP, STRONG_EXTEND):
        _same(source, merged(source).pattern, replies)
        _same(source, merged(source, re.IGNORECASE).pattern, texts + replies, re.IGNORECASE)


def _pattern(rnd: random.Random, depth: int = 0) -> str:
    word = "".join(rnd.choice("abAB ſs") for _ in range(rnd.randint(0, 4)))
    choice = rnd.random()
    if choice < 0.5 or depth > 2:
        return re.escape(word).replace("\\ ", " ")
    if choice < 0.6:
        inner = "|".join(_pattern(rnd, depth + 1) for _ in range(rnd.randint(1, 3)))
        return f"(?:{inner}){rnd.choice(['', '?', '*'])}{_pattern(rnd, depth + 1)}"
    if choice < 0.7:
        return f"[{''.join(rnd.sample('abAB', 2))}]{_pattern(rnd, depth + 1)}"
    if choice < 0.85:
        middle = rnd.choice([r"\b", ".", "s?", r"\w*", "(?=a)", "(?<!b)"])
        return _pattern(rnd, depth + 1) + middle + _pattern(rnd, depth + 1)
    return _pattern(rnd, depth + 1) + "|" + _pattern(rnd, depth + 1)


@pytest.mark.parametrize("seed", range(4))
def test_generated_patterns_match_as_the_plain_ones(seed: int) -> None:
    rnd = random.Random(seed)
    for _ in range(150):
        ignorecase = rnd.random() < 0.4
        entries = [_pattern(rnd) for _ in range(rnd.randint(1, 6))]
        around = rnd.choice(["(?:{})", "(?:{})(?=b)", "({})b?a"])
        texts = ["".join(rnd.choice("abAB sſ\n") for _ in range(12)) for _ in range(15)]
        _same(around.format("|".join(entries)), around.format(alternation(
            entries, ignorecase=ignorecase)), texts, re.IGNORECASE if ignorecase else 0)


def test_leaves_patterns_with_groups_that_capture_whole() -> None:
    for pattern in ("(a|b)c", "(?P<x>a|b)c", "x(?:a|(b))", "(?i:a|b)(c)", r"[(]a|(b)"):
        assert alternation([pattern]) == pattern
    # No parenthesis that captures: written out ("(?:a|b)c" as "ac|bc").
    assert alternation(["(?:a|b)c", "(?<=x)(?!y)z"]) == alternation(["ac", "bc", "(?<=x)(?!y)z"])

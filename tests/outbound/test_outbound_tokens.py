"""Reply tokens: format, forgiving reading, check symbol, single-typo recovery."""

from __future__ import annotations

import re

from bot.tokens import (
    ALPHABET,
    correct_token,
    find_candidates,
    find_tokens,
    new_token,
    normalize_token,
)

SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$")


def test_new_tokens_are_canonical_and_valid() -> None:
    tokens = {new_token() for _ in range(2000)}
    assert len(tokens) == 2000
    for token in tokens:
        assert SHAPE.match(token), token
        assert normalize_token(token) == token


def test_normalize_tolerates_case_separators_and_confusables() -> None:
    token = "K7Q2-MX" + _check("K7Q2MX")
    compact = token.replace("-", "")
    assert normalize_token(compact.lower()) == token
    assert normalize_token(" k7q2 mx" + token[-1].lower() + " ") == token
    assert normalize_token("K7Q2–MX" + token[-1]) == token  # en dash
    zero = "0A1B-CD" + _check("0A1BCD")
    assert normalize_token("OA1B-CD" + zero[-1]) == zero
    assert normalize_token("oAlB-CD" + zero[-1]) == zero
    assert normalize_token("0AIB CD" + zero[-1]) == zero


def test_normalize_rejects_wrong_check_and_shape() -> None:
    token = new_token()
    wrong = token[:-1] + next(c for c in ALPHABET if c != token[-1])
    assert normalize_token(wrong) is None
    assert normalize_token(token[:-1]) is None
    assert normalize_token(token + "0") is None
    assert normalize_token("K7Q2-MX!") is None


def test_every_single_substitution_is_detected() -> None:
    for _ in range(50):
        token = new_token().replace("-", "")
        for position in range(7):
            for symbol in ALPHABET:
                if symbol == token[position]:
                    continue
                typo = token[:position] + symbol + token[position + 1:]
                assert normalize_token(typo) is None, (token, typo)


def test_find_tokens_in_subject_address_and_body() -> None:
    a, b = new_token(), new_token()
    text = (f"Re: Invitation [Ref. CU 2009/33 (A) · {a}]\n"
            f"To: secretariat+{b.lower()}@unodc.test\n"
            "Our reference MEETING 2009 and the delegation list.")
    found = find_tokens(text)
    assert a in found and b in found
    assert found.index(a) < found.index(b)


def test_find_tokens_without_dash_and_with_space() -> None:
    token = new_token()
    compact = token.replace("-", "")
    assert find_tokens(f"reference {compact} thanks") == [token]
    assert token in find_tokens(f"ref: {compact[:4]} {compact[4:]}.")


def test_find_candidates_keeps_invalid_checks_for_correction() -> None:
    token = new_token()
    typo = _typo(token, 2)
    assert normalize_token(typo) is None
    assert _format(typo) in find_candidates(f"our ref {typo} regards")
    assert typo not in find_tokens(f"our ref {typo} regards")


def test_correct_token_recovers_one_typo_in_any_position() -> None:
    known = {new_token() for _ in range(300)}
    for token in list(known)[:40]:
        for position in range(7):
            assert correct_token(_typo(token, position), known) == token
        assert correct_token(token.lower(), known) == token


def test_correct_token_refuses_unknown_and_double_typos() -> None:
    known = {new_token() for _ in range(300)}
    token = next(iter(known))
    assert correct_token(_typo(_typo(token, 1), 4), known) is None
    assert correct_token(new_token(), set()) is None
    assert correct_token("hello", known) is None


def _check(data: str) -> str:
    from bot.tokens import _VALUE, _check_symbol

    return _check_symbol([_VALUE[c] for c in data])


def _format(symbols: str) -> str:
    compact = symbols.replace("-", "")
    return f"{compact[:4]}-{compact[4:]}"


def _typo(token: str, position: int) -> str:
    compact = token.replace("-", "")
    symbol = compact[position]
    replacement = ALPHABET[(ALPHABET.index(symbol) + 7) % 32]
    return _format(compact[:position] + replacement + compact[position + 1:])

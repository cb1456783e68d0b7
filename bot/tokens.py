"""Reply tokens: short secrets that survive being read aloud, retyped or scanned.

A token is six random Crockford base32 symbols (30 bits from ``secrets``)
plus one check symbol, shown as ``K7Q2-MX7``. The canonical form, stored in
``Invitation.token`` and returned by every function here, is that
upper-case ``XXXX-XXX`` text.

Reading is forgiving: case is ignored, spaces and dashes may be anywhere,
``O`` reads as ``0``, ``I`` and ``L`` as ``1`` and ``U`` as ``V``. The
check symbol is a weighted sum modulo 32 with odd weights, so every
single-symbol typo is detected, and ``correct_token`` can recover one
mistyped symbol when the result is a token we actually issued.

The inbound matcher uses ``find_tokens`` (well-formed tokens in free text)
and, when none of them is known, ``find_candidates`` + ``correct_token``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_VALUE.update({"O": 0, "I": 1, "L": 1, "U": _VALUE["V"]})
# Odd weights are invertible modulo 32: a change in one symbol always
# changes the sum, and the one symbol that restores it can be computed.
_WEIGHTS = (1, 3, 5, 7, 9, 11)
DATA_LENGTH = len(_WEIGHTS)
LENGTH = DATA_LENGTH + 1
_SEPARATORS = " \t-\u2010\u2011\u2012\u2013\u2014\u2212._"
_SEP_CLASS = "[ \\t\\-\u2010\u2011\u2012\u2013\u2014\u2212._]"
# Seven symbols, at most one separator run inside, not part of a longer word.
# The lookahead makes matches overlap, so "Ref K7Q2-MX7" still yields the token.
_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?=("
    r"[0-9A-Za-z]{7}"
    + "|" + "|".join(
        f"[0-9A-Za-z]{{{i}}}{_SEP_CLASS}{{1,2}}[0-9A-Za-z]{{{LENGTH - i}}}"
        for i in range(1, LENGTH)
    )
    + r")(?![0-9A-Za-z]))"
)


def _check_symbol(values: list[int]) -> str:
    return ALPHABET[sum(w * v for w, v in zip(_WEIGHTS, values, strict=True)) % 32]


def _format(symbols: str) -> str:
    return f"{symbols[:4]}-{symbols[4:]}"


def new_token() -> str:
    """A fresh random token in canonical form."""
    values = [secrets.randbelow(32) for _ in range(DATA_LENGTH)]
    data = "".join(ALPHABET[v] for v in values)
    return _format(data + _check_symbol(values))


def _symbols(text: str) -> str | None:
    """The seven canonical symbols of ``text``, check not verified; None if malformed."""
    compact = "".join(ch for ch in text.upper() if ch not in _SEPARATORS)
    if len(compact) != LENGTH:
        return None
    out = []
    for ch in compact:
        value = _VALUE.get(ch)
        if value is None:
            return None
        out.append(ALPHABET[value])
    return "".join(out)


def _valid(symbols: str) -> bool:
    values = [_VALUE[ch] for ch in symbols[:DATA_LENGTH]]
    return _check_symbol(values) == symbols[DATA_LENGTH]


def normalize_token(text: str) -> str | None:
    """The canonical token written in ``text`` (nothing else), or None if it is not one."""
    symbols = _symbols(text)
    if symbols is None or not _valid(symbols):
        return None
    return _format(symbols)


def find_candidates(text: str) -> list[str]:
    """Token-shaped strings in ``text``, canonicalised, check NOT verified, first seen first."""
    seen: dict[str, None] = {}
    for match in _CANDIDATE.finditer(text):
        symbols = _symbols(match.group(1))
        if symbols is not None:
            seen.setdefault(_format(symbols), None)
    return list(seen)


def find_tokens(text: str) -> list[str]:
    """Well-formed tokens (check symbol correct) in ``text``, first seen first.

    A well-formed token is not necessarily one we issued: look it up.
    """
    return [c for c in find_candidates(text) if _valid(c.replace("-", ""))]


def correct_token(candidate: str, known_tokens: Collection[str]) -> str | None:
    """Recover a token with one mistyped symbol, if exactly one known token fits.

    Returns the token itself when it is already known, the single known
    token that differs from it in one symbol and has a valid check, or None.
    """
    symbols = _symbols(candidate)
    if symbols is None:
        return None
    if _format(symbols) in known_tokens:
        return _format(symbols)
    values = [_VALUE[ch] for ch in symbols]
    fits: set[str] = set()
    # The check symbol itself mistyped: recompute it from the data.
    fixed = symbols[:DATA_LENGTH] + _check_symbol(values[:DATA_LENGTH])
    if fixed != symbols and _format(fixed) in known_tokens:
        fits.add(_format(fixed))
    # One data symbol mistyped: the check symbol decides its only possible value.
    for position, weight in enumerate(_WEIGHTS):
        rest = sum(w * v for i, (w, v) in enumerate(zip(_WEIGHTS, values, strict=False))
                   if i != position)
        needed = ((values[DATA_LENGTH] - rest) * pow(weight, -1, 32)) % 32
        if needed == values[position]:
            continue
        trial = symbols[:position] + ALPHABET[needed] + symbols[position + 1:]
        if _format(trial) in known_tokens:
            fits.add(_format(trial))
    return fits.pop() if len(fits) == 1 else None

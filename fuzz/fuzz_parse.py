"""Atheris fuzz target for parse_message + classify (not run in CI).

Seeds from the corpora, then lets libFuzzer mutate them; any exception
escaping ``parse_message`` or ``classify`` is a crash. Atheris is not a
project dependency; install it in a scratch venv:

    .venv/bin/pip install atheris
    mkdir -p var/fuzz-corpus
    cp tests/corpus/classify/*.eml ../shared/corpora/*/*.eml var/fuzz-corpus/
    .venv/bin/python fuzz/fuzz_parse.py var/fuzz-corpus -max_total_time=60 -rss_limit_mb=2048

libFuzzer writes new interesting inputs into ``var/fuzz-corpus`` and any
crashing input as ``crash-*`` in the working directory; reproduce one with
``.venv/bin/python fuzz/fuzz_parse.py crash-XXXX``.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-not-found]

with atheris.instrument_imports():
    from bot.inbound.classifiers.registry import classify
    from bot.inbound.parse.message import Limits, parse_message

# Small limits keep each run fast, so the fuzzer explores more shapes.
LIMITS = Limits(max_message_bytes=256 * 1024, max_parts=50, max_depth=6,
                max_attachment_bytes=64 * 1024)


def test_one_input(data: bytes) -> None:
    msg = parse_message(data, LIMITS)
    assert msg.parts_count <= LIMITS.max_parts + 1
    assert msg.depth <= LIMITS.max_depth
    classify(msg)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

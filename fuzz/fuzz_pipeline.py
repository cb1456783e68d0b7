"""Atheris fuzz target for the inbound path without a database: parse, classify, extract.

Each input is a raw message. It goes through what a poll does to it before
anything is matched: ``parse_message``, ``classify``, the authentication
check on ``Authentication-Results`` (with an authserv-id, so the parser of
those headers runs), token candidates in the subject and text,
``strip_quoted`` and a match-less ``extract_response`` on the parsed text
(every parsed text attachment passed as attachment text). Any exception, a
result outside the documented values, or an input over the per-input time
limit is a crash. Atheris is not a project dependency (tested with
atheris==3.0.0)::

    .venv/bin/pip install atheris
    mkdir -p var/fuzz-pipeline
    find ../shared/corpora tests/corpus -type f ! -name LICENSE ! -name '*.json' \\
        -exec cp --backup=numbered {} var/fuzz-pipeline/ \\;
    .venv/bin/python fuzz/fuzz_pipeline.py var/fuzz-pipeline -max_total_time=300 \\
        -timeout=20 -rss_limit_mb=2048 -max_len=262144

``-max_total_time`` bounds the run (seconds). New interesting inputs land in
``var/fuzz-pipeline``; a crashing input is written as ``crash-*`` (or
``timeout-*``, ``oom-*``) in the working directory. Reproduce one with
``.venv/bin/python fuzz/fuzz_pipeline.py crash-XXXX``; every crash found
becomes a regression test in ``tests/inbound/test_injection.py``.
"""

from __future__ import annotations

import sys

import atheris  # type: ignore[import-not-found]

# Only our code is instrumented: tracing the stdlib email package too slowed
# some seeds a thousandfold (60 s for a 60 kB spam) without finding anything.
with atheris.instrument_imports(include=["bot"]):
    from bot import tokens
    from bot.extract import extract_response
    from bot.extract.quotes import strip_quoted
    from bot.inbound.classifiers.registry import classify
    from bot.inbound.matchers.auth import check_authentication
    from bot.inbound.parse.message import Limits, parse_message

# Small limits keep each run fast, so the fuzzer explores more shapes.
LIMITS = Limits(max_message_bytes=256 * 1024, max_parts=50, max_depth=6,
                max_attachment_bytes=64 * 1024)
KINDS = {"bounce", "auto_reply", "reply", "unrelated"}
DECISIONS = {"accept", "decline", "undecided", None}
ROLES = {"head", "alternate", "member", "adviser", None}
AMENDMENTS = {"replace", "extend", None}
CONTACTS = ("secretariat@unodc.test", "+43 1 26060 4283")


def check_one(data: bytes) -> None:
    """The whole target; also called by the regression tests on saved crashes."""
    msg = parse_message(data, LIMITS)
    assert msg.parts_count <= LIMITS.max_parts + 1, msg.parts_count
    assert msg.depth <= LIMITS.max_depth, msg.depth
    result = classify(msg)
    assert result.kind in KINDS, result
    verdict = check_authentication(msg.header_all("authentication-results"), "mx.unodc.test")
    assert verdict.trusted or verdict.reason
    for text in (msg.subject, msg.text[:20_000]):
        for candidate in tokens.find_candidates(text)[:50]:
            tokens.normalize_token(candidate)
    own = strip_quoted(msg.text)
    texts = [a.data.decode("utf-8", "replace") for a in msg.attachments
             if a.content_type.startswith("text/") and a.data][:3]
    extraction = extract_response(own, texts, exclude_contacts=CONTACTS)
    assert extraction.decision in DECISIONS, extraction.decision
    assert extraction.amendment in AMENDMENTS, extraction.amendment
    assert 0.0 <= extraction.confidence <= 1.0, extraction.confidence
    for delegate in extraction.delegates:
        assert delegate.role in ROLES, delegate.role
        assert 0.0 <= delegate.confidence <= 1.0, delegate.confidence
        assert "\n" not in delegate.name and "\r" not in delegate.name, delegate.name


def test_one_input(data: bytes) -> None:
    check_one(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

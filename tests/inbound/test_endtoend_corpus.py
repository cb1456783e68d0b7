"""The whole path on the real stack keeps what the extractor finds (bench/endtoend.py).

A fixed sample of TUNING cases of the reply corpus (for each language, one
case per mail shape: Gmail and Outlook replies with the invitation quoted and
a signature, a reply to the reminder, a new message with the token in the
subject, Gmail, Outlook and Apple Mail forwards of the capital's note,
multipart/alternative, Outlook and Gmail HTML-only mail, HTML-only cases,
the letter attached as text PDF and DOCX; no scans) is sent as real mail,
APPENDed to the local Dovecot, read by ``poll_once`` into SQLite and read
back through the export. For every case the final delegation's names,
titles and roles and the decision must be the extractor's own on the case's
text, the mission must show as replied, and no message may land on another
mission; out-of-office notices and spam must record nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from appfixtures import load_bench
from conftest import Stack

from bot.results.delegation import person_key

pytestmark = pytest.mark.stack

endtoend = load_bench("endtoend")
bench_extract = endtoend.bench_extract
LANGUAGES = ("en", "fr", "es", "ru", "ar", "zh")


def sample() -> tuple[list[Any], dict[str, str]]:
    """For each language: one case per body shape (the first tuning body cases in
    name order, a different one per shape), the first HTML-only case, and the first
    text PDF and DOCX cases."""
    cases = [c for c in bench_extract.load_cases() if c.split == "tuning"
             and c.expected.get("classification", "reply") == "reply"]
    chosen: list[Any] = []
    shapes: dict[str, str] = {}
    for lang in LANGUAGES:
        mine = [c for c in cases if c.language == lang]
        bodies = [c for c in mine if c.render == "body"]
        for case, shape in zip(bodies, endtoend.SHAPES_BODY, strict=False):
            chosen.append(case)
            shapes[case.name] = shape
        for render, shape in (("html", "html"), ("text_pdf", "outlook"), ("docx", "gmail")):
            first = next((c for c in mine if c.render == render), None)
            if first is not None:
                chosen.append(first)
                shapes[first.name] = shape
    return chosen, shapes


def view(item: Any) -> tuple[str | None, list[tuple[str, str, str | None]]]:
    people = sorted((person_key(d.name or ""), bench_extract.normalise(d.title, "title") or "",
                     d.role) for d in item.delegates)
    return item.decision, people


@pytest.fixture(scope="module")
def outcome(mailstack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    cases, shapes = sample()
    workdir: Path = tmp_path_factory.mktemp("endtoend")
    yield cases, endtoend.run(cases, [], host=mailstack.host, port=mailstack.imap_port,
                              workdir=workdir, shapes_of=shapes)


def test_the_sample_covers_every_language_and_shape(outcome: Any) -> None:
    _, (world, _, _) = outcome
    seen = {(m.language, endtoend.shape_label(m)) for m in world.missions if m.kind == "case"}
    for lang in LANGUAGES:
        assert {s for la, s in seen if la == lang} >= set(endtoend.SHAPES_BODY)


def test_pipeline_records_what_the_extractor_reads(outcome: Any) -> None:
    _, (_, results, _) = outcome
    lost = []
    for r in results:
        if r.mission.kind != "case":
            continue
        alone = view(bench_extract.run_case(r.mission.case))
        got = view(endtoend.as_extraction(r.got))
        if got != alone:
            lost.append(f"{r.mission.case.name} [{endtoend.shape_label(r.mission)}]: "
                        f"pipeline {got} != extractor {alone}")
    assert not lost, "\n".join(lost)


def test_every_reply_on_its_mission_and_answered(outcome: Any) -> None:
    _, (_, results, extra) = outcome
    assert extra["lost"] == 0
    assert extra["wrong"] == []
    wrong_status = [(r.mission.code, r.status, r.expected_status) for r in results
                    if r.status != r.expected_status]
    assert wrong_status == []


def test_an_unknown_colleague_waits_for_review_not_silent(outcome: Any) -> None:
    _, (_, results, _) = outcome
    colleagues = [r for r in results if r.mission.kind == "colleague"]
    assert len(colleagues) == len(LANGUAGES)
    for r in colleagues:
        assert r.status == "needs_review" and not r.got.get("delegates"), r.got


def test_out_of_office_and_spam_record_nothing(outcome: Any) -> None:
    _, (_, results, extra) = outcome
    assert extra["spam"] == len(endtoend.SPAM)
    assert extra["spam_recorded"] == 0
    ooo = [r for r in results if r.mission.kind == "ooo"]
    assert len(ooo) == len(LANGUAGES)
    for r in ooo:
        assert r.status == "sent" and not r.got.get("delegates"), r.got

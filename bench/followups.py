"""Follow-up exactness: is the delegation right after a chain of replies? (issue 17)

Replays each chain of ``tests/corpus/followups`` (``tune.yaml``, ``heldout.yaml``)
through the path of the record stage without the database: the real
extractor on each reply's own words, ``decide_operation`` on the delegation
folded so far, then ``apply``. A chain is exact when the final decision and
the set of delegates' names (case, accents and word order aside) are the
expected ones, and the fields ``final.details`` gives (a corrected title,
an e-mail sent later) are those of the delegation. Prints the share per
part, language and kind, tuning and held-out apart, and each tuning miss
with the operations it went through. Held-out chains are listed one by one
only when asked for by name (``--split heldout``): no rule is tuned on them,
so their wording stays out of sight by default.

    .venv/bin/python bench/followups.py [-v] [--split tuning|heldout|both]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.extract import extract_response, strip_quoted  # noqa: E402
from bot.inbound.followup.operation import decide_operation, reads_names  # noqa: E402
from bot.inbound.stages.record import operation_people, people_of  # noqa: E402
from bot.results.delegation import State, apply, person_key  # noqa: E402

CORPUS = ROOT / "tests" / "corpus" / "followups"
PARTS = (("tuning", "tune.yaml"), ("held-out", "heldout.yaml"))


@dataclass(frozen=True)
class Outcome:
    chain: str
    language: str
    kind: str
    exact: bool
    operations: tuple[str, ...]
    got: tuple[str | None, tuple[str, ...]]
    want: tuple[str | None, tuple[str, ...]]


def load(name: str) -> list[dict[str, Any]]:
    data = yaml.safe_load((CORPUS / name).read_text("utf-8"))
    assert isinstance(data, list)
    return data


def replay(messages: list[str]) -> tuple[State, list[str]]:
    """The delegation after ``messages``, and the operation each one performed."""
    state, operations = State(), []
    for text in messages:
        extraction = extract_response(text)
        if reads_names(state, len(extraction.delegates), strip_quoted(text)):
            extraction = extract_response(text, followup=True)  # as the record stage does
        decided = decide_operation(state, extraction.decision, people_of(extraction),
                                   extraction.withdrawn, strip_quoted(text),
                                   extraction.amendment)
        people = operation_people(extraction, decided)
        state = apply(state, decided.operation, extraction.decision, people, decided.removed)
        operations.append(decided.operation.value)
    return state, operations


def _field(value: Any) -> str:
    return "".join(ch for ch in str(value or "").casefold() if ch.isalnum())


def wrong_details(state: State, details: dict[str, dict[str, str]]) -> list[str]:
    """The fields of ``details`` (name → {field: value}) the delegation does not hold."""
    people = {person_key(p["name"]): p for p in state.people}
    wrong = []
    for name, fields in (details or {}).items():
        person = people.get(person_key(name), {})
        wrong += [f"{name} {f} {person.get(f)!r} != {v!r}" for f, v in fields.items()
                  if _field(person.get(f)) != _field(v)]
    return wrong


def score(chain: dict[str, Any]) -> Outcome:
    state, operations = replay(chain["messages"])
    got_names = tuple(sorted(person_key(p["name"]) for p in state.people))
    want_names = tuple(sorted(person_key(n) for n in chain["final"]["names"]))
    # Optional ``details``: fields a correction or a contacts follow-up must leave.
    details = wrong_details(state, chain["final"].get("details") or {})
    got = (state.decision, got_names + tuple(details))
    want = (chain["final"]["decision"], want_names)
    return Outcome(chain["id"], chain["language"], chain["kind"], got == want,
                   tuple(operations), got, want)


def report(part: str, outcomes: list[Outcome], verbose: bool, chains: bool = True) -> None:
    exact = sum(o.exact for o in outcomes)
    print(f"{part}: follow-up exactness {exact}/{len(outcomes)} = "
          f"{exact / len(outcomes):.2f}" if outcomes else f"{part}: no chains")
    for label, key in (("language", "language"), ("kind", "kind")):
        groups: dict[str, list[bool]] = defaultdict(list)
        for o in outcomes:
            groups[getattr(o, key)].append(o.exact)
        print(f"  by {label}: " + ", ".join(
            f"{g} {sum(v)}/{len(v)}" for g, v in sorted(groups.items())))
    for o in outcomes if chains else ():
        if not o.exact or verbose:
            print(f"  {'ok  ' if o.exact else 'MISS'} {o.chain}: {' → '.join(o.operations)}; "
                  f"got {o.got[0]} {list(o.got[1])}, want {o.want[0]} {list(o.want[1])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show every chain")
    parser.add_argument("--split", choices=("tuning", "heldout", "both"), default="both",
                        help="which part to replay; held-out chains are listed one by one "
                             "only with --split heldout")
    args = parser.parse_args(argv)
    for part, name in PARTS:
        key = "tuning" if part == "tuning" else "heldout"
        if args.split in (key, "both"):
            report(part, [score(chain) for chain in load(name)], args.verbose,
                   chains=part == "tuning" or args.split == "heldout")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

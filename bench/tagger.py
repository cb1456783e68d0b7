"""Measure where the name tagger helps the rules, by cross-validation on the tuning part.

For each of K folds of the tuning cases (dealt round-robin, HTML-only
cases included in the scoring but never in training), a model is trained on
the other folds (`bot.extract.train`) and the extractor is scored on the
fold with each way of using the tagger (`bot.extract.TAGGER_MODES`): none
(rules alone), "fallback" (the tagger reads a reply where the rules found
nobody), "correct" (a rank or title word the rules took into a name that the
model leaves out becomes the honorific), "extend" (extra names the model
is sure of, beside the rules' own).  It also prints the tagger alone
(names found by the model, nothing else).  Held-out cases are never read.

    .venv/bin/python bench/tagger.py [--folds 5] [--only REGEX]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import extract as bench  # noqa: E402

import bot.extract as extractor  # noqa: E402
from bot.extract import tagger, train  # noqa: E402

MODES = {"rules": frozenset(), "fallback": frozenset({"fallback"}),
         "fallback+correct": frozenset({"fallback", "correct"}),
         "+correct+extend": frozenset({"fallback", "correct", "extend"})}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default=None, help="regex on case names")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list what each mode gets wrong that the rules alone do not")
    args = parser.parse_args(argv)
    cases = [c for c in bench.load_cases() if c.split == "tuning"
             and c.render in bench.TEXT_RENDERS]
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.name)]
    samples = {s.case: s for s in train.load_samples()}
    totals = {mode: bench.Score() for mode in MODES}
    alone = [0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.folds):
            test = [c for i, c in enumerate(cases) if i % args.folds == k]
            names = {c.name for c in test}
            model = Path(tmp) / f"fold{k}.crfsuite"
            train.train([s for n, s in samples.items() if n not in names], model)
            tagger.use_model(model)
            for mode, modes in MODES.items():
                extractor.TAGGER_MODES = modes
                for case in test:
                    totals[mode].add(bench.score_case(case, bench.run_case(case)))
            for i, n in enumerate(train.score([samples[n] for n in names if n in samples],
                                              model)):
                alone[i] += n
    tagger.use_model(None)
    for mode, score in totals.items():
        c = score.fields["name"]
        print(f"{mode:<16} name P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f} "
              f"({c.tp}/{c.fp}/{c.fn})  title F1 {score.fields['title'].f1:.3f}  "
              f"role acc {score.role_accuracy:.3f}")
    if args.verbose:
        for mode, score in totals.items():
            for wrong in sorted(set(score.wrong) - set(totals["rules"].wrong)):
                print(f"  {mode}: {wrong}")
    tp, fp, fn = alone
    p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
    print(f"{'tagger alone':<16} name P {p:.3f} R {r:.3f} F1 {2 * p * r / max(1e-9, p + r):.3f} "
          f"({tp}/{fp}/{fn})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

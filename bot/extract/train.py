"""Train the name tagger on the tuning part of the reply corpus.

    python -m bot.extract.train                  # writes bot/extract/models/names.crfsuite
    python -m bot.extract.train --folds 5        # cross-validation on the tuning part only
    python -m bot.extract.train --limit 20 --out /tmp/small.crfsuite

Labels come from the corpus itself: each case's expected delegate names
(and the people it withdraws) are found in its text, their tokens become
B-/I-NAME, and the honorific written straight before a name B-/I-HON.  Cases
marked `"split": "heldout"` are never read.  HTML-only cases are skipped
(their text is markup until the read stage turns it into lines).  Training
is deterministic: the same corpus gives the same model file.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrfsuite

from bot.extract.features import Token, line_features, tokenize
from bot.extract.quotes import split_signature, strip_quoted
from bot.extract.tagger import default_model_path, find_names
from bot.extract.tidy import tidy

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "replies"
PARAMS: dict[str, Any] = {
    "c1": 0.05, "c2": 0.05, "max_iterations": 150,
    "feature.possible_transitions": True,
}
# Words seen this often outside names keep their identity as a feature.
MIN_CONTEXT_COUNT = 2


@dataclass
class Sample:
    case: str
    text: str
    names: list[str]
    honorifics: list[str | None]


def load_samples(corpus: Path = DEFAULT_CORPUS, limit: int | None = None) -> list[Sample]:
    """The tuning cases of `corpus` as (text, names to find), in file-name order
    (`limit`: that many, taken at even steps)."""
    samples: list[Sample] = []
    for path in sorted(corpus.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if expected.get("split") == "heldout" or expected.get("render") == "html":
            continue
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        body, _signature = split_signature(strip_quoted(tidy(text)))
        delegates = expected.get("delegates") or []
        names = [str(d["name"]) for d in delegates]
        honorifics = [d.get("honorific") for d in delegates]
        for withdrawn in expected.get("withdrawn") or []:
            names.append(str(withdrawn))
            honorifics.append(None)
        samples.append(Sample(path.stem, body, names, honorifics))
    if limit is not None and 0 < limit < len(samples):
        # Spread over the corpus (files are sorted by language), not its first language.
        samples = samples[:: len(samples) // limit][:limit]
    return samples


def _pattern(phrase: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in phrase.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)", re.IGNORECASE)


def _fold(text: str) -> str:
    # Accents aside, letter for letter (so offsets stay those of `text`).
    return "".join(
        unicodedata.normalize("NFKD", ch)[0] if len(unicodedata.normalize("NFKD", ch)) > 1
        else ch for ch in text
    )


def name_spans(sample: Sample) -> list[tuple[int, int, str]]:
    """(start, end, label) of each name and honorific of `sample` found in its text."""
    spans: list[tuple[int, int, str]] = []
    folded = _fold(sample.text)
    for name, honorific in zip(sample.names, sample.honorifics, strict=True):
        cjk = bool(re.search(r"[\u4e00-\u9fff]", name))
        pattern = re.compile(re.escape(name)) if cjk else _pattern(_fold(name))
        for match in pattern.finditer(folded):
            spans.append((match.start(), match.end(), "NAME"))
            if honorific:
                before = folded[: match.start()].rstrip()
                hon = _fold(honorific)
                if cjk:
                    after = folded[match.end() : match.end() + len(hon)]
                    if after == hon:
                        spans.append((match.end(), match.end() + len(hon), "HON"))
                elif before.casefold().endswith(hon.casefold()):
                    spans.append((len(before) - len(hon), len(before), "HON"))
    return spans


def line_labels(tokens: list[Token], offset: int, spans: list[tuple[int, int, str]]) -> list[str]:
    labels = ["O"] * len(tokens)
    for start, end, kind in spans:
        first = True
        for i, token in enumerate(tokens):
            if start <= offset + token.start < end and labels[i] == "O":
                labels[i] = ("B-" if first else "I-") + kind
                first = False
    return labels


def sequences(
    samples: Sequence[Sample], *, augment: bool = True
) -> Iterator[tuple[str, list[list[str]], list[str]]]:
    """(case, features, labels) of every non-empty line of every sample.

    With `augment`, each line that holds a name is also given as other writers
    might have written it (`variants`): without its honorifics, and with its
    capitals surnames in title case.
    """
    for sample in samples:
        spans = name_spans(sample)
        offset = 0
        prev = ""
        for line in sample.text.split("\n"):
            tokens = tokenize(line)
            if tokens:
                local = [(a - offset, b - offset, k) for a, b, k in spans
                         if offset <= a < offset + len(line)]
                yield (sample.case, line_features(line, tokens, prev=prev),
                       line_labels(tokens, 0, local))
                if augment:
                    for variant, moved in variants(line, local):
                        vtokens = tokenize(variant)
                        yield (sample.case, line_features(variant, vtokens, prev=prev),
                               line_labels(vtokens, 0, moved))
                prev = line
            offset += len(line) + 1


def variants(
    line: str, spans: list[tuple[int, int, str]]
) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """`line` without its honorifics, with its names' capitals in title case, and
    with a capitals surname written first."""
    if not any(k == "NAME" for _, _, k in spans):
        return []
    out = []
    hons = sorted((a, b) for a, b, k in spans if k == "HON")
    if hons:
        pieces, last = [], 0
        for start, end in hons:
            pieces.append(line[last:start])
            last = end + _gap(line, end)
        pieces.append(line[last:])
        moved = []
        for start, end, kind in spans:
            if kind == "NAME":
                shift = sum(he + _gap(line, he) - hs for hs, he in hons if he <= start)
                moved.append((start - shift, end - shift, kind))
        out.append(("".join(pieces), moved))
    names = [(a, b) for a, b, k in spans if k == "NAME"]
    moved_first = _surname_first(line, names)
    if moved_first is not None:
        out.append((moved_first, [(a, b, k) for a, b, k in spans if k == "NAME"]))
    if any(re.search(r"\b[A-ZА-ЯЁÀ-Þ]{2,}", line[a:b]) for a, b in names):
        chars = list(line)
        for a, b in names:
            chars[a:b] = list(re.sub(r"[A-ZА-ЯЁÀ-Þ'’\-]{2,}", lambda m: m.group().title(),
                                     line[a:b]))
        out.append(("".join(chars), list(spans)))
    return out


def _surname_first(line: str, names: list[tuple[int, int]]) -> str | None:
    """"Ivan PETROV" written "PETROV Ivan", as lists often do (same offsets, same length)."""
    chars = list(line)
    changed = False
    for a, b in names:
        words = line[a:b].split(" ")
        if len(words) >= 2 and len(words[-1]) > 1 and words[-1].isupper() and not any(
                w.isupper() for w in words[:-1]):
            chars[a:b] = list(" ".join([words[-1], *words[:-1]]))
            changed = True
    return "".join(chars) if changed else None


def _gap(line: str, end: int) -> int:
    return len(line[end:]) - len(line[end:].lstrip(" \t"))


def context_vocabulary(data: Sequence[tuple[str, list[list[str]], list[str]]]) -> set[str]:
    """Words (and Chinese character pairs) seen outside names at least
    MIN_CONTEXT_COUNT times and never inside one."""
    outside: Counter[str] = Counter()
    inside: set[str] = set()
    for _case, feats, labels in data:
        for item, label in zip(feats, labels, strict=True):
            words = [f for f in item if f.startswith(("w=", "b="))]
            (inside.update(words) if label.endswith("NAME") else outside.update(words))
    return {w for w, n in outside.items() if n >= MIN_CONTEXT_COUNT and w not in inside}


def _keep(feature: str, vocabulary: set[str]) -> bool:
    word = feature.split(":", 1)[1] if feature[:1] in "-12" and ":" in feature else feature
    return not word.startswith(("w=", "b=")) or word in vocabulary


def train(samples: Sequence[Sample], out: Path) -> dict[str, int]:
    """Train on `samples` and write the model to `out`; return a few counts."""
    data = list(sequences(samples))
    vocabulary = context_vocabulary(data)
    trainer = pycrfsuite.Trainer(verbose=False)
    labels: Counter[str] = Counter()
    for _case, feats, tags in data:
        trainer.append([[f for f in item if _keep(f, vocabulary)] for item in feats], tags)
        labels.update(tags)
    trainer.set_params(PARAMS)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return {"cases": len(samples), "lines": len(data), **labels}


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def score(samples: Sequence[Sample], model: Path) -> tuple[int, int, int]:
    """(true, false, missed) names found by the model alone in `samples`."""
    tp = fp = fn = 0
    for sample in samples:
        want = Counter(_key(n) for n in sample.names)
        got = Counter(_key(n.name) for n in find_names(sample.text, model=model))
        hits = sum((want & got).values())
        tp += hits
        fp += sum(got.values()) - hits
        fn += sum(want.values()) - hits
    return tp, fp, fn


def cross_validate(samples: Sequence[Sample], folds: int) -> list[tuple[int, int, int]]:
    """Train on all folds but one, score on that one, in turn (cases dealt round-robin)."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(folds):
            train_part = [s for i, s in enumerate(samples) if i % folds != k]
            test_part = [s for i, s in enumerate(samples) if i % folds == k]
            path = Path(tmp) / f"fold{k}.crfsuite"
            train(train_part, path)
            results.append(score(test_part, path))
    return results


def _f1(tp: int, fp: int, fn: int) -> str:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f} R {r:.3f} F1 {f:.3f} ({tp}/{fp}/{fn})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N cases")
    parser.add_argument("--folds", type=int, default=0, help="cross-validate instead")
    args = parser.parse_args(argv)
    samples = load_samples(args.corpus, args.limit)
    if args.folds:
        results = cross_validate(samples, args.folds)
        for k, result in enumerate(results):
            print(f"fold {k}: tagger alone, names {_f1(*result)}")
        total = tuple(sum(r[i] for r in results) for i in range(3))
        print(f"all folds: tagger alone, names {_f1(*total)}")
        return 0
    out = args.out or default_model_path()
    counts = train(samples, out)
    print(f"{out}: {out.stat().st_size} bytes; " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

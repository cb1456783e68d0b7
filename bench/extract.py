"""Score the extractor against the reply corpus (tests/corpus/replies).

Prints precision, recall and F1 per delegate field (name, title, role,
email, phone), role accuracy and decision accuracy, per language and per
kind of difficulty, separately for the tuning part and the held-out part
(cases marked `"split": "heldout"`, which no rule is tuned on), and for
text replies (body, text PDF, DOCX) and scans (scanned PDF, JPEG photo, PNG
scan, HEIC photo).  With the text replies of each part it prints the
follow-up exactness of that part's chains (tests/corpus/followups, replayed
by bench/followups.py) per language and per operation, and the share of
answers (replies the record stage reads that state a decision) that it
would mark "to confirm" for the extraction's doubt although their match is
certain (``bot.inbound.stages.record.extraction_doubt``, the same decision):
per language and per kind (column "confirm/answers"), and in the summary
line, which also gives the share among all replies.
It ends with the extraction time per text reply.

    .venv/bin/python bench/extract.py            # text only (fast)
    .venv/bin/python bench/extract.py --scans    # also OCR the scans and photos
    .venv/bin/python bench/extract.py --split tuning -v   # mismatches, tuning part only

The scoring helpers are imported by tests/extract/test_extract.py, so the test
gate and this report always measure the same thing.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
import textwrap
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "replies"
FIELDS = ("name", "title", "role", "email", "phone")
TEXT_RENDERS = frozenset({"body", "html", "text_pdf", "docx"})
SCAN_RENDERS = frozenset({"scanned_pdf", "photo", "png", "heic"})
# The secretariat's own contacts, as quoted in the invitation (never a delegate's).
SECRETARIAT_CONTACTS = (
    "secretariat@unodc.test",
    "hans.gruber@unodc.test",
    "+43 1 26060 4283",
    "+43 1 26060 5866",
)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.config.campaign import Thresholds  # noqa: E402
from bot.extract import Extraction, extract_response  # noqa: E402
from bot.inbound.followup.operation import decide_operation  # noqa: E402
from bot.inbound.stages.record import extraction_doubt, people_of, reading_doubt  # noqa: E402
from bot.results.delegation import State  # noqa: E402

# The campaign's default threshold: below it the record stage doubts the reading.
EXTRACTION_THRESHOLD = Thresholds().extraction


@dataclass
class Case:
    name: str
    text: str
    expected: dict[str, Any]

    @property
    def render(self) -> str:
        return str(self.expected.get("render", "body"))

    @property
    def language(self) -> str:
        return str(self.expected["language"])

    @property
    def split(self) -> str:
        """"heldout" for the fifth no rule is tuned on, else "tuning"."""
        return "heldout" if self.expected.get("split") == "heldout" else "tuning"

    @property
    def kinds(self) -> list[str]:
        """The difficulties the case exercises (issue 17's kinds); "base" if none."""
        return list(self.expected.get("kinds") or ["base"])


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Score:
    fields: dict[str, Counts] = field(default_factory=lambda: {f: Counts() for f in FIELDS})
    decisions: int = 0
    decisions_right: int = 0
    # Expected delegates, and those found with the right role (a missed
    # delegate counts as a wrong role).
    roles: int = 0
    roles_right: int = 0
    replies: int = 0
    # Replies the record stage would mark "to confirm" for the reading's doubt
    # although the match is certain (a token): issue 17's two doubts.
    doubtful: int = 0
    # The same among answers: replies the record stage reads (not automatic
    # replies, which the classifier stops first) that state a decision. A
    # question or a note with no answer in it is rightly left for a human.
    answers: int = 0
    doubtful_answers: int = 0
    wrong: list[str] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for name in FIELDS:
            self.fields[name].add(other.fields[name])
        self.decisions += other.decisions
        self.decisions_right += other.decisions_right
        self.roles += other.roles
        self.roles_right += other.roles_right
        self.replies += other.replies
        self.doubtful += other.doubtful
        self.answers += other.answers
        self.doubtful_answers += other.doubtful_answers
        self.wrong.extend(other.wrong)
        self.doubts.extend(other.doubts)

    @property
    def decision_accuracy(self) -> float:
        return self.decisions_right / self.decisions if self.decisions else 1.0

    @property
    def role_accuracy(self) -> float:
        return self.roles_right / self.roles if self.roles else 1.0

    @property
    def doubtful_share(self) -> float:
        return self.doubtful / self.replies if self.replies else 0.0

    @property
    def doubtful_answer_share(self) -> float:
        return self.doubtful_answers / self.answers if self.answers else 0.0


def load_cases(corpus: Path = CORPUS) -> list[Case]:
    cases = []
    for path in sorted(corpus.glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        cases.append(Case(path.stem, text, expected))
    return cases


def normalise(value: str | None, field_name: str) -> str | None:
    if value is None:
        return None
    if field_name in ("name", "title"):
        decomposed = unicodedata.normalize("NFKD", value.casefold())
        return "".join(ch for ch in decomposed if ch.isalnum())
    return value.strip().lower()


def render_attachment(case: Case, cache_dir: Path | None = None) -> str:
    """The attachment's text as the read stage would produce it."""
    sys.path.insert(0, str(ROOT / "tests"))
    import docgen  # type: ignore[import-not-found]

    from bot.inbound.readers.attachments import read_attachment

    lang = case.language
    if case.render == "text_pdf":
        # Word processors wrap lines and lay tables out in columns; docgen
        # writes each line as given.
        lines = [line.replace(" | ", "     ") for line in case.text.split("\n")]
        wrapped = "\n".join(
            line if "     " in line else textwrap.fill(line, 95) for line in lines
        )
        data, ctype, fname = docgen.make_text_pdf(wrapped), "application/pdf", "note.pdf"
    elif case.render == "scanned_pdf":
        data = docgen.make_scanned_pdf(case.text, lang=lang)
        ctype, fname = "application/pdf", "scan.pdf"
    elif case.render == "photo":
        data, ctype, fname = docgen.make_photo_jpeg(case.text, lang=lang), "image/jpeg", "photo.jpg"
    elif case.render == "png":
        data, ctype, fname = docgen.make_png(case.text, lang=lang), "image/png", "scan.png"
    elif case.render == "heic":
        data, ctype, fname = docgen.make_heic(case.text, lang=lang), "image/heic", "IMG_0001.HEIC"
    elif case.render == "docx":
        paragraphs = [line for line in case.text.split("\n") if " | " not in line]
        table = [line for line in case.text.split("\n") if " | " in line]
        rows = [[cell.strip() for cell in line.split(" | ")] for line in table]
        data = docgen.make_docx("\n".join(paragraphs), rows=rows)
        ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        fname = "delegation.docx"
    else:
        raise ValueError(f"{case.name}: render {case.render!r} has no attachment")
    result = read_attachment(data, ctype, fname, [lang], cache_dir=cache_dir)
    return str(result.text)


def run_case(case: Case, cache_dir: Path | None = None) -> Extraction:
    exp = case.expected
    if case.render == "body":
        body, attachments = case.text, []
    elif case.render == "html":
        # HTML-only mail: the body reaches the extractor as the read stage's text.
        from bot.inbound.parse.mimetext import html_to_text

        body, attachments = html_to_text(case.text), []
    else:
        body, attachments = exp.get("cover", ""), [render_attachment(case, cache_dir)]
    return extract_response(
        body, attachments, language=case.language, region=exp.get("region"),
        exclude_contacts=SECRETARIAT_CONTACTS,
    )


def to_confirm(case: Case, got: Extraction) -> str | None:
    """Why the record stage would mark this reply's delegation "to confirm" (its
    match certain, the mission's first answer), or None: the stage's own decision."""
    before = State()
    decided = decide_operation(before, got.decision, people_of(got), got.withdrawn,
                               case.text, got.amendment)
    return reading_doubt(extraction_doubt(got, decided, before, EXTRACTION_THRESHOLD), decided)


def score_case(case: Case, got: Extraction) -> Score:
    score = Score(decisions=1, replies=1)
    # A delegation read back from the database (bench/endtoend.py) carries the
    # record stage's own verdict; only the extractor's result is judged here.
    doubt = to_confirm(case, got) if isinstance(got, Extraction) else None
    if doubt is not None:
        score.doubtful = 1
        score.doubts.append(f"{case.name}: to confirm: {doubt}")
    if (case.expected.get("classification", "reply") == "reply"
            and case.expected.get("decision") is not None):
        score.answers = 1
        score.doubtful_answers = score.doubtful
    if got.decision == case.expected["decision"]:
        score.decisions_right = 1
    else:
        score.wrong.append(f"{case.name}: decision {got.decision} != {case.expected['decision']}")
    expected = list(case.expected.get("delegates", []))
    found = [vars(d) for d in got.delegates]
    pairs = _pair(expected, found)
    paired_found = {j for _, j in pairs if j is not None}
    for i, j in pairs:
        exp = expected[i]
        hit = found[j] if j is not None else None
        score.roles += 1
        score.roles_right += int(hit is not None and hit.get("role") == exp.get("role"))
        for name in FIELDS:
            want = normalise(exp.get(name), name)
            have = normalise(hit.get(name), name) if hit else None
            counts = score.fields[name]
            if want is not None and have == want:
                counts.tp += 1
                continue
            if want is not None:
                counts.fn += 1
            if have is not None:
                counts.fp += 1
            if want != have:
                score.wrong.append(f"{case.name}: {name} {have!r} != {want!r}")
    for j, hit in enumerate(found):
        if j in paired_found:
            continue
        score.wrong.append(f"{case.name}: unexpected delegate {hit['name']!r}")
        for name in FIELDS:
            if hit.get(name) is not None:
                score.fields[name].fp += 1
    return score


def _pair(
    expected: list[dict[str, Any]], found: list[dict[str, Any]]
) -> list[tuple[int, int | None]]:
    """Pair each expected delegate with the most similar unclaimed found one."""
    pairs: list[tuple[int, int | None]] = []
    taken: set[int] = set()
    for i, exp in enumerate(expected):
        want = normalise(exp["name"], "name") or ""
        best, best_ratio = None, 0.0
        for j, hit in enumerate(found):
            if j in taken:
                continue
            ratio = SequenceMatcher(None, want, normalise(hit["name"], "name") or "").ratio()
            if ratio > best_ratio:
                best, best_ratio = j, ratio
        if best is not None and best_ratio >= 0.75:
            taken.add(best)
            pairs.append((i, best))
        else:
            pairs.append((i, None))
    return pairs


def evaluate(
    cases: Iterable[Case], cache_dir: Path | None = None
) -> tuple[Score, dict[str, Score]]:
    total, by_language, _ = evaluate_by(cases, cache_dir)
    return total, by_language


def evaluate_by(
    cases: Iterable[Case], cache_dir: Path | None = None
) -> tuple[Score, dict[str, Score], dict[str, Score]]:
    """The total score, and the scores per language and per kind."""
    total = Score()
    by_language: dict[str, Score] = defaultdict(Score)
    by_kind: dict[str, Score] = defaultdict(Score)
    for case in cases:
        score = score_case(case, run_case(case, cache_dir))
        total.add(score)
        by_language[case.language].add(score)
        for kind in case.kinds:
            by_kind[kind].add(score)
    return total, dict(by_language), dict(by_kind)


def load_followups() -> ModuleType:
    """bench/followups.py, whose replay of the chains this report prints (one implementation)."""
    loaded = sys.modules.get("bench_followups")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("bench_followups",
                                                  ROOT / "bench" / "followups.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_followups"] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Chains:
    """Follow-up exactness of one part's chains: overall, per language, per operation."""

    exact: int = 0
    total: int = 0
    by_language: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    by_kind: dict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    misses: list[str] = field(default_factory=list)


def followup_exactness(split: str) -> Chains:
    """Replay the chains of ``split`` ("tuning" or "heldout") with bench/followups.py."""
    bench = load_followups()
    name = dict(bench.PARTS)["tuning" if split == "tuning" else "held-out"]
    chains = Chains()
    for outcome in map(bench.score, bench.load(name)):
        chains.total += 1
        chains.exact += outcome.exact
        chains.by_language[outcome.language].append(outcome.exact)
        chains.by_kind[outcome.kind].append(outcome.exact)
        if not outcome.exact:
            chains.misses.append(f"{outcome.chain}: {' → '.join(outcome.operations)}")
    return chains


def _share(hits: Sequence[bool]) -> str:
    return f"{sum(hits) / len(hits):.3f}" if hits else "-"


def _table(
    title: str, total: Score, by_language: dict[str, Score], by_kind: dict[str, Score],
    chains: Chains | None = None,
) -> str:
    lines = [f"== {title} ==", f"{'field':<8}{'P':>7}{'R':>7}{'F1':>7}    (tp/fp/fn)"]
    for name in FIELDS:
        c = total.fields[name]
        lines.append(f"{name:<8}{c.precision:7.3f}{c.recall:7.3f}{c.f1:7.3f}    "
                     f"({c.tp}/{c.fp}/{c.fn})")
    lines.append(f"role accuracy {total.role_accuracy:.3f} ({total.roles_right}/{total.roles})"
                 f"   decision accuracy {total.decision_accuracy:.3f} "
                 f"({total.decisions_right}/{total.decisions})")
    lines.append(f"to confirm for the reading's doubt, match certain: "
                 f"{total.doubtful_answer_share:.3f} of answers ({total.doubtful_answers}/"
                 f"{total.answers}; target <= 0.05); {total.doubtful_share:.3f} of all replies "
                 f"({total.doubtful}/{total.replies}, questions and automatic replies included)")
    if chains is not None:
        share = chains.exact / chains.total if chains.total else 1.0
        lines.append(f"follow-up exactness {share:.3f} ({chains.exact}/{chains.total} chains "
                     "exact after the last reply; target >= 0.95)")
        lines.append("  per operation: " + ", ".join(
            f"{kind} {sum(v)}/{len(v)}" for kind, v in sorted(chains.by_kind.items())))
    header = (f"{'':<14}{'replies':>8}{'name F1':>9}{'title F1':>9}{'role acc':>9}"
              f"{'decision':>9}{'email F1':>9}{'phone F1':>9}{'confirm/answers':>16}")
    for label, groups in (("language", by_language), ("kind", by_kind)):
        lines.append(f"per {label}:")
        lines.append(header + (f"{'follow-up':>11}{'chains':>7}"
                               if chains is not None and label == "language" else ""))
        for key in sorted(groups):
            s = groups[key]
            line = (f"{key:<14}{s.replies:>8}{s.fields['name'].f1:9.3f}"
                    f"{s.fields['title'].f1:9.3f}{s.role_accuracy:9.3f}"
                    f"{s.decision_accuracy:9.3f}{s.fields['email'].f1:9.3f}"
                    f"{s.fields['phone'].f1:9.3f}{s.doubtful_answer_share:16.3f}")
            if chains is not None and label == "language":
                hits = chains.by_language.get(key, [])
                line += f"{_share(hits):>11}{len(hits):>7}"
            lines.append(line)
    return "\n".join(lines)


def time_text_replies(cases: Sequence[Case], rounds: int = 5) -> float:
    """Milliseconds of CPU per body reply, the extractor alone (best round of `rounds`).

    CPU time, not wall time, because the machine is shared: other processes
    must not make the extractor look slower than it is.
    """
    bodies = [c for c in cases if c.render == "body"]
    if not bodies:
        return 0.0
    for case in bodies:  # warm the lexicon and regex caches
        run_case(case)
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for case in bodies:
            run_case(case)
        best = min(best, time.process_time() - start)
    return best * 1000 / len(bodies)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scans", action="store_true", help="also OCR scans and photos")
    parser.add_argument("--cache", type=Path, default=None, help="OCR cache directory")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    parser.add_argument("--only", default=None, help="regex on case names")
    parser.add_argument("--split", choices=("tuning", "heldout", "both"), default="both",
                        help="which part to score (--verbose lists only the tuning part's "
                             "mismatches unless --split heldout is given)")
    args = parser.parse_args(argv)
    cases = load_cases()
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.name)]
    splits = ("tuning", "heldout") if args.split == "both" else (args.split,)
    for split in splits:
        part = [c for c in cases if c.split == split]
        groups = [("text (body, text PDF, DOCX)", [c for c in part if c.render in TEXT_RENDERS])]
        if args.scans:
            scans = [c for c in part if c.render in SCAN_RENDERS]
            groups.append(("scans (scanned PDF, JPEG, PNG, HEIC)", scans))
        for index, (title, group) in enumerate(groups):
            total, by_language, by_kind = evaluate_by(group, args.cache)
            # The chains are text: their exactness goes with the text replies.
            chains = followup_exactness(split) if index == 0 else None
            print(_table(f"{split} part, {title}: {len(group)} replies", total, by_language,
                         by_kind, chains))
            # Held-out mismatches are shown only on request, so tuning never sees them.
            if args.verbose and (split == "tuning" or args.split == "heldout"):
                print("\n".join("  " + w for w in [*total.wrong, *total.doubts,
                                                     *(chains.misses if chains else [])]))
            print()
    print(f"extraction time: {time_text_replies(cases):.2f} ms CPU per body reply "
          "(mean over all body replies, best of 5 rounds, one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

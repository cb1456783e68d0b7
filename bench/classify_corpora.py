"""Classify every message of the shared corpora and print a per-folder table.

Usage: ``.venv/bin/python bench/classify_corpora.py [-v] [CORPORA_DIR]``.
The corpora default to ``$INVITEBOT_CORPORA`` or ``<repo>/../shared/corpora``.
"Recall" counts bounces (kind ``bounce``) that named at least one failed
recipient, over the messages expected to be bounces: every file of
``sisimai-bounces/`` except ``rfc3834-*`` and ``arf-*``, and ``flanker/bounce/``.
With ``-v`` each file's classification is printed.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

from bot.inbound.classifiers.registry import classify
from bot.inbound.parse.message import parse_message

KINDS = ("bounce", "auto_reply", "reply", "unrelated")


def corpora_dir(argv: list[str]) -> Path:
    args = [a for a in argv if not a.startswith("-")]
    if args:
        return Path(args[0])
    env = os.environ.get("INVITEBOT_CORPORA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "corpora"


def expected_bounce(path: Path, root: Path) -> bool:
    rel = path.relative_to(root).as_posix()
    if rel.startswith("sisimai-bounces/"):
        return not path.name.startswith(("rfc3834-", "arf-"))
    return rel.startswith("flanker/bounce/")


def main(argv: list[str]) -> int:
    root = corpora_dir(argv)
    if not root.is_dir():
        print(f"no corpora at {root}", file=sys.stderr)
        return 1
    verbose = "-v" in argv
    rows: dict[str, Counter[str]] = {}
    for path in sorted(root.rglob("*.eml")):
        folder = path.relative_to(root).parent.as_posix()
        row = rows.setdefault(folder, Counter())
        row["files"] += 1
        try:
            msg = parse_message(path.read_bytes())
            row["parsed"] += 1
            result = classify(msg)
        except Exception as exc:
            row["failures"] += 1
            print(f"FAIL {path}: {exc!r}", file=sys.stderr)
            continue
        row[result.kind] += 1
        if expected_bounce(path, root):
            row["expected"] += 1
            if result.kind == "bounce" and result.bounced_recipients:
                row["recalled"] += 1
        if verbose:
            print(
                f"{path.relative_to(root)}\t{result.kind}\t{result.classifier}\t"
                f"{','.join(result.bounced_recipients)}\t{result.status}\t"
                f"{'delay' if result.is_delay else ''}\t{result.original_message_id}\t"
                f"{result.reason}"
            )
    header = f"{'folder':40} {'files':>5} {'parsed':>6} " + " ".join(
        f"{k:>10}" for k in KINDS
    ) + f" {'recall':>10} {'failures':>8}"
    print(header)
    total: Counter[str] = Counter()
    for folder, row in rows.items():
        total.update(row)
        print(_line(folder, row))
    print(_line("TOTAL", total))
    return 0


def _line(folder: str, row: Counter[str]) -> str:
    recall = f"{row['recalled']}/{row['expected']}" if row["expected"] else "-"
    counts = " ".join(f"{row[k]:>10}" for k in KINDS)
    return (
        f"{folder:40} {row['files']:>5} {row['parsed']:>6} {counts} {recall:>10} "
        f"{row['failures']:>8}"
    )


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Bounce recall on a local checkout of sisimai's set-of-emails (not shipped).

Usage: ``.venv/bin/python bench/classify_sisimai.py [PATH] [-v]`` where PATH
(or ``$INVITEBOT_SISIMAI_SET``; without either the script says it skipped)
is a clone of https://github.com/sisimai/set-of-emails (BSD-licensed test
mail of ~70 mail systems). Nothing of it is copied into this repository;
the shared corpora hold 80 of its files, this reads all of them.

Expected: every ``maildir/{bsd,dos,mac}`` file is a bounce except
``rfc3834-*`` (auto-replies), ``arf-*`` (feedback reports) and the Amazon
SES notifications that are not bounces (their JSON says Delivery or
Complaint). ``obsoleted/json-*.json`` are bare JSON events, wrapped here in
an SNS-like mail: those whose event is a bounce must be bounces.
Printed: recall per folder, and how many expected bounces became replies.
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path

from bot.inbound.classifiers.registry import classify
from bot.inbound.parse.message import parse_message

ENV = "INVITEBOT_SISIMAI_SET"


def expected_bounce(path: Path, raw: bytes) -> bool:
    if path.name.startswith(("rfc3834-", "arf-")):
        return False
    text = raw.decode("utf-8", errors="replace")
    # SES success and complaint notifications sit among sisimai's bounces.
    return '"notificationType":"Delivery"' not in text and (
        '"notificationType":"Complaint"' not in text
    )


def wrapped_json(path: Path) -> tuple[bytes, bool]:
    body = path.read_text(encoding="utf-8", errors="replace")
    try:
        events = json.loads(body)
    except ValueError:
        events = None
    items = events if isinstance(events, list) else [events]
    bounce = any(isinstance(e, dict) and (
        e.get("notificationType") == "Bounce" or e.get("event") == "bounce"
        or str(e.get("status", "")).startswith("5")) for e in items)
    raw = ("From: AWS Notifications <no-reply@sns.amazonaws.com>\r\n"
           "Subject: AWS Notification Message\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + body).encode("utf-8")
    return raw, bounce


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("-")] or [os.environ.get(ENV, "")]
    if not args[0] or not (Path(args[0]) / "maildir").is_dir():
        # Optional: `make bench` runs every script, and the set is not shipped.
        print(f"skipped: no set-of-emails checkout (pass its PATH or set {ENV})")
        return 0
    root, verbose = Path(args[0]), "-v" in argv
    rows: dict[str, Counter[str]] = {}
    cases: list[tuple[str, Path, bytes, bool]] = []
    for folder in ("bsd", "dos", "mac"):
        for path in sorted((root / "maildir" / folder).glob("*.eml")):
            raw = path.read_bytes()
            cases.append((f"maildir/{folder}", path, raw, expected_bounce(path, raw)))
    for path in sorted((root / "obsoleted").glob("json-*.json")):
        raw, bounce = wrapped_json(path)
        cases.append(("obsoleted/json", path, raw, bounce))
    for folder, path, raw, bounce in cases:
        row = rows.setdefault(folder, Counter())
        if not bounce:
            continue
        got = classify(parse_message(raw))
        row["expected"] += 1
        row["recalled"] += got.kind == "bounce"
        row["as_reply"] += got.kind == "reply"
        if verbose and got.kind != "bounce":
            print(f"  MISS {folder}/{path.name}: {got.kind} ({got.classifier}: {got.reason[:70]})")
    total: Counter[str] = Counter()
    print(f"{'folder':20} {'recall':>14} {'taken for reply':>16}")
    for folder, row in rows.items():
        total.update(row)
        print(_line(folder, row))
    print(_line("TOTAL", total))
    return 0


def _line(folder: str, row: Counter[str]) -> str:
    recall = f"{row['recalled']}/{row['expected']}"
    return f"{folder:20} {recall:>14} {row['as_reply']:>16}"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

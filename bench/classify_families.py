"""Score the classifiers on the hand-written families corpus, per set.

Usage: ``.venv/bin/python bench/classify_families.py [-v]``.

Reads ``tests/corpus/classify/families/{tune,heldout}`` (expected kind in
the file-name prefix, see the README there) and, as a wider negative set,
every reply text of the extraction corpus ``tests/corpus/replies/*.txt``
sent as a new message (no "Re:", no thread) from a mission address.

Printed per set:
- bounce recall: expected bounces classified ``bounce``;
- taken for a reply: bounces, phishing and receipts classified ``reply`` (what issue 17
  counts as the harm: a non-answer reaching the matcher);
- replies lost: genuine replies (``reply-``/``suspect-``) not classified
  ``reply`` (the harm the rules must never do);
- replies flagged: ``reply-`` cases wrongly flagged ``suspect_phishing``;
- phishing caught: ``phish-`` classified ``unrelated``; suspects flagged;
- receipts and challenge-response mails (``auto-``) classified ``auto_reply``.
With ``-v`` every miss is printed.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from bot.inbound.classifiers.registry import Classification, classify
from bot.inbound.parse.message import parse_message

REPO = Path(__file__).resolve().parents[1]
FAMILIES = REPO / "tests" / "corpus" / "classify" / "families"
REPLIES = REPO / "tests" / "corpus" / "replies"
PREFIXES = ("bounce", "reply", "phish", "suspect", "unrelated", "auto")


def expected(name: str) -> str:
    prefix = name.split("-", 1)[0]
    if prefix not in PREFIXES:
        raise ValueError(f"{name}: unknown prefix {prefix!r}")
    return prefix


def correct(want: str, got: Classification) -> bool:
    flagged = "suspect_phishing" in got.flags
    return {
        "bounce": got.kind == "bounce",
        "reply": got.kind == "reply" and not flagged,
        "phish": got.kind == "unrelated",
        "suspect": got.kind == "reply" and flagged,
        "unrelated": got.kind == "unrelated",
        "auto": got.kind == "auto_reply",
    }[want]


def wrap_reply(text: str, index: int) -> bytes:
    """A reply text as a new message from a mission: the unthreaded path."""
    head = (
        f"From: Mission {index} <office{index}@mission-{index}.example>\r\n"
        "To: invitations@secretariat.example\r\n"
        "Subject: Reply to the invitation\r\n"
        f"Message-ID: <wrapped-{index}@mission-{index}.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode() + text.replace("\n", "\r\n").encode("utf-8")


def cases(part: str) -> list[tuple[str, str, bytes]]:
    """(name, expected prefix, raw message) for one set."""
    if part == "replies-corpus":
        texts = sorted(REPLIES.glob("*.txt"))
        return [(p.name, "reply", wrap_reply(p.read_text(encoding="utf-8"), i))
                for i, p in enumerate(texts)]
    return [(p.name, expected(p.name), p.read_bytes())
            for p in sorted((FAMILIES / part).glob("*.eml"))]


def score(part: str, verbose: bool) -> Counter[str]:
    row: Counter[str] = Counter()
    for name, want, raw in cases(part):
        got = classify(parse_message(raw))
        row[f"n_{want}"] += 1
        ok = correct(want, got)
        row[f"ok_{want}"] += ok
        if want in ("bounce", "phish", "auto") and got.kind == "reply":
            row["taken_for_reply"] += 1
        if want in ("reply", "suspect") and got.kind != "reply":
            row["replies_lost"] += 1
        if want == "reply" and "suspect_phishing" in got.flags:
            row["replies_flagged"] += 1
        if verbose and not ok:
            print(f"  MISS {part}/{name}: want {want}, got {got.kind} {got.flags} "
                  f"({got.classifier}: {got.reason[:80]})")
    return row


def _rate(num: int, den: int) -> str:
    return f"{num}/{den} = {num / den:.2f}" if den else "-"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    for part in ("tune", "heldout", "replies-corpus"):
        row = score(part, verbose)
        harmful = row["n_bounce"] + row["n_phish"] + row["n_auto"]
        genuine = row["n_reply"] + row["n_suspect"]
        print(f"[{part}] {sum(row[f'n_{p}'] for p in PREFIXES)} messages")
        print(f"  bounce recall        {_rate(row['ok_bounce'], row['n_bounce'])}")
        print(f"  taken for a reply    {_rate(row['taken_for_reply'], harmful)}"
              "  (bounces, phishing, receipts classified reply)")
        print(f"  replies lost         {_rate(row['replies_lost'], genuine)}"
              "  (genuine replies not classified reply)")
        print(f"  replies flagged      {_rate(row['replies_flagged'], row['n_reply'])}"
              "  (genuine replies flagged suspect_phishing)")
        print(f"  phishing unrelated   {_rate(row['ok_phish'], row['n_phish'])}")
        print(f"  suspects flagged     {_rate(row['ok_suspect'], row['n_suspect'])}")
        print(f"  other unrelated      {_rate(row['ok_unrelated'], row['n_unrelated'])}")
        print(f"  receipts, challenges {_rate(row['ok_auto'], row['n_auto'])}  (auto_reply)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

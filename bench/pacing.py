"""Benchmark: a campaign through the local Postfix under a scaled-down Microsoft 365 profile.

Microsoft 365 allows 30 messages in any minute; here the window is 6 s
(``--limit 30 --window 6``: the same shape, ten times faster) so a run takes
seconds, not minutes. Counted on the pacer's own clock: the sends in each
full window from the first one, the most in any sliding window, the mean
over the full windows as a share of the limit (target: 98–100 %), and the
run's span beside ``pacing.estimate``.

    .venv/bin/python bench/pacing.py [--messages 150] [--limit 30] [--window 6]

The stack is the shared one (scripts/mailstack; INVITEBOT_STACK_* apply).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import send as send_bench  # noqa: E402 - the campaign and stack helpers of bench/send.py

from bot.app import App  # noqa: E402
from bot.config.providers import Limit  # noqa: E402
from bot.config.settings import load_settings  # noqa: E402
from bot.outbound.dispatch import dispatch  # noqa: E402
from bot.outbound.pacing import Pacer, estimate  # noqa: E402
from bot.outbound.plan import plan_invitations  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=150)
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--window", type=float, default=6.0)
    args = parser.parse_args()
    smtp_port, imap_port = send_bench.start_stack()
    tag = uuid.uuid4().hex[:8]
    folder = Path(tempfile.mkdtemp(prefix="invitebot-pacing-"))
    try:
        config = send_bench.write_campaign(folder, args.messages, 4, tag)
        settings = load_settings({
            "INVITEBOT_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "INVITEBOT_SMTP_HOST": "127.0.0.1", "INVITEBOT_SMTP_PORT": str(smtp_port),
            "INVITEBOT_IMAP_HOST": "127.0.0.1", "INVITEBOT_IMAP_PORT": str(imap_port),
            "INVITEBOT_IMAP_USER": f"bench-sec-{tag}@unodc.test",
            "INVITEBOT_IMAP_PASSWORD": "secret",
        })
        app = App(config_path=config, template_dir=REPO / "templates", _settings=settings)
        plan_invitations(app)
        limit = Limit(args.limit, args.window)
        pacer = Pacer([limit])
        report = asyncio.run(dispatch(app, pacer=pacer))
        granted = pacer.granted
        start = granted[0]
        full = int((granted[-1] - start) // args.window)
        counts = [sum(1 for t in granted if start + k * args.window <= t
                      < start + (k + 1) * args.window) for k in range(full)]
        most = max(sum(1 for t in granted if s <= t < s + args.window) for s in granted)
        mean = sum(counts) / len(counts) if counts else 0.0
        expected = estimate([limit], args.messages, args.messages).total_seconds()
        print(f"sent {report.sent}/{args.messages} under {args.limit} per {args.window:g} s")
        print(f"sends per full window: {counts}")
        print(f"most in any sliding window: {most} (limit {args.limit})")
        print(f"mean over full windows: {mean:.2f} = {100 * mean / args.limit:.1f} % of the limit")
        print(f"span first→last send: {granted[-1] - start:.2f} s (estimate {expected:.0f} s)")
    finally:
        send_bench.remove_mailboxes(tag)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: invitebot's dispatcher against Postfix's own smtp-source, same stack, same run.

Plans N invitations (default 1,000) for a throw-away campaign on a fresh
SQLite file, sends them through the local Postfix with ``dispatch`` and
reports messages/s and peak RSS, beside ``smtp-source`` pushing the same
number of messages of the same size over as many sessions. smtp-source
runs before and after ours and the two rates are averaged, so a load
spike on a shared machine does not favour either side, and every measured
phase starts on an idle stack: Postfix's queue empty, the previous phase's
backlog delivered.

The reference is ``smtp-source -d -N``: like the dispatcher it keeps each
session's connection open from one message to the next (``-d``), and like
a campaign it mails a different recipient every time (``-N``; Postfix's
manual: "avoids the artificial 100% hit rate in the resolve and rewrite
client caches ... better approximating Postfix performance under
real-life work-loads"). Ours mails one mailbox per mission, as a campaign
does. Printed beside it: ``smtp-source -d`` with one recipient for every
message (the reference of earlier runs, which only Postfix's caches and a
single Dovecot mailbox make faster) and plain ``smtp-source -N`` (a new
connection, banner and EHLO per message). Ours is timed until every copy
is stored in the Sent folder, which smtp-source does not do.

    .venv/bin/python bench/send.py [--messages 1000] [--concurrency 4]

Targets: at least 50 % of the smtp-source rate, peak RSS under 150 MB.
The stack is the shared one (scripts/mailstack; INVITEBOT_STACK_* apply);
the mailboxes a run creates are deleted at its end.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bot.app import App  # noqa: E402 - after the path tweak, for running from a checkout
from bot.config.settings import load_settings  # noqa: E402
from bot.outbound.dispatch import dispatch  # noqa: E402
from bot.outbound.plan import plan_invitations  # noqa: E402

SMTP_SOURCE = "/usr/sbin/smtp-source"


def start_stack() -> tuple[int, int]:
    subprocess.run([str(REPO / "scripts" / "mailstack"), "start"], check=True,
                   stdout=subprocess.DEVNULL)
    return (int(os.environ.get("INVITEBOT_STACK_SMTP_PORT") or 2525),
            int(os.environ.get("INVITEBOT_STACK_IMAP_PORT") or 1143))


def write_campaign(folder: Path, messages: int, concurrency: int, tag: str) -> Path:
    data = yaml.safe_load((REPO / "config" / "campaign.example.yaml").read_text("utf-8"))
    secretariat = f"bench-sec-{tag}@unodc.test"
    data["meeting"]["reference"] = f"BENCH {tag}"
    data["mail"].update(sender={"name": "Bench", "address": secretariat}, reply_to=secretariat,
                        rate_limit_per_minute=10_000_000, concurrency=concurrency)
    data["schedule"]["send_at"] = None
    data["attachments"] = [str(REPO / "config" / "information-note.pdf")]
    data["missions_file"] = "missions.csv"
    path = folder / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with (folder / "missions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        for i in range(messages):
            writer.writerow([f"B{i:05d}", f"Country {i}", f"Permanent Mission of Country {i}",
                             f"m{i}@bench-{tag}.test", "", ("en", "fr", "es")[i % 3]])
    return path


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def stack_dir() -> Path:
    return Path(os.environ.get("INVITEBOT_STACK_DIR") or REPO / "var" / "mailstack")


def wait_for_idle_queue(timeout: float = 120.0) -> float:
    """Wait until Postfix has delivered everything queued; return the seconds waited.

    smtp-source stops its clock at its last 250, while Postfix still delivers
    the backlog into Dovecot; without this wait the next measured phase
    would share the machine with that backlog (about 0.7 s of two busy cores
    after 1,000 messages).
    """
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        listing = subprocess.run(["postqueue", "-c", str(stack_dir() / "postfix"), "-p"],
                                 capture_output=True, text=True, check=False).stdout
        if "is empty" in listing:
            break
        time.sleep(0.05)
    return time.perf_counter() - started


def smtp_source(port: int, messages: int, sessions: int, size: int, tag: str, *,
                keep_open: bool, distinct: bool) -> float:
    """Messages/s of Postfix's smtp-source for the same load.

    ``-l`` counts the body only; smtp-source's own headers add ~150 bytes.
    ``distinct``: ``-N``, a different recipient (and Dovecot mailbox) per message.
    """
    wait_for_idle_queue()
    flags = (["-d"] if keep_open else []) + (["-N"] if distinct else [])
    started = time.perf_counter()
    subprocess.run([SMTP_SOURCE, *flags, "-s", str(sessions), "-m", str(messages),
                    "-l", str(size), "-f", f"bench-sec-{tag}@unodc.test",
                    "-t", f"src@bench-{tag}.test", f"127.0.0.1:{port}"], check=True)
    return messages / (time.perf_counter() - started)


def remove_mailboxes(tag: str) -> None:
    """Delete what the run delivered: its recipients' domain and the secretariat's mailbox."""
    wait_for_idle_queue()
    mail = stack_dir() / "mail"
    shutil.rmtree(mail / f"bench-{tag}.test", ignore_errors=True)
    shutil.rmtree(mail / "unodc.test" / f"bench-sec-{tag}", ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if not Path(SMTP_SOURCE).exists():
        print(f"{SMTP_SOURCE} not found (package postfix)", file=sys.stderr)
        return 2
    smtp_port, imap_port = start_stack()
    tag = uuid.uuid4().hex[:8]
    folder = Path(tempfile.mkdtemp(prefix="invitebot-bench-"))
    try:
        config = write_campaign(folder, args.messages, args.concurrency, tag)
        settings = load_settings({
            "INVITEBOT_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
            "INVITEBOT_SMTP_HOST": "127.0.0.1", "INVITEBOT_SMTP_PORT": str(smtp_port),
            "INVITEBOT_IMAP_HOST": "127.0.0.1", "INVITEBOT_IMAP_PORT": str(imap_port),
            "INVITEBOT_IMAP_USER": f"bench-sec-{tag}@unodc.test",
            "INVITEBOT_IMAP_PASSWORD": "secret",
        })
        app = App(config_path=config, template_dir=REPO / "templates", _settings=settings)

        started = time.perf_counter()
        planned = plan_invitations(app)
        plan_seconds = time.perf_counter() - started
        with app.engine.connect() as connection:
            size = int(connection.exec_driver_sql(
                "SELECT avg(length(raw)) FROM outboxmessage").scalar() or 0)

        def reference(**how: bool) -> float:
            return smtp_source(smtp_port, args.messages, args.concurrency, size, tag, **how)

        before = reference(keep_open=True, distinct=True)
        last = [0.0]

        def progress(_done: int, _total: int) -> None:
            last[0] = time.perf_counter()

        wait_for_idle_queue()
        machine_before, usage_before = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        report = asyncio.run(dispatch(app, progress=progress))
        seconds = time.perf_counter() - started
        ours = report.sent / seconds
        machine_after, usage_after = machine_cpu(), resource.getrusage(resource.RUSAGE_SELF)
        busy = ((machine_after[0] - machine_before[0])
                / max(1, machine_after[1] - machine_before[1]))
        own_cpu = (usage_after.ru_utime - usage_before.ru_utime
                   + usage_after.ru_stime - usage_before.ru_stime)
        smtp_only = report.sent / (last[0] - started)
        after = reference(keep_open=True, distinct=True)
        single = reference(keep_open=True, distinct=False)
        per_message = reference(keep_open=False, distinct=True)
        target = (before + after) / 2
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        ratio = ours / target
        print(f"messages          {args.messages} ({size} bytes average), "
              f"concurrency {args.concurrency}")
        print(f"plan              {planned} invitations rendered and queued in "
              f"{plan_seconds:.1f} s ({planned / plan_seconds:.0f}/s)")
        print(f"invitebot         {ours:7.1f} msg/s  (sent {report.sent}, deferred "
              f"{report.deferred}, failed {report.failed}; until every copy is in Sent)")
        print(f"  SMTP phase      {smtp_only:7.1f} msg/s  (until the last 250)")
        print(f"smtp-source -d -N {target:7.1f} msg/s  (-s {args.concurrency}, connections "
              f"kept open, a recipient per message; before {before:.1f}, after {after:.1f})")
        print(f"smtp-source -d    {single:7.1f} msg/s  (the same, one recipient for all)")
        print(f"smtp-source -N    {per_message:7.1f} msg/s  (a connection per message)")
        print(f"ratio             {ratio:7.0%}        target >= 50% of smtp-source -d -N  "
              f"{'ok' if ratio >= 0.5 else 'MISSED'}")
        print(f"  vs -d           {ours / single:7.0%}        (of smtp-source -d, one recipient)")
        print(f"  vs -N           {ours / per_message:7.0%}        (of smtp-source -N, "
              "a connection per message)")
        print(f"peak RSS          {peak_mb:7.1f} MB       target < 150 MB "
              f"{'ok' if peak_mb < 150 else 'MISSED'}")
        cores = os.cpu_count() or 1
        print(f"CPU while ours ran: machine {busy:.0%} busy ({cores} cores); invitebot itself "
              f"{own_cpu:.2f} core-s of {busy * cores * seconds:.2f} (the rest: Postfix, "
              "Dovecot, the kernel)")
        print(f"load average      {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        return 0 if report.sent == args.messages else 1
    finally:
        remove_mailboxes(tag)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Inbound throughput: the whole pipeline beside a bare imapclient fetch.

    .venv/bin/python bench/inbound.py [--messages 5000] [--imap-port 1143] [--keep]

APPENDs N generated messages (replies with tokens in several languages,
replies naming the country, out-of-office notes, Postfix bounces, unrelated
mail; no images, so no OCR) to a fresh mailbox of the local mail stack,
then runs, each in its own process so that peak RSS is its own:

- ``bare``: imapclient fetches every message (BODY.PEEK[] + RFC822.SIZE,
  100 UIDs per FETCH) and throws it away;
- ``pipeline``: ``poll_once`` (intake into the raw store and the database,
  classify, read, match, extract, record, flag), with intake and processing
  timed apart;
- ``compute``: the pipeline's pure computing alone, on the same messages in
  memory, without IMAP, files or database: ``parse_message`` (the stdlib
  ``email`` parser), ``classify``, and ``extract_response`` on the replies.

Prints messages/s and peak RSS of each, and the pipeline's rate as a share
of the bare fetch rate. The ``compute`` line is a ceiling: no design that
parses, classifies and extracts every message in this Python process can
beat it on one core, whatever it does about I/O; with every core of the
machine busy it could at best multiply it by the number of cores.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import yaml
from imapclient import IMAPClient

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COUNTRIES = ["Austria", "Argentina", "Belgium", "Brazil", "China", "Colombia", "Egypt",
             "France", "India", "Mexico", "Niger", "Nigeria", "Russian Federation",
             "Saudi Arabia", "Sudan", "South Sudan", "South Africa", "Guinea", "Dominica"]
BODIES = [
    "The Permanent Mission of {c} presents its compliments to the Secretariat and has the "
    "honour to inform it that {c} will participate in the meeting.\n\nHead of delegation: "
    "Ambassador Maria Example, Permanent Representative\nAlternate: Mr. John Doe, Counsellor, "
    "john.doe@{d}, +43 1 234 5678\n\nThe Permanent Mission avails itself of this opportunity "
    "to renew the assurances of its highest consideration.\n",
    "La Mission permanente de {c} présente ses compliments au Secrétariat et a l'honneur de "
    "confirmer sa participation.\n\nChef de délégation : M. Jean Exemple, Ministre conseiller\n",
    "La Misión Permanente de {c} saluda atentamente a la Secretaría y confirma su "
    "participación.\n\nJefe de delegación: Embajadora Ana Ejemplo\n",
    "Dear Secretariat,\n\nRegrettably {c} will not be able to attend the meeting.\n\n"
    "Kind regards,\nPermanent Mission of {c}\n",
]
QUOTE = "".join(f"> {line}\n" for line in (
    "The Secretariat of the Conference of the Parties presents its compliments to the",
    "Permanent Mission and has the honour to invite it to the first meeting of the",
    "open-ended interim working group, Vienna International Centre, 14-15 April 2009.",
    "Kindly reply by 20 March 2009 to secretariat@unodc.test.") * 3)

BOUNCE = """\
Return-Path: <>\r
From: Mail Delivery System <MAILER-DAEMON@mailstack.invitebot.test>\r
To: {user}\r
Subject: Undelivered Mail Returned to Sender\r
Date: Mon, 23 Feb 2009 10:00:00 +0100\r
Message-Id: <bounce-{i}@mailstack.invitebot.test>\r
Auto-Submitted: auto-replied\r
MIME-Version: 1.0\r
Content-Type: multipart/report; report-type=delivery-status; boundary="b{i}"\r
\r
--b{i}\r
Content-Type: text/plain; charset=us-ascii\r
\r
<{email}>: user unknown\r
\r
--b{i}\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; mailstack.invitebot.test\r
\r
Final-Recipient: rfc822; {email}\r
Action: failed\r
Status: 5.1.1\r
Diagnostic-Code: X-Postfix; user unknown\r
\r
--b{i}\r
Content-Type: text/rfc822-headers\r
\r
From: {user}\r
To: {email}\r
Subject: Invitation [Ref. {token}]\r
Message-ID: <inv-{token}@unodc.test>\r
\r
--b{i}--\r
"""


def write_campaign(directory: Path, user: str, missions: int) -> Path:
    data = yaml.safe_load((REPO / "config" / "campaign.example.yaml").read_text())
    data["meeting"]["reference"] = f"BENCH {uuid.uuid4().hex[:8]}"
    data["mail"]["sender"]["address"] = data["mail"]["reply_to"] = user
    data["attachments"] = []
    data["schedule"]["send_at"] = None
    data["missions_file"] = "missions.csv"
    (directory / "campaign.yaml").write_text(yaml.safe_dump(data, sort_keys=False))
    with (directory / "missions.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        for i in range(missions):
            country = COUNTRIES[i] if i < len(COUNTRIES) else f"Country {i}"
            writer.writerow([f"B{i:03d}", country, f"Permanent Mission of {country}",
                             f"pm{i}@mission{i}.test", "", "en"])
    return directory / "campaign.yaml"


def make_app(workdir: Path, user: str, port: int, missions: int = 200) -> object:
    from bot.app import App
    from bot.config.settings import load_settings

    config = workdir / "campaign.yaml"
    if not config.exists():
        write_campaign(workdir, user, missions)
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
           "INVITEBOT_STORE_DIR": str(workdir / "store"), "INVITEBOT_IMAP_HOST": "127.0.0.1",
           "INVITEBOT_IMAP_PORT": str(port), "INVITEBOT_IMAP_USER": user,
           "INVITEBOT_IMAP_PASSWORD": "secret"}
    return App(config_path=config, _settings=load_settings(env))


def seed(app: object) -> list[tuple[str, str, str]]:
    """Invitations for every mission; return (email, country, token)."""
    from sqlmodel import select

    from bot import models
    from bot.tokens import new_token

    campaign_id = app.campaign_id()  # type: ignore[attr-defined]
    out = []
    with app.session() as session:  # type: ignore[attr-defined]
        for mission in session.exec(select(models.Mission)):
            token = new_token()
            inv = models.Invitation(campaign_id=campaign_id, mission_id=mission.id, token=token,
                                    status="sent")
            session.add(inv)
            session.flush()
            session.add(models.OutboxMessage(
                dedupe_key=f"invitation:{inv.id}", kind="invitation", campaign_id=campaign_id,
                invitation_id=inv.id, message_id=f"<inv-{token}@unodc.test>", mail_from="x",
                recipients=mission.email, raw=b"", state="sent"))
            out.append((mission.email, mission.country, token))
    return out


def generate(n: int, user: str, missions: list[tuple[str, str, str]]) -> list[bytes]:
    rng = random.Random(7)
    local, domain = user.split("@")
    out = []
    for i in range(n):
        email, country, token = rng.choice(missions)
        msg = EmailMessage()
        msg["Message-ID"] = f"<bench-{i}-{uuid.uuid4().hex[:8]}@{email.split('@')[1]}>"
        msg["Date"] = "Mon, 23 Feb 2009 10:00:00 +0100"
        kind = rng.random()
        msg["From"] = f"Permanent Mission of {country} <{email}>"
        msg["To"] = f"{local}+{token}@{domain}"
        if kind < 0.70:
            msg["Subject"] = f"RE: Invitation [Ref. CU 2009/33 (A) · {token}]"
            msg["In-Reply-To"] = f"<inv-{token}@unodc.test>"
            body = rng.choice(BODIES).format(c=country, d=email.split("@")[1])
            msg.set_content(body + "\nOn 20 Feb 2009, Secretariat wrote:\n" + QUOTE)
        elif kind < 0.78:
            del msg["From"], msg["To"]
            msg["From"] = f"Someone <person{i}@gmail.com>"
            msg["To"] = user
            msg["Subject"] = "Participation"
            msg.set_content(f"Dear colleagues, {country} will attend the meeting.\n")
        elif kind < 0.88:
            msg["Subject"] = "Automatic reply: Invitation"
            msg["Auto-Submitted"] = "auto-replied"
            msg.set_content("I am out of the office until 2 March with limited access to mail.\n")
        elif kind < 0.93:
            out.append(BOUNCE.format(i=i, user=user, email=email, token=token).encode())
            continue
        else:
            del msg["From"], msg["To"]
            msg["From"] = "Vienna News <news@newsletter.test>"
            msg["To"] = user
            msg["List-Unsubscribe"] = "<mailto:unsubscribe@newsletter.test>"
            msg["Precedence"] = "bulk"
            msg["Subject"] = "This week in Vienna"
            msg.set_content("Receptions and exhibitions this week.\n" * 20)
        out.append(msg.as_bytes())
    return out


def append(port: int, user: str, messages: list[bytes]) -> float:
    started = time.perf_counter()
    client = IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login(user, "secret")
    for start in range(0, len(messages), 200):
        client.multiappend("INBOX", messages[start:start + 200])
    client.logout()
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_bare(port: int, user: str) -> dict[str, float]:
    started = time.perf_counter()
    client = IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login(user, "secret")
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["ALL"])
    fetched = 0
    for start in range(0, len(uids), 100):
        data = client.fetch(uids[start:start + 100], [b"BODY.PEEK[]", b"RFC822.SIZE"])
        fetched += len(data)
        del data
    client.logout()
    elapsed = time.perf_counter() - started
    return {"messages": fetched, "seconds": elapsed, "rate": fetched / elapsed,
            "peak_rss_mb": peak_rss_mb()}


def _tree(root: int) -> list[int]:
    """``root`` and every process below it (the worker processes)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process; PSS shares the pages it has in common with others."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in lines[1:] if ":" in line}
    return values.get("Rss", 0), values.get("Pss", 0)


class TreeMemory:
    """Samples the process tree's memory every 0.2 s (a cheap pass); keeps the peak."""

    def __init__(self) -> None:
        self.peak_kb = 0
        self.peak_pss_kb = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            sizes = [_memory_kb(pid) for pid in _tree(os.getpid())]
            self.peak_kb = max(self.peak_kb, sum(rss for rss, _ in sizes))
            self.peak_pss_kb = max(self.peak_pss_kb, sum(pss for _, pss in sizes))

    def close(self) -> tuple[float, float]:
        """Peak RSS and peak PSS of the tree, in MB."""
        self.stop.set()
        self.thread.join()
        return self.peak_kb / 1024, self.peak_pss_kb / 1024


def phase_pipeline(port: int, user: str, workdir: Path) -> dict[str, float]:
    from bot.inbound.intake.imap import IntakeReport
    from bot.inbound.intake.poll import connect, flag_all, intake_all
    from bot.inbound.intake.queue import process_batches

    app = make_app(workdir, user, port)
    _ = app.engine  # type: ignore[attr-defined]  # migrations are not part of the run
    memory = TreeMemory()
    started = time.perf_counter()
    report = IntakeReport()
    client = connect(app)  # type: ignore[arg-type]
    intake_all(app, client, report)  # type: ignore[arg-type]
    intake_done = time.perf_counter()
    counts = process_batches(app, read_images=False)  # type: ignore[arg-type]
    processed = time.perf_counter()
    flag_all(app, client, report)  # type: ignore[arg-type]
    client.logout()
    ended = time.perf_counter()
    tree = memory.close()
    total = ended - started
    return {"messages": report.stored, "seconds": total, "rate": report.stored / total,
            "intake_rate": report.stored / (intake_done - started),
            "process_rate": sum(counts.values()) / (processed - intake_done),
            "flag_seconds": ended - processed, "statuses": dict(counts),  # type: ignore[dict-item]
            "workers": app.settings.process_workers,  # type: ignore[attr-defined]
            "peak_rss_mb": peak_rss_mb(), "peak_tree_mb": tree[0], "peak_tree_pss_mb": tree[1]}


def phase_compute(port: int, user: str) -> dict[str, float]:
    """Parse, classify and extract the mailbox's messages in memory: the CPU floor."""
    from bot.extract import extract_response
    from bot.inbound.classifiers.registry import classify
    from bot.inbound.parse.message import parse_message

    client = IMAPClient("127.0.0.1", port=port, ssl=False)
    client.login(user, "secret")
    client.select_folder("INBOX", readonly=True)
    uids = client.search(["ALL"])
    raws = []
    for start in range(0, len(uids), 100):
        data = client.fetch(uids[start:start + 100], [b"BODY.PEEK[]"])
        raws.extend(bytes(item[b"BODY[]"]) for item in data.values())
    client.logout()
    started = time.perf_counter()
    times = {"parse": 0.0, "classify": 0.0, "extract": 0.0}
    for raw in raws:
        t0 = time.perf_counter()
        parsed = parse_message(raw)
        t1 = time.perf_counter()
        kind = classify(parsed).kind
        t2 = time.perf_counter()
        if kind == "reply":
            extract_response(parsed.text, [])
        t3 = time.perf_counter()
        times["parse"] += t1 - t0
        times["classify"] += t2 - t1
        times["extract"] += t3 - t2
    elapsed = time.perf_counter() - started
    return {"messages": len(raws), "seconds": elapsed, "rate": len(raws) / elapsed,
            **{f"{k}_us": 1e6 * v / len(raws) for k, v in times.items()},
            "peak_rss_mb": peak_rss_mb()}


def run_phase(*args: str) -> dict[str, float]:
    # Intake makes its batches durable with syncfs, which also writes out
    # whatever else is dirty on the disk (Dovecot's copy of the messages
    # just appended): every phase starts with nothing left to write.
    os.sync()
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--imap-port", type=int, default=1143)
    parser.add_argument("--phase", choices=["bare", "pipeline", "compute"])
    parser.add_argument("--user")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--keep", action="store_true", help="Keep the database and raw store.")
    args = parser.parse_args()
    if args.phase == "bare":
        print(json.dumps(phase_bare(args.imap_port, args.user)))
        return
    if args.phase == "compute":
        print(json.dumps(phase_compute(args.imap_port, args.user)))
        return
    if args.phase == "pipeline":
        print(json.dumps(phase_pipeline(args.imap_port, args.user, args.workdir)))
        return
    user = f"bench-{uuid.uuid4().hex[:10]}@unodc.test"
    workdir = Path(tempfile.mkdtemp(prefix="invitebot-bench-"))
    app = make_app(workdir, user, args.imap_port)
    missions = seed(app)
    messages = generate(args.messages, user, missions)
    size = sum(len(m) for m in messages)
    seconds = append(args.imap_port, user, messages)
    print(f"appended {len(messages)} messages ({size / 1e6:.1f} MB) in {seconds:.1f}s")
    # The machine may be shared: the bare fetch gets three tries and its best
    # counts, which can only make the pipeline's share look worse.
    bare = max((run_phase("--phase", "bare", "--imap-port", str(args.imap_port), "--user", user)
                for _ in range(3)), key=lambda r: r["rate"])
    pipe = run_phase("--phase", "pipeline", "--imap-port", str(args.imap_port), "--user", user,
                     "--workdir", str(workdir))
    compute = run_phase("--phase", "compute", "--imap-port", str(args.imap_port), "--user", user)
    print(f"bare imapclient fetch (best of 3): {bare['messages']} msgs in {bare['seconds']:.1f}s = "
          f"{bare['rate']:.0f} msg/s, peak RSS {bare['peak_rss_mb']:.0f} MB")
    print(f"pipeline (poll_once):  {pipe['messages']} msgs in {pipe['seconds']:.1f}s = "
          f"{pipe['rate']:.0f} msg/s, peak RSS {pipe['peak_rss_mb']:.0f} MB "
          f"(with its {pipe['workers']} worker process(es): RSS {pipe['peak_tree_mb']:.0f} MB, "
          f"PSS {pipe['peak_tree_pss_mb']:.0f} MB)")
    print(f"  intake (fetch+store+record) {pipe['intake_rate']:.0f} msg/s, "
          f"stages {pipe['process_rate']:.0f} msg/s, flags {pipe['flag_seconds']:.1f}s; "
          f"statuses {pipe['statuses']}")
    print(f"compute only (in memory, one core): {compute['rate']:.0f} msg/s "
          f"(parse {compute['parse_us']:.0f} us, classify {compute['classify_us']:.0f} us, "
          f"extract {compute['extract_us']:.0f} us per message)")
    print(f"pipeline / bare fetch: {100 * pipe['rate'] / bare['rate']:.1f}% "
          f"(intake alone {100 * pipe['intake_rate'] / bare['rate']:.0f}%; target 50%)")
    cores = os.cpu_count() or 1
    print(f"ceiling: compute only / bare fetch: {100 * compute['rate'] / bare['rate']:.1f}% on one "
          f"core, {100 * cores * compute['rate'] / bare['rate']:.1f}% if all {cores} cores "
          "did nothing else")
    if args.keep:
        print(f"workdir {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

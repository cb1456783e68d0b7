"""Deliver every file of the real-world corpora into Dovecot and run intake on all of them.

Usage::

    .venv/bin/python bench/sweep.py [--smtp-sample N] [--images] [-v] [CORPORA_DIR]

Every file of ``$INVITEBOT_CORPORA`` (default ``<repo>/../shared/corpora``)
except licences and READMEs is APPENDed over IMAP to one fresh secretariat
mailbox of the local mail stack (``scripts/mailstack``, shared instance or
``INVITEBOT_STACK_*``); every N-th file also goes through Postfix over
SMTP, to a second mailbox. Then ``poll_once`` takes both mailboxes in, for
a campaign whose missions have nothing to do with the corpora.

The table has one row per corpus folder: files, how they entered (IMAP,
SMTP, refused by the server), what intake made of them (classification,
final status, failures), and the bounce recall: bounces (excluding
``rfc3834-*`` auto-replies and ``arf-*`` feedback reports) classified as
such with the hand-checked recipient of
``tests/corpus/classify/corpora-bounce-recipients.json`` among the bounced
recipients. ``tests/inbound/test_corpora_sweep.py`` asserts on the same
``SweepResult``, so the gate and this report measure the same thing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import smtplib
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from imapclient import IMAPClient  # noqa: E402
from sqlmodel import select  # noqa: E402

from bot import models  # noqa: E402
from bot.app import App  # noqa: E402
from bot.inbound.intake.imap import message_key, read_message_id  # noqa: E402
from bot.inbound.intake.poll import PollReport, poll_once  # noqa: E402

SKIP_NAMES = re.compile(r"^(LICENSE|README|\.gitignore)", re.IGNORECASE)
EXPECTED_RECIPIENTS = ROOT / "tests" / "corpus" / "classify" / "corpora-bounce-recipients.json"
FINAL = {models.InboundStatus.PROCESSED, models.InboundStatus.NEEDS_REVIEW,
         models.InboundStatus.FAILED}
SWEEP_FROM = re.compile(r"sweep-(\d+)@corpora\.test", re.IGNORECASE)


def corpora_dir(explicit: str | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get("INVITEBOT_CORPORA")
    return Path(env) if env else ROOT.parent / "shared" / "corpora"


def corpus_files(root: Path) -> list[Path]:
    """Every file of the corpora but licences, READMEs and dotfiles."""
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not SKIP_NAMES.match(p.name))


def expected_bounce(rel: str) -> bool:
    """The brief's definition: ``sisimai-bounces/`` minus auto-replies and ARF reports."""
    name = rel.rsplit("/", 1)[-1]
    return rel.startswith("sisimai-bounces/") and not name.startswith(("rfc3834-", "arf-"))


@dataclass
class Server:
    """Where the mail stack listens, and the one password of every mailbox."""

    host: str
    smtp_port: int
    imap_port: int
    password: str = "secret"

    def imap(self, user: str) -> IMAPClient:
        client = IMAPClient(self.host, port=self.imap_port, ssl=False, timeout=60)
        client.login(user, self.password)
        return client


@dataclass
class Outcome:
    """What became of one mailbox message (one corpus file, by one route)."""

    rel: str
    via: str  # imap | smtp | refused
    uid: int | None = None
    status: str | None = None
    classification: str | None = None
    error: str | None = None
    recipients: tuple[str, ...] = ()
    flags: str = ""
    refused_reason: str | None = None


@dataclass
class SweepResult:
    root: Path
    outcomes: list[Outcome] = field(default_factory=list)
    mailbox_counts: dict[str, int] = field(default_factory=dict)
    sightings: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    distinct_keys: int = 0
    responses: int = 0
    accepts: int = 0
    delegates: int = 0
    reports: list[PollReport] = field(default_factory=list)
    seconds: float = 0.0
    expected: dict[str, str] = field(default_factory=dict)

    def entered(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.via != "refused"]

    def bounce_cases(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.via == "imap" and expected_bounce(o.rel)]

    def recalled(self, outcome: Outcome) -> bool:
        want = self.expected.get(outcome.rel)
        return (outcome.classification == "bounce" and want is not None
                and want.lower() in {r.lower() for r in outcome.recipients})

    def recall(self) -> float:
        cases = self.bounce_cases()
        return sum(self.recalled(o) for o in cases) / len(cases) if cases else 0.0


def append_files(server: Server, user: str, files: Sequence[Path], root: Path,
                 ) -> tuple[dict[int, str], dict[str, str]]:
    """APPEND each file to INBOX; return {uid: rel} and {rel: why the server refused}."""
    uids: dict[int, str] = {}
    refused: dict[str, str] = {}
    client = server.imap(user)
    try:
        for path in files:
            rel = path.relative_to(root).as_posix()
            try:
                answer = client.append("INBOX", path.read_bytes())
            except client.Error as exc:
                refused[rel] = str(exc)
                continue
            found = re.search(rb"APPENDUID \d+ (\d+)", answer or b"")
            if found is None:
                raise RuntimeError(f"server gave no APPENDUID for {rel}: {answer!r}")
            uids[int(found.group(1))] = rel
    finally:
        client.logout()
    return uids, refused


def send_files(server: Server, user: str, files: Sequence[Path], root: Path,
               ) -> tuple[dict[int, str], dict[str, str]]:
    """Submit each file over SMTP, envelope sender ``sweep-N@corpora.test`` (the
    Return-Path then names the file); return {N: rel} and what Postfix refused."""
    sent: dict[int, str] = {}
    refused: dict[str, str] = {}
    with smtplib.SMTP(server.host, server.smtp_port, timeout=60) as smtp:
        for n, path in enumerate(files):
            rel = path.relative_to(root).as_posix()
            try:
                smtp.sendmail(f"sweep-{n}@corpora.test", [user], path.read_bytes())
                sent[n] = rel
            except (smtplib.SMTPDataError, smtplib.SMTPRecipientsRefused,
                    smtplib.SMTPSenderRefused) as exc:
                refused[rel] = str(exc)
                smtp.rset()
    return sent, refused


def wait_for(server: Server, user: str, count: int, timeout: float = 90.0) -> int:
    deadline = time.monotonic() + timeout
    client = server.imap(user)
    try:
        while True:
            have = int(client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"])
            if have >= count or time.monotonic() > deadline:
                return have
            time.sleep(0.3)
    finally:
        client.logout()


def smtp_uids(server: Server, user: str, sent_names: dict[int, str]) -> dict[int, str]:
    """Map the delivered copies back to files through their Return-Path."""
    client = server.imap(user)
    try:
        client.select_folder("INBOX", readonly=True)
        uids = client.search("ALL")
        heads = client.fetch(uids, [b"BODY.PEEK[HEADER.FIELDS (RETURN-PATH)]"])
    finally:
        client.logout()
    out = {}
    for uid, item in heads.items():
        head = item[b"BODY[HEADER.FIELDS (RETURN-PATH)]"].decode("latin-1")
        found = SWEEP_FROM.search(head)
        if found and int(found.group(1)) in sent_names:
            out[uid] = sent_names[int(found.group(1))]
    return out


def mailbox_uids(server: Server, user: str) -> list[int]:
    client = server.imap(user)
    try:
        client.select_folder("INBOX", readonly=True)
        return sorted(client.search("ALL"))
    finally:
        client.logout()


def settle(app: App, account: str, by_uid: dict[int, str], via: str,
           result: SweepResult) -> None:
    """Fill an Outcome per mailbox message from the Sighting and its InboundMessage."""
    with app.session() as session:
        pairs = session.exec(select(models.Sighting, models.InboundMessage).join(
            models.InboundMessage,
            models.InboundMessage.id == models.Sighting.inbound_id)  # type: ignore[arg-type]
            .where(models.Sighting.account == account)).all()
    seen = {s.uid: row for s, row in pairs}
    result.sightings[account] = len(pairs)
    for uid, rel in sorted(by_uid.items()):
        row = seen.get(uid)
        outcome = Outcome(rel, via, uid)
        if row is not None:
            detail = json.loads(row.detail) if row.detail else {}
            outcome.status, outcome.classification = row.status, row.classification
            outcome.error, outcome.flags = row.error, row.flags
            outcome.recipients = tuple(detail.get("recipients") or ())
        result.outcomes.append(outcome)


def count_outputs(app: App, result: SweepResult) -> None:
    with app.session() as session:
        result.rows += len(session.exec(select(models.InboundMessage.id)).all())
        result.responses += len(session.exec(select(models.Response.id)).all())
        result.accepts += len(session.exec(select(models.Response.id).where(
            models.Response.decision == "accept")).all())
        result.delegates += len(session.exec(select(models.Delegate.id)).all())


def sweep(main_app: App, smtp_app: App | None, server: Server, root: Path, *,
          smtp_every: int = 10, read_images: bool = False) -> SweepResult:
    """APPEND everything to ``main_app``'s mailbox, SMTP a sample to ``smtp_app``'s, poll."""
    started = time.monotonic()
    result = SweepResult(root=root)
    result.expected = json.loads(EXPECTED_RECIPIENTS.read_text(encoding="utf-8"))
    files = corpus_files(root)
    user = main_app.config.campaign.mail.reply_to
    by_uid, refused = append_files(server, user, files, root)
    for rel, why in refused.items():
        result.outcomes.append(Outcome(rel, "refused", refused_reason=why))
    result.mailbox_counts[user] = len(mailbox_uids(server, user))
    result.reports.append(poll_once(main_app, read_images=read_images))
    settle(main_app, user, by_uid, "imap", result)
    count_outputs(main_app, result)
    result.distinct_keys = distinct_keys(server, user)
    if smtp_app is not None and smtp_every > 0:
        smtp_user = smtp_app.config.campaign.mail.reply_to
        sample = [p for p in files[::smtp_every] if p.relative_to(root).as_posix() not in refused]
        sent, smtp_refused = send_files(server, smtp_user, sample, root)
        for rel, why in smtp_refused.items():
            result.outcomes.append(Outcome(rel, "refused", refused_reason=f"smtp: {why}"))
        wait_for(server, smtp_user, len(sent))
        result.mailbox_counts[smtp_user] = len(mailbox_uids(server, smtp_user))
        result.reports.append(poll_once(smtp_app, read_images=read_images))
        settle(smtp_app, smtp_user, smtp_uids(server, smtp_user, sent), "smtp", result)
        count_outputs(smtp_app, result)
        result.distinct_keys += distinct_keys(server, smtp_user)
    result.seconds = time.monotonic() - started
    return result


def distinct_keys(server: Server, user: str) -> int:
    """How many InboundMessages the mailbox should make: one per key of intake's rule
    (Message-ID plus a hash of the body, or the hash of the bytes without an ID)."""
    client = server.imap(user)
    try:
        client.select_folder("INBOX", readonly=True)
        keys = set()
        uids = client.search("ALL")
        for start in range(0, len(uids), 50):
            for item in client.fetch(uids[start:start + 50], [b"BODY.PEEK[]"]).values():
                raw = bytes(item[b"BODY[]"])
                digest = hashlib.sha256(raw).hexdigest()
                keys.add(message_key(raw, read_message_id(raw), digest))
    finally:
        client.logout()
    return len(keys)


# ------------------------------------------------------------------ the table

COLUMNS = ("files", "imap", "smtp", "refused", "bounce", "auto_reply", "reply", "unrelated",
           "processed", "review", "failed", "lost")


def per_folder(result: SweepResult) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    for o in result.outcomes:
        folder = o.rel.rsplit("/", 1)[0] if "/" in o.rel else "."
        row = table.setdefault(folder, Counter())
        if o.via == "imap" or (o.via == "refused" and not (o.refused_reason or "")
                               .startswith("smtp")):
            row["files"] += 1
        row[o.via] += 1
        if o.via == "refused":
            continue
        if o.status is None or o.status not in FINAL:
            row["lost"] += 1
            continue
        row[o.classification or "none"] += 1
        row[{"needs_review": "review"}.get(o.status, o.status)] += 1
        if expected_bounce(o.rel) and o.via == "imap":
            row["expected"] += 1
            row["recalled"] += int(result.recalled(o))
    return table


def render_table(result: SweepResult) -> str:
    lines = [f"{'folder':36}" + "".join(f"{c:>11}" for c in COLUMNS) + f"{'recall':>11}"]
    total: Counter[str] = Counter()
    rows = per_folder(result)
    for folder in sorted(rows):
        total.update(rows[folder])
        lines.append(_line(folder, rows[folder]))
    lines.append(_line("TOTAL", total))
    return "\n".join(lines)


def _line(folder: str, row: Counter[str]) -> str:
    recall = f"{row['recalled']}/{row['expected']}" if row["expected"] else "-"
    return f"{folder[:36]:36}" + "".join(f"{row[c]:>11}" for c in COLUMNS) + f"{recall:>11}"


def summary(result: SweepResult) -> list[str]:
    entered = result.entered()
    failed = [o for o in entered if o.status == models.InboundStatus.FAILED]
    lost = [o for o in entered if o.status not in FINAL]
    cases = result.bounce_cases()
    return [
        f"messages in mailboxes {sum(result.mailbox_counts.values())}, sightings "
        f"{sum(result.sightings.values())}, inbound rows {result.rows} "
        f"(distinct intake keys {result.distinct_keys})",
        f"refused by the server {len(result.outcomes) - len(entered)}, failed {len(failed)}, "
        f"lost {len(lost)}",
        f"responses {result.responses}, accept decisions {result.accepts}, "
        f"delegates {result.delegates}",
        f"bounce recall {sum(result.recalled(o) for o in cases)}/{len(cases)} = "
        f"{result.recall():.3f} (sisimai-bounces without rfc3834-*/arf-*, right recipient)",
        "poll errors: " + ("; ".join(e for r in result.reports for e in r.errors) or "none"),
        f"time {result.seconds:.1f}s",
    ]


# ------------------------------------------------------------------ stand-alone run


def make_app(directory: Path, server: Server, *, missions: int = 20) -> App:
    """A throwaway campaign (missions on an unrelated domain) on a fresh SQLite file."""
    from appfixtures import write_campaign
    from inboundkit import seed_invitations

    from bot.config.settings import load_settings

    user = f"sweep-{uuid.uuid4().hex[:10]}@unodc.test"
    config = write_campaign(directory, missions=missions, secretariat=user)
    env = {
        "INVITEBOT_DATABASE_URL": f"sqlite:///{directory / 'invitebot.db'}",
        "INVITEBOT_STORE_DIR": str(directory / "store"),
        "INVITEBOT_SMTP_HOST": server.host, "INVITEBOT_SMTP_PORT": str(server.smtp_port),
        "INVITEBOT_IMAP_HOST": server.host, "INVITEBOT_IMAP_PORT": str(server.imap_port),
        "INVITEBOT_IMAP_USER": user, "INVITEBOT_IMAP_PASSWORD": server.password,
    }
    app = App(config_path=config, template_dir=ROOT / "templates",
              _settings=load_settings(env))
    seed_invitations(app)
    return app


def print_failures(outcomes: Iterable[Outcome]) -> None:
    for o in outcomes:
        if o.via == "refused":
            print(f"refused  {o.rel}: {o.refused_reason}")
        elif o.status == models.InboundStatus.FAILED:
            print(f"failed   {o.rel}: {o.error}")
        elif o.status not in FINAL:
            print(f"LOST     {o.rel}: status {o.status}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="?")
    parser.add_argument("--smtp-sample", type=int, default=10, metavar="N",
                        help="also send every N-th file over SMTP (0: none)")
    parser.add_argument("--images", action="store_true", help="OCR image attachments too")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per file")
    args = parser.parse_args(argv)
    root = corpora_dir(args.corpora)
    if not root.is_dir():
        print(f"no corpora at {root}", file=sys.stderr)
        return 1
    server = Server("127.0.0.1", int(os.environ.get("INVITEBOT_STACK_SMTP_PORT") or 2525),
                    int(os.environ.get("INVITEBOT_STACK_IMAP_PORT") or 1143))
    with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
        main_app = make_app(Path(tmp) / "main", server)
        smtp_app = make_app(Path(tmp) / "smtp", server) if args.smtp_sample else None
        result = sweep(main_app, smtp_app, server, root, smtp_every=args.smtp_sample,
                       read_images=args.images)
        main_app.engine.dispose()
        if smtp_app is not None:
            smtp_app.engine.dispose()
    print(render_table(result))
    print()
    for line in summary(result):
        print(line)
    print_failures(result.outcomes)
    if args.verbose:
        for o in result.outcomes:
            print(f"{o.via:8} {o.rel}\t{o.status}\t{o.classification}\t"
                  f"{','.join(o.recipients)}\t{o.flags}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Hostile input on the way out and on the way in.

Out: line breaks in mission names, meeting fields, the sender name and
template output never make a header of their own, checked on the bytes
Postfix delivered and on the copy dispatch put in Sent; staff templates
cannot reach Python internals (the known Jinja2 sandbox escapes), and
``invitebot check`` says so in one line.

In: a valid token from a sender the mission is not known for, and a reply
our own receiving server marked ``dkim=fail`` or ``dmarc=fail``, wait for a
human; an ``Authentication-Results`` header from anybody else's server
proves nothing. Also the regression tests for what the fuzzer found.
"""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import shutil
import uuid
import zipfile
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import Stack, deliver, imap_login, wait_for_messages
from inboundkit import seed_invitations
from sqlmodel import select

from bot import models
from bot.app import App
from bot.cli import main as cli
from bot.inbound.intake.poll import poll_once
from bot.outbound.dispatch import dispatch
from bot.outbound.plan import plan_invitations

REPO = Path(__file__).resolve().parents[2]
EVIL = [
    "\r\nBcc: {evil}",
    "\nX-Injected: 1",
    "\rX-Injected: 1",
    "\u2028X-Injected: 1",
    "\u2029Bcc: {evil}",
    "\x85X-Injected: 1",
    "\x00\x0bX-Injected: 1",
    "=?utf-8?q?=0D=0A?=X-Injected: 1",
    "=?utf-8?q?=0D=0ABcc:_{evil}?=",
]
# What a delivered invitation may carry: ours, plus what Postfix and Dovecot add.
ALLOWED = {"from", "to", "cc", "reply-to", "subject", "date", "content-language",
           "x-auto-response-suppress", "mime-version", "content-type", "message-id",
           "in-reply-to", "references", "return-path", "delivered-to", "received",
           "x-original-to", "x-invitebot-campaign"}


def hostile_campaign(app_factory: Any, tmp_path: Path, evil_address: str) -> App:
    evil = [e.format(evil=evil_address) for e in EVIL]
    missions = tmp_path / "hostile-missions.csv"
    tag = uuid.uuid4().hex[:8]
    with missions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        for n, bad in enumerate(evil):
            # An address may legally look like an encoded word; it must stay one address.
            cc = f"x=?utf-8?q?=0D=0A?=cc-{tag}@hostile.test" if n == 0 else ""
            writer.writerow([f"H{n:02d}", f"Country{bad} {n}", f"Mission {n}{bad}",
                             f"pm-h{n:02d}-{tag}@hostile.test", cc, "en"])
    joined = " ".join(evil)
    app: App = app_factory(missions_file=str(missions),
                           meeting__reference=f"CU 2009/33{evil[0]}",
                           meeting__title=f"Meeting {joined}",
                           meeting__venue=f"Vienna{evil[3]}",
                           mail__sender__name=f"Secretariat{evil[1]}")
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    # Template output itself carrying breaks: a literal CRLF, and variables.
    (folder / "invitation.en.subject").write_text(
        "Invitation {{ mission.mission_name }} {{ meeting.title }}\r\nX-Injected: 1\n"
        "{{ meeting.venue }}\n", encoding="utf-8")
    app.template_dir = folder
    return app


def header_block(raw: bytes) -> list[bytes]:
    head = raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    assert b"\r" not in head, "bare CR in the header block"
    return head.split(b"\n")


def header_names(raw: bytes) -> set[str]:
    names = set()
    for line in header_block(raw):
        if line[:1] in (b" ", b"\t"):
            continue
        name, colon, _ = line.partition(b":")
        assert colon, f"a header line without a colon: {line!r}"
        names.add(name.decode("ascii").strip().lower())
    return names


def fetch_headers(stack: Stack, user: str, folder: str) -> list[bytes]:
    client = imap_login(stack, user)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        data = client.fetch(uids, [b"BODY.PEEK[HEADER]"])
        return [bytes(item[b"BODY[HEADER]"]) for item in data.values()]
    finally:
        client.logout()


@pytest.mark.stack
def test_no_header_injection_on_the_wire(app_factory: Any, mailstack: Stack,
                                         tmp_path: Path) -> None:
    evil_address = f"evil-{uuid.uuid4().hex[:8]}@attacker.test"
    app = hostile_campaign(app_factory, tmp_path, evil_address)
    assert plan_invitations(app) == len(EVIL)
    report = asyncio.run(dispatch(app))
    assert report.sent == len(EVIL), report
    heads: list[bytes] = []
    for mission in app.config.missions:
        wait_for_messages(mailstack, mission.email)
        heads += fetch_headers(mailstack, mission.email, "INBOX")
    secretariat = app.config.campaign.mail.reply_to
    wait_for_messages(mailstack, secretariat, "Sent", count=len(EVIL))
    heads += fetch_headers(mailstack, secretariat, "Sent")
    assert len(heads) == 2 * len(EVIL)
    assert sum(b"=?utf-8?q?=0d=0a?=cc-" in raw.lower() for raw in heads) == 2  # H00, Sent
    for raw in heads:
        names = header_names(raw)
        assert names <= ALLOWED, names - ALLOWED
        assert "bcc" not in names and "x-injected" not in names
        parsed = message_from_bytes(raw + b"\r\n", policy=policy.default)
        for name in ("Subject", "To", "From"):
            value = str(parsed[name])
            for bad in ("\r", "\n", "\u2028", "\u2029", "\x85", "\x00"):
                assert bad not in value, (name, value)
        # The hostile text is still there, as text, inside the one Subject.
        assert "X-Injected: 1" in str(parsed["Subject"])
    # Nothing went to the address the Bcc attempts named.
    client = imap_login(mailstack, evil_address)
    try:
        assert client.folder_status("INBOX", [b"MESSAGES"])[b"MESSAGES"] == 0
    finally:
        client.logout()


@pytest.mark.parametrize("address", [
    "pm@hostile.test\r\nBcc: evil@attacker.test", "pm@hostile.test\nX-Injected: 1",
    "pm@hostile.test\u2028Bcc: evil@attacker.test", "pm@hostile.test>, <evil@attacker.test",
    "pm@hostile.test\x85X-Injected: 1"])
def test_addresses_with_breaks_are_refused_by_the_mission_list(app_factory: Any, tmp_path: Path,
                                                               address: str) -> None:
    from bot.errors import ConfigError

    missions = tmp_path / "bad.csv"
    with missions.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        writer.writerow(["OK", "Fine", "Mission", "pm@fine.test", "", "en"])
        writer.writerow(["BAD", "Bad", "Mission", "pm2@fine.test", address, "en"])
        writer.writerow(["BAD2", "Bad", "Mission", address, "", "en"])
    app: App = app_factory(missions_file=str(missions))
    with pytest.raises(ConfigError) as info:
        _ = app.config
    text = str(info.value)
    # Line numbers are physical lines: a quoted break moves the later ones down.
    assert ": cc: not an email address" in text and ": email: not an email address" in text, text


# --- the sandbox --------------------------------------------------------------

CANARY = "/tmp/invitebot-sandbox-escaped"
ESCAPES = {
    "CVE-2016-10745 str.format": "{{ '{0.__class__.__mro__}'.format(mission) }}",
    "CVE-2016-10745 format on a variable": "{{ meeting.title.format }}"
                                            "{{ '{0.__init__.__globals__}'.format(cycler) }}",
    "CVE-2019-10906 str.format_map": "{{ '{x.__class__}'.format_map({'x': mission}) }}",
    "CVE-2024-56326 indirect format": "{% set f = '{0.__class__.__base__}'.format %}"
                                      "{{ f(mission) }}",
    "CVE-2024-56326 format via a filter": "{{ ('{0.__globals__}'.format)|attr('__call__')"
                                          "(lipsum) }}",
    "CVE-2025-27516 |attr format": "{{ '{0.__class__}'|attr('format')(mission) }}",
    "__class__.__mro__": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "cycler globals": "{{ cycler.__init__.__globals__.os.popen('touch " + CANARY + "') }}",
    "lipsum globals": "{{ lipsum.__globals__['os'].system('touch " + CANARY + "') }}",
    "template reference context": "{{ self._TemplateReference__context.cycler.__init__"
                                  ".__globals__.os.popen('touch " + CANARY + "').read() }}",
    "namespace internals": "{% set ns = namespace() %}{{ ns.__init__.__globals__ }}",
    "mutating a list": "{% set x = [] %}{{ x.append(1) }}{{ x }}",
    "request-style config": "{{ config.__class__.__init__.__globals__['os'] }}",
}


def run_check(config: Path, templates: Path) -> Any:
    return CliRunner().invoke(cli, ["check", "-c", str(config), "--templates", str(templates),
                                    "--no-servers"])


@pytest.mark.parametrize("escape", list(ESCAPES.values()), ids=list(ESCAPES))
def test_sandbox_escapes_fail_and_check_reports_them(app_factory: Any, tmp_path: Path,
                                                     escape: str) -> None:
    Path(CANARY).unlink(missing_ok=True)
    app = app_factory(missions=2)
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "invitation.en.txt").write_text(f"Dear colleagues,\n{escape}\n", encoding="utf-8")
    result = run_check(app.config_path, folder)
    assert result.exit_code == 1, result.output
    failing = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert len(failing) == 1 and "templates" in failing[0], result.output
    assert "invitation.en.txt:2" in failing[0], failing[0]
    assert "SecurityError" in failing[0] or "UndefinedError" in failing[0], failing[0]
    assert not Path(CANARY).exists(), "a template ran a shell command"


def test_check_passes_the_same_folder_without_the_escape(app_factory: Any,
                                                         tmp_path: Path) -> None:
    # The control case: the failure above is the escape, not the folder.
    app = app_factory(missions=2)
    folder = tmp_path / "templates"
    shutil.copytree(REPO / "templates", folder)
    (folder / "invitation.en.txt").write_text("Dear colleagues,\n{{ mission.country }}\n",
                                              encoding="utf-8")
    result = run_check(app.config_path, folder)
    assert result.exit_code == 0, result.output


# --- spoofing -----------------------------------------------------------------

AUTHSERV = "mx.secretariat.test"


def _reply(to: str, sender: str, token: str, *, auth: str | None = None) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: Re: Invitation [Ref. · {token}]",
             f"Message-ID: <{uuid.uuid4().hex}@spoof.test>",
             "Date: Mon, 23 Feb 2009 10:00:00 +0100"]
    if auth is not None:
        lines.insert(0, f"Authentication-Results: {auth}")
    body = ("We will attend. Our delegation:\r\n"
            "1. H.E. Ms. Maria Example, Ambassador, Permanent Representative, "
            "head of delegation\r\n2. Mr. John Sample, First Secretary, alternate")
    return ("\r\n".join(lines) + "\r\n\r\n" + body + "\r\n").encode()


@pytest.mark.stack
def test_spoofed_replies_wait_for_a_human(app_factory: Any, mailstack: Stack) -> None:
    app: App = app_factory(missions=6, env={"INVITEBOT_AUTHSERV_ID": AUTHSERV})
    invitations = seed_invitations(app)
    secretariat = app.config.campaign.mail.reply_to
    local, domain = secretariat.split("@")
    missions = {m.code: m for m in app.config.missions}
    cases = {
        # code: (sender, Authentication-Results or None, expected status, reason snippet)
        "M000": ("intruder@elsewhere.test", None, "needs_review", "not known for"),
        "M001": (missions["M001"].email, f"{AUTHSERV}; dkim=fail header.d=x; spf=pass",
                 "needs_review", "dkim=fail"),
        "M002": (missions["M002"].email, f"{AUTHSERV.upper()} (ours); dmarc=fail "
                 "(p=reject) header.from=x", "needs_review", "dmarc=fail"),
        # A pass from somebody else's server, or one forged with our id, proves nothing.
        "M003": ("intruder@elsewhere.test", "mx.attacker.test; dkim=pass; dmarc=pass",
                 "needs_review", "not known for"),
        "M004": ("intruder@elsewhere.test", f"{AUTHSERV}; dkim=pass; dmarc=pass",
                 "needs_review", "not known for"),
        # The control: the mission's own address, our own server content: recorded.
        "M005": (missions["M005"].email, f"{AUTHSERV}; dkim=pass; spf=pass; dmarc=pass",
                 "processed", None),
    }
    for code, (sender, auth, _status, _reason) in cases.items():
        token = invitations[code].token
        to = f"{local}+{token}@{domain}"
        deliver(mailstack, _reply(to, sender, token, auth=auth), sender, to)
    wait_for_messages(mailstack, secretariat, count=len(cases))
    report = poll_once(app, read_images=False)
    assert report.errors == () and report.stored == len(cases), report
    with app.session() as session:
        rows = session.exec(select(models.InboundMessage)).all()
        reasons = {i.inbound_id: i.reason for i in session.exec(select(models.ReviewItem))}
        by_invitation = {r.invitation_id: r for r in rows}
        for code, (_sender, _auth, status, reason) in cases.items():
            row = by_invitation[invitations[code].id]
            why = reasons.get(row.id or 0, "")
            assert row.status == status, (code, row.status, why)
            if reason is not None:
                assert reason in why, (code, why)
        replied = {i.id for i in session.exec(select(models.Invitation).where(
            models.Invitation.status == models.InvitationStatus.REPLIED))}
    assert replied == {invitations["M005"].id}


# --- what the fuzzer found ----------------------------------------------------


def test_binary_garbage_costs_the_extractor_little(monkeypatch: pytest.MonkeyPatch) -> None:
    # fuzz/fuzz_pipeline.py flagged a PNG sent as a bare message: its "text" is
    # 60 kB of Latin-1 noise, and extract_response spent seconds on it. The
    # work is counted, not timed: the longest real reply of tests/corpus/replies
    # needs under 1,000 difflib match searches; this noise needed ~150,000.
    import difflib
    import random

    from bot.extract import extract_response
    from bot.inbound.parse.message import parse_message

    calls = [0]
    real = difflib.SequenceMatcher.find_longest_match

    def counting(self: difflib.SequenceMatcher[str], *args: Any) -> Any:
        calls[0] += 1
        return real(self, *args)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", counting)
    noise = parse_message(b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(60_000))
    extraction = extract_response(noise.text)
    assert extraction.delegates == []
    assert calls[0] < 20_000, calls[0]


# --- hostile file names through the whole poll -----------------------------------


def _with_attachments(to: str, sender: str, token: str, names: list[str],
                      zipped: bytes) -> bytes:
    boundary = "hostile-" + uuid.uuid4().hex
    parts = [f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
             "We will attend; the list is attached.\r\n"]
    for n, name in enumerate(names):
        parts.append(f"--{boundary}\r\nContent-Type: text/plain; name=\"{name}\"\r\n"
                     f"Content-Disposition: attachment; filename=\"{name}\"\r\n\r\n"
                     f"attachment {n}\r\n")
    parts.append(f"--{boundary}\r\nContent-Type: application/zip\r\n"
                 "Content-Disposition: attachment; filename=\"../../list.zip\"\r\n"
                 "Content-Transfer-Encoding: base64\r\n\r\n"
                 + base64.encodebytes(zipped).decode().replace("\n", "\r\n") + "\r\n")
    head = (f"From: {sender}\r\nTo: {to}\r\nSubject: Re: Invitation [{token}]\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@hostile.test>\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\r\n\r\n")
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode()


@pytest.mark.stack
def test_hostile_file_names_are_never_paths_through_poll(app_factory: Any, mailstack: Stack,
                                                         tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    tag = uuid.uuid4().hex[:8]
    work = tmp_path / "cwd" / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)  # relative escapes would land under tmp_path
    app: App = app_factory(missions=1)
    invitations = seed_invitations(app)
    mission = app.config.missions[0]
    token = invitations[mission.code].token
    local, domain = app.config.campaign.mail.reply_to.split("@")
    names = [f"../../../../tmp/pwned-{tag}.txt", f"/tmp/pwned-{tag}-abs.txt",
             f"..\\\\..\\\\pwned-{tag}-win.txt", "CON", "x" * 4000 + ".txt",
             f"=?utf-8?q?=2E=2E=2F=2E=2E=2Fpwned-{tag}-encoded=0D=0ABcc:_x.txt?=",
             f"../pwned-{tag}-rel.txt"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"../../../../tmp/pwned-{tag}-zip.txt", "inside\n")
        archive.writestr(f"/tmp/pwned-{tag}-zipabs.txt", "inside\n")
    to = f"{local}+{token}@{domain}"
    deliver(mailstack, _with_attachments(to, mission.email, token, names, buffer.getvalue()),
            mission.email, to)
    wait_for_messages(mailstack, app.config.campaign.mail.reply_to)
    report = poll_once(app, read_images=False)
    assert (report.stored, report.failed, report.errors) == (1, 0, ()), report
    planted = [*Path("/tmp").glob(f"pwned-{tag}*"),
               *[p for root in (tmp_path, app.settings.store_dir)
                 for p in root.rglob(f"pwned-{tag}*")]]
    assert planted == []
    with app.session() as session:
        rows = session.exec(select(models.Attachment)).all()
    assert len(rows) == len(names) + 1
    for row in rows:
        assert "/" not in row.filename and "\\" not in row.filename, row.filename
        assert "\r" not in row.filename and "\n" not in row.filename, row.filename
        assert len(row.filename) <= 255
    # The store holds hash-named files only.
    for path in app.settings.store_dir.rglob("*"):
        if path.is_file():
            assert "pwned" not in path.name and path.name != "CON", path


# --- memory bound of a huge message -------------------------------------------


def test_parse_memory_is_bounded_by_the_limit_not_the_input() -> None:
    # The pipeline-level 50 MB test (tests/inbound/test_faults_inbound.py) shows the
    # poller survives; this shows why: past the limit, a twice larger message
    # costs no more memory to parse and classify.
    import tracemalloc

    from bot.inbound.classifiers.registry import classify
    from bot.inbound.parse.message import Limits, parse_message

    limits = Limits(max_message_bytes=8 * 1024 * 1024)
    head = b"From: a@b.test\r\nSubject: huge\r\nMessage-ID: <h@b.test>\r\n\r\nAttending.\r\n"
    peaks = []
    for megabytes in (16, 32):
        raw = head + (b"z" * 1022 + b"\r\n") * (megabytes * 1024)
        tracemalloc.start()
        try:
            msg = parse_message(raw, limits)
            classify(msg)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert "too_large" in msg.flags
        del raw, msg
    small, large = peaks
    assert large < small * 1.2, peaks  # 8.1 times the limit, both, when written
    assert large < 12 * limits.max_message_bytes, peaks

"""The local Postfix + Dovecot stack behaves as the other tests assume."""

from __future__ import annotations

import os
import shutil
import smtplib
import subprocess
import tempfile
import uuid
from email.message import EmailMessage

import pytest
from conftest import (
    MAILSTACK_SCRIPT,
    Stack,
    deliver,
    free_port,
    imap_login,
    start_stack,
    wait_for_messages,
)

pytestmark = pytest.mark.stack


def make_message(sender: str, to: str, subject: str, body: str = "Hello.\n") -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@test.invitebot>"
    msg.set_content(body)
    return msg.as_bytes()


def master_pids(stack: Stack) -> tuple[str, str]:
    postfix = (stack.dir / "postfix-queue" / "pid" / "master.pid").read_text().split()[0]
    dovecot = (stack.dir / "run" / "master.pid").read_text().split()[0]
    return postfix, dovecot


def test_status_reports_both_daemons_up(mailstack: Stack) -> None:
    proc = mailstack.ctl("status")
    assert proc.returncode == 0
    assert f"127.0.0.1:{mailstack.smtp_port}  up" in proc.stdout
    assert f"127.0.0.1:{mailstack.imap_port}  up" in proc.stdout


def test_smtp_message_is_read_over_imap(mailstack: Stack, unique_user: str) -> None:
    deliver(mailstack, make_message("a@x.test", unique_user, "first contact"),
            "a@x.test", unique_user)
    [received] = wait_for_messages(mailstack, unique_user)
    assert received["Subject"] == "first contact"
    assert received.get_payload().strip() == "Hello."


def test_idle_announces_new_mail(mailstack: Stack, unique_user: str) -> None:
    client = imap_login(mailstack, unique_user)
    try:
        assert b"IDLE" in client.capabilities()
        client.select_folder("INBOX")
        client.idle()
        deliver(mailstack, make_message("a@x.test", unique_user, "wake up"),
                "a@x.test", unique_user)
        responses = client.idle_check(timeout=30)
        client.idle_done()
    finally:
        client.logout()
    assert (1, b"EXISTS") in responses


def test_plus_address_lands_in_base_inbox(mailstack: Stack, unique_user: str) -> None:
    local, domain = unique_user.split("@")
    deliver(mailstack, make_message("a@x.test", unique_user, "tokened"),
            "a@x.test", f"{local}+TOKEN123@{domain}")
    [received] = wait_for_messages(mailstack, unique_user, "INBOX")
    assert received["Subject"] == "tokened"
    client = imap_login(mailstack, unique_user)
    try:
        assert not client.folder_exists("TOKEN123")
    finally:
        client.logout()


def test_nouser_domain_bounces_a_dsn_to_the_sender(mailstack: Stack, unique_user: str) -> None:
    deliver(mailstack, make_message(unique_user, "ghost@nouser.test", "to nobody"),
            unique_user, "ghost@nouser.test")
    [dsn] = wait_for_messages(mailstack, unique_user)
    assert dsn.get_content_type() == "multipart/report"
    assert dsn.get_param("report-type") == "delivery-status"
    [status] = [p for p in dsn.walk() if p.get_content_type() == "message/delivery-status"]
    # The delivery-status body is a list of header blocks; the last is the recipient's.
    recipient = status.get_payload()[-1]
    assert recipient["Final-Recipient"] == "rfc822; ghost@nouser.test"
    assert recipient["Action"] == "failed"
    assert recipient["Status"] == "5.1.1"


def test_reject_domain_is_refused_at_rcpt_with_550(mailstack: Stack, unique_user: str) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
        deliver(mailstack, make_message(unique_user, "x@reject.test", "no"),
                unique_user, "x@reject.test")
    code, _text = caught.value.recipients["x@reject.test"]
    assert code == 550


def test_defer_domain_is_refused_at_rcpt_with_4xx(mailstack: Stack, unique_user: str) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as caught:
        deliver(mailstack, make_message(unique_user, "x@defer.test", "later"),
                unique_user, "x@defer.test")
    code, _text = caught.value.recipients["x@defer.test"]
    assert 400 <= code < 500


def test_start_is_idempotent(mailstack: Stack) -> None:
    before = master_pids(mailstack)
    mailstack.ctl("start")
    assert master_pids(mailstack) == before


def test_imap_restart_keeps_mail_and_delivers_what_queued_meanwhile(
    private_mailstack: Stack, unique_user: str
) -> None:
    stack = private_mailstack
    deliver(stack, make_message("a@x.test", unique_user, "before"), "a@x.test", unique_user)
    wait_for_messages(stack, unique_user, count=1)

    stack.ctl("stop-imap")
    assert stack.ctl("status").returncode == 3
    with pytest.raises(ConnectionRefusedError):
        imap_login(stack, unique_user)
    # Postfix still accepts and holds the message until Dovecot's LMTP is back.
    deliver(stack, make_message("a@x.test", unique_user, "during"), "a@x.test", unique_user)

    stack.ctl("start-imap")
    subjects = [m["Subject"] for m in wait_for_messages(stack, unique_user, count=2)]
    assert subjects == ["before", "during"]


def test_start_survives_a_stale_dovecot_pid_file(private_mailstack: Stack) -> None:
    stack = private_mailstack
    stack.ctl("stop")
    # After a reboot the pid file may name a live process that is not Dovecot.
    (stack.dir / "run" / "master.pid").write_text("1\n")
    stack.ctl("start")
    assert stack.ctl("status").returncode == 0


def test_smtp_stop_refuses_connections_until_started_again(
    private_mailstack: Stack, unique_user: str
) -> None:
    stack = private_mailstack
    stack.ctl("stop-smtp")
    assert stack.ctl("status").returncode == 3
    with pytest.raises(ConnectionRefusedError):
        deliver(stack, make_message("a@x.test", unique_user, "refused"), "a@x.test", unique_user)
    stack.ctl("start-smtp")
    stack.ctl("restart-imap")
    assert stack.ctl("status").returncode == 0
    deliver(stack, make_message("a@x.test", unique_user, "accepted"), "a@x.test", unique_user)
    [received] = wait_for_messages(stack, unique_user)
    assert received["Subject"] == "accepted"


@pytest.mark.parametrize(("mail_format", "store", "other"), [
    ("maildir", "Maildir/.Sent/*/*,S=*", "mdbox"),
    ("mdbox", "mdbox/storage/m.*", "Maildir"),
])
def test_mail_format_delivers_and_stores_a_multiappend(mail_format: str, store: str,
                                                       other: str) -> None:
    """INVITEBOT_STACK_MAIL_FORMAT: the same behaviour, the format's files on disk."""
    state = tempfile.mkdtemp(prefix="invitebot-stack-")
    stack = start_stack({"INVITEBOT_STACK_DIR": state,
                         "INVITEBOT_STACK_SMTP_PORT": str(free_port()),
                         "INVITEBOT_STACK_IMAP_PORT": str(free_port()),
                         "INVITEBOT_STACK_MAIL_FORMAT": mail_format})
    try:
        user = f"u-{uuid.uuid4().hex[:8]}@missions.test"
        deliver(stack, make_message("a@x.test", user, f"in {mail_format}"), "a@x.test", user)
        [received] = wait_for_messages(stack, user)
        assert received["Subject"] == f"in {mail_format}"
        client = imap_login(stack, user)
        try:
            client.multiappend("Sent", [make_message(user, f"m{i}@x.test", f"copy {i}")
                                        for i in range(3)])
            client.select_folder("Sent", readonly=True)
            subjects = [m[b"ENVELOPE"].subject for m in
                        client.fetch(client.search(), ["ENVELOPE"]).values()]
        finally:
            client.logout()
        assert sorted(subjects) == [b"copy 0", b"copy 1", b"copy 2"]
        home = stack.dir / "mail" / "missions.test" / user.split("@")[0]
        assert any(home.glob(store))
        assert not (home / other).exists()
    finally:
        stack.ctl("stop")
        shutil.rmtree(state, ignore_errors=True)


def test_unknown_mail_format_is_refused_by_name() -> None:
    state = tempfile.mkdtemp(prefix="invitebot-stack-")
    try:
        proc = subprocess.run(
            [str(MAILSTACK_SCRIPT), "status"], capture_output=True, text=True, timeout=60,
            env={**os.environ, "INVITEBOT_STACK_DIR": state,
                 "INVITEBOT_STACK_MAIL_FORMAT": "mbox"})
    finally:
        shutil.rmtree(state, ignore_errors=True)
    assert proc.returncode == 1
    assert "INVITEBOT_STACK_MAIL_FORMAT must be one of maildir, mdbox, sdbox, not 'mbox'" \
        in proc.stderr

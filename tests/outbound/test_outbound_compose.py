"""Composing invitations: language, headers, attachments, injection, sandbox, check."""

from __future__ import annotations

import email
import re
import shutil
from email import policy
from pathlib import Path

import pytest
from appfixtures import REPO, AppFactory

from bot.commands.check import CheckResult
from bot.config.missions import ListedMission
from bot.errors import TemplateError
from bot.mail.compose import check_templates, composer_for, one_line
from bot.mail.outbox import SMTP_POLICY, make_message_id
from bot.tokens import new_token

HEADER_LINE = re.compile(rb"^(?:[A-Za-z][A-Za-z0-9-]*: |[ \t])")
EXPECTED_HEADERS = {"from", "to", "cc", "reply-to", "subject", "date", "content-language",
                    "x-auto-response-suppress", "mime-version", "content-type", "message-id",
                    "in-reply-to", "references", "x-invitebot-campaign"}


def mission(name: str = "Permanent Mission of Testland", language: str = "en",
            country: str = "Testland") -> ListedMission:
    return ListedMission("TL", country, name, "pm-tl@missions.test", (), language)


def raw_of(msg: email.message.EmailMessage) -> bytes:
    msg["Message-ID"] = make_message_id("test", "unodc.test")
    return msg.as_bytes(policy=SMTP_POLICY)


def header_block(raw: bytes) -> list[bytes]:
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\n" not in head.replace(b"\r\n", b""), "bare LF in the header block"
    assert b"\r" not in head.replace(b"\r\n", b""), "bare CR in the header block"
    return head.split(b"\r\n")


def header_names(raw: bytes) -> set[str]:
    names = set()
    for line in header_block(raw):
        assert HEADER_LINE.match(line), line
        if not line[:1].isspace():
            names.add(line.split(b":", 1)[0].decode().lower())
    return names


@pytest.mark.parametrize(("language", "greeting"), [
    ("en", "presents its compliments"), ("fr", "présente ses compliments"),
    ("es", "saluda atentamente"), ("ru", "свидетельствует свое уважение"),
    ("ar", "تهدي"), ("zh", "致意"),
])
def test_invitation_in_the_mission_language(app_factory: AppFactory, language: str,
                                            greeting: str) -> None:
    app = app_factory(missions=1)
    token = new_token()
    msg = composer_for(app.config).invitation(mission(language=language), token)
    raw = raw_of(msg)
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Content-Language"] == language
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert greeting in text and greeting in html
    assert token in text and token in str(parsed["Subject"])
    assert f"+{token}@" in str(parsed["Reply-To"])
    assert parsed["X-Auto-Response-Suppress"] == "All"
    assert parsed["Auto-Submitted"] is None
    names = [p.get_filename() for p in parsed.iter_attachments()]
    assert names == ["information-note.pdf"]
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")


def test_language_falls_back_to_meeting_language_then_english(
        app_factory: AppFactory, tmp_path: Path) -> None:
    only = tmp_path / "templates"
    only.mkdir()
    for name in ("invitation.fr.txt", "invitation.fr.subject", "invitation.en.txt"):
        shutil.copy(REPO / "templates" / name, only / name)
    app = app_factory(missions=1, meeting__language="fr")
    app.template_dir = only
    msg = composer_for(app.config).invitation(mission(language="ru"), new_token())
    assert msg["Content-Language"] == "fr"
    assert msg.get_body(("html",)) is None  # no HTML template: text only
    (only / "invitation.fr.txt").unlink()
    app = app_factory(missions=1, meeting__language="fr")
    app.template_dir = only
    msg = composer_for(app.config).invitation(mission(language="ru"), new_token())
    assert msg["Content-Language"] == "en"


@pytest.mark.parametrize("evil", [
    "Mission\r\nBcc: evil@attacker.test",
    "Mission\nBcc: evil@attacker.test",
    "Mission\rBcc: evil@attacker.test",
    "Mission=0D=0ABcc: evil@attacker.test",
    "Mission =?utf-8?q?=0D=0ABcc:_evil@attacker.test?=",
    "Mission\u2028Bcc: evil@attacker.test",
    "Mission\u2029Bcc: evil@attacker.test",
    "Mission\x85Bcc: evil@attacker.test",
    "Mission\x00\x0bBcc: evil@attacker.test",
])
def test_no_header_injection_from_names_or_template_variables(
        app_factory: AppFactory, tmp_path: Path, evil: str) -> None:
    app = app_factory(missions=1, meeting__reference=f"CU 2009/33 {evil}",
                      mail__sender__name="Secretariat")
    folder = tmp_path / "tpl"
    shutil.copytree(REPO / "templates", folder)
    (folder / "invitation.en.subject").write_text(
        "Invitation for {{ mission.country }} {{ mission.mission_name }}\r\nX-Injected: 1\n")
    app.template_dir = folder
    msg = composer_for(app.config).invitation(mission(name=evil, country=evil), new_token())
    raw = raw_of(msg)
    names = header_names(raw)
    assert names <= EXPECTED_HEADERS, names - EXPECTED_HEADERS
    assert "bcc" not in names and "x-injected" not in names
    assert not any(line.lower().startswith(b"bcc") for line in header_block(raw))
    parsed = email.message_from_bytes(raw, policy=policy.default)
    for name in ("Subject", "To"):
        value = str(parsed[name])
        assert "\r" not in value and "\n" not in value and "\u2028" not in value


def test_one_line() -> None:
    assert one_line(" a\r\n b\u2028c\x85d\te ") == "a b c d e"
    assert "=?" not in one_line("=?utf-8?q?x?=")


def test_reminder_is_threaded(app_factory: AppFactory) -> None:
    app = app_factory(missions=1)
    from datetime import date

    msg = composer_for(app.config).reminder(mission(language="es"), new_token(), number=2,
                                            sent_at=date(2009, 2, 20),
                                            thread=["<invitebot.abc@unodc.test>"])
    assert msg["In-Reply-To"] == "<invitebot.abc@unodc.test>"
    assert msg["References"] == "<invitebot.abc@unodc.test>"
    assert str(msg["Subject"]).startswith("Recordatorio (2)")
    assert "20 de febrero de 2009" in msg.get_body(("plain",)).get_content()


def _broken_templates(tmp_path: Path, filename: str, text: str) -> Path:
    folder = tmp_path / "broken"
    shutil.copytree(REPO / "templates", folder)
    (folder / filename).write_text(text, encoding="utf-8")
    return folder


def _check(app_factory: AppFactory, folder: Path) -> CheckResult:
    app = app_factory(missions=4)
    app.template_dir = folder
    return check_templates(app)


def test_check_names_template_line_and_mission_for_missing_variable(
        app_factory: AppFactory, tmp_path: Path) -> None:
    folder = _broken_templates(tmp_path, "invitation.fr.txt",
                               "line one\nline two {{ mission.country }}\n{{ no_such_thing }}\n")
    result = _check(app_factory, folder)
    assert not result.ok
    # The test missions cycle en, fr, es: M001 is the French one.
    assert "invitation.fr.txt:3" in result.detail
    assert "no_such_thing" in result.detail
    assert "M001" in result.detail
    assert "M000" not in result.detail


def test_check_reports_syntax_errors(app_factory: AppFactory, tmp_path: Path) -> None:
    folder = _broken_templates(tmp_path, "reminder.es.txt", "ok\n{% if %}\n")
    result = _check(app_factory, folder)
    assert not result.ok
    assert "reminder.es.txt:2" in result.detail and "syntax error" in result.detail


def test_check_renders_the_confirmation_echo(app_factory: AppFactory, tmp_path: Path) -> None:
    folder = _broken_templates(tmp_path, "confirmation.es.txt",
                               "{{ delegation.decision }}\n{{ delegation.nobody_here.x }}\n")
    result = _check(app_factory, folder)
    assert not result.ok
    assert "confirmation.es.txt:2" in result.detail and "M002" in result.detail


@pytest.mark.parametrize("escape", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ mission.__class__ }}",
    "{% set x = [].append(1) %}{{ x }}",
])
def test_sandbox_escapes_fail_with_security_error(app_factory: AppFactory, tmp_path: Path,
                                                  escape: str) -> None:
    folder = _broken_templates(tmp_path, "invitation.en.html",
                               "{% extends 'note-layout.html' %}{% block body %}\n"
                               f"{escape}\n{{% endblock %}}")
    result = _check(app_factory, folder)
    assert not result.ok
    assert "SecurityError" in result.detail, result.detail
    assert "invitation.en.html:2" in result.detail


def test_check_passes_on_shipped_templates(app_factory: AppFactory) -> None:
    app = app_factory(missions=6, templates__acknowledgement="acknowledgement")
    result = check_templates(app)
    assert result.ok, result.detail
    assert "6 missions" in result.detail


def test_html_is_autoescaped(app_factory: AppFactory) -> None:
    app = app_factory(missions=1)
    msg = composer_for(app.config).invitation(mission(name="<script>alert(1)</script> & co"),
                                              new_token())
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>" in msg.get_body(("plain",)).get_content()


def test_missing_template_language_is_a_template_error(app_factory: AppFactory,
                                                       tmp_path: Path) -> None:
    app = app_factory(missions=1)
    empty = tmp_path / "none"
    empty.mkdir()
    app.template_dir = empty
    with pytest.raises(TemplateError, match="no template invitation"):
        composer_for(app.config).invitation(mission(), new_token())

"""End to end: the reply corpus as mail, through the real stack, poll and export.

``bench/extract.py`` scores the extractor on texts.  This scores the whole
path a mission's answer takes: MIME parsing, quoted text and signatures,
HTML-only bodies, attachments, classification, matching, extraction,
recording, follow-up folding and the export.

A campaign is seeded with one mission per case of ``tests/corpus/replies``
(and one per chain of ``tests/corpus/followups``), in the case's language,
and its invitations are rendered by the project's own ``plan`` (templates,
tokens, Message-IDs) and marked sent; some missions also get a reminder.
Each case then becomes the mail a mission would really send, in rotating
shapes (``SHAPES_BODY``, ``SHAPES_ATTACHED``, ``CHAIN_SHAPES``): a Gmail
reply with the invitation quoted under "On … wrote:" in the case language
and the writer's signature under "-- ", an Outlook reply under a "From: …
Sent: …" block with the signature as a plain block, a reply to the
reminder, a new message with only the token in the subject, Gmail, Outlook
("FW:"/"TR:"/"RV:"…) and Apple Mail forwards of the capital's note,
multipart/alternative (legacy charsets; the text part with a table cell per
line, the HTML part with the table), Outlook HTML-only (``MsoNormal``
paragraphs, typed tabs as non-breaking spaces) and Gmail HTML-only mail,
HTML-only mail for render ``html``, and the letter attached (text PDF,
DOCX, and with ``--scans`` scanned PDF and photo, rendered by
``tests/docgen.py``) with the case's ``cover`` as body, or pasted in the
body as well.  Follow-up chains arrive one message per poll, the later ones
replying to the earlier (quoted, Gmail or Outlook), as new messages, or
answering the confirmation echo the first one caused (quoted).  Added to
them: a colleague answering from an address the mission list does not know
(must wait for review, never look silent), out-of-office notices and spam
(must record nothing).

The mail is APPENDed to a fresh mailbox of the local stack
(``scripts/mailstack start``; ``INVITEBOT_STACK_IMAP_PORT``), ``poll_once``
runs into a SQLite file, and the final delegations are read back through
``bot.results.export.collect`` (what ``invitebot export --format json``
prints).  Scored against each case's JSON with ``bench/extract.py``'s
scoring: name and title F1, role and decision accuracy of the final
delegation per mission; the mission's status (replied / silent / waiting
for review); the share of certain-match replies whose delegation is marked
to confirm; replies on the wrong mission; per language and per shape,
tuning and held-out apart.  ``--compare`` also runs the extractor alone on
each case's text (as ``bench/extract.py`` does) and lists the cases where
the pipeline found less.

    .venv/bin/python bench/endtoend.py                 # text renders, both parts
    .venv/bin/python bench/endtoend.py --split tuning -v --compare
    .venv/bin/python bench/endtoend.py --only '^fr_' --limit 20
    .venv/bin/python bench/endtoend.py --scans         # also OCR scans and photos (slow)
"""

from __future__ import annotations

import argparse
import csv
import html
import os
import re
import shutil
import sys
import tempfile
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))


def _load_bench_extract() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_extract"] = module
    spec.loader.exec_module(module)
    return module


bench_extract = sys.modules.get("bench_extract") or _load_bench_extract()

Case = bench_extract.Case
Score = bench_extract.Score

FOLLOWUPS = ROOT / "tests" / "corpus" / "followups"
SHAPES_BODY = ("gmail", "outlook", "reminder", "subject", "forward", "alternative",
               "outlook_html", "outlook_forward", "gmail_html", "apple_forward")
# How a follow-up arrives: replying to its own first message (quoted, Gmail or
# Outlook), as a new message with the token in the subject, or replying to the
# confirmation echo the first message caused (quoted under "On … wrote:").
CHAIN_SHAPES = ("gmail", "subject", "outlook", "echo")
SHAPES_ATTACHED = ("gmail", "subject", "outlook", "pasted")
BASE_DATE = datetime(2009, 2, 23, 9, 0, tzinfo=timezone(timedelta(hours=1)))
INVITED = datetime(2009, 2, 20, 10, 0, tzinfo=timezone(timedelta(hours=1)))

# "On … wrote:" as each language's Gmail writes it.
GMAIL_ATTRIBUTION = {
    "en": "On Fri, 20 Feb 2009 at 10:00, {name} <{addr}> wrote:",
    "fr": "Le ven. 20 févr. 2009 à 10:00, {name} <{addr}> a écrit :",
    "es": "El vie, 20 feb 2009 a las 10:00, {name} (<{addr}>) escribió:",
    "ru": "пт, 20 февр. 2009 г. в 10:00, {name} <{addr}>:",
    "ar": "في الجمعة، 20 فبراير 2009 في 10:00 ص، {name} <{addr}> كتب:",
    "zh": "{name} <{addr}> 于2009年2月20日周五 10:00写道：",
}
# Outlook's header block above the quoted message, per language.
OUTLOOK_HEADERS = {
    "en": ("From", "Sent", "To", "Subject", "Friday, February 20, 2009 10:00 AM"),
    "fr": ("De", "Envoyé", "À", "Objet", "vendredi 20 février 2009 10:00"),
    "es": ("De", "Enviado el", "Para", "Asunto", "viernes, 20 de febrero de 2009 10:00"),
    "ru": ("От", "Отправлено", "Кому", "Тема", "пятница, 20 февраля 2009 г. 10:00"),
    "ar": ("من", "تاريخ الإرسال", "إلى", "الموضوع", "الجمعة، 20 فبراير، 2009 10:00 ص"),
    "zh": ("发件人", "发送时间", "收件人", "主题", "2009年2月20日 星期五 10:00"),
}
FORWARD = {
    "en": ("Please find below the message received from our capital.",
           "---------- Forwarded message ---------", "From", "Date", "Subject", "To"),
    "fr": ("Veuillez trouver ci-dessous le message reçu de notre capitale.",
           "---------- Message transféré ---------", "De", "Date", "Objet", "À"),
    "es": ("Les remitimos a continuación el mensaje recibido de nuestra capital.",
           "---------- Mensaje reenviado ---------", "De", "Fecha", "Asunto", "Para"),
    "ru": ("Направляем ниже сообщение, полученное из столицы.",
           "---------- Пересылаемое сообщение ---------", "От", "Дата", "Тема", "Кому"),
    "ar": ("نرفق أدناه الرسالة الواردة من العاصمة.",
           "---------- رسالة معاد توجيهها ---------", "من", "التاريخ", "الموضوع", "إلى"),
    "zh": ("现转发首都来函如下。",
           "---------- 转发的邮件 ---------", "发件人", "日期", "主题", "收件人"),
}
# Outlook's forward: "FW:" and the capital's mail under a header block; Apple Mail's.
OUTLOOK_FORWARD = {"en": "FW", "fr": "TR", "es": "RV", "ru": "FW", "ar": "إعادة توجيه",
                   "zh": "转发"}
APPLE_FORWARD = {
    "en": "Begin forwarded message:", "fr": "Début du message réexpédié :",
    "es": "Inicio del mensaje reenviado:", "ru": "Начало переадресованного сообщения:",
    "ar": "بداية الرسالة المعاد توجيهها:", "zh": "以下是转发的邮件：",
}
# The sender's signature (a staff member who writes, never a delegate): under the
# "-- " line in Gmail, as a plain block in Outlook.
SIGNATURE = {
    "en": "Daniela Moretti\nAttaché\nPermanent Mission of {country}\nTel. +43 1 712 {n:04d}",
    "fr": "Camille Lefebvre\nAttachée\nMission permanente de {country}\nTél. +43 1 712 {n:04d}",
    "es": "Andrés Villalobos\nAgregado\nMisión Permanente de {country}\nTel. +43 1 712 {n:04d}",
    "ru": "Смирнова Ольга\nатташе\nПостоянное представительство {country}\n"
          "Тел. +43 1 712 {n:04d}",
    "ar": "ليلى حداد\nملحق\nالبعثة الدائمة لـ {country}\nهاتف +43 1 712 {n:04d}",
    "zh": "周丽\n随员\n{country}常驻代表团\n电话 +43 1 712 {n:04d}",
}
# A legacy charset each language's older clients still send.
CHARSETS = {"ru": "koi8-r", "ar": "windows-1256", "zh": "gb18030", "fr": "iso-8859-1",
            "es": "iso-8859-1"}
OUT_OF_OFFICE = {
    "en": ("Automatic reply: {subject}",
           "I am out of the office until 2 March 2009 with limited access to e-mail.\n"
           "For urgent matters please contact Ms. Laura Fischer, Third Secretary."),
    "fr": ("Réponse automatique : {subject}",
           "Je suis absent du bureau jusqu'au 2 mars 2009.\n"
           "En cas d'urgence, veuillez contacter M. Olivier Marchand, Premier secrétaire."),
    "es": ("Respuesta automática: {subject}",
           "Estaré fuera de la oficina hasta el 2 de marzo de 2009.\n"
           "Para asuntos urgentes, contacte a la Sra. Lucía Ortega, Consejera."),
    "ru": ("Автоматический ответ: {subject}",
           "Я нахожусь в отпуске до 2 марта 2009 г.\n"
           "По срочным вопросам обращайтесь к Петрову Ивану Сергеевичу, второму секретарю."),
    "ar": ("رد تلقائي: {subject}",
           "أنا خارج المكتب حتى 2 مارس 2009.\nللأمور العاجلة يرجى الاتصال بالسيد خالد العمري."),
    "zh": ("自动回复: {subject}", "本人于2009年3月2日前休假，急事请联系李明先生。"),
}
# A diplomat answers from a personal address the mission list does not know: the
# token is right, but the sender is not the mission's, so the answer waits for
# review (sender trust) — shown as waiting, never as silent.
COLLEAGUE = {
    "en": "We will attend. Head of delegation: Ms. Jana Horvat, Counsellor.",
    "fr": "Nous participerons. Chef de délégation : Mme Jana Horvat, Conseillère.",
    "es": "Participaremos. Jefa de delegación: Sra. Jana Horvat, Consejera.",
    "ru": "Мы примем участие. Глава делегации: г-жа Яна Хорват, советник.",
    "ar": "سنشارك. رئيسة الوفد: السيدة يانا هورفات، مستشارة.",
    "zh": "我方将出席。代表团团长：霍尔瓦特女士，参赞。",
}
SPAM = (
    ("IT Service Desk <helpdesk@mailbox-verify.example>", "Your mailbox quota is exceeded",
     "Dear user,\nYour mailbox has exceeded its quota. Click the link below within 24 hours "
     "to validate your account or it will be closed:\nhttp://mailbox-verify.example/login\n"
     "Webmail Administrator"),
    ("Conference Travel <bookings@cheap-hotels.example>", "Re: Invitation – hotel rates",
     "Dear delegate,\nSpecial hotel rates for all participants of the meeting in Vienna. "
     "Book now and confirm your participation at http://cheap-hotels.example/vienna\n"
     "Mr. Robert Smith, Sales Manager"),
    ("Dr. Ahmed Bello <ahmed.bello@fund-transfer.example>", "URGENT BUSINESS PROPOSAL",
     "Dear Sir/Madam,\nI am Dr. Ahmed Bello, director of a bank. I need your assistance to "
     "transfer USD 15,000,000. Reply with your full name and bank details.\n"),
)


@dataclass
class Mail:
    """One message to deliver, and what it stands for."""

    key: str
    mission: str | None  # the mission code it must land on (None: spam)
    kind: str  # case | chain | ooo | spam
    shape: str
    language: str
    split: str
    round: int
    raw: bytes = b""
    message_id: str = ""


@dataclass
class Mission:
    code: str
    language: str
    split: str
    kind: str  # case | chain | ooo
    shape: str
    email: str
    country: str
    case: Any = None  # bench_extract.Case for kind "case"
    chain: dict[str, Any] | None = None
    token: str = ""
    invitation_id: str = ""
    invitation_subject: str = ""
    invitation_text: str = ""
    invitation_html: str = ""
    reminder_id: str = ""
    reminder_subject: str = ""
    thread: list[str] = field(default_factory=list)


# ----------------------------------------------------------------- campaign


def write_campaign(workdir: Path, user: str, missions: Sequence[Mission]) -> Path:
    data = yaml.safe_load((ROOT / "config" / "campaign.example.yaml").read_text("utf-8"))
    data["meeting"]["reference"] = "CU 2009/33 (A)"
    data["mail"]["sender"]["address"] = data["mail"]["reply_to"] = user
    data["attachments"] = []
    data["schedule"]["send_at"] = None
    data["schedule"]["digest"]["recipients"] = ["desk@unodc.test"]
    data["missions_file"] = "missions.csv"
    data["secretariat_contacts"] = list(bench_extract.SECRETARIAT_CONTACTS)
    path = workdir / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    with (workdir / "missions.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "country", "mission_name", "email", "cc", "language"])
        for m in missions:
            writer.writerow([m.code, m.country, f"Permanent Mission of {m.country}", m.email, "",
                             m.language])
    return path


def make_app(workdir: Path, user: str, host: str, port: int, missions: Sequence[Mission]) -> Any:
    from bot.app import App
    from bot.config.settings import load_settings

    config = write_campaign(workdir, user, missions)
    env = {"INVITEBOT_DATABASE_URL": f"sqlite:///{workdir / 'endtoend.db'}",
           "INVITEBOT_STORE_DIR": str(workdir / "store"), "INVITEBOT_IMAP_HOST": host,
           "INVITEBOT_IMAP_PORT": str(port), "INVITEBOT_IMAP_USER": user,
           "INVITEBOT_IMAP_PASSWORD": "secret", "INVITEBOT_AUTHSERV_ID": "mx.unodc.test"}
    return App(config_path=config, template_dir=ROOT / "templates", _settings=load_settings(env))


def _parts(raw: bytes) -> tuple[str, str]:
    """The text and HTML of a rendered invitation."""
    msg = message_from_bytes(raw, policy=policy.default)
    plain = msg.get_body(preferencelist=("plain",))
    rich = msg.get_body(preferencelist=("html",))
    return (plain.get_content() if plain is not None else "",  # type: ignore[attr-defined]
            rich.get_content() if rich is not None else "")  # type: ignore[attr-defined]


def seed(app: Any, missions: Sequence[Mission], reminders: set[str]) -> None:
    """Plan and 'send' the invitations (the project's own rendering), add reminders."""
    from sqlmodel import select

    from bot import models
    from bot.mail.compose import composer_for, listed
    from bot.outbound.plan import plan_invitations

    plan_invitations(app, allow_fresh=True)
    composer = composer_for(app.config)
    by_code = {m.code: m for m in missions}
    with app.session() as session:
        rows = session.exec(select(models.Mission, models.Invitation, models.OutboxMessage)
                            .where(models.Invitation.mission_id == models.Mission.id)
                            .where(models.OutboxMessage.invitation_id == models.Invitation.id))
        for mission, invitation, outbox in rows.all():
            m = by_code[mission.code]
            m.token = invitation.token
            m.invitation_id = outbox.message_id
            m.invitation_subject = outbox.subject or ""
            m.invitation_text, m.invitation_html = _parts(outbox.raw)
            invitation.status = models.InvitationStatus.SENT
            invitation.sent_at = INVITED.astimezone(UTC).replace(tzinfo=None)
            outbox.state = "sent"
            session.add(invitation)
            session.add(outbox)
            if mission.code in reminders:
                msgid = f"<reminder-1-{invitation.token}@unodc.test>"
                raw, subject = composer.reminder_raw(
                    listed(mission), invitation.token, number=1, sent_at=INVITED.date(),
                    thread=[outbox.message_id], message_id=msgid)
                session.add(models.OutboxMessage(
                    dedupe_key=f"reminder:{invitation.id}:1", kind="reminder",
                    campaign_id=invitation.campaign_id, invitation_id=invitation.id,
                    message_id=msgid, mail_from=outbox.mail_from, recipients=mission.email,
                    raw=raw, subject=subject, state="sent"))
                m.reminder_id, m.reminder_subject = msgid, subject
                m.invitation_text, m.invitation_html = _parts(raw)


# ----------------------------------------------------------------- shapes


def _tag(subject: str) -> str:
    found = re.search(r"\[[^\]]*\]", subject)
    return found.group(0) if found else subject


def _quoted(text: str) -> str:
    return "".join(f"> {line}".rstrip() + "\n" for line in text.strip("\n").split("\n"))


def gmail_quote(m: Mission, user: str, text: str) -> str:
    sender = "Secretariat of the Conference of the Parties (UNODC)"
    return "\n" + GMAIL_ATTRIBUTION[m.language].format(name=sender, addr=user) + "\n" + \
        _quoted(text)


def outlook_quote(m: Mission, user: str, subject: str, text: str, rule: bool = True) -> str:
    """Outlook's quote: a header block (under a rule, or bare as Outlook for Mac and
    the web write it) and the message as it was, without quote marks."""
    frm, sent, to, subj, date = OUTLOOK_HEADERS[m.language]
    line = "\n________________________________" if rule else ""
    return (f"{line}\n{frm}: Secretariat <{user}>\n{sent}: {date}\n"
            f"{to}: {m.email}\n{subj}: {subject}\n\n{text.strip()}\n")


def text_to_html(text: str, outlook: bool = False) -> str:
    """What a mail client sends as the HTML part: lines as divs (Gmail) or paragraphs
    (Outlook), pipe rows as a table in place."""
    out, table = ['<div dir="auto">' if not outlook else '<div class="WordSection1">'], []

    def flush() -> None:
        if table:
            rows = "".join("<tr>" + "".join(f"<td>{html.escape(c.strip())}</td>"
                                            for c in row.split(" | ")) + "</tr>"
                           for row in table)
            out.append(f'<table border="1" cellspacing="0">{rows}</table>')
            table.clear()

    for line in text.split("\n"):
        if " | " in line:
            table.append(line)
            continue
        flush()
        if outlook:
            out.append(f'<p class="MsoNormal">{outlook_line(line)}<o:p></o:p></p>')
        else:
            tab = '<span style="white-space:pre">\t</span>'  # Gmail keeps a pasted tab
            out.append(f"<div>{html.escape(line).replace(chr(9), tab)}</div>" if line.strip()
                       else "<div><br></div>")
    flush()
    out.append("</div>")
    return "\n".join(out)


def _headers(msg: EmailMessage, m: Mission, user: str, n: int, when: datetime,
             subject: str, *, plus: bool = True, thread: Sequence[str] = (),
             sender: str | None = None) -> str:
    local, domain = user.split("@")
    msgid = f"<e2e-{n}-{uuid.uuid4().hex[:10]}@{m.email.split('@')[1]}>"
    msg["From"] = f"Permanent Mission of {m.country} <{m.email}>"
    if sender:
        msg.replace_header("From", sender)
    msg["To"] = f"{local}+{m.token}@{domain}" if plus else user
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = msgid
    if thread:
        msg["In-Reply-To"] = thread[-1]
        msg["References"] = " ".join(thread)
    return msgid


def attachment_of(case: Any, cache: Path | None) -> tuple[bytes, str, str, str]:
    """The case's letter as the file a mission attaches (as bench/extract.py renders it)."""
    import textwrap

    import docgen  # type: ignore[import-not-found]

    lang = case.language
    if case.render == "text_pdf":
        lines = [line.replace(" | ", "     ") for line in case.text.split("\n")]
        wrapped = "\n".join(line if "     " in line else textwrap.fill(line, 95)
                            for line in lines)
        return docgen.make_text_pdf(wrapped), "application", "pdf", "note.pdf"
    if case.render == "scanned_pdf":
        return docgen.make_scanned_pdf(case.text, lang=lang), "application", "pdf", "scan.pdf"
    if case.render == "photo":
        return docgen.make_photo_jpeg(case.text, lang=lang), "image", "jpeg", "photo.jpg"
    paragraphs = [line for line in case.text.split("\n") if " | " not in line]
    rows = [[c.strip() for c in line.split(" | ")] for line in case.text.split("\n")
            if " | " in line]
    return (docgen.make_docx("\n".join(paragraphs), rows=rows), "application",
            "vnd.openxmlformats-officedocument.wordprocessingml.document", "delegation.docx")


def outlook_line(line: str) -> str:
    """A line as Outlook writes it in HTML: a typed tab as a run of non-breaking spaces,
    an empty line as an empty paragraph."""
    if not line.strip():
        return "&nbsp;"
    tab = "<span style='mso-tab-count:1'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span>"
    return html.escape(line).replace("\t", tab)


def _charset(language: str, text: str) -> str:
    """The language's legacy charset when it can carry the text, else UTF-8."""
    charset = CHARSETS.get(language, "utf-8")
    try:
        text.encode(charset)
    except UnicodeEncodeError:
        return "utf-8"
    return charset


def compose(m: Mission, user: str, n: int, shape: str, body: str, when: datetime, *,
            html_body: str | None = None, attachment: tuple[bytes, str, str, str] | None = None,
            thread: Sequence[str] = (), quote: str | None = None,
            quote_subject: str | None = None) -> tuple[bytes, str]:
    """One message of ``shape`` carrying ``body`` (or ``html_body``, or an attachment)."""
    msg = EmailMessage()
    base_subject = quote_subject or m.invitation_subject
    quote_text = quote if quote is not None else m.invitation_text
    invitation_thread = list(thread) or [m.invitation_id]
    if shape == "reminder" and m.reminder_id:
        base_subject = m.reminder_subject
        invitation_thread = [m.invitation_id, m.reminder_id]
    signature = SIGNATURE[m.language].format(country=m.country, n=n)
    if shape in ("gmail", "alternative", "html", "reminder", "colleague"):
        # "colleague": a diplomat answers from a personal address at the ministry.
        sender = (f"Jana Horvat <j.horvat@mfa-{m.code.lower()}.example>" if shape == "colleague"
                  else None)
        msgid = _headers(msg, m, user, n, when, f"Re: {base_subject}", thread=invitation_thread,
                         sender=sender)
        dashes = "\n-- \n" + signature + "\n" if shape == "gmail" and body.strip() else ""
        text = body.rstrip() + "\n" + dashes + gmail_quote(m, user, quote_text)
    elif shape in ("outlook", "outlook_html"):
        msgid = _headers(msg, m, user, n, when, f"RE: {base_subject}", thread=invitation_thread)
        block = "\n" + signature + "\n" if body.strip() else ""
        text = body.rstrip() + "\n" + block + outlook_quote(m, user, base_subject, quote_text,
                                                             rule=quote is None)
    elif shape == "subject":
        msgid = _headers(msg, m, user, n, when, f"Participation {_tag(m.invitation_subject)}",
                         plus=False)
        text = body
    elif shape == "forward":
        cover, marker, frm, date, subj, to = FORWARD[m.language]
        msgid = _headers(msg, m, user, n, when, f"Fwd: Delegation {_tag(m.invitation_subject)}",
                         plus=False)
        text = (f"{cover}\n\n{marker}\n{frm}: Protocol <protocol@mfa.{m.email.split('@')[1]}>\n"
                f"{date}: Mon, 23 Feb 2009 at 08:12\n{subj}: Delegation\n"
                f"{to}: {m.email}\n\n{body.strip()}\n")
    elif shape in ("outlook_forward", "apple_forward"):
        cover = FORWARD[m.language][0]
        frm, sent, to, subj, date = OUTLOOK_HEADERS[m.language]
        capital = f"Protocol Department <protocol@mfa.{m.email.split('@')[1]}>"
        prefix = OUTLOOK_FORWARD[m.language] if shape == "outlook_forward" else "Fwd"
        subject = f"{prefix}: Delegation {_tag(m.invitation_subject)}"
        msgid = _headers(msg, m, user, n, when, subject, plus=False)
        if shape == "outlook_forward":
            text = (f"{cover}\n\n{signature}\n\n________________________________\n"
                    f"{frm}: {capital}\n{sent}: {date}\n{to}: {m.email}\n{subj}: Delegation\n\n"
                    f"{body.strip()}\n")
        else:
            text = (f"{cover}\n\n{APPLE_FORWARD[m.language]}\n\n{frm}: {capital}\n"
                    f"{subj}: Delegation\n{FORWARD[m.language][3]}: 23 February 2009 08:12\n"
                    f"{to}: {m.email}\n\n{body.strip()}\n")
    elif shape == "gmail_html":
        msgid = _headers(msg, m, user, n, when, f"Re: {base_subject}", thread=invitation_thread)
        text = ""
        html_body = text_to_html(body)
    else:
        raise ValueError(shape)
    if html_body is not None:
        attribution = GMAIL_ATTRIBUTION[m.language].format(name="Secretariat", addr=user)
        quote_html = (f'<div class="gmail_quote"><div class="gmail_attr">'
                      f"{html.escape(attribution)}"
                      f'</div><blockquote class="gmail_quote">'
                      f"{m.invitation_html or html.escape(quote_text)}</blockquote></div>")
        msg.set_content(f"<html><body>{html_body}<br>{quote_html}</body></html>", subtype="html")
    elif shape == "outlook_html":
        # Outlook's HTML-only mail: a paragraph per line, the quote under a rule.
        frm, sent, to, subj, date = OUTLOOK_HEADERS[m.language]
        paras = text_to_html(body.rstrip() + "\n\n" + signature, outlook=True)
        table = ""
        head = (f'<div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal">'
                f"<b>{frm}:</b> Secretariat &lt;{user}&gt;<br><b>{sent}:</b> {date}<br>"
                f"<b>{to}:</b> {m.email}<br><b>{subj}:</b> {html.escape(base_subject)}</p></div>")
        quote_html = m.invitation_html or html.escape(quote_text)
        page = (f'<html><body lang="EN-US"><div class="WordSection1">{paras}{table}'
                f"{head}{quote_html}</div></body></html>")
        msg.set_content(page, subtype="html", charset=_charset(m.language, page))
    elif shape == "alternative":
        # The client's own text/plain alternative puts each table cell on a line.
        flat = "\n".join("\n".join(c.strip() for c in line.split(" | ")) if " | " in line
                         else line for line in text.split("\n"))
        msg.set_content(flat, charset=_charset(m.language, flat))
        quote_html = (f'<div class="gmail_quote"><blockquote class="gmail_quote">'
                      f"{m.invitation_html or html.escape(quote_text)}</blockquote></div>")
        msg.add_alternative(f"<html><body>{text_to_html(body)}<br>{quote_html}</body></html>",
                            subtype="html")
    else:
        msg.set_content(text)
    if attachment is not None:
        data, maintype, subtype, filename = attachment
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes(), msgid


# ----------------------------------------------------------------- the world


@dataclass
class World:
    missions: list[Mission] = field(default_factory=list)
    mails: list[Mail] = field(default_factory=list)


def load_chains() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for split, name in (("tuning", "tune.yaml"), ("heldout", "heldout.yaml")):
        for chain in yaml.safe_load((FOLLOWUPS / name).read_text("utf-8")):
            out.append((split, chain))
    return out


def plan_world(cases: Sequence[Any], chains: Sequence[tuple[str, dict[str, Any]]],
               extras: bool = True, shapes_of: dict[str, str] | None = None) -> World:
    """The missions and the shape each one's mail takes (rotating, deterministic;
    ``shapes_of`` fixes the shape of the cases it names)."""
    world = World()
    counters: Counter[str] = Counter()
    for case in cases:
        if case.render == "body":
            shapes = SHAPES_BODY
        elif case.render == "html":
            shapes = ("html",)
        else:
            shapes = SHAPES_ATTACHED
        group = "body" if case.render == "body" else case.render
        shape = shapes[counters[group] % len(shapes)]
        counters[group] += 1
        shape = (shapes_of or {}).get(case.name, shape)
        n = len(world.missions)
        world.missions.append(Mission(
            f"E{n:04d}", case.language, case.split, "case", shape,
            f"pm.e{n:04d}@mission{n}.example", f"Country {n}", case=case))
    for split, chain in chains:
        n = len(world.missions)
        shape = CHAIN_SHAPES[counters["chain"] % len(CHAIN_SHAPES)]
        counters["chain"] += 1
        world.missions.append(Mission(
            f"F{n:04d}", chain["language"], split, "chain", shape,
            f"pm.f{n:04d}@mission{n}.example", f"Country {n}", chain=chain))
    if extras:
        for lang in COLLEAGUE:
            n = len(world.missions)
            world.missions.append(Mission(
                f"P{n:04d}", lang, "tuning", "colleague", "colleague",
                f"pm.p{n:04d}@mission{n}.example", f"Country {n}"))
        for i, lang in enumerate(OUT_OF_OFFICE):
            n = len(world.missions)
            world.missions.append(Mission(
                f"O{n:04d}", lang, "tuning", "ooo", ("plain", "outlook")[i % 2],
                f"pm.o{n:04d}@mission{n}.example", f"Country {n}"))
    return world


def build_mails(world: World, user: str, cache: Path | None, extras: bool = True) -> None:
    n = 0
    for m in world.missions:
        n += 1
        when = BASE_DATE + timedelta(minutes=n)
        if m.kind == "case":
            case = m.case
            exp = case.expected
            if case.render == "body":
                raw, msgid = compose(m, user, n, m.shape, case.text, when)
            elif case.render == "html":
                raw, msgid = compose(m, user, n, "html", "", when, html_body=case.text)
            elif m.shape == "pasted":
                # The letter pasted in the body and attached as well.
                raw, msgid = compose(m, user, n, "gmail", case.text, when,
                                     attachment=attachment_of(case, cache))
            else:
                raw, msgid = compose(m, user, n, m.shape, exp.get("cover", ""), when,
                                     attachment=attachment_of(case, cache))
            world.mails.append(Mail(case.name, m.code, "case", m.shape if case.render != "html"
                                    else "html", m.language, m.split, 0, raw, msgid))
            if case.render not in ("body", "html"):
                world.mails[-1].shape = f"{m.shape}+{case.render}"
        elif m.kind == "chain":
            assert m.chain is not None
            raw, msgid = compose(m, user, n, "gmail", m.chain["messages"][0], when)
            m.thread = [m.invitation_id, msgid]
            world.mails.append(Mail(f"{m.chain['id']}#0", m.code, "chain", "followup-first",
                                    m.language, m.split, 0, raw, msgid))
        elif m.kind == "colleague":
            raw, msgid = compose(m, user, n, "colleague", COLLEAGUE[m.language], when)
            world.mails.append(Mail(f"colleague-{m.language}", m.code, "colleague", "colleague",
                                    m.language, "tuning", 0, raw, msgid))
        elif m.kind == "ooo":
            subject_fmt, text = OUT_OF_OFFICE[m.language]
            msg = EmailMessage()
            msgid = _headers(msg, m, user, n, when, subject_fmt.format(
                subject=m.invitation_subject), thread=[m.invitation_id])
            if m.shape == "plain":
                msg["Auto-Submitted"] = "auto-replied"
            else:
                msg["X-Auto-Response-Suppress"] = "All"
            msg.set_content(text + "\n")
            world.mails.append(Mail(f"ooo-{m.language}", m.code, "ooo", f"ooo-{m.shape}",
                                    m.language, "tuning", 0, msg.as_bytes(), msgid))
    if extras:
        for i, (sender, subject, text) in enumerate(SPAM):
            n += 1
            msg = EmailMessage()
            msg["From"] = sender
            msg["To"] = user
            msg["Subject"] = subject
            msg["Date"] = format_datetime(BASE_DATE + timedelta(minutes=n))
            msgid = f"<spam-{i}-{uuid.uuid4().hex[:8]}@{sender.split('@')[1].rstrip('>')}>"
            msg["Message-ID"] = msgid
            msg.set_content(text)
            world.mails.append(Mail(f"spam-{i}", None, "spam", "spam", "en", "tuning", 0,
                                    msg.as_bytes(), msgid))


# ----------------------------------------------------------------- running


def latest_echo(app: Any, m: Mission) -> tuple[str, str, str] | None:
    """(Message-ID, subject, text) of the last confirmation echo queued for ``m``."""
    from sqlmodel import col, select

    from bot import models

    with app.session() as session:
        row = session.exec(
            select(models.OutboxMessage)
            .join(models.Invitation,
                  col(models.Invitation.id) == models.OutboxMessage.invitation_id)
            .join(models.Mission, col(models.Mission.id) == models.Invitation.mission_id)
            .where(models.Mission.code == m.code, models.OutboxMessage.kind == "echo")
            .order_by(col(models.OutboxMessage.id).desc())).first()
        if row is None:
            return None
        return row.message_id, row.subject or "", _parts(row.raw)[0]


def follow_ups(world: World, app: Any, user: str, rnd: int) -> list[Mail]:
    """Message ``rnd`` of each chain, written after the poll that read the one before."""
    mails = []
    for n, m in enumerate(world.missions):
        if m.kind != "chain" or m.chain is None or rnd >= len(m.chain["messages"]):
            continue
        text, previous = m.chain["messages"][rnd], m.chain["messages"][rnd - 1]
        when = BASE_DATE + timedelta(days=rnd, minutes=n)
        key = 10_000 * rnd + n
        echo = latest_echo(app, m) if m.shape == "echo" else None
        if m.shape == "subject":
            shape = "subject"
            raw, msgid = compose(m, user, key, shape, text, when)
        elif echo is not None:
            # A correction answering the echo, which it quotes (Gmail or Outlook).
            shape = ("echo-gmail", "echo-outlook")[sum(
                mail.shape.startswith("followup-echo") for mail in mails) % 2]
            echo_id, echo_subject, echo_text = echo
            raw, msgid = compose(m, user, key, shape.split("-")[1], text, when,
                                 thread=[m.invitation_id, echo_id], quote=echo_text,
                                 quote_subject=echo_subject.removeprefix("Re: "))
        else:
            # A reply to its own earlier message, which it quotes.
            shape = m.shape if m.shape != "echo" else "gmail"
            raw, msgid = compose(m, user, key, shape, text, when, thread=m.thread,
                                 quote=previous, quote_subject=f"Re: {m.invitation_subject}")
        m.thread.append(msgid)
        mails.append(Mail(f"{m.chain['id']}#{rnd}", m.code, "chain", f"followup-{shape}",
                          m.language, m.split, rnd, raw, msgid))
    return mails


def deliver_and_poll(app: Any, host: str, port: int, user: str, world: World,
                     read_images: bool) -> None:
    """APPEND each round's mail to the INBOX, then run the real poll once per round;
    the follow-ups of round N are written after the poll of round N-1."""
    from imapclient import IMAPClient

    from bot.inbound.intake.poll import poll_once

    rounds = max([len(m.chain["messages"]) for m in world.missions if m.chain] or [1])
    for rnd in range(rounds):
        if rnd:
            world.mails.extend(follow_ups(world, app, user, rnd))
        batch = [mail.raw for mail in world.mails if mail.round == rnd]
        client = IMAPClient(host, port=port, ssl=False)
        client.login(user, "secret")
        for start in range(0, len(batch), 100):
            client.multiappend("INBOX", batch[start:start + 100])
        client.logout()
        poll_once(app, read_images=read_images)


def export(app: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """What ``invitebot export --format json`` prints: delegations, then messages."""
    from bot.results import export as exporter

    campaign_id = app.campaign_id()
    with app.session() as session:
        return (exporter.collect(session, campaign_id, "delegations"),
                exporter.collect(session, campaign_id, "messages"))


def as_extraction(item: dict[str, Any], names_only: bool = False) -> Any:
    """The exported delegation in the shape bench/extract.py's scoring reads (a chain's
    expectation has names only: the other fields are not scored)."""
    keys = ("name",) if names_only else ("honorific", "name", "title", "role", "email", "phone")
    return SimpleNamespace(decision=item.get("decision"), delegates=[
        SimpleNamespace(**{k: (d.get(k) if k in keys else None)
                           for k in ("honorific", "name", "title", "role", "email", "phone")})
        for d in item.get("delegates") or []])


def chain_exact(m: Mission, item: dict[str, Any]) -> bool:
    """The chain's final decision and set of names (as bench/followups.py compares them)."""
    from bot.results.delegation import person_key

    assert m.chain is not None
    final = m.chain["final"]
    got = sorted(person_key(d.get("name") or "") for d in item.get("delegates") or [])
    return item.get("decision") == final["decision"] and got == sorted(
        person_key(n) for n in final["names"])


def expected_of(m: Mission) -> Any:
    """A Case whose expectation is the mission's final delegation."""
    if m.kind == "case":
        return m.case
    if m.kind == "chain":
        assert m.chain is not None
        final = m.chain["final"]
        exp = {"language": m.language, "decision": final["decision"],
               "delegates": [{"name": name} for name in final["names"]]}
        return Case(m.chain["id"], "", exp)
    # Out-of-office, and a colleague's answer before anyone has looked at it: nothing.
    return Case(m.code, "", {"language": m.language, "decision": None, "delegates": []})


@dataclass
class Result:
    mission: Mission
    score: Any
    status: str
    to_confirm: bool
    wrong_mission: int
    expected_status: str
    got: dict[str, Any]
    exact: bool | None = None  # follow-up chains: final delegation exact


def evaluate(world: World, delegations: Sequence[dict[str, Any]],
             messages: Sequence[dict[str, Any]]) -> tuple[list[Result], dict[str, Any]]:
    by_code = {d["mission_code"]: d for d in delegations}
    by_msgid = {m["message_id"]: m for m in messages}
    wrong: Counter[str] = Counter()
    extras = {"spam_recorded": 0, "spam": 0, "lost": 0, "wrong": []}
    for mail in world.mails:
        row = by_msgid.get(mail.message_id)
        if row is None:
            extras["lost"] += 1
            continue
        if mail.kind == "spam":
            extras["spam"] += 1
            if row.get("mission_code") or row.get("operation"):
                extras["spam_recorded"] += 1
            continue
        if row.get("mission_code") not in (None, mail.mission):
            wrong[mail.mission or ""] += 1
            extras["wrong"].append(f"{mail.key}: on {row.get('mission_code')}")
    results = []
    for m in world.missions:
        got = by_code.get(m.code, {})
        case = expected_of(m)
        score = bench_extract.score_case(case, as_extraction(got, m.kind == "chain"))
        classification = case.expected.get("classification", "reply")
        expect = "sent" if m.kind == "ooo" or classification != "reply" else "replied"
        if m.kind == "colleague":
            expect = "needs_review"
        results.append(Result(m, score, str(got.get("status")), bool(got.get("to_confirm")),
                              wrong[m.code], expect, got,
                              chain_exact(m, got) if m.kind == "chain" else None))
    return results, extras


def table(title: str, results: Sequence[Result]) -> str:
    def line(label: str, group: Sequence[Result]) -> str:
        total = Score()
        for r in group:
            total.add(r.score)
        status_ok = sum(r.status == r.expected_status for r in group)
        replied = [r for r in group if r.expected_status == "replied"]
        review = sum(r.status == "needs_review" for r in replied)
        confirm = sum(r.to_confirm for r in replied)
        wrong = sum(r.wrong_mission for r in group)
        return (f"{label:<22}{len(group):>5}{total.fields['name'].f1:8.3f}"
                f"{total.fields['title'].f1:8.3f}{total.role_accuracy:8.3f}"
                f"{total.decision_accuracy:8.3f}{status_ok / len(group):8.3f}"
                f"{review:>7}{confirm / len(replied) if replied else 0:8.3f}{wrong:>6}")

    head = (f"{'':<22}{'miss.':>5}{'name F1':>8}{'titleF1':>8}{'role':>8}{'decis.':>8}"
            f"{'status':>8}{'review':>7}{'confirm':>8}{'wrong':>6}")
    chains = [r for r in results if r.exact is not None]
    lines = [f"== {title}: {len(results)} missions ==", head, line("all", results)]
    if chains:
        lines.append(f"follow-up chains exact after the last message: "
                     f"{sum(bool(r.exact) for r in chains)}/{len(chains)}")
    for label, key in (("language", lambda r: r.mission.language),
                       ("shape", lambda r: shape_label(r.mission))):
        groups: dict[str, list[Result]] = defaultdict(list)
        for r in results:
            groups[key(r)].append(r)
        lines.append(f"per {label}:")
        lines.extend(line(f"  {k}", groups[k]) for k in sorted(groups))
    return "\n".join(lines)


def shape_label(m: Mission) -> str:
    if m.kind == "case" and m.case.render not in ("body", "html"):
        return f"{m.shape}+{m.case.render}"
    if m.kind == "case" and m.case.render == "html":
        return "html"
    if m.kind == "colleague":
        return "colleague"
    return m.shape if m.kind == "case" else f"{m.kind}-{m.shape}"


def compare(results: Sequence[Result], cache: Path | None) -> list[str]:
    """Cases where the pipeline found fewer right names, or another decision, than the
    extractor alone on the case's text."""
    lost = []
    for r in results:
        if r.mission.kind != "case":
            continue
        alone = bench_extract.score_case(r.mission.case,
                                         bench_extract.run_case(r.mission.case, cache))
        a, p = alone.fields["name"], r.score.fields["name"]
        if (p.tp, -p.fp) < (a.tp, -a.fp) or alone.decisions_right > r.score.decisions_right \
                or alone.fields["title"].tp > r.score.fields["title"].tp:
            lost.append(f"{r.mission.case.name} [{shape_label(r.mission)}]: pipeline names "
                        f"tp/fp {p.tp}/{p.fp} title tp {r.score.fields['title'].tp} decision "
                        f"{r.got.get('decision')} | extractor tp/fp {a.tp}/{a.fp} title tp "
                        f"{alone.fields['title'].tp}; got "
                        f"{[d.get('name') for d in r.got.get('delegates') or []]}")
    return lost


def run(cases: Sequence[Any], chains: Sequence[tuple[str, dict[str, Any]]], *, host: str,
        port: int, workdir: Path, read_images: bool = False, extras: bool = True,
        cache: Path | None = None, shapes_of: dict[str, str] | None = None,
        ) -> tuple[World, list[Result], dict[str, Any]]:
    """Seed, deliver, poll and score; the whole bench minus the printing."""
    user = f"e2e-{uuid.uuid4().hex[:10]}@unodc.test"
    world = plan_world(cases, chains, extras, shapes_of)
    reminders = {m.code for m in world.missions if m.shape == "reminder"}
    app = make_app(workdir, user, host, port, world.missions)
    seed(app, world.missions, reminders)
    build_mails(world, user, cache, extras)
    deliver_and_poll(app, host, port, user, world, read_images)
    delegations, messages = export(app)
    results, extra = evaluate(world, delegations, messages)
    return world, results, extra


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scans", action="store_true", help="also scans and photos (OCR)")
    parser.add_argument("--only", default=None, help="regex on case and chain names")
    parser.add_argument("--limit", type=int, default=None, help="at most N cases per split")
    parser.add_argument("--split", choices=("tuning", "heldout", "both"), default="both")
    parser.add_argument("--no-chains", action="store_true", help="skip the follow-up chains")
    parser.add_argument("--compare", action="store_true",
                        help="list the cases where the pipeline finds less than the extractor")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list mismatches (held-out ones only with --split heldout)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--imap-port", type=int,
                        default=int(os.environ.get("INVITEBOT_STACK_IMAP_PORT") or 1143))
    parser.add_argument("--keep", action="store_true", help="keep the database and raw store")
    args = parser.parse_args(argv)
    renders = bench_extract.TEXT_RENDERS | (bench_extract.SCAN_RENDERS if args.scans
                                            else frozenset())
    cases = [c for c in bench_extract.load_cases() if c.render in renders]
    chains = [] if args.no_chains else load_chains()
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.name)]
        chains = [(s, c) for s, c in chains if re.search(args.only, c["id"])]
    splits = ("tuning", "heldout") if args.split == "both" else (args.split,)
    cases = [c for c in cases if c.split in splits]
    chains = [(s, c) for s, c in chains if s in splits]
    if args.limit:
        cases = [c for s in splits for c in [c for c in cases if c.split == s][:args.limit]]
    workdir = Path(tempfile.mkdtemp(prefix="invitebot-e2e-"))
    try:
        world, results, extra = run(cases, chains, host=args.host, port=args.imap_port,
                                    workdir=workdir, read_images=args.scans)
        print(f"{len(world.mails)} messages to {len(world.missions)} missions; lost "
              f"{extra['lost']}, spam recorded {extra['spam_recorded']}/{extra['spam']}, "
              f"replies on a wrong mission {len(extra['wrong'])}")
        print("columns: name/title F1 and role/decision accuracy of the final delegation; "
              "status = share with the expected mission status; review = certain replies "
              "held for review; confirm = share of certain replies marked to confirm")
        for split in splits:
            part = [r for r in results if r.mission.split == split]
            if not part:
                continue
            print(table(f"{split} part", part))
            show = args.verbose and (split == "tuning" or args.split == "heldout")
            if show:
                for r in part:
                    for w in r.score.wrong:
                        print(f"  [{shape_label(r.mission)}] {w}")
                    if r.exact is False:
                        print(f"  [{shape_label(r.mission)}] {r.mission.chain['id']}: final "
                              f"{r.got.get('decision')} "
                              f"{[d.get('name') for d in r.got.get('delegates') or []]}")
                    if r.status != r.expected_status:
                        print(f"  [{shape_label(r.mission)}] {expected_of(r.mission).name}: "
                              f"status {r.status} != {r.expected_status}")
            if args.compare and show:
                for line in compare(part, None):
                    print("  LOST " + line)
            print()
        for line in extra["wrong"]:
            print("  WRONG MISSION " + line)
    finally:
        if args.keep:
            print(f"workdir {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

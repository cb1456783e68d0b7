"""Multipart/alternative replies whose delegation is an HTML table (issue 17, kind 3).

The plain alternative a mail client writes flattens the table (one cell per
line), so the pipeline reads the HTML rendered row by row instead; these
tests run the real stages (parse, classify, read, match, extract, record) on
a real SQLite database and check what is recorded.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from conftest import Stack, deliver, wait_for_messages
from inboundkit import app_env, corpus_app, inbound_rows, ingest, mission_code
from sqlmodel import col, select

from bot import models
from bot.inbound.intake.poll import poll_once
from bot.inbound.intake.queue import process_pending
from bot.inbound.parse.htmlbody import has_data_table
from bot.inbound.parse.message import parse_message
from bot.inbound.parse.mimetext import MAX_HTML_CHARS, html_to_text


def _alternative(headers: str, plain: str, html: str) -> bytes:
    head = headers.strip().replace("\n", "\r\n")
    return (
        f"{head}\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/alternative; boundary=alt\r\n\r\n"
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{plain}\r\n"
        "--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"{html}\r\n--alt--\r\n"
    ).encode()


def _delegates(app: Any) -> list[models.Delegate]:
    with app.session() as session:
        response = session.exec(select(models.Response).where(col(models.Response.current))).one()
        return list(session.exec(select(models.Delegate).where(
            models.Delegate.response_id == response.id).order_by(col(models.Delegate.position))))


# Gmail: the quote is a div.gmail_quote with the "El ... escribió:" line, and
# the plain part lists every cell on its own line (empty cells as empty lines).
GMAIL_HTML = """<div dir="ltr"><p>Estimados señores:</p>
<p>La Misión Permanente de la República Argentina confirma su participación. La delegación:</p>
<table border="1"><tr><th>Nombre</th><th>Cargo</th><th>Función</th><th>Correo</th></tr>
<tr><td>Sr. Juan Pablo Rojas</td><td>Embajador</td><td>Jefe de delegación</td>
<td>jrojas@mrecic.gob.ar.test</td></tr>
<tr><td>Sra. Carmen Soto</td><td></td><td>Suplente</td><td>csoto@mrecic.gob.ar.test</td></tr>
<tr><td>Sr. Luis Vera</td><td>Consejero</td><td>Asesor</td><td></td></tr></table>
<p>Atentamente,<br>Misión Permanente de la República Argentina</p></div><br>
<div class="gmail_quote"><div dir="ltr" class="gmail_attr">El lun, 30 nov 2026 a las 10:00,
Secretariat &lt;secretariat@unodc.test&gt; escribió:<br></div>
<blockquote class="gmail_quote"><p>The Secretariat of the United Nations Office on Drugs and
Crime presents its compliments to the Permanent Missions. Contact: Mr. Hans Gruber,
hans.gruber@unodc.test. Reference: 541S-J38</p>
<table><tr><td>Date</td><td>12 May</td></tr><tr><td>Mr. Hans Gruber</td><td>Secretary</td></tr>
</table></blockquote></div>"""
GMAIL_PLAIN = """Estimados señores:

La Misión Permanente de la República Argentina confirma su participación. La delegación:
Nombre
Cargo
Función
Correo
Sr. Juan Pablo Rojas
Embajador
Jefe de delegación
jrojas@mrecic.gob.ar.test
Sra. Carmen Soto

Suplente
csoto@mrecic.gob.ar.test
Sr. Luis Vera
Consejero
Asesor

Atentamente,
Misión Permanente de la República Argentina

El lun, 30 nov 2026 a las 10:00, Secretariat <secretariat@unodc.test> escribió:

> The Secretariat of the United Nations Office on Drugs and Crime presents its
> compliments to the Permanent Missions. Contact: Mr. Hans Gruber,
> hans.gruber@unodc.test. Reference: 541S-J38
"""


def test_gmail_table_reply_records_every_column(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    raw = _alternative(
        "From: Argentina <oiviena@mrecic.gob.ar.test>\nTo: secretariat@unodc.test\n"
        "Subject: Re: Invitation\nMessage-ID: <gmail-table-1@mrecic.gob.ar.test>\n"
        "Date: Tue, 01 Dec 2026 09:00:00 +0000",
        GMAIL_PLAIN, GMAIL_HTML)
    ingest(app, raw)
    process_pending(app)
    (row,) = inbound_rows(app)
    # The token is only in the quoted invitation; matching still finds it.
    assert mission_code(app, row.mission_id) == "AR"
    assert row.match_method and row.match_method.startswith("token")
    got = [(d.name, d.title, d.role, d.email) for d in _delegates(app)]
    assert got == [
        ("Juan Pablo Rojas", "Embajador", "head", "jrojas@mrecic.gob.ar.test"),
        ("Carmen Soto", None, "alternate", "csoto@mrecic.gob.ar.test"),
        ("Luis Vera", "Consejero", "adviser", None),
    ]


@pytest.mark.stack
def test_gmail_table_reply_through_postfix_and_dovecot(app_factory: Any,
                                                      mailstack: Stack) -> None:
    user = f"sec-{uuid.uuid4().hex[:10]}@unodc.test"
    app = corpus_app(app_factory, env=app_env(mailstack, user))
    raw = _alternative(
        "From: Argentina <oiviena@mrecic.gob.ar.test>\nTo: secretariat@unodc.test\n"
        f"Subject: Re: Invitation\nMessage-ID: <gmail-table-{uuid.uuid4().hex}@mrecic.test>\n"
        "Date: Tue, 01 Dec 2026 09:00:00 +0000",
        GMAIL_PLAIN, GMAIL_HTML)
    deliver(mailstack, raw, "oiviena@mrecic.gob.ar.test", user)
    wait_for_messages(mailstack, user, "INBOX", count=1)
    report = poll_once(app)
    assert (report.stored, report.processed, report.failed) == (1, 1, 0)
    (row,) = inbound_rows(app)
    assert mission_code(app, row.mission_id) == "AR"
    assert [(d.name, d.title, d.role) for d in _delegates(app)] == [
        ("Juan Pablo Rojas", "Embajador", "head"),
        ("Carmen Soto", None, "alternate"),
        ("Luis Vera", "Consejero", "adviser"),
    ]


# Outlook: the quote starts at div#divRplyFwdMsg after an <hr>, with a
# "De : / Envoyé :" header block; the plain part runs the cells of a row together.
OUTLOOK_HTML = """<html><body><div><p class="MsoNormal">Madame, Monsieur,</p>
<p class="MsoNormal">La Mission permanente de la France confirme sa participation :</p>
<table class="MsoTableGrid"><tr><td><p class="MsoNormal"><b>Nom</b></p></td>
<td><p class="MsoNormal"><b>Fonction</b></p></td><td><p class="MsoNormal"><b>Rôle</b></p></td>
<td><p class="MsoNormal"><b>Téléphone</b></p></td></tr>
<tr><td><p class="MsoNormal">M. Pierre Lambert</p></td>
<td><p class="MsoNormal">Ambassadeur</p></td><td><p class="MsoNormal">Chef de délégation</p></td>
<td><p class="MsoNormal">+43 1 501 82 100</p></td>
</tr><tr><td><p class="MsoNormal">Mme Claire Dubois</p></td><td><p class="MsoNormal"></p></td>
<td><p class="MsoNormal">Suppléante</p></td><td><p class="MsoNormal">+43 1 501 82 120</p></td>
</tr></table><p class="MsoNormal">Cordialement,</p></div>
<hr style="display:inline-block;width:98%"><div id="divRplyFwdMsg" dir="ltr">
<font face="Calibri"><b>De :</b> Secretariat &lt;secretariat@unodc.test&gt;<br>
<b>Envoyé :</b> lundi 30 novembre 2026 10:00<br><b>À :</b> Mission France<br>
<b>Objet :</b> Invitation</font></div><div><p>Le Secrétariat de l'Office des Nations Unies contre
la drogue et le crime présente ses compliments aux missions permanentes. Contact : M. Hans Gruber,
+43 1 26060 4283.</p></div></body></html>"""
OUTLOOK_PLAIN = """Madame, Monsieur,

La Mission permanente de la France confirme sa participation :

Nom Fonction Rôle Téléphone
M. Pierre Lambert Ambassadeur Chef de délégation +43 1 501 82 100
Mme Claire Dubois Suppléante +43 1 501 82 120

Cordialement,

________________________________
De : Secretariat <secretariat@unodc.test>
Envoyé : lundi 30 novembre 2026 10:00
Objet : Invitation
"""


def test_outlook_table_reply_keeps_columns_and_drops_the_quote(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    raw = _alternative(
        "From: France <onu.vienne-dfra@diplomatie.gouv.fr.test>\nTo: secretariat@unodc.test\n"
        "Subject: RE: Invitation\nMessage-ID: <outlook-table-1@diplomatie.gouv.fr.test>\n"
        "In-Reply-To: <inv-fr.cu2009-33@unodc.test>\nDate: Tue, 01 Dec 2026 09:00:00 +0000",
        OUTLOOK_PLAIN, OUTLOOK_HTML)
    ingest(app, raw)
    process_pending(app)
    (row,) = inbound_rows(app)
    assert mission_code(app, row.mission_id) == "FR"
    # The quoted Outlook header block and what follows it are not the mission's words.
    assert row.body_text is not None and "Gruber" not in row.body_text
    got = [(d.name, d.title, d.role, d.phone) for d in _delegates(app)]
    assert [(n, t, r) for n, t, r, _ in got] == [
        ("Pierre Lambert", "Ambassadeur", "head"),
        ("Claire Dubois", None, "alternate"),
    ]
    assert [p and p.replace(" ", "") for *_, p in got] == ["+43150182100", "+43150182120"]


def test_token_only_in_the_plain_alternative_still_matches(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    table = ("<table><tr><th>Name</th><th>Title</th></tr>"
             "<tr><td>Ms. Anna Berger</td><td>Counsellor</td></tr></table>")
    raw = _alternative(
        "From: someone@elsewhere.test\nTo: secretariat@unodc.test\nSubject: Delegation\n"
        "Message-ID: <plain-token-1@elsewhere.test>\nDate: Tue, 01 Dec 2026 09:00:00 +0000",
        "We attend.\nName\nTitle\nMs. Anna Berger\nCounsellor\nRef. FK6S-Y96\n",
        f"<p>We attend.</p>{table}")
    msg = parse_message(raw)
    assert "FK6S-Y96" not in msg.text and "FK6S-Y96" in msg.plain_text
    ingest(app, raw)
    process_pending(app)
    (row,) = inbound_rows(app)
    assert mission_code(app, row.mission_id) == "AT"
    assert row.match_method == "token_body"


def test_which_alternative_is_read() -> None:
    headers = "From: a@b.test\nSubject: x"
    table = ("<table><tr><td>Ms. A</td><td>Head</td></tr>"
             "<tr><td>Mr. B</td><td>Member</td></tr></table>")
    with_table = parse_message(_alternative(headers, "Ms. A\nHead\nMr. B\nMember", table))
    assert "Ms. A | Head" in with_table.text and with_table.plain_text.startswith("Ms. A\nHead")
    # No table, a one-column table, or a table only in the quoted invitation: the plain part.
    for html in ("<p>We accept.</p>",
                 "<table><tr><td>Ms. A</td></tr><tr><td>Mr. B</td></tr></table>",
                 f"<p>We accept.</p><blockquote type='cite'>{table}</blockquote>",
                 f"<p>Yes</p><div class=\"gmail_quote\">On x wrote:{table}</div>"):
        msg = parse_message(_alternative(headers, "plain words", html))
        assert msg.text == "plain words" and msg.plain_text == "", html


def test_data_table_detection_bounds() -> None:
    # A layout table around the mail (holding the data table) counts by its inner table only.
    inner = "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>"
    assert has_data_table(f"<table><tr><td>{inner}</td></tr></table>")
    assert not has_data_table("<table><tr><td><table><tr><td>x</td></tr></table></td>"
                              "<td>y</td></tr><tr><td>p</td><td>q</td></tr></table>")
    # An unclosed table at the end of the mail still counts; one past the size bound does not.
    assert has_data_table("<table><tr><td>a<td>b<tr><td>c<td>d")
    assert not has_data_table("x" * MAX_HTML_CHARS + inner)


def test_empty_cells_keep_their_column() -> None:
    text = html_to_text(
        "<table><tr><th>Name</th><th>Title</th><th>Role</th></tr>"
        "<tr><td>Ms. A</td><td></td><td>Head</td></tr>"
        "<tr><td></td><td>Counsellor</td><td>Member</td></tr>"
        "<tr><td>Caption only</td><td></td><td></td></tr><tr><td></td><td></td></tr></table>"
    )
    lines = [line for line in text.splitlines() if line]
    assert lines == ["Name | Title | Role", "Ms. A | | Head", "| Counsellor | Member",
                     "Caption only"]

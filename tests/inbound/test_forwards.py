"""A mission forwards its capital's note: the note is its answer (bench/endtoend.py found
Outlook "FW:" and Apple Mail forwards recorded nobody: the header block of the
forwarded note was taken for the start of quoted history)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from appfixtures import load_bench
from inboundkit import SECRETARIAT, corpus_app, ingest
from sqlmodel import select

from bot import models
from bot.extract import extract_response
from bot.inbound.intake.queue import process_pending
from bot.inbound.parse.forwards import cut_our_quote, is_forward, unwrap_forward
from bot.results.export import delegations

NOTE = {
    "en": "Austria will participate.\nHead of delegation: Ms. Eva GRUBER, Director",
    "fr": "La Belgique participera.\nChef de délégation : M. Luc PEETERS, Directeur",
    "es": "La Argentina participará.\nJefe de delegación: Sr. Martín SOSA, Director",
    "ru": "Российская Федерация примет участие.\nГлава делегации: Иванов Сергей Петрович, директор",
    "ar": "يشارك الوفد.\nرئيس الوفد: السيد خالد العمري، مدير",
    "zh": "中国将出席会议。\n代表团团长：王伟 司长",
}
# The mail clients' header labels and forward markers, shared with bench/endtoend.py.
endtoend = load_bench("endtoend")
COVER = "Please see below the message from our capital, with our best regards."


def outlook_forward(lang: str) -> tuple[str, str]:
    prefix = endtoend.OUTLOOK_FORWARD[lang]
    frm, sent, to, subj, _ = endtoend.OUTLOOK_HEADERS[lang]
    text = (f"{COVER}\n\n________________________________\n{frm}: Protocol <protocol@mfa.example>\n"
            f"{sent}: 23 February 2009 08:12\n{to}: pm@mission.example\n{subj}: Delegation\n\n"
            f"{NOTE[lang]}\n")
    return f"{prefix}: Delegation", text


def apple_forward(lang: str) -> tuple[str, str]:
    frm, _, to, subj, _ = endtoend.OUTLOOK_HEADERS[lang]
    text = (f"{COVER}\n\n{endtoend.APPLE_FORWARD[lang]}\n\n{frm}: Protocol <protocol@mfa.example>\n"
            f"{subj}: Delegation\nDate: 23 February 2009 08:12\n{to}: pm@mission.example\n\n"
            f"{NOTE[lang]}\n")
    return "Fwd: Delegation", text


def names(text: str) -> list[str]:
    return [d.name for d in extract_response(text, []).delegates]


@pytest.mark.parametrize("lang", sorted(NOTE))
@pytest.mark.parametrize("shape", [outlook_forward, apple_forward])
def test_forwarded_note_reads_like_the_note(lang: str, shape: Any) -> None:
    subject, text = shape(lang)
    assert is_forward(subject, text)
    expected = names(NOTE[lang])
    assert expected
    assert names(unwrap_forward(text, subject, ["sec+tok@unodc.test"])) == expected


@pytest.mark.parametrize("subject", ["FW: Delegation", "Fwd: Delegation", "TR: Délégation",
                                     "RV: Delegación", "Пересл: Делегация", "转发: 代表团",
                                     "إعادة توجيه: الوفد"])
def test_local_forward_prefixes_mark_a_forward(subject: str) -> None:
    assert is_forward(subject, "No marker in this text.")
    assert not is_forward("RE: " + subject.split(":")[1], "No marker in this text.")


def test_reply_and_reply_to_a_forward_keep_their_quote() -> None:
    _, text = outlook_forward("en")
    for subject in ("RE: Invitation", "RE: FW: Delegation"):
        assert unwrap_forward(text, subject, []) == text


def test_our_own_mail_forwarded_back_stays_history() -> None:
    text = ("We will attend: Mr. Ivo NOVAK, Counsellor.\n\n________________________________\n"
            "From: Secretariat <secretariat@unodc.test>\nSent: 20 February 2009\n"
            "To: pm@mission.example\nSubject: Invitation\n\nThe Secretariat presents its "
            "compliments and has the honour to invite Ms. Anna SECRETARIAT.\n")
    assert unwrap_forward(text, "FW: Invitation", ["secretariat+tok@unodc.test"]) == text


def test_a_sentence_with_de_is_no_header_block() -> None:
    text = "De : nous.\nChef de délégation : M. Luc PEETERS"
    assert unwrap_forward(text, "TR: Délégation", []) == text


def test_outlook_forward_through_the_pipeline_records_the_note(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    subject, text = outlook_forward("en")
    msg = EmailMessage()
    msg["From"] = "Permanent Mission of Austria <pm-vienna@bmeia.gv.at.test>"
    msg["To"] = SECRETARIAT
    msg["Subject"] = f"{subject} [Ref. CU 2009/33 (A) · FK6S-Y96]"
    msg["Message-ID"] = "<fw-at-1@bmeia.gv.at.test>"
    msg["Date"] = "Mon, 23 Feb 2009 10:00:00 +0100"
    msg.set_content(text)
    ingest(app, msg.as_bytes())
    assert process_pending(app) == 1
    with app.session() as session:
        campaign_id = app.campaign_id()
        rows = {d["mission_code"]: d for d in delegations(session, campaign_id)}
        inbound = session.exec(select(models.InboundMessage)).one()
    assert inbound.classification == "reply", inbound.detail
    assert [d["name"] for d in rows["AT"]["delegates"]] == ["Eva GRUBER"]
    assert rows["AT"]["status"] == "replied"


ECHO_QUOTED = {  # From, Sent, and the echo's list, as Outlook quotes it without a rule
    "en": ("From", "Sent", "Please add Ms. Eva GRUBER, Counsellor."),
    "fr": ("De", "Envoyé", "Veuillez ajouter Mme Eva GRUBER, Conseillère."),
    "ru": ("От", "Отправлено", "Просим добавить г-жу Еву ГРУБЕР, советника."),
}


@pytest.mark.parametrize("lang", sorted(ECHO_QUOTED))
def test_short_answer_over_our_quoted_echo_reads_only_the_answer(lang: str) -> None:
    frm, sent, answer = ECHO_QUOTED[lang]
    text = (f"{answer}\n\n{frm}: Secretariat <secretariat@unodc.test>\n{sent}: 20.02.2009\n"
            "Subject: Re: Invitation\n\nDelegation:\n"
            "1. Head of delegation: H.E. Mr. Johann SCHMIDT, Ambassador\n"
            "2. Member: Mr. Lukas HUBER, First Secretary\n")
    cut = cut_our_quote(text, ["secretariat+tok-1@unodc.test"])
    assert cut == answer
    assert "SCHMIDT" not in " ".join(names(cut))
    # Someone else's block (a forwarded note) is not ours: nothing is cut.
    assert cut_our_quote(text, ["other@unodc.test"]) == text


def test_a_colleagues_block_in_copy_is_not_cut() -> None:
    text = "See below.\n\nFrom: Ivo <ivo@mfa.example>\nSent: today\n\nHead: Mr. Ivo NOVAK"
    assert cut_our_quote(text, ["secretariat@unodc.test"]) == text


def _mail(n: int, subject: str, body: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Permanent Mission of Austria <pm-vienna@bmeia.gv.at.test>"
    local, domain = SECRETARIAT.split("@")
    msg["To"] = f"{local}+FK6S-Y96@{domain}"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<at-{n}@bmeia.gv.at.test>"
    msg["Date"] = f"Mon, 2{n} Feb 2009 10:00:00 +0100"
    msg.set_content(body)
    return msg.as_bytes()


@pytest.mark.parametrize(("answer", "final"), [
    ("Mr. Lukas HUBER will not attend.", ["Johann SCHMIDT"]),
    ("Please also add Ms. Eva GRUBER, Counsellor, to the delegation.",
     ["Eva GRUBER", "Johann SCHMIDT", "Lukas HUBER"]),
])
def test_short_correction_over_the_quoted_echo(app_factory: Any, answer: str,
                                               final: list[str]) -> None:
    app = corpus_app(app_factory)
    ingest(app, _mail(3, "Re: Invitation [Ref. CU 2009/33 (A) · FK6S-Y96]",
                      "Austria will participate.\nHead of delegation: H.E. Mr. Johann SCHMIDT, "
                      "Ambassador\nMember: Mr. Lukas HUBER, First Secretary\n"))
    assert process_pending(app) == 1
    echo = (f"{answer}\n\n"
            f"From: Secretariat <{SECRETARIAT}>\nSent: Tuesday, 24 February 2009 09:00\n"
            "To: pm-vienna@bmeia.gv.at.test\nSubject: Recorded: delegation of Austria\n\n"
            "Decision: participates\n\nDelegation:\n"
            "1. Head of delegation: H.E. Mr. Johann SCHMIDT, Ambassador\n"
            "2. Member: Mr. Lukas HUBER, First Secretary\n")
    ingest(app, _mail(5, "Re: Recorded: delegation of Austria [Ref. CU 2009/33 (A) · FK6S-Y96]",
                      echo))
    assert process_pending(app) == 1
    with app.session() as session:
        rows = {d["mission_code"]: d for d in delegations(session, app.campaign_id())}
    assert sorted(d["name"] for d in rows["AT"]["delegates"]) == final

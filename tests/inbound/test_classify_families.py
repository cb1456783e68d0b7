"""Issue 17: bounces that passed for replies, and phishing taken for a reply.

The corpus ``tests/corpus/classify/families`` holds hand-written messages,
expected kind in the file-name prefix (see its README). Every ``tune/`` case
must classify as expected; ``heldout/`` (written before the rules, never
tuned on) is held to floors, and a genuine reply there must never be lost.
``bench/classify_families.py`` prints the same numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.inbound.classifiers.registry import CLASSIFIERS, Classification, classify
from bot.inbound.parse.message import parse_message

FAMILIES = Path(__file__).resolve().parents[1] / "corpus" / "classify" / "families"
REPLIES = Path(__file__).resolve().parents[1] / "corpus" / "replies"
TUNE = sorted((FAMILIES / "tune").glob("*.eml"))
HELDOUT = sorted((FAMILIES / "heldout").glob("*.eml"))


def _classify(path: Path) -> Classification:
    return classify(parse_message(path.read_bytes()))


def _ok(name: str, got: Classification) -> bool:
    flagged = "suspect_phishing" in got.flags
    prefix = name.split("-", 1)[0]
    return {
        "bounce": got.kind == "bounce",
        "reply": got.kind == "reply" and not flagged,
        "phish": got.kind == "unrelated",
        "suspect": got.kind == "reply" and flagged,
        "unrelated": got.kind == "unrelated",
        "auto": got.kind == "auto_reply",
    }[prefix]


def test_both_sets_cover_every_family_and_language() -> None:
    for cases in (TUNE, HELDOUT):
        names = " ".join(p.name for p in cases)
        for family in ("ses", "fml", "mailman", "listserv" if cases is HELDOUT else "majordomo",
                       "postfix", "fwd-en", "fwd-fr", "fwd-es", "fwd-ru", "fwd-ar", "fwd-zh",
                       "phish-en", "phish-fr", "phish-es", "phish-ru", "phish-ar", "phish-zh",
                       "reply-en", "reply-fr", "reply-es", "reply-ru", "reply-ar", "reply-zh",
                       "suspect-"):
            assert family in names, (family, cases[0].parent.name)


@pytest.mark.parametrize("path", TUNE, ids=[p.stem for p in TUNE])
def test_tune_case(path: Path) -> None:
    got = _classify(path)
    assert _ok(path.name, got), (got.kind, got.classifier, got.flags, got.reason)


def test_heldout_floors() -> None:
    results = {p.name: _classify(p) for p in HELDOUT}
    bounces = [n for n in results if n.startswith("bounce-")]
    recall = sum(results[n].kind == "bounce" for n in bounces) / len(bounces)
    phish = [n for n in results if n.startswith("phish-")]
    caught = sum(results[n].kind == "unrelated" for n in phish) / len(phish)
    lost = [n for n in results if n.startswith(("reply-", "suspect-"))
            and results[n].kind != "reply"]
    taken = [n for n in bounces + phish if results[n].kind == "reply"]
    # Measured 21/21 and 9/9 when the rules were written (bench/classify_families.py);
    # the floors leave room for honest trade-offs, losing a reply has none.
    assert recall >= 0.9, {n: results[n].kind for n in bounces}
    assert caught >= 0.8, {n: results[n].kind for n in phish}
    assert lost == []
    assert len(taken) <= 2, taken


def test_extraction_corpus_replies_stay_unflagged_replies() -> None:
    """The extraction corpus sent unthreaded: none lost, none flagged; an
    out-of-office notice among them (marked in its JSON) is an auto-reply."""
    texts = sorted(REPLIES.glob("*.txt"))
    assert len(texts) >= 100
    wrong = []
    for index, path in enumerate(texts):
        raw = (
            f"From: Mission <office{index}@mission-{index}.example>\r\n"
            "To: invitations@secretariat.example\r\nSubject: Reply to the invitation\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        ).encode() + path.read_text(encoding="utf-8").encode("utf-8")
        got = classify(parse_message(raw))
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        if got.kind != expected.get("classification", "reply") or got.flags:
            wrong.append((path.name, got.kind, got.classifier, got.flags))
    assert wrong == []


def test_order_puts_new_rules_before_what_they_protect() -> None:
    names = [c.name for c in CLASSIFIERS]
    assert names.index("json_delivery_event") < names.index("noreply_sender")
    assert names.index("forwarded_bounce") < names.index("text_bounce")
    assert names.index("list_notice") < names.index("newsletter")
    assert names.index("phishing") < names.index("human_reply")


def test_ses_bounce_names_recipient_status_and_our_message() -> None:
    got = _classify(FAMILIES / "heldout" / "bounce-ses-sns-raw.eml")
    assert (got.kind, got.classifier, got.permanent) == ("bounce", "json_delivery_event", True)
    assert got.bounced_recipients == ("protocol@mission-kz.example",)
    assert got.status == "5.1.1"
    assert got.original_message_id == "<inv-2026-KZ-001@secretariat.example>"


def test_sns_envelope_transient_bounce_is_not_permanent() -> None:
    got = _classify(FAMILIES / "heldout" / "bounce-ses-sns-envelope.eml")
    assert got.kind == "bounce" and not got.permanent
    assert got.bounced_recipients == ("sg@mission-np.example",)


def test_json_complaint_and_delivery_are_unrelated() -> None:
    for name in ("unrelated-ses-complaint.eml", "unrelated-ses-delivery.eml"):
        assert _classify(FAMILIES / "tune" / name).kind == "unrelated"


def test_truncated_json_notification_is_neither_a_reply_nor_a_crash() -> None:
    body = json.dumps({"notificationType": "Bounce", "bounce": {"bounceType": "Permanent"}})
    raw = (
        "From: AWS Notifications <no-reply@sns.amazonaws.com>\r\n"
        "Subject: AWS Notification Message\r\n\r\n" + body[:40]
    ).encode()
    assert classify(parse_message(raw)).kind == "unrelated"


def test_a_person_pasting_json_after_words_is_a_reply() -> None:
    body = ("Dear Secretariat, we will attend. For your system, here is what our\n"
            "mail relay logged when your first message failed, which you may find useful\n"
            "if you keep statistics on such failures in the secretariat:\n\n"
            + json.dumps({"event": "bounce", "email": "x@mission.example"}))
    raw = ("From: a@mission.example\r\nSubject: Our answer\r\n\r\n" + body).encode()
    assert classify(parse_message(raw)).kind == "reply"


def test_list_hold_is_a_delay_and_refusal_is_permanent() -> None:
    hold = _classify(FAMILIES / "tune" / "bounce-mailman-hold.eml")
    assert hold.is_delay and not hold.permanent
    assert hold.bounced_recipients == ("heads@lists.mission-ee.example",)
    fml = _classify(FAMILIES / "heldout" / "bounce-fml-not-member.eml")
    assert fml.permanent and fml.bounced_recipients == ("delegates@lists.mission-jp.example",)


def test_forwarded_bounce_is_recorded_but_never_permanent() -> None:
    got = _classify(FAMILIES / "heldout" / "bounce-fwd-en-returned-mail.eml")
    assert (got.kind, got.classifier, got.permanent) == ("bounce", "forwarded_bounce", False)
    assert got.bounced_recipients == ("registration@secretariat-old.example",)


def test_delay_notices_are_delays_even_when_they_mention_permanence() -> None:
    for name in ("bounce-gmail-delay-no-report.eml", "bounce-exim-delay-warning.eml"):
        got = _classify(FAMILIES / "heldout" / name)
        assert got.kind == "bounce" and got.is_delay and not got.permanent, name


def test_phishing_in_a_thread_is_kept_and_flagged() -> None:
    got = _classify(FAMILIES / "heldout" / "suspect-thread-hijack.eml")
    assert (got.kind, got.classifier, got.flags) == ("reply", "phishing", ("suspect_phishing",))


def test_a_forward_with_a_note_is_a_bounce_that_keeps_the_note_visible() -> None:
    got = _classify(FAMILIES / "tune" / "bounce-fwd-en-with-address-note.eml")
    assert (got.kind, got.flags) == ("bounce", ("forwarded_with_note",))
    bare = _classify(FAMILIES / "heldout" / "bounce-fwd-en-returned-mail.eml")
    assert bare.flags == ()


def test_lure_words_without_a_way_to_act_stay_a_reply() -> None:
    raw = (
        b"From: Ms. A <a@mission-ao.example>\r\nSubject: Question\r\n\r\n"
        b"Your mailbox is full, we could not write to you yesterday. Please answer today."
    )
    got = classify(parse_message(raw))
    assert (got.kind, got.flags) == ("reply", ())

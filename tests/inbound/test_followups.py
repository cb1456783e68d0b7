"""Follow-ups as operations (issue 17): each reply's operation on the delegation, and the fold.

Two levels. The decision itself (``decide_operation`` + ``apply``), in the
six languages, with the people given: cue words are data, and this checks
each category of ``cues.yaml`` reads in every language it covers. Then the
record stage on real SQLite with the real extractor: a first reply is
recorded, the follow-up goes through every stage once, and the next table
(``DelegationEvent``, the current ``Response`` and its ``Delegate`` rows)
holds the operation and the folded delegation.
"""

from __future__ import annotations

import email
import io
import json
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from inboundkit import CORPUS, corpus_app, ingest
from sqlmodel import col, select

from bot import models
from bot.inbound.followup.operation import decide_operation, find_cues
from bot.inbound.intake.queue import process_pending
from bot.models import Operation
from bot.results.delegation import State, Step, apply, fold
from bot.results.records import load_missions


def P(name: str, role: str = "member") -> dict[str, Any]:
    return {"honorific": None, "name": name, "title": None, "role": role, "email": None,
            "phone": None, "confidence": 0.9, "source": "body"}


LATIN = State("accept", (P("Christine Stix-Hackl", "head"), P("Andreas Holzer")))
CYRILLIC = State("accept", (P("Игорь Петров", "head"), P("Андреас Хольцер")))
ARABIC = State("accept", (P("خالد المنصوري", "head"), P("أحمد حسن")))
CHINESE = State("accept", (P("张伟", "head"), P("李明")))

# (case, recorded before, text, decision read, people read, names the extractor withdrew,
#  operation, names after)
CASES = [
    ("add-en", LATIN, "In addition, Ms. Eva Gruber, First Secretary, will join the delegation.",
     "accept", [P("Eva Gruber")], [], "add", ["Christine Stix-Hackl", "Andreas Holzer",
                                               "Eva Gruber"]),
    ("add-fr", LATIN, "En complément de sa note, la Mission indique que Mme Claire Martin "
     "fera partie de la délégation.", "accept", [P("Claire Martin")], [], "add",
     ["Christine Stix-Hackl", "Andreas Holzer", "Claire Martin"]),
    ("add-es", LATIN, "Además, la Sra. Lucía Fernández integrará la delegación.", "accept",
     [P("Lucía Fernández")], [], "add", ["Christine Stix-Hackl", "Andreas Holzer",
                                          "Lucía Fernández"]),
    ("add-ru", CYRILLIC, "Дополнительно в состав делегации войдет г-жа Анна Иванова.",
     "accept", [P("Анна Иванова")], [], "add", ["Игорь Петров", "Андреас Хольцер",
                                                 "Анна Иванова"]),
    ("add-ar", ARABIC, "بالإضافة إلى ذلك ستشارك السيدة فاطمة الزهراء في الوفد.", "accept",
     [P("فاطمة الزهراء")], [], "add", ["خالد المنصوري", "أحمد حسن", "فاطمة الزهراء"]),
    ("add-zh", CHINESE, "另外，增加王伟先生为代表团成员。", "accept", [P("王伟")], [], "add",
     ["张伟", "李明", "王伟"]),
    ("swap-en", LATIN, "Ms. Eva Gruber will attend instead of Mr. Andreas Holzer.", "accept",
     [P("Eva Gruber"), P("Andreas Holzer")], [], "replace",
     ["Christine Stix-Hackl", "Eva Gruber"]),
    ("swap-fr", LATIN, "Mme Claire Martin participera en remplacement de M. Andreas Holzer.",
     "accept", [P("Claire Martin")], [], "replace", ["Christine Stix-Hackl", "Claire Martin"]),
    ("swap-es", LATIN, "La Sra. Lucía Fernández participará en sustitución del Sr. Andreas "
     "Holzer.", "accept", [P("Lucía Fernández"), P("Andreas Holzer")], [], "replace",
     ["Christine Stix-Hackl", "Lucía Fernández"]),
    ("swap-ru", CYRILLIC, "Вместо г-на Андреаса Хольцера в совещании примет участие г-жа Анна "
     "Иванова.", "accept", [P("Анна Иванова")], [], "replace", ["Игорь Петров", "Анна Иванова"]),
    ("swap-ar", ARABIC, "ستشارك السيدة فاطمة الزهراء بدلاً من السيد أحمد حسن.", "accept",
     [P("فاطمة الزهراء")], [], "replace", ["خالد المنصوري", "فاطمة الزهراء"]),
    ("swap-zh", CHINESE, "王伟先生替换李明先生参加会议。", "accept", [P("王伟")], [], "replace",
     ["张伟", "王伟"]),
    ("list-en", LATIN, "Please find below the revised list of the delegation: Mr. Karl Maier, "
     "Ms. Eva Gruber.", "accept", [P("Karl Maier", "head"), P("Eva Gruber")], [], "replace",
     ["Karl Maier", "Eva Gruber"]),
    ("remove-en", LATIN, "Mr. Andreas Holzer will no longer attend the meeting.", None, [],
     ["Andreas Holzer"], "remove", ["Christine Stix-Hackl"]),
    ("remove-en-ask", LATIN, "Please remove Mr. Andreas Holzer from the list.", None, [], [],
     "remove", ["Christine Stix-Hackl"]),
    ("remove-fr-ask", LATIN, "Prière de retirer M. Holzer de la liste.", None, [], [],
     "remove", ["Christine Stix-Hackl"]),
    ("remove-fr", LATIN, "M. Holzer ne fera plus partie de la délégation.", None, [], [],
     "remove", ["Christine Stix-Hackl"]),
    ("remove-es", LATIN, "El Sr. Holzer ya no formará parte de la delegación.", None, [], [],
     "remove", ["Christine Stix-Hackl"]),
    ("remove-ru", CYRILLIC, "Г-н Хольцер больше не войдёт в состав делегации.", None, [], [],
     "remove", ["Игорь Петров"]),
    ("remove-ar", ARABIC, "السيد أحمد حسن لن يشارك في الاجتماع.", None, [], [], "remove",
     ["خالد المنصوري"]),
    ("remove-zh", CHINESE, "李明先生不再参加代表团。", None, [], [], "remove", ["张伟"]),
    ("withdraw-en", LATIN, "The Mission regrets that, after all, Austria will not be able to "
     "participate.", "decline", [], [], "withdraw", []),
    ("withdraw-fr", LATIN, "La Belgique ne pourra finalement pas participer à la réunion.",
     None, [], [], "withdraw", []),
    ("withdraw-es", LATIN, "La Misión lamenta informar que finalmente no podrá participar.",
     "decline", [], [], "withdraw", []),
    ("withdraw-ru", CYRILLIC, "Представительство сообщает, что всё-таки не сможет принять "
     "участие.", "decline", [], [], "withdraw", []),
    ("withdraw-ar", ARABIC, "تعتذر البعثة الدائمة عن عدم المشاركة في الاجتماع.", "decline", [],
     [], "withdraw", []),
    ("withdraw-zh", CHINESE, "我团取消参会。", None, [], [], "withdraw", []),
    ("resend-en", LATIN, "Please find attached our note (scanned).", "accept",
     [P("Andreas Holzer"), P("Christine Stix-Hackl", "head")], [], "resend",
     ["Christine Stix-Hackl", "Andreas Holzer"]),
    ("complete-en", State("undecided", ()), "Further to our note, the delegation will be: "
     "Mr. Karl Maier.", "accept", [P("Karl Maier", "head")], [], "complete", ["Karl Maier"]),
    ("complete-fr", State("accept", ()), "Comme suite à notre note, Mme Claire Martin "
     "conduira la délégation.", "accept", [P("Claire Martin", "head")], [], "complete",
     ["Claire Martin"]),
    ("thanks-en", LATIN, "Thank you for your acknowledgement.", None, [], [], "none",
     ["Christine Stix-Hackl", "Andreas Holzer"]),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_operation_and_fold(case: tuple[Any, ...]) -> None:
    _id, before, text, decision, people, withdrawn, operation, names = case
    decided = decide_operation(before, decision, people, withdrawn, text)
    assert decided.operation == operation, decided
    after = apply(before, decided.operation, decision, people, decided.removed)
    assert [p["name"] for p in after.people] == names
    if operation == "withdraw":
        assert after.decision == "decline"
    if decided.cue.startswith('"'):
        assert decided.cue.strip('"') in " ".join(text.split())  # the words as written


def test_withdrawal_after_accepting_leaves_decline_and_nobody() -> None:
    steps = [Step("first", "accept", (P("Anna Berger", "head"), P("Karl Maier"))),
             Step("add", None, (P("Eva Gruber"),)),
             Step("withdraw", "decline", ())]
    assert fold(steps) == State("decline", ())


def test_a_different_list_with_its_own_head_and_no_cue_is_a_replacement_to_confirm() -> None:
    decided = decide_operation(LATIN, "accept", [P("Karl Maier", "head"), P("Eva Gruber")], [],
                               "Head of delegation: Mr. Karl Maier\nMember: Ms. Eva Gruber")
    assert decided.operation == "replace"
    assert decided.to_confirm is not None and "adds to or replaces" in decided.to_confirm


def test_new_people_without_a_head_or_a_cue_are_an_addition_to_confirm() -> None:
    decided = decide_operation(LATIN, "accept", [P("Karl Maier", "head")], [],
                               "Mr. Karl Maier, Adviser.")
    assert decided.operation == "add"
    assert decided.to_confirm is not None and "read as an addition" in decided.to_confirm
    after = apply(LATIN, decided.operation, "accept", [P("Karl Maier", "head")])
    assert [p["name"] for p in after.people] == ["Christine Stix-Hackl", "Andreas Holzer",
                                                 "Karl Maier"]


def test_a_cue_without_a_name_changes_nothing_and_says_so() -> None:
    decided = decide_operation(CHINESE, "accept", [], [], "另外，增加一名代表。")
    assert decided.operation == "none"
    assert decided.to_confirm is not None and "另外" in decided.to_confirm


def test_cues_read_whole_words_in_latin_scripts() -> None:
    assert "add" not in find_cues("The Alsonian delegation")  # "also" inside a word
    assert find_cues("We ALSO send")["add"] == "ALSO"


# ---------------------------------------------------------------- the record stage


def reply(body: str, n: int, *, attachment: bytes | None = None) -> bytes:
    """Austria's reply with the token (certain match), with ``body`` as its text."""
    raw = (CORPUS / "reply_token_address.eml").read_bytes()
    head = raw.split(b"\n\n", 1)[0].decode("utf-8")
    msg = EmailMessage()
    for line in head.replace("\n\t", " ").splitlines():
        name, _, value = line.partition(":")
        if name.lower() in ("from", "to", "subject", "date", "in-reply-to", "references",
                            "return-path", "delivered-to"):
            msg[name] = value.strip()
    msg["Message-ID"] = f"<followup-{n}@bmeia.gv.at.test>"
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf",
                           filename="note.pdf")
    return msg.as_bytes()


FIRST = """The Permanent Mission of Austria has the honour to inform that Austria will
participate in the meeting. The delegation will be composed as follows:

Head of delegation: Ambassador Dr. Christine Stix-Hackl, Permanent Representative
Alternate: Mr. Andreas Holzer, Counsellor, andreas.holzer@bmeia.gv.at.test
"""


def run_chain(app: Any, bodies: list[str]) -> tuple[list[models.DelegationEvent],
                                                     list[str], str | None]:
    for n, body in enumerate(bodies):
        ingest(app, reply(body, n))
        process_pending(app)
    with app.session() as session:
        events = list(session.exec(select(models.DelegationEvent)
                                   .order_by(col(models.DelegationEvent.inbound_id))))
        [record] = [r for r in load_missions(session, app.campaign_id()) if r.code == "AT"]
        # The current delegation is the fold of the events, written down.
        folded = fold(Step.of(e) for e in events)
        assert [d.name for d in record.delegates] == [p["name"] for p in folded.people]
        assert record.decision == folded.decision
        assert record.status == "replied"
        return events, [d.name for d in record.delegates], record.decision


STAGE_CASES = [
    ("add-en", "Further to its note, the Permanent Mission informs that in addition Ms. Eva "
     "Gruber, First Secretary, will also be a member of the delegation.", "add",
     ["Christine Stix-Hackl", "Andreas Holzer", "Eva Gruber"], "accept"),
    ("add-fr", "Suite à notre note, la Mission permanente a l'honneur d'informer qu'en "
     "complément, Mme Claire Martin, Conseillère, fera également partie de la délégation.",
     "add", ["Christine Stix-Hackl", "Andreas Holzer", "Claire Martin"], "accept"),
    ("add-es", "La Misión Permanente informa que, además, la Sra. Lucía Fernández, Consejera, "
     "integrará la delegación.", "add",
     ["Christine Stix-Hackl", "Andreas Holzer", "Lucía Fernández"], "accept"),
    ("add-ar", "تتشرف البعثة الدائمة بإبلاغ الأمانة بأنه بالإضافة إلى الوفد، ستشارك السيدة "
     "فاطمة الزهراء، مستشارة.", "add",
     ["Christine Stix-Hackl", "Andreas Holzer", "فاطمة الزهراء"], "accept"),
    ("swap-en", "The Permanent Mission informs that Ms. Eva Gruber, Counsellor, will replace "
     "Mr. Andreas Holzer in the delegation.", "replace",
     ["Christine Stix-Hackl", "Eva Gruber"], "accept"),
    ("swap-es", "La Misión Permanente informa que la Sra. Lucía Fernández, Consejera, "
     "participará en sustitución del Sr. Andreas Holzer.", "replace",
     ["Christine Stix-Hackl", "Lucía Fernández"], "accept"),
    ("remove-en", "The Permanent Mission wishes to inform that Mr. Andreas Holzer will no "
     "longer attend the meeting.", "remove", ["Christine Stix-Hackl"], "accept"),
    ("withdraw-en", "The Permanent Mission regrets that, after all, Austria will not be able "
     "to participate in the meeting.", "withdraw", [], "decline"),
    ("withdraw-fr", "La Mission permanente a le regret d'informer que l'Autriche ne pourra "
     "finalement pas participer à la réunion.", "withdraw", [], "decline"),
    ("withdraw-es", "La Misión Permanente lamenta informar que finalmente no podrá participar "
     "en la reunión.", "withdraw", [], "decline"),
    ("withdraw-ru", "Постоянное представительство с сожалением сообщает, что всё-таки не "
     "сможет принять участие в совещании.", "withdraw", [], "decline"),
    ("withdraw-zh", "我团取消参会，不能参加本次会议。", "withdraw", [], "decline"),
    ("withdraw-ar", "تأسف البعثة الدائمة لإبلاغكم بأنها لن تتمكن من المشاركة في الاجتماع لظروف "
     "طارئة.", "withdraw", [], "decline"),
    ("remove-travel-en", "Please be informed that Mr. Andreas Holzer will not be able to travel "
     "to Vienna for the meeting.", "remove", ["Christine Stix-Hackl"], "accept"),
    ("add-ru", "Постоянное представительство просит включить в состав делегации также г-на "
     "Дмитрия Соколова, первого секретаря.", "add",
     ["Christine Stix-Hackl", "Andreas Holzer", "Дмитрий Соколов"], "accept"),
    ("add-zh", "关于我团此前照会，我团另派黄志强一等秘书参加会议，请将其列入代表团名单。", "add",
     ["Christine Stix-Hackl", "Andreas Holzer", "黄志强"], "accept"),
]


@pytest.mark.parametrize("case", STAGE_CASES, ids=[c[0] for c in STAGE_CASES])
def test_record_stage_applies_the_follow_up(app_factory: Any, case: tuple[Any, ...]) -> None:
    _id, body, operation, names, decision = case
    app = corpus_app(app_factory)
    events, delegates, final = run_chain(app, [FIRST, body])
    assert [e.operation for e in events] == ["first", operation]
    assert delegates == names and final == decision
    assert events[1].cue  # the words that decided it are kept
    with app.session() as session:
        row = session.get(models.InboundMessage, events[1].inbound_id)
        assert row is not None and row.status == "processed"
        assert json.loads(row.detail or "{}")["operation"]["operation"] == operation


def test_complete_an_undecided_answer(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    events, delegates, decision = run_chain(app, [
        "The composition of the delegation of Austria is still under consideration; we will "
        "revert in due course.",
        "Further to our note, the delegation of Austria will be composed as follows:\n"
        "Head of delegation: Mr. Peter Mwangi, Ambassador\n"
        "Member: Ms. Eva Gruber, First Secretary\n"])
    assert [e.operation for e in events] == ["first", "complete"]
    assert events[0].decision == "undecided"
    assert delegates == ["Peter Mwangi", "Eva Gruber"] and decision == "accept"


def test_a_correction_changes_the_detail_and_keeps_the_list(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    events, delegates, decision = run_chain(app, [
        FIRST, "Please note a correction: the e-mail address of Mr. Andreas Holzer is "
               "a.holzer@bmeia.gv.at.test."])
    assert [e.operation for e in events] == ["first", "add"]
    assert delegates == ["Christine Stix-Hackl", "Andreas Holzer"] and decision == "accept"
    assert events[1].to_confirm is None  # read by the operation, not an unsure extraction
    with app.session() as session:
        [record] = [r for r in load_missions(session, app.campaign_id()) if r.code == "AT"]
        holzer = record.delegates[1]
        assert holzer.email == "a.holzer@bmeia.gv.at.test" and holzer.role == "alternate"
        echoes = session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == models.OutboxKind.ECHO)).all()
        assert len(echoes) == 2  # the first answer's, and the correction's


def scanned_pdf(text: str) -> bytes:
    from bot.service.demo import scanned_page

    buf = io.BytesIO()
    scanned_page(text).save(buf, "PDF", resolution=150)
    return buf.getvalue()


def test_same_list_again_as_a_scan_changes_nothing_and_sends_no_second_echo(
        app_factory: Any) -> None:
    app = corpus_app(app_factory)
    ingest(app, reply(FIRST, 0))
    process_pending(app)
    scan = scanned_pdf("Note verbale\n\nThe delegation of Austria:\n\n"
                       "Head of delegation: Ambassador Dr. Christine Stix-Hackl\n"
                       "Alternate: Mr. Andreas Holzer, Counsellor")
    ingest(app, reply("Please find attached our note verbale.", 1, attachment=scan))
    process_pending(app)
    with app.session() as session:
        events = list(session.exec(select(models.DelegationEvent)
                                   .order_by(col(models.DelegationEvent.inbound_id))))
        assert [e.operation for e in events] == ["first", "resend"]
        echoes = session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == models.OutboxKind.ECHO)).all()
        assert len(echoes) == 1  # the first answer's; the re-send changed nothing
        [record] = [r for r in load_missions(session, app.campaign_id()) if r.code == "AT"]
        assert [d.name for d in record.delegates] == ["Christine Stix-Hackl", "Andreas Holzer"]


# ---------------------------------------------------------------- the chain corpus


def test_chain_corpus_is_well_formed_and_the_tuning_part_is_exact() -> None:
    """The chains of tests/corpus/followups replayed as the record stage would
    (bench/followups.py): every chain well formed; the tuning part, which the cue
    words were written against, ends exact. The held-out part is only reported."""
    from appfixtures import load_bench, read_gaps

    bench = load_bench("followups")
    kinds = {o.value for o in Operation}
    ids: list[str] = []
    for _part, name in bench.PARTS:
        chains = bench.load(name)
        assert chains
        ids += [chain["id"] for chain in chains]
        for chain in chains:
            assert chain["language"] in {"en", "fr", "es", "ru", "ar", "zh"}
            assert chain["kind"] in kinds and len(chain["messages"]) >= 2
            assert chain["final"]["decision"] in {"accept", "decline", "undecided"}
    assert sorted(i for i in set(ids) if ids.count(i) > 1) == []  # a gap names one chain
    gaps = set(read_gaps(Path(__file__).with_name("followup_gaps.txt")))
    misses = {o.chain for o in map(bench.score, bench.load("tune.yaml")) if not o.exact}
    assert misses == gaps, (sorted(misses - gaps), "now exact:", sorted(gaps - misses))


def test_an_older_reply_recorded_again_keeps_the_fold_of_all(app_factory: Any) -> None:
    """Re-running an older reply (a retry, ``review assign``) after a newer one was
    recorded: its event goes back in its place and the current delegation is still
    the fold of every event, with one current response."""
    app = corpus_app(app_factory)
    events, names, _decision = run_chain(app, [
        FIRST, "In addition, Ms. Eva Gruber, First Secretary, will also attend."])
    with app.session() as session:
        older = session.get(models.InboundMessage, events[0].inbound_id)
        assert older is not None
        older.status = models.InboundStatus.NEW
        session.add(older)
    process_pending(app)
    again, names_again, _ = run_chain(app, [])
    assert [e.operation for e in again] == ["first", "add"]
    assert names_again == names == ["Christine Stix-Hackl", "Andreas Holzer", "Eva Gruber"]
    with app.session() as session:
        current = session.exec(select(models.Response).where(
            col(models.Response.current))).all()
        assert [r.inbound_id for r in current] == [events[1].inbound_id]


@pytest.mark.parametrize("body", [
    "\x00\x01\x02 ÿþ", "%PDF-1.4 garbage " * 200, "Mr. " * 500,
    "取消 replace instead of вместо بدلاً من " * 50])
def test_garbage_is_recorded_to_confirm_with_a_reason_never_raises(
        app_factory: Any, body: str) -> None:
    """Bad input: a token-matched reply whose text says nothing readable counts as the
    mission's answer, "to confirm" with the reason; nothing raises, nothing is lost."""
    app = corpus_app(app_factory)
    ingest(app, reply(body, 0))
    process_pending(app)
    with app.session() as session:
        [row] = session.exec(select(models.InboundMessage)).all()
        assert row.status == "processed", (row.status, row.error, row.detail)
        [response] = session.exec(select(models.Response)).all()
        assert response.to_confirm and "extraction confidence" in response.to_confirm
        invitation = session.get(models.Invitation, response.invitation_id)
        assert invitation is not None and invitation.status == "replied"
        # The mission is told nothing could be read, with the reason.
        [echo] = session.exec(select(models.OutboxMessage).where(
            models.OutboxMessage.kind == models.OutboxKind.ECHO)).all()
        parsed = email.message_from_bytes(echo.raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        body = parsed.get_body(("plain",))
        assert isinstance(body, EmailMessage)
        assert "To be confirmed: extraction confidence" in body.get_content()


def test_decide_operation_never_raises_on_odd_people() -> None:
    odd = [P(""), P(" "), P("-"), P("Mr."), P("x" * 300), P("李")]
    for before in (State(), LATIN, CHINESE, State("decline", ()), State("undecided", ())):
        for decision in (None, "accept", "decline", "undecided"):
            decided = decide_operation(before, decision, odd, ["", "Mr.", "李"],
                                       "instead of  будет заменен 替换 ")
            apply(before, decided.operation, decision, odd, decided.removed)


# ---------------------------------------------------------------- round two: the kinds that failed


def run(before: State, text: str, decision: str | None, people: list[dict[str, Any]],
        withdrawn: list[str] | None = None, amendment: str | None = None) -> tuple[Any, State]:
    decided = decide_operation(before, decision, people, withdrawn or [], text, amendment)
    carried = list(decided.people) if decided.people is not None else people
    return decided, apply(before, decided.operation, decision, carried, decided.removed)


def names(state: State) -> list[str]:
    return [p["name"] for p in state.people]


ADDS = [  # (language, recorded, text, person added, the extractor's reading)
    ("en", LATIN, "We would be grateful if Ms. Eva Gruber could be included in the delegation "
     "as well.", "Eva Gruber", None),
    ("fr", LATIN, "Mme Claire Martin, Conseillère, se joindra à la délégation.", "Claire Martin",
     None),
    ("es", LATIN, "Se incorpora a la delegación la Sra. Lucía Fernández.", "Lucía Fernández",
     None),
    ("ru", CYRILLIC, "К делегации присоединится г-жа Анна Иванова, советник.", "Анна Иванова",
     None),
    # "Further to its note" made the extractor read a replacement; the words say "add".
    ("ar", ARABIC, "إلحاقاً بمذكرتها السابقة، تود البعثة إضافة السيدة ليلى الحسيني إلى وفدها.",
     "ليلى الحسيني", "replace"),
    ("ar", ARABIC, "كما ستنضم إلى الوفد السيدة ليلى الحسيني.", "ليلى الحسيني", None),
    ("zh", CHINESE, "关于我团此前照会，我团另派黄志强一等秘书参加会议。", "黄志强", "replace"),
    ("zh", CHINESE, "我团增补周文博先生为代表团成员。", "周文博", None),
]


@pytest.mark.parametrize("case", ADDS, ids=[f"{c[0]}-{n}" for n, c in enumerate(ADDS)])
def test_an_addition_keeps_the_recorded_delegation(case: tuple[Any, ...]) -> None:
    _lang, before, text, newcomer, amendment = case
    decided, after = run(before, text, "accept", [P(newcomer, "head")], amendment=amendment)
    assert decided.operation == "add", decided
    assert names(after) == [*names(before), newcomer]
    # The one added is no new head: the recorded head keeps leading.
    assert [p["role"] for p in after.people][:len(before.people)] == [
        p["role"] for p in before.people]


REMOVALS = [  # (language, recorded, text: someone cannot come, who stays)
    ("en", LATIN, "Please be informed that Mr. Andreas Holzer will not be able to travel to "
     "Vienna.", "Christine Stix-Hackl"),
    ("en", LATIN, "Mr. Holzer will unfortunately not attend the meeting.", "Christine Stix-Hackl"),
    ("fr", LATIN, "M. Andreas Holzer ne pourra pas se rendre à Vienne.", "Christine Stix-Hackl"),
    ("es", LATIN, "El Sr. Andreas Holzer no podrá viajar a Viena.", "Christine Stix-Hackl"),
    ("ru", CYRILLIC, "Г-н Хольцер не сможет прибыть на совещание.", "Игорь Петров"),
    ("ar", ARABIC, "السيد أحمد حسن لن يتمكن من السفر لحضور الاجتماع.", "خالد المنصوري"),
    ("zh", CHINESE, "李明先生因故无法前往维也纳。", "张伟"),
]


@pytest.mark.parametrize("case", REMOVALS, ids=[f"{c[0]}-{n}" for n, c in enumerate(REMOVALS)])
def test_one_delegate_unable_to_travel_is_a_removal_not_a_withdrawal(
        case: tuple[Any, ...]) -> None:
    _lang, before, text, stays = case
    decided, after = run(before, text, "decline", [])
    assert decided.operation == "remove", decided
    assert names(after) == [stays] and after.decision == "accept"


WITHDRAWALS = [  # (language, recorded, text)
    ("en", LATIN, "The Mission regrets to inform of the cancellation of its participation."),
    ("en", LATIN, "H.E. Ms. Christine Stix-Hackl regrets that Austria will not be able to "
     "participate after all."),
    ("fr", LATIN, "La Mission annonce l'annulation de sa participation à la réunion."),
    ("es", LATIN, "La Misión se ve obligada a cancelar su participación en la reunión."),
    ("ru", CYRILLIC, "Представительство информирует об отмене участия своей делегации."),
    ("ar", ARABIC, "تأسف البعثة لإبلاغكم بأنها لن تتمكن من المشاركة في الاجتماع."),
    ("zh", CHINESE, "因临时公务安排，我团将无法出席本次会议。"),
]


@pytest.mark.parametrize("case", WITHDRAWALS,
                         ids=[f"{c[0]}-{n}" for n, c in enumerate(WITHDRAWALS)])
def test_a_withdrawal_after_accepting_declines_with_nobody(case: tuple[Any, ...]) -> None:
    _lang, before, text = case
    decided, after = run(before, text, "decline", [])
    assert decided.operation == "withdraw", decided
    assert after == State("decline", ())


def test_every_delegate_named_as_not_coming_is_a_withdrawal() -> None:
    decided, after = run(LATIN, "Ms. Stix-Hackl and Mr. Holzer will not be able to attend.",
                         "decline", [])
    assert decided.operation == "withdraw" and after == State("decline", ())


@pytest.mark.parametrize(("text", "decision", "people", "final"), [
    ("La Misión lamenta informar que no podrá participar.", "decline", [], []),
    ("Head of delegation: Mr. Karl Maier", "accept", [P("Karl Maier", "head")], ["Karl Maier"]),
    ("代表团组成如下：团长：王伟 大使", "accept", [P("王伟", "head")], ["王伟"]),
])
def test_an_undecided_answer_completed(text: str, decision: str, people: list[Any],
                                       final: list[str]) -> None:
    decided, after = run(State("undecided", ()), text, decision, people)
    assert decided.operation == "complete" and after.decision == decision
    assert names(after) == final


@pytest.mark.parametrize(("before", "text"), [
    (LATIN, "Veuillez trouver ci-joint la version scannée de notre note verbale."),
    (CHINESE, "现将我团照会扫描件再次发送。"),
    (CYRILLIC, "Направляем повторно скан-копию нашей ноты."),
])
def test_the_same_list_again_is_a_resend_and_changes_nothing(before: State, text: str) -> None:
    again = [dict(p) for p in reversed(before.people)]
    decided, after = run(before, text, "accept", again)
    assert decided.operation == "resend" and after == before


def test_instead_of_and_an_addition_in_one_message() -> None:
    decided, after = run(LATIN, "Mr. Andreas Holzer will unfortunately not attend. In "
                         "addition, Ms. Eva Gruber and Mr. Nils Ek will join the delegation.",
                         "accept", [P("Andreas Holzer"), P("Eva Gruber"), P("Nils Ek")])
    assert decided.operation == "replace" and decided.removed == ("Andreas Holzer",)
    assert names(after) == ["Christine Stix-Hackl", "Eva Gruber", "Nils Ek"]


@pytest.mark.parametrize(("before", "text", "who", "field", "value"), [
    (LATIN, "Please note a correction: Mr. Andreas Holzer's title is Minister Counsellor.",
     "Andreas Holzer", "title", "Minister Counsellor"),
    (LATIN, "Rectificatif : l'adresse électronique de M. Holzer est a.holzer@bmeia.test.",
     "Andreas Holzer", "email", "a.holzer@bmeia.test"),
    (LATIN, "Datos de contacto del Sr. Holzer: andreas.holzer@bmeia.test.",
     "Andreas Holzer", "email", "andreas.holzer@bmeia.test"),
    (CYRILLIC, "Просим исправить адрес электронной почты г-на Хольцера: holzer@mid.test",
     "Андреас Хольцер", "email", "holzer@mid.test"),
    (ARABIC, "تصحيح: البريد الإلكتروني للسيد أحمد حسن هو a.hassan@mofa.test",
     "أحمد حسن", "email", "a.hassan@mofa.test"),
    (CHINESE, "现补充李明先生的联系方式：电子邮箱 li.ming@mfa.test。", "李明", "email",
     "li.ming@mfa.test"),
    (LATIN, "Please correct: Mr Andreas Holzer is Minister Counsellor, not Counsellor.",
     "Andreas Holzer", "title", "Minister Counsellor"),
    (LATIN, "Les rogamos corregir: el Sr. Holzer es Ministro Consejero y no Consejero.",
     "Andreas Holzer", "title", "Ministro Consejero"),
    (LATIN, "Prière de corriger : M. Holzer est Conseiller et non Premier secrétaire.",
     "Andreas Holzer", "title", "Conseiller"),
])
def test_a_correction_of_a_listed_delegate_keeps_the_list_and_changes_the_detail(
        before: State, text: str, who: str, field: str, value: str) -> None:
    # The extractor reads no delegation in such a message: the operation reads the detail.
    decided, after = run(before, text, None, [])
    assert decided.operation == "add" and decided.people is not None, decided
    assert names(after) == names(before)
    person = next(p for p in after.people if p["name"] == who)
    assert person[field] == value
    assert [p["role"] for p in after.people] == [p["role"] for p in before.people]


def test_contacts_under_a_thank_you_are_no_correction() -> None:
    decided, after = run(LATIN, "Thank you.\n\nAndreas Holzer\nCounsellor\nholzer@bmeia.test",
                         None, [])
    assert decided.operation == "none" and after == LATIN


def test_a_listed_delegate_named_again_with_a_new_title_keeps_the_others() -> None:
    decided, after = run(LATIN, "Mr. Andreas Holzer, Minister Counsellor.", "accept",
                         [{**P("Andreas Holzer", "head"), "title": "Minister Counsellor"}])
    assert decided.operation == "add"
    assert names(after) == names(LATIN)
    assert after.people[1]["title"] == "Minister Counsellor"
    assert after.people[1]["role"] == "member"  # a delegation of one is no new head


@pytest.mark.parametrize("args", [
    (LATIN, "accept", [object()], [], "x"),
    (LATIN, "accept", [{"name": None}], [None], None),
    (State("accept", ({"name": None},)), "maybe", [{}], ["", "  "], "\x00" * 10),
    (CHINESE, None, [{"name": 5, "role": []}], ["李"], "删除 " * 1000),
])
def test_an_operation_decision_never_raises_and_garbage_is_to_confirm(args: tuple[Any, ...]
                                                                      ) -> None:
    before, decision, people, withdrawn, text = args
    decided = decide_operation(before, decision, people, withdrawn, text)
    assert decided.operation in set(Operation)
    if decided.cue == "the operation could not be read":
        assert decided.to_confirm and "could not be read" in decided.to_confirm


def test_unreadable_people_give_no_change_to_confirm_with_the_reason() -> None:
    decided = decide_operation(LATIN, "accept", [object()], [], "In addition:")  # type: ignore[list-item]
    assert decided.operation == "none"
    assert decided.to_confirm and "could not be read (AttributeError)" in decided.to_confirm


def test_the_same_list_from_a_scan_with_a_misread_letter_is_a_resend() -> None:
    ocr = [P("Christine Stix-HackI", "head"), P("Andreas HoIzer")]
    decided, after = run(LATIN, "Please find attached the scanned copy of our note.", "accept",
                         ocr)
    assert decided.operation == "resend" and after == LATIN  # the recorded spelling stays


def test_a_list_that_cancels_the_previous_one_replaces_it() -> None:
    decided, after = run(LATIN, "Please disregard our previous note. The delegation: "
                         "Ms. Christine Stix-Hackl; Mr. Karl Maier.", "accept",
                         [P("Christine Stix-Hackl", "head"), P("Karl Maier")])
    assert decided.operation == "replace"
    assert names(after) == ["Christine Stix-Hackl", "Karl Maier"]


@pytest.mark.parametrize(("text", "people"), [
    ("Mr. Holzer has other duties; Ms. Eva Gruber will come in his place.",
     [P("Andreas Holzer"), P("Eva Gruber")]),
    ("M. Holzer étant empêché, Mme Eva Gruber participera à sa place.",
     [P("Andreas Holzer"), P("Eva Gruber")]),
])
def test_someone_in_the_place_of_a_listed_delegate_replaces_only_them(
        text: str, people: list[Any]) -> None:
    decided, after = run(LATIN, text, "accept", people)
    assert decided.operation == "replace" and decided.removed == ("Andreas Holzer",)
    assert names(after) == ["Christine Stix-Hackl", "Eva Gruber"]


def test_a_withdrawal_signed_by_the_head_is_no_addition() -> None:
    decided, after = run(LATIN, "The Mission regrets that, after all, Austria will not be able "
                         "to attend.\n\nH.E. Ms. Christine Stix-Hackl\nAmbassador", "accept",
                         [P("Christine Stix-Hackl", "head")])
    assert decided.operation == "withdraw" and after == State("decline", ())


def test_a_listed_delegate_named_by_surname_is_that_delegate_not_a_newcomer() -> None:
    decided, after = run(LATIN, "Nous souhaiterions ajouter Mme Eva Gruber. M. Holzer reste "
                         "inscrit.", "accept", [P("Eva Gruber"), P("Holzer")])
    assert decided.operation == "add"
    assert names(after) == ["Christine Stix-Hackl", "Andreas Holzer", "Eva Gruber"]


@pytest.mark.parametrize(("before", "text"), [
    (LATIN, "Mr. Holzer won't be coming; the rest of our list stays the same."),
    (LATIN, "M. Holzer ne viendra finalement pas ; Mme Stix-Hackl participe comme prévu."),
    (LATIN, "El Sr. Holzer finalmente no viajará; el resto de la delegación sin cambios."),
    (CYRILLIC, "Г-н Хольцер, к сожалению, не приедет. Остальной состав без изменений."),
    (ARABIC, "نفيدكم بأن السيد أحمد حسن لن يحضر، ويبقى باقي أعضاء الوفد دون تغيير."),
    (CHINESE, "李明因故不能参会，其余人员不变。"),
])
def test_one_leaving_while_the_rest_stays_is_never_a_withdrawal(before: State, text: str
                                                                ) -> None:
    decided, after = run(before, text, "decline", [])
    assert decided.operation == "remove", decided
    assert names(after) == names(before)[:1] and after.decision == "accept"


@pytest.mark.parametrize(("text", "reads"), [
    ("Could you please also register Mr. Karl Maier?", True),
    ("Mr. Holzer won't be coming.", True),
    ("Thank you for your message.\n\nKarl Maier\nCounsellor", False),
])
def test_a_follow_up_that_says_who_comes_or_goes_is_read_for_names(text: str,
                                                                   reads: bool) -> None:
    from bot.extract import extract_response
    from bot.inbound.followup.operation import reads_names

    assert reads_names(LATIN, 0, text) is reads
    assert not reads_names(State(), 0, text)  # a first answer needs its delegation phrase
    if reads and "register" in text:
        assert extract_response(text).delegates == []
        assert [d.name for d in extract_response(text, followup=True).delegates] == [
            "Karl Maier"]


def test_an_informal_addition_through_the_record_stage(app_factory: Any) -> None:
    app = corpus_app(app_factory)
    events, delegates, decision = run_chain(app, [
        FIRST, "Hi again,\nCould you please also register Ms. Eva Gruber from the Ministry of "
               "the Interior? The rest of our list stays the same.\nThanks"])
    assert [e.operation for e in events] == ["first", "add"]
    assert delegates == ["Christine Stix-Hackl", "Andreas Holzer", "Eva Gruber"]
    assert decision == "accept"


def test_a_possessive_names_the_listed_delegate() -> None:
    decided, after = run(LATIN, "Please note a correction: Mr. Holzer's e-mail is "
                         "a.holzer@bmeia.test.", "accept",
                         [{**P("Holzer's"), "email": "a.holzer@bmeia.test"}])
    assert decided.operation == "add"
    assert names(after) == names(LATIN)
    assert after.people[1]["email"] == "a.holzer@bmeia.test"


@pytest.mark.parametrize(("before", "text", "who", "value"), [
    (LATIN, "El correo del Sr. Holzer es a.holzer@bmeia.test.", "Andreas Holzer",
     "a.holzer@bmeia.test"),
    (ARABIC, "البريد الإلكتروني للسيد أحمد حسن: a.hassan@mofa.test", "أحمد حسن",
     "a.hassan@mofa.test"),
])
def test_a_contact_beside_a_listed_name_is_kept_to_confirm(before: State, text: str, who: str,
                                                           value: str) -> None:
    decided, after = run(before, text, None, [])
    assert decided.operation == "add" and decided.to_confirm
    assert next(p for p in after.people if p["name"] == who)["email"] == value


@pytest.mark.parametrize(("before", "text", "stays"), [
    (ARABIC, "نرجو حذف اسم السيد أحمد حسن من قائمة الوفد.", ["خالد المنصوري"]),
    (LATIN, "Por favor eliminar al Sr. Holzer de la lista.", ["Christine Stix-Hackl"]),
])
def test_a_request_to_strike_a_name_removes_it(before: State, text: str,
                                               stays: list[str]) -> None:
    listed = [p for p in before.people if p["name"] not in stays]
    decided, after = run(before, text, None, listed)
    assert decided.operation == "remove" and names(after) == stays


@pytest.mark.parametrize(("before", "text"), [
    (LATIN, "Sorry, we have to withdraw: please cancel our registration."),
    (LATIN, "La Mission se voit contrainte de renoncer à participer à la réunion."),
    (LATIN, "Lamentablemente debemos cancelar nuestra inscripción."),
    (CYRILLIC, "Представительство вынуждено отказаться от участия в совещании."),
    (ARABIC, "نعتذر عن عدم المشاركة في الاجتماع."),
    (CHINESE, "我方因故无法与会，敬请谅解。"),
])
def test_informal_withdrawals_in_six_languages(before: State, text: str) -> None:
    decided, after = run(before, text, None, [])
    assert decided.operation == "withdraw", decided
    assert after == State("decline", ())


# Round seven: someone leaves or is replaced, in the mission's own grammar.
SURNAME_FIRST = State("accept", (P("Кузнецов Игорь Петрович", "head"),
                                 P("Миронова Елена Андреевна")))


@pytest.mark.parametrize(("text", "leaves"), [
    ("Сообщаем, что г-н Кузнецов И.П. не сможет принять участие.", "Кузнецов Игорь Петрович"),
    ("Просим исключить из состава делегации\nсоветника Миронову Е.А.",
     "Миронова Елена Андреевна"),
])
def test_a_name_written_surname_first_is_matched_on_its_surname(text: str, leaves: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, SURNAME_FIRST) == [leaves]


@pytest.mark.parametrize("text", [
    "В связи с изменением графика г-на Петрова заменит г-н Алексей Орлов.",
    "Г-н Алексей Орлов заменит г-на Петрова.",
    "Орлов заменит Петрова в составе делегации.",
])
def test_the_one_replaced_in_russian_is_told_by_case_not_side(text: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, CYRILLIC) == ["Игорь Петров"]


@pytest.mark.parametrize("text", [
    "Mme Eva Gruber viendra à la place de M. Holzer. Mme Stix-Hackl reste cheffe de délégation.",
    "M. Holzer se désiste ; merci de retirer son nom de la liste. Mme Stix-Hackl est maintenue.",
    "C'est Mme Eva Gruber qui participera au lieu d'Andreas Holzer.",
    "Mme Eva Gruber participera en lieu et place d’Andreas Holzer.",
    "Dr. Holzer has had to pull out of the trip, so it will be just Christine.",
])
def test_only_the_one_named_as_leaving_leaves_within_the_sentence(text: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, LATIN) == ["Andreas Holzer"]


@pytest.mark.parametrize(("before", "text", "leaves"), [
    # The name stands more than fifty characters before the cue, in its sentence.
    (SURNAME_FIRST, "К сожалению, Миронова Е.А. в связи с неотложными служебными делами в "
     "Москве принять участие не сможет.", "Миронова Елена Андреевна"),
    (State("accept", (P("Igor Kuznetsov", "head"), P("Elena Mironova"))),
     "Malheureusement Mme Mironova, retenue par des obligations imprévues à Moscou "
     "jusqu'à la fin du mois, ne pourra pas venir.", "Elena Mironova"),
])
def test_a_name_far_before_the_cue_within_its_sentence_leaves(before: State, text: str,
                                                              leaves: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, before) == [leaves]


@pytest.mark.parametrize(("text", "leaves"), [
    # After the cue, only the one it names leaves, not the listed delegate later
    # in the sentence who takes over.
    ("Suite au retrait de Mme Adjovi, la délégation sera désormais conduite par "
     "M. Houngbédji seul.", ["Rosine Adjovi"]),
    ("Instead of Ms. Adjovi, Mr. Houngbédji will speak for the delegation.", ["Rosine Adjovi"]),
    ("au lieu de Mme Adjovi, M. Houngbédji", ["Rosine Adjovi", "Alain Houngbédji"]),
])
def test_after_a_cue_the_first_name_and_a_list_of_names_leave(text: str,
                                                                leaves: list[str]) -> None:
    from bot.inbound.followup.leaving import leaving

    assert sorted(leaving(text, RANKED)) == sorted(leaves)


def test_a_french_cue_matches_its_elided_form() -> None:
    assert find_cues("qui participera au lieu d'Émilie Aubert")["leaving_before"] == "au lieu d'"
    assert "leaving_before" not in find_cues("au lieu desquels")


RANKED = State("accept", ({**P("Alain Houngbédji", "head"), "title": "Ambassadeur"},
                          {**P("Rosine Adjovi"), "title": "Première conseillère"}))


@pytest.mark.parametrize("text", [
    "Retenu à Paris, notre Ambassadeur ne pourra finalement pas conduire la délégation. "
    "Celle-ci sera conduite par M. Serge Dossou, Ministre conseiller.",
    "Our head of delegation is unable to travel; Mr. Serge Dossou will lead the delegation.",
])
def test_the_one_leaving_named_by_rank_alone_is_replaced(text: str) -> None:
    decided, after = run(RANKED, text, "accept", [P("Serge Dossou", "head")])
    assert decided.operation == "replace" and decided.removed == ("Alain Houngbédji",)
    assert sorted(names(after)) == ["Rosine Adjovi", "Serge Dossou"]


def test_a_rank_with_nobody_coming_in_is_no_removal() -> None:
    # A withdrawal that mentions the head stays a withdrawal.
    decided, _ = run(RANKED, "Notre Ambassadeur étant empêché, le Bénin ne pourra finalement "
                     "pas participer à la réunion.", "decline", [])
    assert decided.operation == "withdraw"


@pytest.mark.parametrize(("before", "text"), [
    (LATIN, "Veuillez annuler l'inscription de M. Andreas Holzer. Merci."),
    (LATIN, "Please cancel the registration of Mr. Holzer; Ms. Stix-Hackl will attend."),
    (LATIN, "Favor de cancelar la inscripción del Sr. Holzer."),
    (CYRILLIC, "Просим снять с регистрации г-на Андреаса Хольцера."),
    (LATIN, "Mme Holzer n'est plus en mesure de participer à la réunion."),
    (LATIN, "M. Holzer ne sera pas du voyage."),
])
def test_one_person_cancelled_is_a_removal_not_a_withdrawal(before: State, text: str) -> None:
    decided, after = run(before, text, None, [])
    assert decided.operation == "remove", decided
    assert names(after) == names(before)[:1] and after.decision == "accept"


def test_taking_someones_place_replaces_only_them() -> None:
    decided, after = run(LATIN, "M. Karl Maier, Conseiller, prendra la place de M. Holzer au "
                         "sein de la délégation.", "accept", [P("Karl Maier"), P("Holzer")])
    assert decided.operation == "replace" and decided.removed == ("Andreas Holzer",)
    assert names(after) == ["Christine Stix-Hackl", "Karl Maier"]


SHORT = State("accept", (P("Mamadou Sylla", "head"), P("Aïssatou Ba"),
                         P("Jean-Pierre KOUASSI YAO")))


@pytest.mark.parametrize(("text", "leaves"), [
    ("En raison de l'indisponibilité de Mme Ba, M. Ousmane Camara participera.", ["Aïssatou Ba"]),
    ("Suite au désistement de M. Kouassi Yao, la délégation sera conduite par M. Sylla.",
     ["Jean-Pierre KOUASSI YAO"]),
    ("Mme Ba ne pourra pas venir.", ["Aïssatou Ba"]),
    # "ba" inside other words, or in lower case, names nobody.
    ("Nous ne pourrons pas retirer la banque de la liste.", []),
])
def test_short_and_capitalised_surnames_and_nouns_of_departure(text: str,
                                                               leaves: list[str]) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, SHORT) == leaves


@pytest.mark.parametrize("text", [
    "В связи с изменением состава делегации сообщаем новый список.",
    "Просим считать недействительной нашу предыдущую ноту.",
])
def test_russian_cue_words_read_in_any_case(text: str) -> None:
    assert "new_list" in find_cues(text)
    assert "replace" not in find_cues("Мы будем вместе с коллегами.")


def test_a_name_with_n_apostrophe_is_no_negation() -> None:
    from bot.extract import extract_response

    extraction = extract_response(
        "La délégation sera conduite par M. Konan N'Guessan, Conseiller, et Mme Affoué Diby, "
        "Conseillère.")
    assert extraction.decision == "accept"
    assert [d.name for d in extraction.delegates] == ["Konan N'Guessan", "Affoué Diby"]


@pytest.mark.parametrize(("text", "people", "operation"), [
    # Everyone named again, one of them unable to come: no re-send.
    ("M. Holzer se trouve dans l'impossibilité de se rendre à Vienne ; Mme Stix-Hackl "
     "participera comme prévu.", [P("Andreas Holzer"), P("Christine Stix-Hackl", "head")],
     "remove"),
    ("M. Holzer, appelé à d'autres fonctions, cède sa place à Mme Eva Gruber, Conseillère.",
     [P("Holzer"), P("Eva Gruber")], "replace"),
    ("Objet : Remplacement de M. Holzer\nMme Eva Gruber, Conseillère, participera.",
     [P("Holzer"), P("Eva Gruber")], "replace"),
])
def test_more_french_ways_of_leaving(text: str, people: list[Any], operation: str) -> None:
    decided, after = run(LATIN, text, "accept", people)
    assert decided.operation == operation and decided.removed == ("Andreas Holzer",), decided
    assert "Andreas Holzer" not in names(after) and "Christine Stix-Hackl" in names(after)


@pytest.mark.parametrize(("before", "text"), [
    (LATIN, "Nous vous informons que M. Holzer n'y participera finalement pas."),
    (LATIN, "M. Andreas Holzer annule sa participation pour raisons personnelles."),
    (CYRILLIC, "Советник Хольцер А. отозван в столицу и в совещании участвовать не будет."),
])
def test_a_person_cancelling_is_no_withdrawal_of_the_mission(before: State, text: str) -> None:
    decided, after = run(before, text, "decline", [])
    assert decided.operation == "remove", decided
    assert names(after) == names(before)[:1] and after.decision == "accept"


@pytest.mark.parametrize("text", [
    "Nous regrettons de vous informer que M. Holzer ne fera finalement pas partie de la "
    "délégation.",
    "M. Holzer, souffrant, ne pourra se déplacer.",
    "M. Holzer ne peut pas se déplacer.",
    "M. Holzer est malheureusement empêché.",
    "Veuillez rayer le nom de M. Holzer.",
    "Le nom de M. Holzer est à supprimer de la liste.",
    "Nous vous prions de bien vouloir substituer le nom de Mme Eva Gruber à celui de M. Holzer.",
    "La participation de M. Holzer est annulée.",
    "M. Holzer devant rester à Paris, Mme Eva Gruber le remplacera.",
    "M. Holzer est désormais remplacé par Mme Gruber.",
])
def test_french_negations_and_turns_of_leaving(text: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, LATIN) == ["Andreas Holzer"]


@pytest.mark.parametrize("text", [
    "Mme Stix-Hackl ne manquera pas de vous tenir informés.",
    "M. Holzer n'hésitez pas à nous écrire.",
    "Mme Stix-Hackl confirme que la délégation ne change pas.",
    "M. Holzer et Mme Stix-Hackl participeront comme prévu.",
])
def test_a_negation_that_says_nothing_of_leaving_names_nobody(text: str) -> None:
    from bot.inbound.followup.leaving import leaving
    from bot.inbound.followup.operation import reads_names

    assert leaving(text, LATIN) == []
    assert not reads_names(LATIN, 0, text + "\n\nJean Dupont\nConseiller")


def test_a_newcomer_in_an_oblique_case_is_read_in_the_nominative_to_confirm() -> None:
    decided, after = run(CYRILLIC, "Просим дополнительно внести в список делегации Степанова "
                         "Руслана Ильдаровича, третьего секретаря.", None, [])
    assert decided.operation == "add" and decided.to_confirm
    assert names(after) == ["Игорь Петров", "Андреас Хольцер", "Степанов Руслан Ильдарович"]


def test_the_subject_of_a_leaving_cue_is_the_name_right_before_it() -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving("C'est Mme Eva Gruber qui accompagnera Mme Stix-Hackl, M. Holzer n'étant "
                   "plus disponible.", LATIN) == ["Andreas Holzer"]
    assert leaving("M. Holzer, Mme Stix-Hackl ne viendront pas.", LATIN) == [
        "Christine Stix-Hackl", "Andreas Holzer"]


@pytest.mark.parametrize("text", [
    "Merci de noter que Mme Eva Gruber (conseillère) participera, et non M. Holzer.",
    "M. Holzer ayant quitté la Mission, Mme Eva Gruber participera à la réunion.",
    "Asistirá la Sra. Eva Gruber y no el Sr. Holzer.",
    "Ms. Eva Gruber will attend, and not Mr. Holzer.",
])
def test_and_not_and_having_left_name_the_one_leaving(text: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, LATIN) == ["Andreas Holzer"]


# ------------------------------------------------ newcomers named without an honorific

RU_LISTED = State("accept", (P("Петров Андрей Андреевич", "head"), P("Смирнов Олег Ильич")))
FR_LISTED = State("accept", (P("Jean Mba", "head"), P("Paul Ndong"), P("Rose Obiang")))


@pytest.mark.parametrize(("text", "newcomer"), [
    # the object of a verb, in the accusative: back in the nominative
    ("Советник Смирнов О.И. не сможет прибыть. Просим включить в состав делегации "
     "Лебедеву Ольгу, первого секретаря.", "Лебедева Ольга"),
    ("Вместо Смирнова О.И. просим зарегистрировать Гончаренко Веру.", "Гончаренко Вера"),
    ("Советника Смирнова О.И. просим заменить на Лебедеву О.Н.", "Лебедева О.Н."),
    ("Просим заменить Смирнова О.И. на Фролова Игоря, атташе.", "Фролов Игорь"),
    # the subject after a title word, with initials
    ("Смирнов О.И. не сможет прибыть, вместо него приедет первый секретарь Лебедева О.",
     "Лебедева О."),
    ("Смирнова О.И. заменит советник Фролов Игорь.", "Фролов Игорь"),
    ("Смирнов О.И. участвовать не сможет. В качестве замены направляется Пак Денис, атташе.",
     "Пак Денис"),
    # past the one leaving, named first
    ("В делегации замена: вместо Смирнова О.И. будет Лебедева Ольга.", "Лебедева Ольга"),
])
def test_a_russian_newcomer_without_honorific_or_patronymic_replaces(text: str,
                                                                     newcomer: str) -> None:
    decided, after = run(RU_LISTED, text, "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Петров Андрей Андреевич", newcomer]


@pytest.mark.parametrize(("text", "newcomer"), [
    ("M. Ndong, retenu à Libreville, sera remplacé par notre conseiller Luc Essono.",
     "Luc Essono"),
    ("M. Ndong ne pourra pas venir ; c'est désormais Aïcha Bongo, Conseillère, qui le "
     "remplacera.", "Aïcha Bongo"),
    ("Au lieu de M. Ndong, c'est notre Premier conseiller Marc Ella qui se rendra à Vienne.",
     "Marc Ella"),
    ("Au lieu de M. Ndong, nous désignons Marc Ella.", "Marc Ella"),
])
def test_a_french_newcomer_introduced_by_a_verb_without_honorific_replaces(
        text: str, newcomer: str) -> None:
    decided, after = run(FR_LISTED, text, "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Jean Mba", "Rose Obiang", newcomer]


def test_a_newcomer_is_read_only_when_the_message_brings_someone_in() -> None:
    from bot.inbound.followup.mentions import newcomers

    assert newcomers("C'est avec plaisir que la Mission permanente des Nations Unies vous "
                     "écrit.", FR_LISTED) == []
    assert newcomers("M. Ndong sera remplacé par un collègue de Genève.", FR_LISTED) == []
    # a listed delegate named after the cue is nobody new
    assert newcomers("Mme Obiang sera remplacée par M. Ndong.", FR_LISTED) == []


def test_two_replacements_in_one_sentence_take_both_off() -> None:
    from bot.inbound.followup.leaving import leaving

    text = ("Deux changements : M. Ndong est remplacé par M. Luc Essono, Conseiller, et "
            "Mme Obiang par Mme Anne Nze, Attachée.")
    assert leaving(text, FR_LISTED) == ["Paul Ndong", "Rose Obiang"]
    decided, after = run(FR_LISTED, text, "accept",
                         [P("Luc Essono"), P("Obiang"), P("Anne Nze")], ["Ndong"])
    assert decided.operation == "replace"
    assert names(after) == ["Jean Mba", "Luc Essono", "Anne Nze"]
    # "par" after a name, in a sentence that replaces nobody, takes nobody off
    assert leaving("La délégation, conduite par M. Mba, et Mme Obiang par ailleurs.",
                   FR_LISTED) == []


def test_a_russian_object_is_read_back_in_the_nominative() -> None:
    from bot.extract.names_ru import object_nominative

    assert object_nominative("Лебедеву Ольгу") == "Лебедева Ольга"
    assert object_nominative("Фролова Игоря") == "Фролов Игорь"
    assert object_nominative("Гончаренко Веру") == "Гончаренко Вера"
    assert object_nominative("Кима В.А.") == "Ким В.А."
    assert object_nominative("Бердыеву Огулджан") == "Бердыева Огулджан"


def test_a_reason_for_absence_names_the_one_leaving_in_russian() -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving("В связи с отпуском советника Смирнова О.И. просим включить Лебедеву "
                   "Ольгу.", RU_LISTED) == ["Смирнов Олег Ильич"]


@pytest.mark.parametrize(("text", "newcomer"), [
    ("Objet : Remplacement de M. Ndong\n\nBonjour,\nLuc Essono, Conseiller, participera à sa "
     "place.\nCordialement", "Luc Essono"),
    ("Le nouveau membre de la délégation est Luc Essono, Conseiller, en remplacement de "
     "M. Ndong.", "Luc Essono"),
])
def test_a_newcomer_named_before_the_cue_replaces(text: str, newcomer: str) -> None:
    decided, after = run(FR_LISTED, text, "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Jean Mba", "Rose Obiang", newcomer]


def test_the_second_pair_of_a_replacement_brings_its_newcomer_in() -> None:
    text = ("M. Ndong sera remplacé par notre Premier secrétaire Luc Essono, et Mme Obiang par "
            "l'Attachée Anne Nze.")
    decided, after = run(FR_LISTED, text, "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Jean Mba", "Luc Essono", "Anne Nze"]


def test_an_object_the_extractor_read_as_written_is_put_in_the_nominative() -> None:
    decided, after = run(RU_LISTED, "В связи с командировкой Смирнова О.И. просим включить в "
                         "состав делегации Фролова Игоря, атташе.", "accept", [P("Фролова Игоря")])
    assert decided.operation == "replace", decided
    assert names(after) == ["Петров Андрей Андреевич", "Фролов Игорь"]


@pytest.mark.parametrize(("text", "title"), [
    ("M. Ndong sera remplacé par Mme Anne Nze, Attachée. Par ailleurs, M. Mba participera en "
     "qualité de Ministre conseiller.", "Ministre conseiller"),
    ("M. Ndong sera remplacé par Mme Anne Nze, Attachée. Par ailleurs, le titre de M. Mba est : "
     "Représentant permanent adjoint.", "Représentant permanent adjoint"),
    ("M. Ndong sera remplacé par Mme Anne Nze, Attachée. M. Mba participera en qualité de "
     "Chargé d'affaires a.i.\nCordialement", "Chargé d'affaires a.i."),
    ("M. Ndong sera remplacé par Mme Anne Nze, Attachée. Le titre de M. Mba est désormais "
     "« Ministre conseiller ».", "Ministre conseiller"),
    ("M. Ndong sera remplacé par Mme Anne Nze, Attachée. Par ailleurs, la fonction de M. Mba "
     "est : Ministre conseiller.", "Ministre conseiller"),
    ("M. Ndong sera remplacé par Mme Anne Nze, Attachée. Prière de lire pour M. Mba : "
     "Ministre conseiller.", "Ministre conseiller"),
])
def test_a_replacement_carries_the_new_title_of_one_who_stays(text: str, title: str) -> None:
    before = State("accept", (P("Jean Mba", "head"), P("Paul Ndong")))
    decided, after = run(before, text, "accept", [P("Anne Nze"), P("Mba")], ["Ndong"])
    assert decided.operation == "replace", decided
    assert [(p["name"], p["title"]) for p in after.people] == [("Jean Mba", title),
                                                               ("Anne Nze", "Attachée")]


def test_a_subject_that_replaces_and_a_body_that_only_names_the_newcomer() -> None:
    decided, after = run(FR_LISTED, "Objet : Remplacement de M. Ndong\n\nLuc Essono, "
                         "Conseiller\nluc.essono@example.org", "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Jean Mba", "Rose Obiang", "Luc Essono"]


def test_a_name_line_is_read_only_when_no_newcomer_is_named_otherwise() -> None:
    from bot.inbound.followup.mentions import newcomers

    # "and Mr. Nils Ek, Adviser": not a line that opens with a name
    assert newcomers("M. Ndong will not attend. In addition, Ms. Sara Holm, First Secretary,\n"
                     "and Mr. Nils Ek, Adviser, will join.", FR_LISTED) == []


@pytest.mark.parametrize(("text", "newcomer"), [
    ("Смирнов О.И. заменён на Лебедеву Ольгу.", "Лебедева Ольга"),
    ("В связи с болезнью советника Смирнова О.И. в состав делегации включается Лебедева Ольга.",
     "Лебедева Ольга"),
    ("Смирнова О.И. просим исключить, включить Лебедеву Ольгу.", "Лебедева Ольга"),
])
def test_more_russian_turns_of_replacement(text: str, newcomer: str) -> None:
    decided, after = run(RU_LISTED, text, "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Петров Андрей Андреевич", newcomer]


def test_the_name_right_after_vmesto_is_the_one_leaving_in_any_case() -> None:
    from bot.inbound.followup.mentions import newcomers

    before = State("accept", (P("Ли Виктор", "head"), P("Цой Павел")))
    assert [p["name"] for p in newcomers("Вместо Цоя П. приедет советник Кан Андрей.",
                                         before)] == ["Кан Андрей"]


def test_a_two_letter_surname_with_an_initial_names_a_listed_delegate() -> None:
    from bot.inbound.followup.leaving import leaving

    before = State("accept", (P("Пак Сон Мин", "head"), P("Ли Мин")))
    assert leaving("Вместо Ли М. приедет атташе Чон Хэ Ин.", before) == ["Ли Мин"]
    assert leaving("Вместо Ли приедет атташе Чон Хэ Ин.", before) == []


def _replace(before: State, leaving: str, coming: list[dict[str, Any]]) -> State:
    return apply(before, "replace", "accept", coming, (leaving,))


def test_the_one_who_replaces_the_head_leads() -> None:
    after = _replace(LATIN, "Christine Stix-Hackl", [P("Karl Maier")])
    assert [(p["name"], p["role"]) for p in after.people] == [
        ("Andreas Holzer", "member"), ("Karl Maier", "head")]


@pytest.mark.parametrize(("leaving", "coming"), [
    # A member replaced: the newcomer is a member, the head stays.
    ("Andreas Holzer", [P("Karl Maier")]),
    # The head replaced by two people: which one leads is not said.
    ("Christine Stix-Hackl", [P("Karl Maier"), P("Eva Gruber")]),
    # The reply gives the newcomer a role of their own.
    ("Christine Stix-Hackl", [P("Karl Maier", "adviser")]),
])
def test_no_head_is_made_up_when_the_reply_does_not_imply_one(
        leaving: str, coming: list[dict[str, Any]]) -> None:
    after = _replace(LATIN, leaving, coming)
    heads = [p["name"] for p in after.people if p["role"] == "head"]
    assert heads == ([] if leaving == "Christine Stix-Hackl" else ["Christine Stix-Hackl"])


# ------------------------------------------------ what the reply states of newcomers

@pytest.mark.parametrize(("before", "text", "newcomer", "title"), [
    (FR_LISTED, "M. Ndong, retenu à Libreville, sera remplacé par notre conseiller Luc Essono.",
     "Luc Essono", "conseiller"),
    (FR_LISTED, "M. Ndong ne pourra se joindre à la délégation ; le Premier secrétaire\n"
     "Luc Essono le remplacera.", "Luc Essono", "Premier secrétaire"),
    (FR_LISTED, "Paul Ndong étant rappelé, il sera remplacé par Luc Essono, Attaché.",
     "Luc Essono", "Attaché"),
    (RU_LISTED, "Смирнов О.И. не сможет прибыть, вместо него приедет первый секретарь "
     "Лебедева О.", "Лебедева О.", "первый секретарь"),
    (RU_LISTED, "Советник Смирнов О.И. отозван. Вместо него примет участие советник\n"
     "Жуков Павел Олегович.", "Жуков Павел Олегович", "советник"),
])
def test_a_newcomer_gets_the_title_the_reply_writes_beside_them(
        before: State, text: str, newcomer: str, title: str) -> None:
    decided, after = run(before, text, "accept", [])
    assert decided.operation == "replace", decided
    assert [(p["name"], p["title"]) for p in after.people][-1] == (newcomer, title)


def test_no_title_is_read_from_a_role_or_a_verb() -> None:
    from bot.inbound.followup.stated import title_of

    assert title_of("вместо него войдёт член делегации Жуков Павел.", "Жуков Павел") is None
    assert title_of("M. Luc Essono, chef de délégation, remplacera M. Ndong.", "Luc Essono") is None
    assert title_of("Luc Essono remplacera M. Ndong.", "Luc Essono") is None


@pytest.mark.parametrize("text", [
    "Son Excellence Mme Anne Nze, Ambassadeur, remplacera M. Mba à la tête de la délégation.",
    "M. Mba has been recalled and will be replaced by Ms. Anne Nze, Minister, who will now lead "
    "the delegation.",
])
def test_the_newcomer_the_reply_names_as_leading_leads_not_the_one_leaving(text: str) -> None:
    decided, after = run(FR_LISTED, text, "accept", [P("Mba"), P("Anne Nze")])
    assert decided.operation == "replace", decided
    assert [(p["name"], p["role"]) for p in after.people] == [
        ("Paul Ndong", "member"), ("Rose Obiang", "member"), ("Anne Nze", "head")]


def test_a_listed_delegate_named_as_leading_leads_when_the_head_leaves() -> None:
    text = ("M. Mba, rappelé, ne conduira pas la délégation. Mme Obiang assurera la direction de "
            "la délégation et sera accompagnée de M. Luc Essono, Attaché.")
    decided, after = run(FR_LISTED, text, "accept", [P("Mba"), P("Obiang", "head"),
                                                     P("Luc Essono")])
    assert decided.operation == "replace", decided
    assert [(p["name"], p["role"]) for p in after.people] == [
        ("Paul Ndong", "member"), ("Rose Obiang", "head"), ("Luc Essono", "member")]


def test_nobody_else_leads_while_the_head_stays() -> None:
    _, after = run(FR_LISTED, "Mme Anne Nze, qui conduira la délégation, remplacera "
                   "M. Ndong.", "accept", [P("Anne Nze"), P("Ndong")])
    assert [p["name"] for p in after.people if p["role"] == "head"] == ["Jean Mba"]


def test_a_newcomer_in_the_instrumental_is_read_in_the_nominative() -> None:
    decided, after = run(RU_LISTED, "Г-н Смирнов будет заменён первым секретарём Фроловым "
                         "Игорем Петровичем.", "accept", [P("Смирнов")])
    assert decided.operation == "replace", decided
    assert names(after) == ["Петров Андрей Андреевич", "Фролов Игорь Петрович"]


def test_the_mission_before_a_that_clause_is_no_newcomer() -> None:
    from bot.inbound.followup.mentions import newcomers

    assert newcomers("Постоянное представительство Республики Беларусь имеет честь сообщить, "
                     "что вместо Смирнова О.И. в состав делегации включен Белов Артём.",
                     RU_LISTED) == [{"honorific": None, "name": "Белов Артём", "title": None,
                                     "role": "member", "email": None, "phone": None,
                                     "confidence": 0.6, "source": "body"}]


@pytest.mark.parametrize("text", [
    "Please replace Mr. Ndong and Ms. Obiang with Mr. Luc Essono and Ms. Anne Nze.",
    "Nous vous prions de remplacer M. Ndong et Mme Obiang par M. Luc Essono et Mme Anne Nze.",
    "Les rogamos sustituir al Sr. Ndong y a la Sra. Obiang por el Sr. Luc Essono y la Sra. "
    "Anne Nze.",
])
def test_replace_a_and_b_with_c_and_d_takes_both_off(text: str) -> None:
    decided, after = run(FR_LISTED, text, "accept",
                         [P("Ndong"), P("Obiang"), P("Luc Essono"), P("Anne Nze")])
    assert decided.operation == "replace", decided
    assert names(after) == ["Jean Mba", "Luc Essono", "Anne Nze"]


def test_a_surname_in_evich_is_the_surname_not_a_patronymic() -> None:
    from bot.inbound.followup.leaving import leaving

    before = State("accept", (P("Лукашевич Виктор Иванович", "head"),
                              P("Пашкевич Ирина Олеговна")))
    assert leaving("Вместо советника Пашкевич И.О. в совещании примет участие первый секретарь "
                   "Юрченко Денис Олегович.", before) == ["Пашкевич Ирина Олеговна"]
    assert leaving("Посол Лукашевич В.И. не сможет приехать.", before) == [
        "Лукашевич Виктор Иванович"]


def test_two_leaving_in_the_plural_and_two_coming_in_their_place() -> None:
    before = State("accept", (P("Петросян Арман", "head"), P("Саакян Лилит"),
                              P("Ованнисян Гор")))
    decided, after = run(before, "Саакян Лилит и Ованнисян Гор не смогут приехать, вместо них "
                         "будут Акопян\nАни (советник) и Манукян Давид (эксперт).", "accept",
                         [P("Манукян Давид")])
    assert decided.operation == "replace", decided
    assert names(after) == ["Петросян Арман", "Манукян Давид", "Акопян Ани"]


def test_a_whole_list_replaced_by_someone_coming_in_is_accepted_even_if_read_as_declining() -> None:
    after = apply(FR_LISTED, "replace", "decline", [P("Luc Essono")], ())
    assert after.decision == "accept" and names(after) == ["Luc Essono"]


@pytest.mark.parametrize("text", [
    "Los Sres. Holzer y Stix-Hackl serán reemplazados por la Sra. Eva Gruber.",
    "M. Holzer et Mme Stix-Hackl seront remplacés par Mme Eva Gruber.",
])
def test_plural_verbs_of_replacing_take_everyone_named_off(text: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert sorted(leaving(text, LATIN)) == ["Andreas Holzer", "Christine Stix-Hackl"]


def test_a_listed_delegate_who_replaces_the_head_as_head_leads() -> None:
    before = State("accept", (P("Jean Mba", "head"), P("Paul Ndong"), P("Rose Obiang")))
    decided, after = run(before, "Changements : Mme Obiang remplace M. Mba comme cheffe de "
                         "délégation ; M. Ndong est remplacé par M. Luc Essono.", "accept",
                         [P("Obiang"), P("Luc Essono")], ["Mba", "Ndong"])
    assert decided.operation == "replace", decided
    assert [(p["name"], p["role"]) for p in after.people] == [("Rose Obiang", "head"),
                                                               ("Luc Essono", "member")]


def test_the_initial_after_a_surname_tells_two_of_one_family_apart() -> None:
    from bot.inbound.followup.leaving import leaving

    before = State("accept", (P("Ибраимов Жоомарт", "head"), P("Ибраимова Айжан")))
    assert leaving("Ибраимову А. заменит атташе Ниязов Эрлан.", before) == ["Ибраимова Айжан"]
    assert leaving("Вместо Ибраимова Ж. приедет Ниязов Эрлан.", before) == ["Ибраимов Жоомарт"]


@pytest.mark.parametrize("text", [
    "M. Andreas Holzer ayant été rappelé à Vienne, c'est désormais Mme Eva Gruber qui "
    "représentera la Mission.",
    "M. Holzer ayant été muté, Mme Eva Gruber participera à la réunion.",
    "Mr. Andreas Holzer has taken up a new posting; his place will be taken by Ms. Eva Gruber.",
    "Mr. Holzer has been transferred to Vienna. Ms. Eva Gruber will attend instead.",
])
def test_a_job_handover_names_the_one_leaving(text: str) -> None:
    from bot.inbound.followup.leaving import leaving

    assert leaving(text, LATIN) == ["Andreas Holzer"]


@pytest.mark.parametrize(("before", "text", "kept"), [
    (FR_LISTED, "M. Ndong sera remplacé par le Conseiller Essono.", ["Jean Mba", "Rose Obiang"]),
    (LATIN, "Counsellor Gruber will attend in place of Mr. Andreas Holzer.",
     ["Christine Stix-Hackl"]),
    (RU_LISTED, "Вместо Смирнова в заседании примет участие второй секретарь Орлов.",
     ["Петров Андрей Андреевич"]),
])
def test_a_newcomer_given_by_title_and_surname_replaces(before: State, text: str,
                                                        kept: list[str]) -> None:
    decided, after = run(before, text, "accept", [])
    assert decided.operation == "replace", decided
    assert names(after)[:-1] == kept and names(after)[-1] in {"Essono", "Gruber", "Орлов"}


def test_a_name_and_is_without_a_contrast_or_a_title_is_no_title() -> None:
    from bot.inbound.followup.titles import title_after

    assert title_after("Holzer is Counsellor at our Mission.") is None
    assert title_after("Holzer is unable to attend, not Ms. Stix-Hackl.") is None


def test_initials_after_a_surname_that_shares_its_stem_with_the_first_name() -> None:
    from bot.inbound.followup.leaving import leaving

    listed = State("accept", (P("Сергеев Сергей Викторович", "head"), P("Нурланова Айгуль")))
    assert leaving("Главой делегации вместо Посла Сергеева С.В. назначен Козлов Андрей "
                   "Николаевич.", listed) == ["Сергеев Сергей Викторович"]
    assert leaving("Вместо Сергеева Н.В. приедет Козлов Андрей.", listed) == []


def test_a_paired_replacement_by_title_and_surname_on_both_sides() -> None:
    decided, after = run(FR_LISTED, "Reemplazo: el Consejero Ndong por la Primera Secretaria "
                         "Nze.", "accept", [])
    assert decided.operation == "replace", decided
    assert names(after) == ["Jean Mba", "Rose Obiang", "Nze"]


def test_a_title_read_with_the_old_one_set_against_it_keeps_the_new_one() -> None:
    from bot.inbound.followup.titles import without_contrast

    assert without_contrast("مستشارة وليست سكرتيرا أول") == "مستشارة"
    assert without_contrast("参赞而非一等秘书") == "参赞"
    assert without_contrast("Minister Counsellor") == "Minister Counsellor"


def _zh_replay(before: State, text: str) -> State:
    """``text`` read by the real extractor and decided as the record stage does."""
    from bot.extract import extract_response, strip_quoted
    from bot.inbound.followup.operation import reads_names
    from bot.inbound.stages.record import operation_people, people_of

    extraction = extract_response(text)
    if reads_names(before, len(extraction.delegates), strip_quoted(text)):
        extraction = extract_response(text, followup=True)
    decided = decide_operation(before, extraction.decision, people_of(extraction),
                               extraction.withdrawn, strip_quoted(text), extraction.amendment)
    return apply(before, decided.operation, extraction.decision,
                 operation_people(extraction, decided), decided.removed)


ZH_LISTED = State("accept", ({**P("颂猜", "head"), "title": "大使"},
                             {**P("李明"), "title": "参赞"}))


@pytest.mark.parametrize(("text", "after"), [
    # The newcomer's rank runs into the verb that replaces ("…一等秘书接替…", "…公使取代…").
    ("由周红一等秘书接替李明参赞出席会议。", ["颂猜", "周红"]),
    ("经研究，由阿卜杜拉公使取代李明参赞与会。", ["颂猜", "阿卜杜拉"]),
    # A bare transliterated newcomer between "改由"/"由" and the verb, after a title or not.
    ("李明参赞因故不再参会，改由二等秘书巴图出席。", ["颂猜", "巴图"]),
    ("李明先生另有公务，由苏克代替其参加会议。", ["颂猜", "苏克"]),
    # "将B替换为C": the one before the verb leaves.
    ("我团拟将李明参赞更换为周红女士（参赞）。", ["颂猜", "周红"]),
])
def test_chinese_replacements_worded_otherwise(text: str, after: list[str]) -> None:
    assert sorted(p["name"] for p in _zh_replay(ZH_LISTED, text).people) == sorted(after)


@pytest.mark.parametrize("text", [
    "请更正：李明先生的职务应为一等秘书，而不是参赞。",
    "更正一处：李明先生担任一等秘书，而非参赞。",
    "请将李明的职务更正为一等秘书。",
])
def test_a_chinese_title_correction_keeps_the_title_alone(text: str) -> None:
    after = _zh_replay(ZH_LISTED, text)
    assert [(p["name"], p["title"]) for p in after.people] == [("颂猜", "大使"),
                                                               ("李明", "一等秘书")]


def test_a_chinese_clause_is_read_up_to_the_verb_and_without_a_particle() -> None:
    from bot.inbound.followup.chinese import chinese_title, clause_people

    people = clause_people("原定参会的王强先生因公务无法出席，改由一等秘书坎蓬出席。")
    assert [(p["name"], p["title"]) for p in people] == [("王强", None), ("坎蓬", "一等秘书")]
    assert chinese_title("一等秘书接替赵海涛参赞参会") == "一等秘书"
    assert chinese_title("的职务为参赞") == "参赞"


NO_HEAD = State("accept", (P("Aoife Ní Bhriain"), P("Cillian O'Sullivan")))


@pytest.mark.parametrize(("text", "people"), [
    # Contacts of listed delegates, and which of them leads.
    ("Contact details, as requested:\nAoife Ní Bhriain - aoife@dfa.test\n"
     "Cillian O'Sullivan - cillian@dfa.test\n\nMs. Ní Bhriain will head the delegation.",
     [P("Ní Bhriain", "head")]),
    # A newcomer added, and a listed delegate named as leading.
    ("Please also add Mr. Declan Byrne, Attaché. Ms. Ní Bhriain will lead the delegation.",
     [P("Declan Byrne")]),
])
def test_a_listed_delegate_named_as_leading_in_an_addition_leads(
        text: str, people: list[dict[str, Any]]) -> None:
    decided, after = run(NO_HEAD, text, "accept", people)
    assert decided.operation == "add", decided
    assert [p["name"] for p in after.people if p["role"] == "head"] == ["Aoife Ní Bhriain"]


def test_an_addition_read_as_a_delegation_of_one_makes_no_listed_delegate_head() -> None:
    after = apply(NO_HEAD, "add", "accept", [P("Declan Byrne", "head")])
    assert [p["name"] for p in after.people if p["role"] == "head"] == ["Declan Byrne"]
    after = apply(NO_HEAD, "add", "accept", [P("Declan Byrne")])
    assert [p["role"] for p in after.people] == ["member"] * 3


ES_LISTED = State("accept", (P("Álvaro Fernández de Córdoba Ruiz", "head"),
                             P("Iñaki Zubizarreta Etxeberria"), P("Marta Llorens Vidal")))


@pytest.mark.parametrize(("window", "named"), [
    ("el Sr. Zubizarreta no podrá viajar", True),
    ("en sustitución del Consejero Zubizarreta", True),
    ("Iñaki Zubizarreta no podrá viajar", True),
    ("el Embajador Fernández de Córdoba", True),
    # Another person's name around the word: not them.
    ("la Sra. Marta Zubizarreta Gil", False),
    ("el Sr. Zubizarreta Gil", False),
])
def test_a_spanish_name_is_named_by_its_first_surname_alone(window: str, named: bool) -> None:
    from bot.inbound.followup.mentions import named_in

    assert [p["name"] for p in ES_LISTED.people if named_in(window, p)] == (
        [n for n in ["Iñaki Zubizarreta Etxeberria", "Álvaro Fernández de Córdoba Ruiz"]
         if named and n.split()[1] in window])


def test_the_first_surname_names_no_one_in_a_french_given_name() -> None:
    from bot.inbound.followup.mentions import named_in

    assert not named_in("Mme Claire Martin ne pourra pas venir", P("Marie Claire Dupont"))
    assert named_in("Mme Claire ne pourra pas venir", P("Marie Claire Dupont"))


def test_one_replaced_by_first_surname_and_a_newcomer_after_a_rank_and_an_honorific() -> None:
    text = ("Les informo que el Sr. Zubizarreta no podrá viajar a Viena; en su lugar asistirá la\n"
            "Consejera Dña. Pilar Echeverría Goñi, de la Secretaría de Estado de Seguridad.")
    decided, after = run(ES_LISTED, text, "accept", [P("Pilar Echeverría Goñi")], [], "replace")
    assert decided.operation == "replace", decided
    assert names(after) == ["Álvaro Fernández de Córdoba Ruiz", "Marta Llorens Vidal",
                            "Pilar Echeverría Goñi"]


def test_a_corrected_title_on_the_next_line_set_against_the_old_one() -> None:
    from bot.inbound.followup.titles import title_after

    span = "cargo del Sr. Undurraga Prieto es\nMinistro Consejero, no Consejero. Lo demás está."
    assert title_after(span, "cargo del Sr. ") == "Ministro Consejero"


@pytest.mark.parametrize(("window", "name", "named"), [
    ("林女士因公务无法出席", "林美玲", True),
    ("欧阳秘书另有公务不能参会", "欧阳雪梅", True),
    ("陈参赞和林女士照常出席", "陈伟强", True),
    # The surname alone, or inside another word, is no mention.
    ("林业部的专家", "林美玲", False),
    ("欧阳秘书不能参会", "欧美玲", False),
    ("中方代表团无法出席", "方明", False),
])
def test_a_chinese_delegate_is_named_by_surname_and_a_form_of_address(
        window: str, name: str, named: bool) -> None:
    from bot.inbound.followup.mentions import named_in

    assert named_in(window, P(name)) is named


def test_a_delegate_named_by_first_name_alone_leaves() -> None:
    before = State("accept", (P("Litia Tuilagi", "head"), P("Sione Faleolo")))
    decided, after = run(before, "Just a heads-up that Sione won't be coming after all. Litia "
                         "will attend on her own.", None, [])
    assert decided.operation == "remove", decided
    assert names(after) == ["Litia Tuilagi"]
    from bot.inbound.followup.mentions import named_in

    assert not named_in("Mr. Sione Taufa", P("Sione Faleolo"))


def test_a_delegate_named_by_the_rank_they_are_addressed_by_is_replaced() -> None:
    before = State("accept", ({**P("ناصر عبد الله الصباح", "head"), "honorific": "السفير"},
                              {**P("يوسف خالد العنزي"), "honorific": "المستشار"}))
    decided, after = run(before, "نحيطكم علماً بأن المستشار لن يتمكن من المشاركة، وسيحل محله "
                         "السكرتير الأول فيصل أحمد المطيري.", "accept",
                         [P("فيصل أحمد المطيري")], ["لن يتمكن"], "replace")
    assert decided.operation == "replace", decided
    assert names(after) == ["ناصر عبد الله الصباح", "فيصل أحمد المطيري"]

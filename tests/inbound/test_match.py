"""Matchers and the weighing of their evidence, without a database."""

from __future__ import annotations

import pytest

from bot.inbound.matchers.base import Directory, MatchInput, MissionEntry
from bot.inbound.matchers.country import compile_names
from bot.inbound.matchers.trust import authenticate, parse_results
from bot.inbound.matchers.verdict import match_message
from bot.inbound.parse.message import ParsedMessage
from bot.tokens import new_token

MISSIONS = [
    ("NE", "Niger", "Permanent Mission of the Republic of the Niger", "ne@missions.test"),
    ("NG", "Nigeria", "Permanent Mission of the Federal Republic of Nigeria", "ng@nigeria.test"),
    ("GN", "Guinea", "Permanent Mission of the Republic of Guinea", "gn@missions.test"),
    ("GW", "Guinea-Bissau", "Permanent Mission of the Republic of Guinea-Bissau",
     "gw@missions.test"),
    ("GQ", "Equatorial Guinea", "Permanent Mission of the Republic of Equatorial Guinea",
     "gq@missions.test"),
    ("DM", "Dominica", "Permanent Mission of the Commonwealth of Dominica", "dm@missions.test"),
    ("DO", "Dominican Republic", "Permanent Mission of the Dominican Republic",
     "do@missions.test"),
    ("SD", "Sudan", "Permanent Mission of the Republic of the Sudan", "sd@missions.test"),
    ("SS", "South Sudan", "Permanent Mission of the Republic of South Sudan", "ss@missions.test"),
    ("CG", "Congo", "Permanent Mission of the Republic of the Congo", "cg@missions.test"),
    ("CD", "Democratic Republic of the Congo",
     "Permanent Mission of the Democratic Republic of the Congo", "cd@missions.test"),
]


@pytest.fixture
def directory() -> Directory:
    entries: dict[int, MissionEntry] = {}
    d = Directory(missions=entries, reply_to="secretariat@unodc.test")
    for index, (code, country, name, email) in enumerate(MISSIONS, start=1):
        token = new_token()
        entries[index] = MissionEntry(index, code, country, name, (email,), "en", index * 10, token)
        d.by_token[token] = index
        d.by_address.setdefault(email, set()).add(index)
        d.by_domain.setdefault(email.split("@")[1], set()).add(index)
        d.by_outbound_id[f"<inv-{code}@unodc.test>"] = index
    d.names = compile_names(entries.values())
    return d


def code_of(d: Directory, text: str, **fields: object) -> tuple[str | None, str | None, float]:
    msg = ParsedMessage(text=text, from_addr=str(fields.pop("from_addr", "x@gmail.com")),
                        **fields)  # type: ignore[arg-type]
    result = match_message(d, MatchInput(msg, text))
    code = d.missions[result.mission_id].code if result.mission_id else None
    return code, result.method, result.confidence


@pytest.mark.parametrize(("text", "code"), [
    ("The Niger will attend.", "NE"),
    ("Nigeria will attend.", "NG"),
    ("The Republic of the Niger will attend", "NE"),
    ("Guinea-Bissau will attend", "GW"),
    ("Guinea Bissau will attend", "GW"),
    ("Equatorial Guinea will attend", "GQ"),
    ("The Republic of Guinea will attend", "GN"),
    ("Dominica will attend", "DM"),
    ("The Dominican Republic will attend", "DO"),
    ("South Sudan will attend", "SS"),
    ("The Sudan will attend", "SD"),
    ("The Democratic Republic of the Congo will attend", "CD"),
    ("The Republic of the Congo will attend", "CG"),
    ("NIGERIA confirms", "NG"),
])
def test_confusable_country_names(directory: Directory, text: str, code: str) -> None:
    found, method, confidence = code_of(directory, text)
    assert (found, method) == (code, "country_named")
    assert confidence < 0.8  # a name alone is never enough to skip review


def test_no_country_inside_a_longer_word(directory: Directory) -> None:
    assert code_of(directory, "Nigerien colleagues and Dominicans")[0] is None


def test_two_countries_conflict(directory: Directory) -> None:
    _, _, single = code_of(directory, "South Sudan will attend")
    _, _, double = code_of(directory, "South Sudan and the Niger will attend")
    assert double < single


def test_token_in_plus_address(directory: Directory) -> None:
    entry = directory.missions[2]
    code, method, confidence = code_of(
        directory, "yes", from_addr=entry.emails[0],
        to=(f"secretariat+{entry.token}@unodc.test",))
    assert (code, method) == ("NG", "token_address")
    assert confidence > 0.95


def test_token_typed_badly(directory: Directory) -> None:
    entry = directory.missions[3]
    assert entry.token is not None
    sloppy = entry.token.lower().replace("-", " ")
    assert code_of(directory, f"our ref {sloppy}", from_addr=entry.emails[0])[:2] == \
        ("GN", "token_body")
    # One mistyped symbol is recovered through the check symbol.
    wrong = entry.token[:2] + ("A" if entry.token[2] != "A" else "B") + entry.token[3:]
    code, _, _ = code_of(directory, f"reference {wrong}", from_addr="someone@missions.test")
    assert code == "GN"


def test_token_from_unknown_sender_is_not_trusted(directory: Directory) -> None:
    entry = directory.missions[1]
    msg = ParsedMessage(from_addr="attacker@evil.test", subject=f"[Ref · {entry.token}]")
    result = match_message(directory, MatchInput(msg, ""))
    assert directory.missions[result.mission_id or 0].code == "NE"
    assert not result.trusted and result.needs_review(0.8)
    assert "not known for NE" in " ".join(result.reasons)


def test_shared_domain_is_not_evidence(directory: Directory) -> None:
    # missions.test is used by many missions: a colleague there proves nothing.
    assert code_of(directory, "hello", from_addr="colleague@missions.test")[0] is None
    assert code_of(directory, "hello", from_addr="colleague@nigeria.test")[:2] == \
        ("NG", "sender_domain")


def test_thread_headers(directory: Directory) -> None:
    code, method, _ = code_of(directory, "ok", in_reply_to="<inv-SS@unodc.test>")
    assert (code, method) == ("SS", "in_reply_to")
    code, method, _ = code_of(directory, "ok", references=("<x@y>", "<inv-DM@unodc.test>"))
    assert (code, method) == ("DM", "references")


def test_conflicting_token_and_sender(directory: Directory) -> None:
    ne, ng = directory.missions[1], directory.missions[2]
    code, _, confidence = code_of(directory, "yes", from_addr=ng.emails[0],
                                  to=(f"secretariat+{ne.token}@unodc.test",))
    assert code == "NE" and confidence < 0.8


def test_authentication_results_only_from_our_server() -> None:
    fail = "mx.unodc.test; dkim=fail header.d=x.test; dmarc=fail (p=reject) header.from=x.test"
    authserv, results = parse_results(fail)
    assert (authserv, [(r.method, r.result) for r in results]) == (
        "mx.unodc.test", [("dkim", "fail"), ("dmarc", "fail")])
    assert authenticate([fail], "mx.unodc.test", "a@x.test").state == "fail"
    assert authenticate([fail], "other.test", "a@x.test").state == "none"
    assert authenticate([fail], None, "a@x.test").state == "none"
    ok = "mx.unodc.test 1; spf=pass smtp.mailfrom=x.test; dkim=pass; dmarc=pass"
    # The topmost header from our server is the one it added on receipt.
    assert authenticate([ok, fail], "MX.unodc.test", "a@x.test").state != "fail"
    assert "dkim=fail" in authenticate(
        ["mx.unodc.test; dkim=fail; dmarc=none"], "mx.unodc.test", "a@x.test").detail


def test_failed_authentication_keeps_a_token_match_from_being_trusted(
        directory: Directory) -> None:
    ne = directory.missions[1]
    failed = (("Authentication-Results", "mx.unodc.test; dkim=fail header.d=missions.test"),)
    msg = ParsedMessage(text="We will attend.", from_addr=ne.emails[0], headers=failed,
                        to=(f"secretariat+{ne.token}@unodc.test",))
    result = match_message(directory, MatchInput(msg, msg.text), "mx.unodc.test")
    assert result.mission_id == 1 and not result.trusted
    assert any("dkim=fail" in r for r in result.reasons)
    assert match_message(directory, MatchInput(msg, msg.text), None).trusted


def test_reply_to_is_never_evidence_of_the_sender(directory: Directory) -> None:
    # Issue 16, defect 1: a mission's address in Reply-To matched that mission
    # at 0.9, and with its country named, at 0.96.
    found = code_of(directory, "The Niger will attend.", from_addr="evil@attacker.test",
                    reply_to=("ne@missions.test",))
    assert found[:2] == ("NE", "country_named") and found[2] < 0.8
    assert code_of(directory, "We will attend.", from_addr="evil@attacker.test",
                   reply_to=("ng@nigeria.test",))[0] is None

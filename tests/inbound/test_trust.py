"""The sender-trust rules (bot.inbound.matchers.trust), without a database or a mail server.

The stack tests (tests/test_sender_trust.py) show the rules at work in a
whole poll; these pin each rule and its reason line.
"""

from __future__ import annotations

import pytest

from bot.inbound.matchers.trust import (
    Facts,
    assess,
    authenticate,
    change_refused,
    parse_results,
)

OURS = "mx.unodc.test"
AT = "pm-vienna@bmeia.gv.at.test"


def facts(sender: str = AT, auth: str | None = None, *methods: str,
          authserv: str | None = OURS, own_domain: bool = True,
          seen: frozenset[str] = frozenset(), reply_to: tuple[str, ...] = ()) -> Facts:
    return Facts(mission="AT", from_addr=sender, auth_headers=(auth,) if auth else (),
                 authserv_id=authserv, methods=methods or ("sender_address",),
                 addresses=frozenset({AT}), own_domain=own_domain, seen=seen,
                 reply_to=reply_to)


def test_parse_results_reads_properties_and_ignores_comments() -> None:
    authserv, results = parse_results(
        "MX.UNODC.test (ours); dkim=pass (2048-bit key) header.d=bmeia.gv.at.test "
        'header.i="@bmeia.gv.at.test"; spf=pass smtp.mailfrom=x.test; '
        "dmarc=pass (p=reject) header.from=BMEIA.gv.at.test")
    assert authserv == "mx.unodc.test"
    assert [(r.method, r.result) for r in results] == [("dkim", "pass"), ("spf", "pass"),
                                                       ("dmarc", "pass")]
    assert results[0].prop("header.d") == "bmeia.gv.at.test"
    assert results[0].prop("header.i") == "@bmeia.gv.at.test"
    assert results[2].prop("header.from") == "bmeia.gv.at.test"


@pytest.mark.parametrize(("headers", "state", "words"), [
    ([], "none", "unauthenticated: no Authentication-Results from mx.unodc.test"),
    (["mx.other.test; dmarc=pass header.from=bmeia.gv.at.test"], "none", "unauthenticated"),
    ([f"{OURS}; dmarc=pass header.from=bmeia.gv.at.test"], "pass", "dmarc=pass"),
    ([f"{OURS}; dmarc=pass"], "none", "no aligned"),  # which From did it judge?
    ([f"{OURS}; dmarc=pass header.from=attacker.test"], "none", "no aligned"),
    ([f"{OURS}; dkim=pass header.d=bmeia.gv.at.test"], "pass", "d=bmeia.gv.at.test"),
    ([f"{OURS}; dkim=pass header.d=gv.at.test"], "pass", "aligned"),  # a parent domain
    ([f"{OURS}; dkim=pass header.i=press@bmeia.gv.at.test"], "pass", "aligned"),
    ([f"{OURS}; dkim=pass header.d=attacker.test"], "none", "dkim=pass"),
    ([f"{OURS}; dkim=pass header.d=eia.gv.at.test"], "none", "no aligned"),  # not a parent
    ([f"{OURS}; dkim=pass header.d=sub.bmeia.gv.at.test"], "none", "no aligned"),
    ([f"{OURS}; spf=pass smtp.mailfrom=bmeia.gv.at.test"], "none", "spf=pass"),
    ([f"{OURS}; spf=fail; dkim=none; dmarc=none"], "none", "no aligned"),
    ([f"{OURS}; dkim=fail header.d=bmeia.gv.at.test"], "fail", "dkim=fail"),
    ([f"{OURS}; dmarc=fail header.from=bmeia.gv.at.test; dkim=pass header.d=x"], "fail",
     "dmarc=fail"),
    # The topmost header of our server is the one it added; a lower one was forged.
    ([f"{OURS}; dmarc=fail header.from=bmeia.gv.at.test",
      f"{OURS}; dmarc=pass header.from=bmeia.gv.at.test"], "fail", "dmarc=fail"),
    ([f"{OURS}; dmarc=none", f"{OURS}; dmarc=pass header.from=bmeia.gv.at.test"], "none",
     "dmarc=none"),
])
def test_authenticate(headers: list[str], state: str, words: str) -> None:
    auth = authenticate(headers, OURS, AT)
    assert auth.state == state and words in auth.detail, auth


def test_authenticate_without_a_configured_server() -> None:
    auth = authenticate([f"{OURS}; dmarc=pass header.from=bmeia.gv.at.test"], None, AT)
    assert auth.state == "none" and "INVITEBOT_AUTHSERV_ID unset" in auth.detail


@pytest.mark.parametrize(("case", "level", "words"), [
    (facts(), "claim", "not proven: unauthenticated"),
    (facts(authserv=None), "claim", "INVITEBOT_AUTHSERV_ID unset"),
    (facts(auth=f"{OURS}; dmarc=pass header.from=bmeia.gv.at.test"), "proven", "dmarc=pass"),
    (facts(AT, None, "token_subject"), "proven", "token of AT from " + AT),
    (facts(AT, None, "in_reply_to", "sender_address"), "proven", "thread of AT"),
    (facts(AT, None, "references"), "proven", "thread"),
    (facts(AT, f"{OURS}; dmarc=fail header.from=bmeia.gv.at.test", "token_address"),
     "failed", "dmarc=fail"),
    # A colleague on the mission's own domain: known, and proven by the token.
    (facts("attache@bmeia.gv.at.test", None, "token_body"), "proven", "token"),
    (facts("attache@bmeia.gv.at.test", None, "sender_domain"), "claim", "not proven"),
    # A shared domain (several missions, or webmail) is nobody's.
    (facts("attache@missions.test", None, "token_body", own_domain=False), "unknown",
     "not known for AT"),
    (facts("evil@attacker.test", f"{OURS}; dmarc=pass header.from=attacker.test",
           "country_named", own_domain=False), "unknown", "not known for AT"),
    (facts("evil@attacker.test", None, "country_named", own_domain=False, reply_to=(AT,)),
     "unknown", "a Reply-To naming the mission proves nothing"),
    (facts("", None, "in_reply_to", own_domain=False), "unknown", "(none)"),
])
def test_assess(case: Facts, level: str, words: str) -> None:
    trust = assess(case)
    assert trust.level == level and words in trust.reason, trust
    assert trust.to_review == (level in ("failed", "unknown"))


def test_sender_case_does_not_matter() -> None:
    assert assess(facts(AT.upper(), None, "token_subject")).level == "proven"


def refused(case: Facts) -> str | None:
    return change_refused(assess(case), case)


def test_changes_need_mission_mail_from_an_address_seen_before() -> None:
    passing = f"{OURS}; dmarc=pass header.from=bmeia.gv.at.test"
    # The mission's listed address with its token or thread: allowed.
    assert refused(facts(AT, None, "token_subject")) is None
    assert refused(facts(AT, passing, "in_reply_to")) is None
    # An address that gave an answer recorded without doubt counts as seen.
    seen = frozenset({"attache@bmeia.gv.at.test"})
    assert refused(facts("attache@bmeia.gv.at.test", None, "token_body", seen=seen)) is None
    # Proven by DMARC, but without token or thread: refused.
    why = refused(facts(AT, passing, "sender_address"))
    assert why and "no token or thread" in why and why.startswith(
        "would change the recorded answer of AT")
    # A claim: refused, with both reasons.
    why = refused(facts())
    assert why and "claim:" in why and "no token or thread" in why
    # A new address on the mission's domain, even with token and DMARC pass.
    why = refused(facts("attache@bmeia.gv.at.test", passing, "token_address"))
    assert why and "attache@bmeia.gv.at.test not yet seen for AT" in why


def test_failed_and_unknown_never_change_anything() -> None:
    failed = facts(AT, f"{OURS}; dkim=fail", "token_subject")
    assert (refused(failed) or "").count("failed: authentication failed") == 1
    unknown = facts("evil@attacker.test", None, "token_subject", own_domain=False)
    assert "unknown: sender evil@attacker.test" in (refused(unknown) or "")

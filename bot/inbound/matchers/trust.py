"""Sender trust: who wrote a message, as far as the mail itself can prove it.

Pure rules, no database: :func:`assess` says how far the ``From:`` of a
message matched to a mission can be believed, and :func:`change_refused`
whether such a message may change what that mission already answered.
:mod:`bot.inbound.trust_stage` gathers the facts from the pipeline and
applies the result. docs/security.md states the same rules for people.

The verdict has four levels:

``failed``
    our own receiving server (the ``Authentication-Results`` header whose
    authserv-id is ``INVITEBOT_AUTHSERV_ID``) says ``dkim=fail`` or
    ``dmarc=fail``: the message goes to review.
``unknown``
    the ``From:`` address is not the mission's, nor on a domain only that
    mission uses: the message goes to review. ``Reply-To:`` is never
    looked at: anybody may write any address there.
``proven``
    the ``From:`` is the mission's, and either our server says an aligned
    DMARC pass (or an aligned DKIM pass: ``header.d`` is the ``From:``
    domain or a parent of it) or the message carries the mission's token
    or answers in the thread of its invitation (mail only the mission
    received).
``claim``
    the ``From:`` is the mission's and nothing proves it: no check
    configured, no header from our server (unauthenticated), or no aligned
    pass in it. A first answer is recorded "to confirm" with the reason.

Changing an existing answer (replace, remove, withdraw, decline after
accepting) needs more than any first answer: the token or the thread, from
an address already seen for the mission (its listed addresses and those of
answers recorded without doubt), and no failure; else review. An aligned
DMARC pass alone is not enough, because a mission's domain is shared by
people who never saw the invitation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Level = Literal["proven", "claim", "failed", "unknown"]

# Evidence that the writer holds mail only the mission received.
MISSION_MAIL_METHODS = frozenset({"token_address", "token_subject", "token_body",
                                  "token_attachment", "in_reply_to", "references"})

_COMMENT = re.compile(r"\([^()]*\)")
_METHOD = re.compile(r"^\s*([A-Za-z0-9_.-]+)(?:/[0-9]+)?\s*=\s*([A-Za-z]+)(.*)$", re.S)
_PROPERTY = re.compile(r"([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\s*=\s*(\"[^\"]*\"|[^\s;]+)")


@dataclass(frozen=True)
class Result:
    """One ``method=result`` of an Authentication-Results header, with its properties."""

    method: str
    result: str
    props: tuple[tuple[str, str], ...] = ()

    def prop(self, name: str) -> str:
        return next((v for k, v in self.props if k == name), "")


@dataclass(frozen=True)
class Auth:
    """What our receiving server said about the message's ``From:`` domain.

    ``state`` is ``pass`` (aligned DMARC or DKIM pass), ``fail`` (dkim or
    dmarc failed) or ``none`` (no verdict, ``detail`` says why).
    """

    state: Literal["pass", "fail", "none"]
    detail: str


@dataclass(frozen=True)
class Facts:
    """Everything the rules read about one message matched to one mission."""

    mission: str  # the mission's code, for the reasons
    from_addr: str
    auth_headers: tuple[str, ...]
    authserv_id: str | None
    methods: tuple[str, ...]  # the methods of the evidence for this mission
    addresses: frozenset[str]  # the mission's listed addresses
    own_domain: bool  # the From domain is used by this mission only
    seen: frozenset[str] = frozenset()  # addresses of its answers recorded without doubt
    reply_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trust:
    """The verdict: a level and a one-line reason."""

    level: Level
    reason: str
    mission_mail: bool = False  # token or thread evidence for this mission

    @property
    def to_review(self) -> bool:
        return self.level in ("failed", "unknown")


def parse_results(value: str) -> tuple[str, list[Result]]:
    """``(authserv-id, results)`` of one Authentication-Results value (RFC 8601)."""
    text = value
    for _ in range(2):  # comments nest one level in practice
        text = _COMMENT.sub(" ", text)
    parts = text.split(";")
    head = parts[0].split()
    authserv = head[0].strip().lower() if head else ""
    results = []
    for part in parts[1:]:
        match = _METHOD.match(part)
        if match:
            props = tuple((f"{p}.{n}".lower(), v.strip('"').lower())
                          for p, n, v in _PROPERTY.findall(match.group(3)))
            results.append(Result(match.group(1).lower(), match.group(2).lower(), props))
    return authserv, results


def _aligned(domain: str, from_domain: str) -> bool:
    # Relaxed alignment: only the owner of a domain's DNS can sign for it, and
    # the owner of a parent domain owns the From domain's DNS as well.
    domain = domain.strip().strip(".").lower()
    return bool(domain) and (from_domain == domain or from_domain.endswith("." + domain))


def authenticate(headers: Iterable[str], authserv_id: str | None, from_addr: str) -> Auth:
    """Our server's verdict on ``from_addr``'s domain, from the message's headers."""
    if not authserv_id:
        return Auth("none", "no authentication check configured (INVITEBOT_AUTHSERV_ID unset)")
    wanted = authserv_id.strip().lower()
    from_domain = from_addr.rpartition("@")[2].lower()
    for value in headers:
        authserv, results = parse_results(value)
        if authserv != wanted:
            continue  # anybody can write a header; only our server's counts
        # The topmost header from our server is the one it added on receipt.
        failed = [f"{r.method}={r.result}" for r in results
                  if r.method in ("dkim", "dmarc") and r.result == "fail"]
        if failed:
            return Auth("fail", f"authentication failed at {wanted}: {', '.join(failed)}")
        # DMARC judges the From domain; header.from says which one it saw (a
        # message may carry two From fields), so it must be the one we read.
        if any(r.method == "dmarc" and r.result == "pass"
               and r.prop("header.from") == from_domain for r in results):
            return Auth("pass", f"dmarc=pass at {wanted} for {from_domain}")
        for r in results:
            if r.method == "dkim" and r.result == "pass":
                signer = r.prop("header.d") or r.prop("header.i").rpartition("@")[2]
                if _aligned(signer, from_domain):
                    return Auth("pass", f"dkim=pass at {wanted} with d={signer}, aligned "
                                        f"with {from_domain}")
        said = ", ".join(f"{r.method}={r.result}" for r in results) or "no result"
        return Auth("none", f"no aligned DKIM or DMARC pass at {wanted} ({said})")
    return Auth("none", f"unauthenticated: no Authentication-Results from {wanted}")


def assess(facts: Facts) -> Trust:
    """How far the message's ``From:`` can be believed to be the mission's."""
    sender = facts.from_addr.strip().lower()
    mission_mail = any(m in MISSION_MAIL_METHODS for m in facts.methods)
    auth = authenticate(facts.auth_headers, facts.authserv_id, sender)
    if auth.state == "fail":
        return Trust("failed", auth.detail, mission_mail)
    if not sender or not (sender in facts.addresses or facts.own_domain):
        reason = f"sender {sender or '(none)'} is not known for {facts.mission}"
        if any(a.strip().lower() in facts.addresses for a in facts.reply_to):
            reason += " (a Reply-To naming the mission proves nothing)"
        return Trust("unknown", reason, mission_mail)
    if auth.state == "pass":
        return Trust("proven", auth.detail, mission_mail)
    if mission_mail:
        kinds = sorted({"token" if m.startswith("token") else "thread"
                        for m in facts.methods if m in MISSION_MAIL_METHODS})
        return Trust("proven", f"{' and '.join(kinds)} of {facts.mission} from {sender}; "
                               f"{auth.detail}", True)
    return Trust("claim", f"from {sender}, {facts.mission}'s address, but not proven: "
                          f"{auth.detail}")


def change_refused(trust: Trust, facts: Facts) -> str | None:
    """Why this message may not change the mission's existing answer; None if it may."""
    sender = facts.from_addr.strip().lower()
    why = []
    if trust.level != "proven":
        why.append(f"{trust.level}: {trust.reason}")
    if not trust.mission_mail:
        why.append("no token or thread of the invitation")
    if sender not in facts.addresses | facts.seen:
        why.append(f"{sender or '(no sender)'} not yet seen for {facts.mission}")
    if not why:
        return None
    return f"would change the recorded answer of {facts.mission}: " + "; ".join(why)

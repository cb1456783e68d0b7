"""Mailing-list software refusing or holding our message: fml, Mailman,
Majordomo, LISTSERV, Sympa, ezmlm and Google Groups.

When an invitation goes to a mission's list address, the list manager (not
an MTA) answers "you are not a member", "rejected", "awaits moderator
approval". It carries List-* headers and Precedence: bulk, so without this
rule it reads as a newsletter or, worse, a reply. A refusal is a permanent
bounce of the list address; a hold for moderation is a delay.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import (
    ADDRESS,
    SCAN_CHARS,
    Classification,
    find_original,
    local_part,
)
from bot.inbound.classifiers.lexicon import REPLY_PREFIX
from bot.inbound.parse.message import ParsedMessage

# Headers only list managers write (List-Id alone is any newsletter's).
_LIST_HEADERS = ("x-mlserver", "x-ml-name", "x-mailman-version", "x-listserver",
                 "x-list-server", "x-sympa-to", "mailing-list", "x-ezmlm-version", "x-majordomo",
                 "x-google-group-id")
_LIST_SENDER = re.compile(
    r"^(?:.+-(?:admin|owner|bounces?|request|ctl|help|errors?)|owner-.+|listserv|majordomo|"
    r"sympa|mailman|ezmlm|fml|listproc|lyris|list-?manager)$",
    re.IGNORECASE,
)
_LIST_TOOL = re.compile(
    r"\b(?:listserv|majordomo|mailman|sympa|ezmlm|fml|lyris|listproc)\b|mailing list|"
    r"google groups|liste de diffusion|lista de (?:correo|distribución)|список рассылки|"
    r"القائمة البريدية|邮件列表",
    re.IGNORECASE,
)
_REFUSED = re.compile(
    r"you are not a member|not a member of (?:this|the) (?:mailing )?list|not ?member article|"
    r"non-?members? (?:submission|posting|post|are not allowed)|"
    r"only (?:subscribers|members|(?:list )?members) (?:may|can|are allowed to) post|"
    r"not (?:authorized|allowed|permitted) to (?:send|post)|is being rejected|"
    r"(?:your )?(?:message|posting|mail) (?:to .{1,120} )?(?:was|has been|is) (?:rejected|refused|"
    r"discarded|returned)|rejected posting|auto-discard|returned to you unprocessed|"
    r"request to mailing list .{1,120} rejected|post by non-member|"
    r"(?:do|does|may) not have permission to post|reject(?:ed)? (?:mail|spammers)|"
    r"message has implicit destination|"
    r"vous n'êtes pas (?:abonné|membre)|no (?:está|es) (?:suscrito|miembro)|"
    r"не (?:являетесь|является) (?:подписчиком|участником)|لست عضوا|您不是.{0,10}成员",
    re.IGNORECASE,
)
# fml's own error titles: meaningful only from fml (X-MLServer).
_FML_ERROR = re.compile(
    r"loop (?:alert|back warning)|fml system error|security alert|duplicated message-id|"
    r"unix from loop|header may cause mail loop",
    re.IGNORECASE,
)
_HELD = re.compile(
    r"awaits? (?:the )?moderator(?:'s)? approval|held for (?:moderation|approval)|"
    r"is being held until|(?:requires|waiting for|needs) (?:moderator )?approval|"
    r"authorization requested|sent to the list moderator|"
    r"en attente de modération|pendiente de moderación|ожидает (?:одобрения|модерации)",
    re.IGNORECASE,
)
_REJECTED_TO = re.compile(r"(?:posting|message|mail) to ([^\s@<>]+@[^\s<>]+)", re.IGNORECASE)
_LIST_NAME_SUFFIX = re.compile(r"-(?:admin|owner|bounces?|request|ctl|help|errors?)$",
                               re.IGNORECASE)


def _is_list_software(msg: ParsedMessage) -> bool:
    if any(msg.header(name) is not None for name in _LIST_HEADERS):
        return True
    if msg.message_id and ".FML" in msg.message_id:
        return True
    return bool(msg.from_addr and _LIST_SENDER.match(local_part(msg.from_addr)))


def _list_address(msg: ParsedMessage, section: str) -> list[str]:
    """The list that refused: named in the notice, else the sender without its -owner."""
    ours = {a.lower() for a in (msg.from_addr, *msg.to, *msg.cc) if a}

    def usable(address: str) -> bool:
        # The list's admin addresses are contacts, not the list refused.
        local = local_part(address)
        return address not in ours and not _LIST_NAME_SUFFIX.search(local) and not (
            _LIST_SENDER.match(local) and "-" not in local)

    named = _REJECTED_TO.search(section)
    if named and (found := ADDRESS.search(named.group(1))) and usable(found.group(1).lower()):
        return [found.group(1).lower()]
    mentioned = [a.lower().strip(".") for a in ADDRESS.findall(section)]
    mentioned = [a for a in mentioned if usable(a)]
    if mentioned:
        return mentioned[:1]
    if msg.from_addr and "@" in msg.from_addr:
        local, domain = msg.from_addr.rsplit("@", 1)
        stripped = _LIST_NAME_SUFFIX.sub("", local)
        if stripped != local:
            return [f"{stripped}@{domain}".lower()]
    return []


class ListNotice:
    """A list manager's refusal (bounce) or hold for moderation (delay)."""

    name = "list_notice"

    def check(self, msg: ParsedMessage) -> Classification | None:
        if REPLY_PREFIX.match(msg.subject) or not _is_list_software(msg):
            return None
        text = msg.text[:SCAN_CHARS]
        cut = re.search(r"^(?:original mail as follows|-+ ?original message|"
                        r"-+ ?forwarded message|From: .+\n(?:To|Subject|Date): )",
                        text, re.IGNORECASE | re.MULTILINE)
        section = text[: cut.start()] if cut else text
        own = f"{msg.subject}\n{section}"
        # A hold names its reason ("post by non-member"): the hold decides.
        held = _HELD.search(own)
        refused = None if held else _REFUSED.search(own)
        if not refused and not held and msg.header("x-mlserver"):
            refused = _FML_ERROR.search(own)
        if not refused and not held:
            return None
        # A list's own refusal names the list software or comes from its address.
        if not (_LIST_TOOL.search(own) or msg.header("x-mlserver") or msg.header("list-id")
                or msg.header("x-mailman-version")
                or _LIST_SENDER.match(local_part(msg.from_addr))):
            return None
        msgid, subject = find_original(msg)
        match = refused or held
        assert match is not None
        return Classification(
            kind="bounce", classifier=self.name,
            reason=f"list manager {'refusal' if refused else 'hold'}: {match.group(0)[:60]}",
            permanent=bool(refused), is_delay=not refused,
            bounced_recipients=tuple(_list_address(msg, section)),
            diagnostic=match.group(0)[:1000],
            original_message_id=msgid, original_subject=subject,
        )

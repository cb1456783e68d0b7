"""What of a mail is the mission's: forwarded notes unwrapped, our own quoted mail cut.

A mission often forwards what its capital wrote ("FW: Delegation", Outlook's
"From: … Sent: …" block; Apple Mail's "Begin forwarded message:"). To the
extractor such a header block looks like the start of quoted history, and
everything under it (the delegation) was cut. When the mail is a forward
(its subject says so, or it carries a forward marker) and the first header
block is not our own mail being quoted (its From names none of the addresses
the mail was sent to), the marker, the separator and the header lines are
dropped so the forwarded words read as the mission's. History quoted further
down the forwarded note (our invitation) is still cut later by
:func:`bot.extract.strip_quoted`.

The other way round, a header block whose From is one of those addresses is
always our own mail quoted (the invitation, a reminder, the confirmation
echo), whatever the client wrote above it: the text is cut there. Without
the cut, a short answer over an Outlook block without a separator line
("Please add Ms. …" over the quoted echo) was read together with the
delegation the echo lists.

Found by ``bench/endtoend.py`` (Outlook and Apple Mail forwards recorded
nobody; a correction quoting the echo counted the echo's names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from bot.extract.quotes import FROM_LINE_RE
from bot.inbound.parse.parsed import ParsedMessage

# "FW:", "Fwd:", "TR:" (fr), "RV:" (es), "WG:" (de), "ENC:" (pt), "Пересл:", "转发:", …
# first: "RE: FW:" is a reply to a forward, whose quoted block is history.
_FORWARD_SUBJECT: Final = re.compile(
    r"^\s*(?:fwd?|fw|tr|rv|wg|enc|пересл\w*|fwd?\s*\(\d+\)|"
    r"إعادة توجيه|إعادة إرسال|转发|轉寄|转寄)\s*[:：]",
    re.IGNORECASE,
)
_MARKER: Final = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|mensaje reenviado|"
    r"пересылаемое сообщение|رسالة معاد توجيهها|الرسالة المعاد توجيهها|转发的邮件|"
    r"original message|message d'origine|mensaje original|исходное сообщение|"
    r"الرسالة الأصلية|原始邮件)\s*-{2,}"
    r"|begin forwarded message\s*:|d[ée]but du message r[ée]exp[ée]di[ée]\s*:|"
    r"inicio del mensaje reenviado\s*:|начало переадресованного сообщения\s*:|"
    r"بداية الرسالة المعاد توجيهها\s*:|以下是转发的邮件\s*[:：]|_{10,})\s*$",
    re.IGNORECASE,
)
_HEADER: Final = re.compile(
    r"^\s*\**(?:from|de|von|от|من|发件人|sent|date|envoy[ée]|enviado(?: el)?|fecha|gesendet|"
    r"отправлено|дата|تاريخ الإرسال|أرسلت|التاريخ|发送时间|日期|时间|to|[àa]|para|an|кому|"
    r"إلى|收件人|cc|cci|bcc|objet|subject|asunto|betreff|тема|الموضوع|主题|reply-to)"
    r"\s?\**\s?[:：]",
    re.IGNORECASE,
)
_ADDRESS: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# How far below a marker the header block may start, and how long it may be.
_MARKER_GAP: Final = 3
_BLOCK_LINES: Final = 12


def is_forward(subject: str, text: str) -> bool:
    """Whether the mail forwards another: "FW:"-like subject, or a forward marker line."""
    if _FORWARD_SUBJECT.match(subject or ""):
        return True
    return any(_MARKER.match(line) and "_" not in line and "original" not in line.lower()
               for line in text.split("\n")[:400])


def _base(address: str) -> str:
    local, _, domain = address.lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def unwrap_forward(text: str, subject: str, ours: Iterable[str] = ()) -> str:
    """``text`` with the forwarded note's marker and header block taken away.

    ``ours``: the addresses the mail was sent to; a header block from one of
    them is our own mail quoted, and stays (it is history, not the answer).
    """
    if not text or not is_forward(subject, text):
        return text
    own = {_base(a) for a in ours if "@" in a}
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if line.lstrip().startswith(">"):
            return text
        if not FROM_LINE_RE.match(line):
            continue
        end = _block_end(lines, index)
        if end - index < 2:
            continue  # a lone "De :" in a sentence, not a header block
        block = lines[index:end]
        if any(_base(a) in own for h in block[:1] for a in _ADDRESS.findall(h)):
            return text
        start = index
        for back in range(index - 1, max(-1, index - 1 - _MARKER_GAP), -1):
            if _MARKER.match(lines[back]):
                start = back
                break
            if lines[back].strip():
                break
        return "\n".join([*lines[:start], *lines[end:]])
    return text


def _block_end(lines: list[str], index: int) -> int:
    """Where the header block starting at ``lines[index]`` ends (``index`` + 1: none)."""
    end = index + 1
    while end < len(lines) and end - index < _BLOCK_LINES and _HEADER.match(lines[end]):
        end += 1
    return end


def cut_our_quote(text: str, ours: Iterable[str]) -> str:
    """``text`` up to the first header block whose From is one of ``ours``."""
    own = {_base(a) for a in ours if "@" in a}
    if not own or not text:
        return text
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        if not FROM_LINE_RE.match(line) or _block_end(lines, index) - index < 2:
            continue
        if any(_base(a) in own for a in _ADDRESS.findall(line)):
            return "\n".join(lines[:index]).rstrip()
    return text


def reading_text(parsed: ParsedMessage) -> str:
    """The text of ``parsed`` the extractor and the own-words reader start from."""
    # Where the mail was delivered (our inbox), not its copies: a Cc may be the
    # mission's own colleague, whose forwarded note is the answer.
    ours = (*parsed.to, *parsed.delivered_to)
    return cut_our_quote(unwrap_forward(parsed.text, parsed.subject, ours), ours)

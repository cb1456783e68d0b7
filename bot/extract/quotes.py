"""Cut a reply down to what the mission wrote.

Replies arrive with our invitation quoted below them (">" lines, "On ...
wrote:", Outlook header blocks in six languages, or the invitation pasted
as is), and with a sign-off and a signature block.  Names and contacts in
those parts are the secretariat's or the desk officer's, never a
delegate's, so the extractor only reads what `strip_quoted` keeps and
`split_signature` calls the body.
"""

from __future__ import annotations

import re
from typing import Final

from bot.extract.alternation import merged

# A line that starts quoted history: everything from it on is dropped.
_CUT_LINE_RE: Final = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:original message|message d'origine|mensaje original|исходное сообщение|"
    r"الرسالة الأصلية|原始邮件|原邮件)\s*-{2,}"
    r"|_{10,}"
    r"|on .{5,200}wrote:"
    r"|le .{5,200}a [ée]crit\s?:"
    r"|el .{5,200}escribi[óo]\s?:"
    r"|.{5,200}\s(?:пишет|написал\w*)\s?:"
    r"|في .{5,200}كتب\s?:?"
    r"|在\s?.{5,200}写道\s?[:：]"
    r")\s*$",
    re.IGNORECASE,
)
# Outlook-style header block: a "From:" line followed closely by a date line
# (also how bot.inbound.parse.forwards finds a forwarded note's headers).
FROM_LINE_RE: Final = re.compile(r"^\s*\**(?:from|de|von|от|من|发件人)\s?\**\s?[:：]",
                                 re.IGNORECASE)
_SENT_RE: Final = re.compile(
    r"^\s*\**(?:sent|date|envoy[ée]|enviado(?: el)?|fecha|gesendet|отправлено|дата|"
    r"تاريخ الإرسال|أرسلت|التاريخ|发送时间|日期|时间)\s?\**\s?[:：]",
    re.IGNORECASE,
)
_HEADER_LINE_RE: Final = re.compile(
    r"^\s*\**(?:from|de|von|от|من|发件人|sent|date|envoy[ée]|enviado(?: el)?|fecha|to|[àa]|para|"
    r"кому|إلى|收件人|cc|objet|subject|asunto|тема|الموضوع|主题|отправлено|дата|"
    r"تاريخ الإرسال|发送时间)\s?\**\s?[:：]|^\s*$",
    re.IGNORECASE,
)
_FORWARD_RE: Final = re.compile(
    r"^\s*-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|mensaje reenviado|"
    r"пересылаемое сообщение|رسالة معاد توجيهها|转发的邮件)\s*-{2,}\s*$",
    re.IGNORECASE,
)
# Words above a header block that announce the message below as the answer
# ("please see below the reply from our capital"), and senders that are the
# secretariat itself (then the block is our invitation, quoted).
_FORWARD_ANNOUNCED_RE: Final = re.compile(
    r"\b(?:below|forward\w*|see (?:the )?(?:reply|response|answer|message)|ci-dessous|"
    r"transf[ée]r\w*|transmet\w*|ci-apr[èe]s|a continuaci[óo]n|abajo|reenv[íi]\w*|ниже|"
    r"пересыла\w*|пересыл\w*)\b|أدناه|أسفله|如下|以下|转发",
    re.IGNORECASE,
)
_OUR_SENDER_RE: Final = re.compile(
    r"unodc|united nations|nations unies|naciones unidas|secretariat|secr[ée]tariat|"
    r"secretar[íi]a|секретариат|الأمانة|الأمم المتحدة|秘书处|联合国|@un\.org",
    re.IGNORECASE,
)
# The first lines of our own invitation when pasted without quote marks: the
# secretariat, not the mission, is the one presenting its compliments.
_INVITATION_RE: Final = merged(
    r"(?:secretariat|secretary-general|united nations office|unodc|office on drugs)[^\n]{0,160}"
    r"(?:presents (?:its|his) compliments to (?:the )?(?:permanent )?missions?|"
    r"has the honou?r to invite)"
    r"|(?:secr[ée]tariat|secr[ée]taire g[ée]n[ée]ral|office des nations unies|onudc)[^\n]{0,160}"
    r"pr[ée]sente (?:ses|des) compliments aux? (?:missions?|repr[ée]sentants?)"
    r"|(?:secretar[íi]a|secretario general|oficina de las naciones unidas|unodc)[^\n]{0,160}"
    r"saluda atentamente a (?:las|la) misi(?:ones|[óo]n)"
    r"|(?:секретариат|генеральный секретарь|управление организации|ундок)[^\n]{0,160}"
    r"свидетельству\w+ (?:свое|своё) уважение постоянн"
    r"|(?:الأمانة العامة|الأمين العام|مكتب الأمم المتحدة)[^\n]{0,160}تحيات\w* إلى البعث"
    r"|(?:联合国秘书处|秘书长|联合国毒品和犯罪问题办公室)[^\n]{0,80}向各?(?:国)?常驻代表团致意",
    re.IGNORECASE,
)
_SIGNOFF_RE: Final = re.compile(
    r"^\s*(?:"
    r"--\s*|best regards|kind regards|warm regards|regards|"
    r"with (?:best|kind|warm|warmest|kindest) (?:regards|wishes)|all the best|"
    r"yours (?:sincerely|faithfully)|sincerely(?: yours)?|best wishes|thanks and regards|"
    r"thank you(?: and best regards)?|sent from my \w+|cheers|(?:many )?thanks|all the best"
    r"|cordialement|bien cordialement|meilleures salutations|salutations distingu[ée]es|"
    r"bien [àa] vous|avec mes salutations"
    # "Avec nos meilleures salutations", "Mes sincères salutations".
    r"|(?:avec )?(?:nos|mes) (?:(?:plus )?(?:meilleures|sinc[èe]res|cordiales) )?salutations"
    r"|sinc[èe]res salutations|salutations cordiales"
    r"|saludos(?: cordiales| atentos)?|atentamente|cordialmente|un (?:cordial|atento) saludo"
    r"|reciban? un (?:cordial |atento )?saludo"
    r"|quedamos atent[oa]s|quedo atent[oa]"
    r"|с уважением|с наилучшими пожеланиями|всего доброго"
    r"|مع (?:خالص |أطيب )?(?:التحية|التحيات)|وتفضلوا بقبول|مع الشكر"
    r"|此致|顺颂|祝好|谢谢|敬礼"
    # A sign-off may end in full-width punctuation ("谢谢！", "此致。").
    r")[\s,.!:،！。，：]*$",
    re.IGNORECASE,
)
# The closing formula of a note verbale; what follows is place, date, stamp.
_NOTE_CLOSING_RE: Final = re.compile(
    r"avails itself of (?:this|the) opportunity|saisit cette occasion|"
    r"aprovecha (?:la|esta) (?:oportunidad|ocasi[óo]n)|пользуется (?:этой|случаем|возможностью)|"
    r"تغتنم|顺致最崇高的敬意|借此机会|"
    # "Veuillez agréer … l'assurance de notre haute considération.", "وتفضلوا بقبول فائق الاحترام."
    r"^\s*veuillez agr[ée]er\b|^\s*وتفضلوا بقبول",
    re.IGNORECASE,
)
# What makes a tail worth keeping: a delegation list after the sign-off (annexes).
_LIST_TAIL_RE: Final = re.compile(
    r"(?:^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-•*·▪])\s+\S)|\|"
    r"|composition|delegation|d[ée]l[ée]gation|delegaci[óo]n|делегаци|الوفد|代表团",
    re.IGNORECASE | re.MULTILINE,
)


def strip_quoted(text: str) -> str:
    """Return the reply without quoted history or our pasted invitation."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    skip_headers = False
    for index, line in enumerate(lines):
        if _FORWARD_RE.match(line):
            # A forwarded note is the mission's content: keep it, drop the
            # marker, and drop the cover note's sign-off and signature, which
            # would otherwise end the body before the forwarded names.
            kept = split_signature("\n".join(kept))[0].split("\n") if kept else kept
            skip_headers = True
            continue
        if _is_header_block(lines, index):
            if len(" ".join(kept).split()) > 6 and not skip_headers:
                if not _forwards_a_reply(kept, lines[index]):
                    break
                _drop_cover_signoff(kept)
            # Nothing written above the headers: the forwarded message is the reply.
            skip_headers = True
            continue
        if skip_headers:
            if _HEADER_LINE_RE.match(line):
                continue
            skip_headers = False
        if _CUT_LINE_RE.match(line) or _INVITATION_RE.search(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    # "On ... wrote:" often wraps onto two lines; drop a dangling first half.
    while kept and re.match(r"^\s*(?:on|le|el)\s.{5,200}(?:,|<[^>]*>?)\s*$", kept[-1], re.I) \
            and not kept[-1].strip().endswith("."):
        if not re.search(r"\d{4}|\d{1,2}:\d{2}", kept[-1]):
            break
        kept.pop()
    return "\n".join(kept).strip()


def _drop_cover_signoff(kept: list[str]) -> None:
    for index, line in enumerate(kept):
        if _SIGNOFF_RE.match(line):
            del kept[index:]
            return


def _forwards_a_reply(kept: list[str], from_line: str) -> bool:
    """Whether the header block at `from_line` opens a message the mission forwards as its
    answer, not our own invitation quoted below the reply."""
    if _OUR_SENDER_RE.search(from_line):
        return False
    return _FORWARD_ANNOUNCED_RE.search("\n".join(kept[-6:])) is not None


def _is_header_block(lines: list[str], index: int) -> bool:
    if not FROM_LINE_RE.match(lines[index]):
        return False
    return any(_SENT_RE.match(line) for line in lines[index + 1 : index + 5])


def split_signature(text: str) -> tuple[str, str | None]:
    """Split a reply into (body, signature); signature is None when none is found.

    The signature starts at the first sign-off or note-verbale closing formula
    that is not followed by a delegation list (lists annexed after the
    closing formula stay in the body).
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        closing = _NOTE_CLOSING_RE.search(line)
        if not (_SIGNOFF_RE.match(line) or closing):
            continue
        tail = "\n".join(lines[index + 1 :])
        if _LIST_TAIL_RE.search(tail) and _tail_has_list(tail):
            continue
        # The closing formula is the last sentence of the body proper.
        cut = index + 1 if closing else index
        body = "\n".join(lines[:cut]).rstrip()
        signature = "\n".join(lines[cut:]).strip()
        return body, (signature or None)
    return text, None


def _tail_has_list(tail: str) -> bool:
    rows = [line for line in tail.split("\n") if line.strip()]
    # One row of cells is no table: "新加坡常驻代表团 | 何佩珊" is a signature.
    cells = sum(1 for line in rows if "|" in line)
    listed = (cells if cells >= 2 else 0) + sum(
        1 for line in rows
        if "|" not in line and re.match(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-•*·▪])\s+\S", line)
    )
    return listed >= 1 and bool(re.search(
        r"composition|delegation|d[ée]l[ée]gation|delegaci[óo]n|делегаци|الوفد|代表团|"
        r"name|nom|nombre|имя|الاسم|姓名", tail, re.IGNORECASE))

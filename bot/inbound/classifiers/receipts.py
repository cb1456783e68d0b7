"""Automatic answers that carry no auto-reply header: read and delivery
receipts written as plain text, and challenge-response filters ("I am
protected by ..., please confirm you are a person").

They come from the mission's own address and often quote our subject after
"Read:" or "Re:", so the matcher would tie them to the mission with
certainty; without this rule one would count as the mission's answer. They
are auto-replies: matched for the record, never an answer.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import Classification, find_original
from bot.inbound.parse.message import ParsedMessage

_WINDOW = 1500
# A receipt says it in the subject and in the text, in the client's language.
_RECEIPT_SUBJECT = re.compile(
    r"^\s*(read|not read|lu|non lu|leído|leido|no leído|прочитано|прочитан[оа]?|не прочитано|"
    r"تمت القراءة|مقروءة|غير مقروءة|已读|已讀|未读|gelesen|letto|delivered|remis|entregado|"
    r"доставлено|تم التسليم|已送达|已傳遞|已传递)\s*[:：]",
    re.IGNORECASE,
)
_RECEIPT_TEXT = re.compile(
    r"was read on|was deleted without being read|has been delivered to the following|"
    r"delivery to these recipients or groups is complete|"
    r"a été lu le|a été supprimé sans avoir été lu|"
    r"remise à ces destinataires ou groupes est terminée|"
    r"fue leído el|se eliminó sin leer|entrega a estos destinatarios o grupos se completó|"
    r"(было|был) прочитано?|удалено без прочтения|доставка .{0,40}выполнена|"
    r"تمت قراءة|تم حذف .{0,40}دون قراءتها|اكتمل التسليم|"
    r"已于.{0,40}阅读|已於.{0,40}讀取|未读即被删除|已完成向这些收件人或组的传递",
    re.IGNORECASE,
)
# Challenge-response filters: two of these, never one alone.
_CHALLENGE = (
    re.compile(r"challenge|protected by|spam ?arrest|boxbe|mailwasher|sanebox|"
               r"anti-?spam (system|filter|service)|filtre anti-?spam|filtro anti-?spam|"
               r"антиспам|مكافحة البريد العشوائي|反垃圾", re.IGNORECASE),
    re.compile(r"(verify|confirm|prove) (that )?you are (a )?(human|real person|person)|"
               r"confirm (that )?you sent|(approved|allowed|accepted) senders?( list)?|whitelist|"
               r"(held|quarantined|pending) (until|pending) (verification|confirmation|you)|"
               r"awaiting (your )?(verification|confirmation)|"
               r"confirme[rz]? (que )?vous (êtes|avez envoyé)|liste blanche|"
               r"confirme (que )?(es usted|usted envió)|lista blanca|"
               r"подтвердите,? что вы|белый список|"
               r"تأكيد أنك|القائمة البيضاء|确认您是|白名单",
               re.IGNORECASE),
)


class ReceiptOrChallenge:
    """Text read/delivery receipts and challenge-response requests."""

    name = "receipt_or_challenge"

    def check(self, msg: ParsedMessage) -> Classification | None:
        text = msg.text[:_WINDOW]
        reason = None
        if _RECEIPT_SUBJECT.match(msg.subject) and _RECEIPT_TEXT.search(text):
            reason = "read or delivery receipt (text)"
        elif all(rule.search(f"{msg.subject}\n{text}") for rule in _CHALLENGE):
            reason = "challenge-response filter"
        if reason is None:
            return None
        msgid, subject = find_original(msg)
        return Classification(kind="auto_reply", classifier=self.name, reason=reason,
                              original_message_id=msgid, original_subject=subject)

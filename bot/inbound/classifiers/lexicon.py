"""Words the classifiers share, in the six languages missions write in
(English, French, Spanish, Russian, Arabic, Chinese) plus the few other
languages mail systems localise their notices into.

Kept apart from the rules so that adding a prefix or a phrase is a one-line
change with a test in ``tests/corpus/classify/families/tune``.
"""

from __future__ import annotations

import re

# Subject prefixes a person's mail client adds when replying.
REPLY_PREFIX = re.compile(
    r"^\s*(re|aw|sv|vs|r|ref|réf|antw|odp|ynt|答复|回复|回覆|答覆|ответ|отв|на|رد)\s*(\[\d+\])?\s*[:：]",
    re.IGNORECASE,
)
# ... and when forwarding (en, fr, es, ru, ar, zh, and common others).
FORWARD_PREFIX = re.compile(
    r"^\s*(fwd?|tr|rv|reenv|enc|wg|i|doorst|vb|vl|переслать|пересл|пересылка|fw|"
    r"إعادة توجيه|اعادة توجيه|توجيه|转发|轉寄|转寄|轉發)\s*[:：]",
    re.IGNORECASE,
)

# A line that opens the forwarded or quoted copy inside a message text.
FORWARD_MARKER = re.compile(
    r"^[ \t>]*(?:"
    r"-{2,}[ \t]*(?:forwarded message|original message|message d'origine|message original|"
    r"message transféré|mensaje original|mensaje reenviado|пересылаемое сообщение|"
    r"исходное сообщение|перенаправленное сообщение|الرسالة الأصلية|رسالة مُعاد توجيهها|"
    r"رسالة معاد توجيهها|原始邮件|原始郵件|转发的邮件|轉寄的郵件|weitergeleitete nachricht|"
    r"ursprüngliche nachricht|messaggio originale|messaggio inoltrato)[ \t]*-{0,}"
    r"|_{8,}[ \t]*$"
    r"|begin forwarded message:|début du message réexpédié|début du message réenvoyé|"
    r"inicio del mensaje reenviado"
    r"|(?:from|de|von|da|от|من|发件人|寄件者)[ \t]*[:：].{0,200}\n[ \t>]*"
    r"(?:sent|date|envoyé|enviado(?: el)?|fecha|gesendet|inviato|дата|отправлено|"
    r"تاريخ الإرسال|التاريخ|أرسل|أرسلت|مرسل|发送时间|日期|寄件日期)[ \t]*[:：]"
    r")",
    re.IGNORECASE | re.MULTILINE,
)

# Header lines of a copy quoted in a text (a forward, or a bounce that
# shows the original's headers), whatever the client's language.
QUOTED_FROM = re.compile(
    r"^[ \t>]*(?:from|de|von|da|от|من|发件人|寄件者)[ \t]*[:：][ \t]*(.{1,300})$",
    re.IGNORECASE | re.MULTILINE,
)
QUOTED_SUBJECT = re.compile(
    r"^[ \t>]*(?:subject|objet|asunto|betreff|oggetto|assunto|тема|الموضوع|主题|主旨)"
    r"[ \t]*[:：][ \t]*(.{1,500})$",
    re.IGNORECASE | re.MULTILINE,
)

# What a daemon calls itself in a From line (also Exchange's system mailbox).
DAEMON_FROM = re.compile(
    r"mailer[-_ ]?daemon|mail[-_ ]?daemon|postmaster|mail delivery|microsoft ?outlook|"
    r"microsoftexchange[0-9a-f]{8,}|system administrator|почтов\w* (систем|служб)|"
    r"系统管理员|系统退信|邮件系统|نظام البريد|مدير النظام",
    re.IGNORECASE,
)

# A person answering the invitation: a decision, a participation, a
# delegation being named. Nouns alone ("delegation") are not enough: a
# phishing lure can name a "Delegation_List.pdf".
DECISION = re.compile(
    r"\b(?:will|shall|would|to|cannot|can ?not|unable to|not be able to|pleased to|happy to)"
    r" (?:attend|participate|take part|be represented|join)|"
    r"\b(?:will be|is) (?:headed|led|composed|represented)|\bheaded by\b|\bled by\b|"
    r"\bregrets? (?:that|to)\b|\bdecline[sd]?\b|"
    r"\bconfirm(?:s|ed)? (?:its|our|the)? ?participation|"
    r"\bparticipera\b|\bparticiperont\b|\bassistera\b|"
    r"\bsera (?:conduite|dirigée|composée|représentée)|"
    r"\bne pourra pas\b|\bregrette\b|\bconfirme (?:sa|notre|la) participation|"
    r"\bparticipará[n]?\b|\basistirá[n]?\b|\b(?:estará|será) (?:presidida|encabezada|integrada|"
    r"compuesta|representada)|\bno podrá\b|\blamenta\b|\bconfirma (?:su|nuestra) participación|"
    r"примет участие|примут участие|принять участие|возглавит|возглавляет|в составе|"
    r"не сможет|сожалени|подтвержда\w* участие|"
    r"مشارك|سيشارك|ستشارك|سيرأس|يرأس|برئاسة|يتعذر|يعتذر|الاعتذار|حضور|"
    r"出席|参加|与会|率团|团长|不能参加|无法出席|确认参会",
    re.IGNORECASE,
)
# A person named with an honorific: a delegate list.
HONORIFIC_NAME = re.compile(
    r"\b(?:H\.\s?E\.|S\.\s?E\.|Mr|Mrs|Ms|Dr|M|Mme|Sr|Sra|Excmo|Amb)\.?\s+[A-ZÀ-Ý][\w'-]+\s+[A-ZÀ-Ý]|"
    r"\b(?:г-н|г-жа|господин|госпожа)\s+[А-ЯЁ]|"
    r"(?:السيد|السيدة|سعادة)\s+\S+|"
    r"[\u4e00-\u9fff]{1,3}(?:先生|女士|大使|参赞)",
)


def has_answer_words(text: str) -> bool:
    """True when ``text`` reads like a person answering the invitation."""
    return bool(DECISION.search(text) or HONORIFIC_NAME.search(text))

# Bounce subjects and texts in the languages mail systems localise into,
# beyond the English of bounce_text (Exchange, Gmail, QQ/163, Yandex, ...).
BOUNCE_SUBJECT_L10N = (
    r"unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|übermittlungsfehler|"
    r"non recapitabile|mancato recapito|recapito non riuscito|impossibile recapitare|"
    r"não entregue|falha na entrega|onbestelbaar|"
    r"non[- ]remis|non distribuable|informe de no entrega|отч[её]т о недоставке|недоставк|"
    r"تقرير عدم التسليم|échec de (la )?remise|remise différée|message non délivré|"
    r"no se puede entregar|no se pudo entregar|no entregado|imposible (de )?entregar|"
    r"error de entrega|entrega (retrasada|demorada)|"
    r"недоставлен|недоставля|не доставлено|не удается доставить|не удалось доставить|"
    r"невозможно доставить|ошибка доставки|доставка задерживается|задержка доставки|"
    r"غير قابل للتسليم|تعذّ?ر التسليم|فشل التسليم|لم يتم التسليم|تأخ[ّ]?ر التسليم|"
    r"تأخير التسليم|فشل تسليم|"
    r"未能投递|退信|投递失败|无法投递|无法传递|未送达|邮件被退回|傳遞失敗|無法傳遞|無法投遞|"
    r"延迟投递|延遲傳遞|投递延迟|传递延迟|延迟[:：]|配信できません|メールエラー|配送エラー"
)
BOUNCE_BODY_L10N = (
    r"impossible de remettre|n'a pas pu être (remis|distribué)|adresse (de messagerie )?"
    r"(que vous avez entrée )?(est )?introuvable|destinataire inconnu|échec de (la )?remise|"
    r"error en la entrega|no se (pudo|puede) entregar|no se encontró la dirección|"
    r"destinatario desconocido|"
    r"не было доставлено|не доставлено|не удалось доставить|адрес\w* получателя не существует|"
    r"получатель не найден|ошибка доставки|не может быть доставлено|"
    r"تعذّ?ر التسليم|لم يتم العثور على عنوان|فشل التسليم|غير قابل للتسليم|لم يتم تسليم|"
    r"无法将邮件传递|无法投递|退信原因|收件人地址不存在|找不到.{0,6}电子邮件地址|被退回|投递失败|"
    r"用户不存在|無法傳遞|"
    r"zustellung .{0,40}fehlgeschlagen|konnte nicht zugestellt|unzustellbar|empfänger unbekannt|"
    r"impossibile raggiungere|non è stato recapitato|recapito non riuscito|"
    r"destinatario sconosciuto|"
    r"送信に失敗|配信できません"
)
BOUNCE_DELAY_L10N = (
    r"remise différée|continuera (d'essayer|à essayer)|seguirá intentando|entrega retrasada|"
    r"доставка задерживается|задержка доставки|будут продолжены|"
    r"تأخ[ّ]?ر التسليم|سنواصل المحاولة|سيستمر الخادم في محاولة|"
    r"延迟投递|投递延迟|延遲傳遞|将继续尝试|"
    r"zustellung verzögert|consegna ritardata"
)

"""Phishing: "your mailbox is full, verify your account", "confirm your
password", overdue-invoice scams, fake "shared a document with you" notices,
in the six languages.

A lure is a request to act on an account, a payment or a document behind a
link. Outside a conversation with us it is unrelated mail. Inside one (a
reply to our invitation, or a text that answers it), the lure may be a
hijacked thread or a mission sharing its note through a link: the message
stays a reply, but carries the flag ``suspect_phishing`` so a person looks
at it before anything is recorded. A mission's genuine reply is never
dropped by this rule.
"""

from __future__ import annotations

import re

from bot.inbound.classifiers.base import Classification
from bot.inbound.classifiers.lexicon import REPLY_PREFIX, has_answer_words
from bot.inbound.parse.message import ParsedMessage

_WINDOW = 4000

# Each family of lure, by language; one hit in a family counts once.
_LURES: dict[str, re.Pattern[str]] = {
    "account": re.compile(
        r"verify (your )?(e-?mail |email )?(account|identity|mailbox)|"
        r"(confirm|validate|update|reactivate|restore|unlock|upgrade) (your )?"
        r"(e-?mail )?(password|account|mailbox|credentials|login)|"
        r"account (will be|has been|is being) (suspended|deactivated|closed|disabled|"
        r"terminated|locked|blocked)|unusual (sign-?in|login|activity)|"
        r"password (expires|will expire|has expired)|"
        r"v[ée]rifie[rz]? (votre )?compte|valide[rz]? (votre )?compte|"
        r"confirme[rz]? (votre )?mot de passe|compte sera (suspendu|désactivé|fermé|bloqué)|"
        r"verifi(que|car) (su )?cuenta|confirm(e|ar) (su )?contraseña|"
        r"cuenta (será|ha sido) (suspendida|desactivada|bloqueada|cerrada)|actividad inusual|"
        r"подтверд\w* (свою |вашу )?(учетную|учётную) запись|подтверд\w* (свой |ваш )?пароль|"
        r"(учетная|учётная) запись будет (заблокирована|отключена|удалена)|избежать блокировки|"
        r"التحقق من حسابك|تحقق من حسابك|تأكيد كلمة المرور|(إيقاف|تعليق|تعطيل) (الحساب|حسابك)|"
        r"验证您?的?(账户|帐户|账号|帳戶)|确认您?的?密码|(账户|帐户|账号)将被(停用|冻结|注销|关闭)|"
        r"异常登录",
        re.IGNORECASE,
    ),
    "mailbox": re.compile(
        r"mailbox (is |has )?(full|over ?quota|almost full|exceeded)|"
        r"exceeded (its|your|the) (storage|quota|limit)|storage (limit|quota)|"
        r"(pending|held|blocked) (incoming )?messages|release (your )?(held |pending )?messages|"
        r"bo[iî]te (aux lettres|mail|de réception) (est )?(pleine|saturée)|limite de stockage|"
        r"buz[óo]n (está )?(lleno|saturado)|límite de almacenamiento|"
        r"(почтовый )?ящик переполнен|превышен (лимит|объ[её]м)|"
        r"صندوق بريدك ممتلئ|تجاوز صندوق بريدك|"
        r"邮箱(空间)?已满|信箱已滿|邮箱容量",
        re.IGNORECASE,
    ),
    "payment": re.compile(
        r"invoice\b.{0,60}\b(overdue|outstanding|past due|unpaid)|overdue (invoice|payment)|"
        r"(immediate|urgent) payment|payment (is )?overdue|"
        r"bank (details|account) (have|has) (changed|been updated)|new bank account|"
        r"facture.{0,40}(impayée|en retard|en souffrance)|paiement (immédiat|requis)|"
        r"factura.{0,40}(vencida|pendiente de pago|impaga)|pago inmediato|"
        r"сч[её]т.{0,40}(просрочен|не оплачен)|срочн\w* оплат|"
        r"فاتورة.{0,40}(مستحقة|متأخرة|غير مدفوعة)|"
        r"发票.{0,20}(逾期|未付)|立即付款",
        re.IGNORECASE,
    ),
    "document": re.compile(
        r"shared (a |an )?(file|document|folder|link)s? with you|has shared .{1,80} with you|"
        r"sent you a (secure |encrypted )?(document|file|message|fax)|secure (message|document)|"
        r"review and sign|e-?signature (request|required)|"
        r"sign in (with your (e-?mail|email) and password )?to (view|access|open|download)|"
        r"a partagé (un|le|des) (fichier|document)|ha compartido (un|el) (archivo|documento)|"
        r"предоставил\w* (вам )?доступ к (файлу|документу)|"
        r"شارك (معك )?(ملف|مستند)|与您共享了",
        re.IGNORECASE,
    ),
}
# Every lure and credential phrase above contains one of these stems; a
# text with none of them is skipped cheaply (tests hold the corpus to it).
_STEMS = (
    "verif", "confirm", "valid", "update", "reactivat", "restor", "unlock", "upgrad", "account",
    "unusual", "password", "mailbox", "exceeded", "storage", "pending", "held", "blocked",
    "release", "invoice", "overdue", "payment", "bank", "share", "sent you", "secure", "sign",
    "compte", "mot de passe", "boîte", "boite", "limite", "facture", "paiement", "partagé",
    "cuenta", "contraseña", "buzón", "buzon", "límite", "factura", "pago", "compartido",
    "actividad", "saisir", "ingrese", "introduzca", "учетн", "учётн", "пароль", "ящик",
    "превышен", "блокировк", "сч", "оплат", "доступ", "введите", "подтверд",
    "حساب", "كلمة المرور", "صندوق", "فاتورة", "شارك", "أدخل", "تأكيد", "إيقاف", "تعليق", "تعطيل",
    "账户", "帐户", "账号", "帳戶", "密码", "邮箱", "信箱", "发票", "付款", "共享", "异常",
    "enter", "provide", "type",
)
# Asking for the secret itself, in any language: a strong cue on its own.
_CREDENTIALS = re.compile(
    r"(enter|confirm|verify|provide|type|sign in with) (your )?(e-?mail )?(and )?password|"
    r"(saisir|confirmer) (votre )?mot de passe|(ingrese|introduzca|confirme) (su )?contraseña|"
    r"(введите|подтвердите) (свой |ваш )?пароль|(أدخل|تأكيد) كلمة المرور|(输入|确认)(您的)?密码",
    re.IGNORECASE,
)
_URGENCY = re.compile(
    r"within (24|48|72) hours|immediately|today|will expire|permanent(ly)? (closure|closed|"
    r"deleted)|sous (24|48) heures|dans les (24|48)|immédiat|aujourd'hui|"
    r"en (24|48) horas|dentro de (24|48)|inmediat[oa]|hoy\b|urgente|"
    r"в течение (24|48)|(24|48) час|срочн|сегодня|немедленно|"
    r"خلال (24|48)|فورا|فوراً|عاجل|اليوم|"
    r"(24|48)小时内|立即|马上|尽快|今天",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://([^/\s\"'<>?#]+)[^\s\"'<>]*", re.IGNORECASE)
_LOGIN_PATH = re.compile(r"login|signin|sign-in|verify|valid|confirm|account|password", re.I)
_RISKY_TYPES = {"text/html", "application/zip", "application/x-zip-compressed",
                "application/x-msdownload", "application/javascript", "application/x-iso9660-image"}
_RISKY_NAMES = (".html", ".htm", ".shtml", ".zip", ".iso", ".img", ".exe", ".js", ".svg")
_SHORTENERS = {"bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "cutt.ly",
               "rebrand.ly", "t.ly", "rb.gy", "shorturl.at", "tiny.cc"}
# Where missions really share their notes: a link there is not suspicious.
_FILE_HOSTS = ("sharepoint.com", "onedrive.live.com", "1drv.ms", "drive.google.com",
               "docs.google.com", "dropbox.com", "box.com", "wetransfer.com", "we.tl")


def _domain(host: str) -> str:
    labels = host.lower().strip(".").split(":")[0].split(".")
    return ".".join(labels[-2:]) if len(labels) >= 2 else host.lower()


def _links(msg: ParsedMessage, text: str) -> tuple[list[str], list[str]]:
    """Hosts linked to (file-sharing hosts left out), and those that lead
    away from the sender: raw IPs, shorteners, foreign or login-looking links."""
    sender = _domain(msg.from_addr.rsplit("@", 1)[-1]) if "@" in msg.from_addr else ""
    hosts, bad = [], []
    for match in _URL.finditer(text):
        host = match.group(1).lower().split("@")[-1].split(":")[0]
        if any(host == h or host.endswith("." + h) for h in _FILE_HOSTS):
            continue
        hosts.append(host)
        foreign = re.fullmatch(r"[\d.]+", host) or host in _SHORTENERS or _domain(host) != sender
        if foreign or _LOGIN_PATH.search(match.group(0)):
            bad.append(host)
    return hosts, bad


def _risky_attachment(msg: ParsedMessage) -> bool:
    """An attached page or archive: how invoice lures carry their form."""
    for attachment in msg.attachments[:20]:
        name = attachment.filename_display.lower()
        if attachment.content_type.lower() in _RISKY_TYPES or name.endswith(_RISKY_NAMES):
            return True
    return False


def _html_text(msg: ParsedMessage) -> str:
    return msg.html[:_WINDOW * 4] if msg.html else ""


class Phishing:
    """Account, mailbox, payment and document lures (kind 8 of issue 17)."""

    name = "phishing"

    def check(self, msg: ParsedMessage) -> Classification | None:
        text = f"{msg.subject}\n{msg.text[:_WINDOW]}"
        lowered = text.lower()
        if not any(stem in lowered for stem in _STEMS):
            return None  # most replies: no lure word at all, no regex run
        families = sorted(name for name, rule in _LURES.items() if rule.search(text))
        credentials = _CREDENTIALS.search(text) is not None
        if not families and not credentials:
            return None
        hosts, links = _links(msg, f"{msg.text[:_WINDOW]}\n{_html_text(msg)}")
        attached = _risky_attachment(msg)
        urgency = _URGENCY.search(text) is not None
        cues = [*families, *(["credentials"] if credentials else []),
                *(["link to " + links[0]] if links else []),
                *(["attached page or archive"] if attached else []),
                *(["urgency"] if urgency else [])]
        # A lure needs a way to act: asking for the password, a link that
        # leads away, an attached form, or a link pressed by urgency. Words
        # alone ("is a payment required? please answer today") are a person's.
        action = (credentials or bool(links) or attached
                  or (bool(hosts) and (urgency or len(families) >= 2)))
        if not action:
            return None
        reason = "phishing lure: " + ", ".join(cues)
        # In a conversation with us, or answering the invitation: keep it,
        # but a person looks before anything is recorded.
        threaded = bool(msg.in_reply_to or msg.references or REPLY_PREFIX.match(msg.subject))
        if threaded or has_answer_words(msg.text[:_WINDOW]):
            return Classification(kind="reply", classifier=self.name,
                                  reason=f"suspect {reason}", flags=("suspect_phishing",))
        return Classification(kind="unrelated", classifier=self.name, reason=reason)

"""Words the extractor recognises, per language (en, fr, es, ru, ar, zh).

Everything language-specific lives here as data so that a desk officer who
meets a new phrasing can add it without touching the parsing code.  The
patterns are regular-expression fragments, matched case-insensitively on
text whose whitespace has been collapsed.
"""

from __future__ import annotations

import re
from typing import Final

LANGUAGES: Final = ("en", "fr", "es", "ru", "ar", "zh")

# Honorifics that precede a name, longest first so "H.E. Mr." wins over "H.E.".
# Single letters ("M.", "D.") are only honorifics before a capitalised word,
# which the parser checks; they are listed last for that reason.
HONORIFICS: Final[tuple[str, ...]] = (
    "His Excellency", "Her Excellency", "H. E.", "H.E.", "H.E", "Amb.", "Ambassador Dr.",
    "Pol. Col.", "Pol. Gen.", "Lt. Col.", "Col.", "Gen.", "Maj.", "Capt.", "Adv.", "Hon.",
    "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Prof.", "Mr", "Mrs", "Ms", "Dr", "Prof",
    "MR.", "MRS.", "MS.", "DR.", "PROF.", "MR", "MRS", "MS", "MME", "MLLE", "SR.", "SRA.",
    "Son Excellence", "S. E.", "S.E.", "S.E", "Mme.", "Mme", "Mlle.", "Mlle", "Pr.",
    "Monsieur l'Ambassadeur", "Madame l'Ambassadrice", "Monsieur", "Madame", "Mademoiselle",
    "Señor Embajador", "Señora Embajadora", "Señor", "Señora", "Señorita",
    "Excmo.", "Excma.", "Sr.", "Sra.", "Srta.", "Lic.", "Licda.", "Dña.", "Doña", "Dra.",
    "Ing.", "Don",
    "Его Превосходительство", "Ее Превосходительство", "Её Превосходительство",
    "Г-н", "Г-жа", "г-н", "г-жа", "Господин", "Госпожа", "господин", "госпожа", "д-р",
    "г-на", "г-жи", "г-ну", "г-же", "г-ном", "г-жой",
    "Д-р",
    "صاحب السمو الملكي", "صاحب السمو", "صاحبة السمو", "سمو", "الأمير", "الأميرة", "الشيخ",
    "الشيخة", "صاحب السعادة", "سعادة", "معالي", "السيدة", "السيد", "الآنسة", "الدكتورة",
    "الدكتور", "والسيدة", "والسيد", "وسعادة", "والدكتور", "والدكتورة",
    "M.", "D.",
)
SINGLE_LETTER_HONORIFICS: Final = frozenset({"M.", "D."})
# Ranks used as the form of address straight before a name ("Head of
# delegation: Ambassador Ahmed HASSAN", "Suppléant : le Conseiller Paul
# MARTIN", "Посол Иван ПЕТРОВ", "السفير أحمد حسن").  The rank becomes the
# honorific, as "Señor Embajador" and "السفير" already do.  Matched
# case-insensitively, only where an entry starts (see delegates._rank_addressed)
# or after another honorific ("H.E. Ambassador").
RANK_ADDRESSES: Final[tuple[str, ...]] = (
    "Ambassador", "Minister Counsellor", "Minister-Counsellor", "Minister Plenipotentiary",
    "Minister", "Counsellor", "Counselor", "First Secretary", "Second Secretary",
    "Third Secretary", "Attaché", "Attache", "Consul General", "Consul",
    "Ambassadeur", "Ambassadrice", "Ministre conseiller", "Ministre-conseiller",
    "Ministre plénipotentiaire", "Ministre", "Conseiller", "Conseillère",
    "Premier secrétaire", "Première secrétaire", "Deuxième secrétaire",
    "Troisième secrétaire", "Attachée", "Consul général",
    "Embajador", "Embajadora", "Ministro Consejero", "Ministra Consejera", "Ministro",
    "Ministra", "Consejero", "Consejera", "Primer Secretario", "Primera Secretaria",
    "Segundo Secretario", "Segunda Secretaria", "Tercer Secretario", "Tercera Secretaria",
    "Agregado", "Agregada", "Cónsul General", "Cónsul",
    "Посол", "Посланник", "Министр-советник", "Советник-посланник", "Советник",
    "Первый секретарь", "Второй секретарь", "Третий секретарь", "Атташе",
    "السفيرة", "السفير", "الوزير المفوض", "الوزيرة المفوضة", "المستشارة", "المستشار",
    "السكرتيرة الأولى", "السكرتير الأول", "السكرتيرة الثانية", "السكرتير الثاني",
    "السكرتيرة الثالثة", "السكرتير الثالث", "الملحقة", "الملحق",
)
# The same in Chinese, written after the name: "副团长：张明参赞".
ZH_RANK_ADDRESSES: Final = ("公使衔参赞", "参赞", "公使", "一等秘书", "二等秘书", "三等秘书",
                            "随员")
ZH_HONORIFICS: Final = ("大使阁下", "阁下", "先生", "女士", "博士", "小姐", "大使")
# Chinese puts the title before the name with no separator: "常驻代表王伟大使".
ZH_TITLE_ENDINGS: Final = (
    "代表", "大使", "参赞", "秘书", "随员", "司长", "处长", "局长", "主任", "公使", "领事",
    "检察官", "法官", "专家", "官员", "部长", "副部长", "顾问", "团长", "由", "包括", "：", ":",
)

# Particles that may sit lowercase inside a name.
NAME_PARTICLES: Final = frozenset({
    "van", "der", "den", "de", "la", "le", "del", "de la", "los", "las", "di", "da", "du",
    "dos", "das", "do", "von", "zu", "y", "e", "bin", "binti", "ibn", "bint", "al", "el",
    "ter", "ten", "af", "av", "بن", "بنت", "ابن", "épouse", "ép.", "née", "veuve", "vda.",
})

# Capitalised words that start a title, so they end a name written without a comma.
TITLE_STARTERS: Final = frozenset({
    "ambassador", "ambassadeur", "ambassadrice", "embajador", "embajadora", "permanent",
    "deputy", "first", "second", "third", "counsellor", "counselor", "conseiller",
    "conseillère", "consejero", "consejera", "minister", "ministre", "ministro", "ministra",
    "head", "chef", "jefe", "jefa", "director", "directeur", "directrice", "directora",
    "attaché", "attachée", "attache", "agregado", "agregada", "secretary", "secrétaire",
    "secretario", "secretaria", "premier", "première", "deuxième", "troisième", "primer",
    "primera", "segundo", "segunda", "tercer", "tercera", "representative",
    "représentant", "représentante", "representante", "expert", "experte", "experto",
    "experta", "legal", "senior", "chief", "officer", "adviser", "advisor", "asesor",
    "asesora", "consul", "judge", "juge", "juez", "jueza", "prosecutor", "procureur",
    "fiscal", "chargé", "chargée", "alternate", "member", "membre", "miembro", "delegate",
    "délégué", "déléguée", "delegado", "delegada", "inspector", "inspecteur", "commissioner",
    "superintendent", "colonel", "lieutenant", "captain", "major", "general", "mission",
    "ministry", "ministère", "ministerio", "tel", "tél", "email", "e-mail",
    "посол", "постоянный", "постоянного", "советник", "первый", "второй", "третий",
    "атташе", "заместитель", "глава", "директор", "начальник", "руководитель", "эксперт",
    "старший", "консультант", "министр", "член", "тел", "сотрудник", "специалист",
    "السفير", "المندوب", "مندوب", "مستشار", "المستشار", "سكرتير", "السكرتير",
    "رئيس", "نائب", "عضو", "مدير", "الملحق", "ملحق", "الوزير", "وزير", "خبير", "الخبير",
    "قاض", "قاضي", "قاضٍ", "قاضية", "مستشارة", "باحث", "باحثة", "خبيرة", "سكرتيرة", "مديرة",
    "رئيسة", "وكيل", "نائبة", "ملحقة", "المندوبة", "مندوبة", "ضابط", "عقيد", "عميد", "لواء",
})

_ROLE_HEAD = (
    r"head of (?:the )?delegation", r"chef(?:fe)? de (?:la )?d[ée]l[ée]gation",
    r"jef[ea] de (?:la )?delegaci[óo]n", r"presidente? de (?:la )?delegaci[óo]n",
    r"глав[аы] делегации", r"руководител[ья] делегации", r"رئيس(?:ة)? الوفد",
    r"代表团团长", r"团长",
)
_ROLE_ALTERNATE = (
    r"deputy head of (?:the )?delegation", r"alternate head of (?:the )?delegation",
    r"chef(?:fe)? (?:de (?:la )?d[ée]l[ée]gation )?adjointe?(?: de (?:la )?d[ée]l[ée]gation)?",
    r"jef[ea] (?:adjunt[oa]|alterno|alterna) de (?:la )?delegaci[óo]n",
    r"заместител[ья] (?:главы|руководителя) делегации", r"نائب رئيس(?:ة)? الوفد", r"副团长",
)
_ROLE_HEAD_FIELD = (r"head", r"chef(?:fe)?", r"jef[ea]", r"глава", r"руководитель", r"رئيس(?:ة)?")
# Short words that only mean a role when they make up a whole field, so that
# "Alternate Permanent Representative" stays a title.
_ROLE_ALTERNATE_FIELD = (
    r"alternates?", r"alternate representatives?", r"alternate delegates?",
    r"suppl[ée]ante?s?", r"repr[ée]sentante?s? suppl[ée]ante?s?", r"suplentes?",
    r"representantes? (?:suplentes?|alternos?|alternas?)", r"alternos?",
    r"заместител[ьи]", r"مناوب(?:ون|ين)?", r"ممثل(?:ة)? مناوب(?:ة)?", r"副团长",
)
_ROLE_ADVISER_FIELD = (
    r"advis[eo]rs?", r"expert advis[eo]rs?", r"technical advis[eo]rs?",
    r"asesor(?:a|es|as)?", r"asesor(?:a)? t[ée]cnic[oa]", r"顾问",
)
# "Conseiller", "советник" and "مستشار" are also diplomatic ranks, so they are
# an adviser role only where the context says role: a role column, a role
# heading, parentheses, or "en qualité de".
_ROLE_ADVISER_CONTEXT = (
    r"conseill(?:er|ère|ers|ères)", r"советник(?:и)?", r"مستشار(?:ة|ون|ين)?",
    r"consejer[oa]s?", *_ROLE_ADVISER_FIELD,
)
_ROLE_MEMBER_FIELD = (
    r"members?(?: of (?:the )?delegation)?", r"delegates?",
    r"membres?(?: de (?:la )?d[ée]l[ée]gation)?",
    r"d[ée]l[ée]gu[ée]e?s?", r"miembros?(?: de (?:la )?delegaci[óo]n)?", r"delegad[oa]s?",
    r"член(?:ы)?(?: делегации)?", r"делегат(?:ы)?", r"عضو(?: الوفد)?", r"أعضاء(?: الوفد)?",
    r"代表团成员", r"成员", r"团员",
)


# Canonical spellings, for recognising a misspelt role ("Head of Delgation").
ROLE_PHRASES: Final = (
    ("head of delegation", "head"), ("head of the delegation", "head"),
    ("chef de délégation", "head"), ("chef de la délégation", "head"),
    ("jefe de delegación", "head"), ("jefa de delegación", "head"),
    ("jefe de la delegación", "head"), ("jefa de la delegación", "head"),
    ("глава делегации", "head"), ("руководитель делегации", "head"),
    ("deputy head of delegation", "alternate"), ("alternate head of delegation", "alternate"),
    ("chef adjoint de la délégation", "alternate"), ("jefe adjunto de la delegación", "alternate"),
    ("заместитель главы делегации", "alternate"),
    ("member of delegation", "member"), ("member of the delegation", "member"),
    ("membre de la délégation", "member"), ("miembro de la delegación", "member"),
    ("член делегации", "member"),
)


def _any(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(words) + ")"


ROLE_HEAD_RE: Final = re.compile(_any(_ROLE_HEAD), re.IGNORECASE)
ROLE_ALTERNATE_RE: Final = re.compile(_any(_ROLE_ALTERNATE), re.IGNORECASE)
ROLE_FIELD_RES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("alternate", re.compile(r"^" + _any(_ROLE_ALTERNATE) + r"$", re.IGNORECASE)),
    ("head", re.compile(r"^" + _any(_ROLE_HEAD) + r"$", re.IGNORECASE)),
    ("head", re.compile(r"^" + _any(_ROLE_HEAD_FIELD) + r"$", re.IGNORECASE)),
    ("alternate", re.compile(r"^" + _any(_ROLE_ALTERNATE_FIELD) + r"$", re.IGNORECASE)),
    ("adviser", re.compile(r"^" + _any(_ROLE_ADVISER_FIELD) + r"$", re.IGNORECASE)),
    ("member", re.compile(r"^" + _any(_ROLE_MEMBER_FIELD) + r"$", re.IGNORECASE)),
)
ROLE_ADVISER_CONTEXT_RE: Final = re.compile(
    r"^" + _any(_ROLE_ADVISER_CONTEXT) + r"$", re.IGNORECASE
)
# "en qualité de conseiller", "as adviser", "в качестве советника", "بصفة مستشار".
ROLE_AS_RE: Final = re.compile(
    r"^(?:as|in (?:the|his|her) capacity (?:as|of)|en (?:sa )?qualit[ée] de|en calidad de|"
    r"como|в качестве|بصفة|بصفته|作为|担任)\s+(.+)$",
    re.IGNORECASE,
)

# Labels in front of contact details.
EMAIL_LABEL_RE: Final = re.compile(
    r"^(?:e-?mail|courriel|mél|correo(?: electr[óo]nico)?|эл\.? ?почта|электронная почта|"
    r"e-?mail адрес|البريد(?: الإلكتروني)?|电子邮件|电子邮箱|邮箱)\s*[:：.]?\s*",
    re.IGNORECASE,
)
PHONE_LABEL_RE: Final = re.compile(
    r"(?:tel|t[ée]l[ée]?phone?|t[ée]l|tlf|tfno|telf|phone|mobile|mob|cell(?:ular)?|gsm|"
    r"portable|m[óo]vil|celular|тел(?:ефон)?|моб(?:ильный)?|сот(?:овый)?|هاتف|الهاتف|جوال|"
    r"الجوال|محمول|电话|手机|联系电话)\.?\s*(?:\([^)]*\))?\s*[:：.]?",
    re.IGNORECASE,
)
FAX_LABEL_RE: Final = re.compile(r"(?:fax|télécopie|факс|فاكس|传真)\s*[:：.]?", re.IGNORECASE)

# Table header cells, mapped to the field they name.
TABLE_HEADERS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("role", re.compile(
        r"^(?:role|r[ôo]le|function in (?:the )?delegation|fonction dans la d[ée]l[ée]gation|"
        r"funci[óo]n en la delegaci[óo]n|rol|роль(?: в делегации)?|функция в делегации|"
        r"الصفة(?: في الوفد)?|الدور|代表团职务|团内职务|职责)$", re.IGNORECASE)),
    ("honorific", re.compile(r"^(?:honorific|civilit[ée]|tratamiento|обращение|اللقب|称谓)$",
                             re.IGNORECASE)),
    ("name", re.compile(
        r"^(?:(?:full )?names?|nom(?: et pr[ée]nom)?|nom complet|pr[ée]nom et nom|nombres?|"
        r"nombre y apellidos?|nombre completo|имя|ф\.?\s?и\.?\s?о\.?|фамилия,? имя|"
        r"фамилия и имя|الاسم|اسم|姓名|名字)$", re.IGNORECASE)),
    ("title", re.compile(
        r"^(?:title|position|function|designation|titre|fonction|poste|cargo|t[íi]tulo|"
        r"puesto|должность|المنصب|الوظيفة|المسمى الوظيفي|职务|职位|职衔)$", re.IGNORECASE)),
    ("email", re.compile(
        r"^(?:e-?mail|courriel|correo(?: electr[óo]nico)?|эл\.? ?почта|электронная почта|"
        r"e-mail|البريد الإلكتروني|البريد|电子邮件|电子邮箱|邮箱)$", re.IGNORECASE)),
    ("phone", re.compile(
        r"^(?:tel\.?|t[ée]l[ée]phone|t[ée]l\.?|tel[ée]fono|phone|mobile|телефон|тел\.?|"
        r"الهاتف|هاتف|电话|联系电话|手机)$", re.IGNORECASE)),
    ("skip", re.compile(r"^(?:no\.?|n[°º]|#|№|№ п/п|الرقم|序号|编号)$", re.IGNORECASE)),
)



def header_kind(cell: str) -> str | None:
    """Which field a table header cell or a "Label:" names, if any."""
    cleaned = cell.strip(" :：.*").strip()
    for kind, pattern in TABLE_HEADERS:
        if pattern.match(cleaned):
            return kind
    return None


# Phrases that introduce a delegation list; names after them are trusted more.
DELEGATION_CUE_RE: Final = re.compile(
    r"delegat|composed as follows|as follows|following (?:persons?|officials?|delegates?)|"
    r"will be represented|represented by|will (?:also )?attend|will (?:also )?participate|"
    r"d[ée]l[ée]gation|comme suit|repr[ée]sent[ée]e? par|"
    r"delegaci[óo]n|siguiente|integrad[ao]|conformad[ao]|representad[ao] por|"
    r"делегаци|следующем составе|составе|представлен|"
    r"الوفد|وفد|على النحو التالي|"
    r"代表团|如下|出席|参加",
    re.IGNORECASE,
)

# Lines that end a delegate entry because they are plain prose again.
PROSE_RE: Final = re.compile(
    r"\b(?:avails itself|has the honou?r|presents its compliments|highest consideration|"
    r"saisit cette occasion|a l'honneur|présente ses compliments|haute considération|"
    r"aprovecha la|tiene el honor|saluda atentamente|alta consideraci[óo]n|"
    r"пользуется|имеет честь|свидетельствует|уважени)|"
    r"تغتنم|تتشرف|تهدي|الاحترام|顺致|谨|致意|敬意",
    re.IGNORECASE,
)

# Auto-replies: out of office and the like.
AUTO_REPLY_RE: Final = re.compile(
    r"out of (?:the )?office|on (?:annual )?leave until|automatic reply|auto-?reply|"
    r"limited access to (?:my )?e-?mail|absent(?:e)? du bureau|r[ée]ponse automatique|"
    r"je suis absente?|fuera de la oficina|respuesta autom[áa]tica|estar[ée] ausente|"
    r"ausente de la oficina|вне офиса|в отпуске|автоматический ответ|отсутствую|"
    r"خارج المكتب|رد تلقائي|في إجازة|自动回复|不在办公室|休假",
    re.IGNORECASE,
)


def _lang(**by_lang: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(p for pats in by_lang.values() for p in pats), re.IGNORECASE)


# Decision phrases.  A decline is stated ("regrets that it will not be able
# to attend"); an undecided reply defers ("will communicate the composition
# later"); an acceptance announces participation or a delegation.
DECLINE_RE: Final = _lang(
    en=(r"regrets? (?:to inform |that )?.{0,60}(?:not|unable)", r"unable to (?:attend|participate|"
        r"take part|send|be represented)", r"(?:will|would) not be (?:able|in a position) to",
        r"not (?:be )?in a position to (?:attend|participate|send|take part)",
        r"cannot (?:attend|participate|take part)", r"will not (?:attend|participate|take part|"
        r"be (?:represented|attending|participating))", r"must decline",
        r"declines? the invitation"),
    fr=(r"n'est pas en mesure", r"ne sera pas en mesure", r"ne pourra pas", r"ne peut pas "
        r"(?:participer|assister)", r"regrette de ne pas", r"ne participera pas",
        r"au regret de (?:vous )?(?:informer|faire savoir) qu", r"ne sera pas repr[ée]sent[ée]e?"),
    es=(r"lamenta", r"no podr[áa]", r"no le ser[áa] posible", r"no estar[áa] en (?:condiciones|"
        r"posibilidad)", r"no participar[áa]", r"imposibilitad[ao]", r"no asistir[áa]",
        r"no (?:estar[áa]|ser[áa]) representad[ao]"),
    ru=(r"не сможет", r"не име(?:ет|ется) возможности", r"не примет участи", r"не будет "
        r"представлен", r"не в состоянии", r"с сожалением", r"вынужден[ао]? отказаться"),
    ar=(r"يتعذر", r"تعذر", r"يأسف", r"تأسف", r"لن تتمكن", r"لن يتمكن", r"لن تشارك", r"لن يشارك",
        r"تعتذر", r"يؤسفها", r"ليس بإمكان"),
    zh=(r"无法出席", r"无法参加", r"不能出席", r"不能参加", r"不派", r"未能出席", r"无法派",
        r"遗憾地通知", r"不克出席"),
)
UNDECIDED_RE: Final = _lang(
    en=(r"acknowledges? (?:with thanks )?(?:the )?receipt", r"will (?:be )?(?:communicat|"
        r"inform|transmit|forward|notif|advis|confirm)\w*.{0,80}(?:later|in due course|"
        r"shortly|soon|as soon as|at a later)", r"(?:names|composition|details).{0,60}will be "
        r"(?:communicated|sent|provided|transmitted|forwarded|confirmed).{0,40}(?:later|in due "
        r"course|shortly|soon|as soon as|at a later|separately)", r"under consideration",
        r"is considering", r"not yet (?:been )?(?:decided|finali[sz]ed|determined)",
        r"will revert"),
    fr=(r"accuse r[ée]ception", r"communiquer(?:a|ont) ult[ée]rieurement", r"ult[ée]rieurement",
        r"en temps (?:utile|opportun)", r"sera communiqu[ée]e? (?:d[èe]s que|prochainement)",
        r"pas encore (?:[ée]t[ée] )?(?:arr[êe]t[ée]e|d[ée]termin[ée]e|fix[ée]e)"),
    es=(r"acusa(?:r)? recibo", r"comunicar[áa] (?:oportunamente|posteriormente|m[áa]s adelante)",
        r"oportunamente", r"m[áa]s adelante", r"en su debido momento", r"a la brevedad",
        r"posteriormente", r"a[úu]n no (?:ha sido|se ha) (?:definid|determinad|decidid)"),
    ru=(r"подтверждает получение", r"сообщ\w+ дополнительно", r"дополнительно сообщ\w+",
        r"будет сообщ\w+ (?:дополнительно|позднее|позже)", r"позднее", r"в ближайшее время",
        r"рассматривается"),
    ar=(r"سيتم إبلاغ", r"سيتم إخطار", r"ستبلغ", r"ستقوم بإبلاغ", r"لاحق(?:ا|اً)",
        r"تفيد باستلام", r"تؤكد استلام", r"تأكيد استلام", r"في وقت لاحق"),
    zh=(r"将另行通知", r"另行通知", r"另告", r"稍后通知", r"另行函告", r"尚未确定", r"随后告知"),
)
ACCEPT_RE: Final = _lang(
    en=(r"will (?:also )?(?:attend|participate|take part|"
        r"be (?:represented|attending|participating))",
        r"following (?:person|persons|delegates?|officials?)\b",
        r"(?:delegation|it) will be (?:composed|headed|led|as follows)", r"will be composed",
        r"as follows", r"(?:delegation|it) will be (?:headed|led) by", r"composition of (?:its|"
        r"the|his|her) delegation", r"is pleased to (?:inform|confirm|accept)",
        r"confirms? (?:its |the )?(?:participation|attendance)", r"following (?:persons|"
        r"delegates|officials|delegation)", r"accepts? the invitation", r"(?:will be|are) "
        r"attending",
        r"(?:delegation|delegates?) (?:consists|comprises|will comprise|will consist)",
        r"represented by"),
    fr=(r"participera", r"prendra part", r"assistera", r"composition de (?:sa|la) d[ée]l[ée]gation",
        r"sera compos[ée]e", r"sera conduite par", r"sera dirig[ée]e par",
        r"sera repr[ée]sent[ée]e?",
        r"confirme (?:sa|la) participation", r"comme suit"),
    es=(r"participar[áa]", r"asistir[áa]", r"integrad[ao] por", r"composici[óo]n de (?:la|su) "
        r"delegaci[óo]n", r"conformad[ao] por", r"encabezad[ao] por", r"presidid[ao] por",
        r"estar[áa] representad[ao]", r"confirma (?:su|la) participaci[óo]n", r"de la siguiente "
        r"manera", r"como sigue"),
    ru=(r"при(?:мет|мут) участие", r"состав делегации", r"возглав", r"в следующем составе",
        r"будет представлен", r"подтверждает участие", r"направ(?:ит|ляет) делегацию"),
    ar=(r"ستشارك", r"سيشارك", r"تشكيل(?:ة)? الوفد", r"يتألف الوفد", r"سيتكون الوفد", r"برئاسة",
        r"يسر", r"تؤكد مشاركة", r"على النحو التالي", r"سيمثل", r"ستمثل"),
    zh=(r"将出席", r"将派", r"派员出席", r"代表团组成", r"代表团成员", r"将参加", r"出席人员",
        r"名单如下", r"如下"),
)

# Amendment phrases: a follow-up that changes a delegation already announced.
FOLLOW_UP_RE: Final = _lang(
    en=(r"further to (?:its|our|the mission's) (?:(?:previous|earlier) )?(?:note|letter|e-?mail|"
        r"communication|message)", r"with reference to (?:its|our) (?:previous|earlier) "
        r"(?:note|letter|e-?mail)", r"in follow-?up to (?:its|our) (?:note|letter|e-?mail)"),
    fr=(r"(?:faisant |comme )?suite [àa] (?:sa|notre) (?:pr[ée]c[ée]dente )?(?:note|lettre|"
        r"communication|correspondance|message)", r"en compl[ée]ment [àa] sa note",
        r"se r[ée]f[ée]rant [àa] sa (?:pr[ée]c[ée]dente )?note"),
    es=(r"en seguimiento (?:a|de) su (?:nota|comunicaci[óo]n)", r"en alcance a su nota",
        r"complementa(?:ndo)? su nota", r"con referencia a su nota"),
    ru=(r"в дополнение к (?:своей )?ноте", r"в продолжение (?:своей )?ноты",
        r"ссылаясь на свою ноту"),
    ar=(r"إلحاق(?:ا|اً) (?:ب|لـ)?مذكرتها", r"إشارة إلى مذكرتها", r"بالإشارة إلى مذكرتها"),
    zh=(r"补充通知", r"继本团", r"继我团", r"继本代表团"),
)
# Follow-ups that can only mean the mission's own earlier note (UN notes say
# "its note" for the addressee's note too, so those need a replace/extend cue).
SELF_FOLLOW_UP_RE: Final = re.compile(
    r"(?:its|our) (?:previous|earlier) (?:note|letter|e-?mail)|further to our|"
    r"(?:sa|notre) pr[ée]c[ée]dente|suite [àa] notre|nota anterior|своей ноте|своей ноты|"
    r"свою ноту|إلحاق(?:ا|اً)|继本团|继我团|继本代表团|补充通知",
    re.IGNORECASE,
)
REPLACE_RE: Final = _lang(
    en=(r"replac\w*", r"instead of", r"in lieu of", r"substitut\w*", r"amend\w*",
        r"revised (?:composition|list)", r"change in the composition", r"no longer"),
    fr=(r"remplac\w*", r"au lieu de", r"modifi\w*", r"en lieu et place", r"ne fera plus partie"),
    es=(r"sustitu\w*", r"reemplaz\w*", r"en lugar de", r"en vez de", r"modific\w*"),
    ru=(r"вместо", r"замен\w*", r"изменени\w*", r"изменен\w*"),
    ar=(r"بدل(?:ا|اً) من", r"بدلا عن", r"يحل محل", r"تحل محل", r"تعديل"),
    zh=(r"替换", r"代替", r"取代", r"更换", r"改为", r"接替"),
)
EXTEND_RE: Final = _lang(
    en=(r"additional(?:ly)?", r"in addition", r"will also (?:attend|participate|be|join)",
        r"also (?:be part|be included|include|join|form part)", r"supplement\w*", r"be added"),
    fr=(r"en compl[ée]ment", r"suppl[ée]mentaire", r"s'ajout\w*", r"[ée]galement"),
    es=(r"complementa\w*", r"adicional\w*", r"adem[áa]s", r"tambi[ée]n", r"se sumar[áa]"),
    ru=(r"в дополнение", r"также", r"дополнительн\w+ (?:член|участник)", r"войд[её]т"),
    ar=(r"إضافة إلى", r"بالإضافة إلى", r"أيض(?:ا|اً)", r"إضافي"),
    zh=(r"补充", r"增加", r"增派", r"另外", r"追加"),
)

# An explicit statement of participation, stronger than a mere "delegation" cue.
PARTICIPATE_RE: Final = _lang(
    en=(r"will (?:also )?(?:attend|participate|take part|"
        r"be (?:represented|attending|participating))",
        r"confirms? (?:its |the )?(?:participation|attendance)", r"accepts? the invitation"),
    fr=(r"participera", r"prendra part", r"assistera", r"confirme (?:sa|la) participation",
        r"sera repr[ée]sent[ée]e?"),
    es=(r"participar[áa]", r"asistir[áa]", r"confirma (?:su|la) participaci[óo]n",
        r"estar[áa] representad[ao]"),
    ru=(r"при(?:мет|мут) участие", r"подтверждает участие", r"будет представлен"),
    ar=(r"ستشارك", r"سيشارك", r"تؤكد مشاركة", r"سيمثل", r"ستمثل"),
    zh=(r"将出席", r"将派", r"派员出席", r"将参加"),
)
STRONG_EXTEND_RE: Final = re.compile(
    r"additional (?:members?|delegates?|participants?|persons?|representatives?|experts?)|"
    r"in addition to (?:the|its|our) (?:delegation|delegates|members|persons|names|list)|"
    r"additionally|(?:be|been) added to|"
    r"en compl[ée]ment|membres? suppl[ée]mentaires?|s'ajouter|complementa|"
    r"miembros? adicional|se sumar[áa]|в дополнение|إضافة إلى|بالإضافة إلى|"
    r"补充|增派|追加",
    re.IGNORECASE,
)
_ARTICLES = r"(?:\s+(?:a|à|la|el|le|les|the|al|del|de|à la|a la))*\W{0,12}$"
# Text right before a name that makes it a contact, an addressee or a thanked
# person, not a delegate.
NOT_DELEGATE_BEFORE_RE: Final = re.compile(
    r"(?<!\w)(?:contact|contacter|contactar|dirigirse a|связаться с|обращаться к|الاتصال ب|联系|"
    r"dear|cher|ch[èe]re|estimad[oa]s?|querid[oa]|уважаем\w+|عزيزي|尊敬的|"
    r"thanks?|grateful to|merci [àa]|remercie|agradece(?:r)? a|благодар\w+|يشكر|感谢|"
    r"cc|c\.c\.|copy to|copie [àa]|attention(?: of)?|attn\.?|[àa] l'attention de|"
    r"a la atenci[óo]n de|вниманию|عناية|"
    r"focal point|point of contact|point focal|punto focal|контактное лицо)" + _ARTICLES,
    re.IGNORECASE,
)
# Text right before a name that says the person is being replaced: withdrawn.
REPLACED_BEFORE_RE: Final = re.compile(
    r"(?<!\w)(?:instead of|in lieu of|replac(?:e|es|ing)|in replacement of|remplacer?a?|"
    r"en remplacement de|"
    r"au lieu de|en lugar de|en sustituci[óo]n de|sustituir[áa]?|sustituye a|reemplaza a|"
    r"вместо|заменит|взамен|بدل(?:ا|اً)? من|محل|替换|代替|接替|取代)" + _ARTICLES,
    re.IGNORECASE,
)
# Text in the same sentence after a name that withdraws the person.
WITHDRAWN_AFTER_RE: Final = re.compile(
    r"(?:will no longer|is no longer|no longer|ne fera plus|ne pourra|ne participera|ya no|"
    r"no podr[áa]|no participar[áa]|больше не|не сможет|не будет|(?<!\S)لن(?!\S)|لم يعد|"
    r"不再|无法|将不|(?:will be|has been) replaced by|remplac[ée]e? par|sustituid[oa] por|"
    r"reemplazad[oa] por|заменен|سيحل محله|由.{1,12}(?:接替|替换|代替))",
    re.IGNORECASE,
)

"""Words the extractor recognises, per language (en, fr, es, ru, ar, zh).

The word lists (honorifics, ranks, title words, name particles, role labels,
decision phrases) live in lexicons/<language>.toml, so that a desk officer
who meets a new phrasing ("Lcda.") adds one line of data without touching
the parsing code; every language's lists are always consulted, because
missions mix languages.  The regular expressions built here from those lists,
and the few patterns that span languages, are matched case-insensitively on
text whose whitespace has been collapsed.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from typing import Any, Final

from bot.extract.alternation import merged

LANGUAGES: Final = ("en", "fr", "es", "ru", "ar", "zh")


@cache
def lexicon(language: str) -> dict[str, Any]:
    """The parsed lexicons/<language>.toml."""
    data = resources.files("bot.extract").joinpath("lexicons", f"{language}.toml").read_bytes()
    return tomllib.loads(data.decode("utf-8"))


def words(key: str) -> tuple[str, ...]:
    """Every language's list under `key`, in the order of LANGUAGES, without repeats."""
    merged: dict[str, None] = {}
    for language in LANGUAGES:
        merged.update(dict.fromkeys(lexicon(language).get(key, ())))
    return tuple(merged)


def _table(key: str) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for language in LANGUAGES:
        merged.update(lexicon(language).get(key, {}))
    return merged


def _decision(kind: str) -> tuple[str, ...]:
    return tuple(p for lang in LANGUAGES for p in lexicon(lang).get("decision", {}).get(kind, ()))


# Honorifics that precede a name; names.py tries the longest first.  Single
# letters ("M.", "D.") are also initials: only honorifics before a
# capitalised word, which the parser checks.
def _variants(entries: tuple[str, ...]) -> tuple[str, ...]:
    # Cyrillic ranks open a sentence or sit inside one ("Полковник юстиции",
    # "полковник полиции"): both spellings of the first letter are meant.
    # Arabic joins "and" and "by" to the next word ("والمهندس", "بالسيدة").
    out: dict[str, None] = {}
    for entry in entries:
        out[entry] = None
        if re.match(r"[а-яё]", entry, re.IGNORECASE):
            out[entry[0].upper() + entry[1:]] = None
            out[entry[0].lower() + entry[1:]] = None
        if entry.startswith(("ال", "سعادة", "معالي")):
            out.update(dict.fromkeys(prefix + entry for prefix in ("و", "ب", "وب")))
    return tuple(out)


# Plural forms of address shared by two names joined by "and" ("Mesdames Awa BA et Fanta
# SY", "los Sres. Gómez y Ruiz"), each with the singular given to every person.
PLURAL_HONORIFICS: Final = {k.casefold(): v for k, v in _table("plural_honorifics").items()}
HONORIFICS: Final = _variants(words("honorifics") + tuple(_table("plural_honorifics")))
# Honorifics that are also ordinary words or first names ("Sri Lanka", "Me"):
# only an honorific before a name of two words or more.
WEAK_HONORIFICS: Final = frozenset(words("weak_honorifics"))
SINGLE_LETTER_HONORIFICS: Final = frozenset(h for h in HONORIFICS if re.fullmatch(r"\w\.", h))
# Ranks used as the form of address straight before a name ("Head of
# delegation: Ambassador Ahmed HASSAN", "Посол Иван ПЕТРОВ", "السفير أحمد حسن").
# The rank becomes the honorific; matched case-insensitively, only where an
# entry starts (see bare_names.rank_addressed) or after another honorific.
# Russian writes a rank in lower case inside a sentence ("его будет сопровождать советник
# Дамир САТПАЕВ"): both spellings of a Cyrillic rank's first letter are meant.
RANK_ADDRESSES: Final = tuple(dict.fromkeys(
    variant for rank in words("ranks")
    for variant in ((rank, rank[0].lower() + rank[1:]) if re.match(r"[А-ЯЁ]", rank) else (rank,))
))
# Chinese writes the rank and the form of address after the name: "张明参赞".
ZH_RANK_ADDRESSES: Final = words("ranks_after_name")
ZH_HONORIFICS: Final = words("honorifics_after_name")
# Chinese puts the title before the name with no separator: "常驻代表王伟大使".
ZH_TITLE_ENDINGS: Final = words("title_endings")
ZH_NAME_OPENERS: Final = words("name_openers")
NAME_PARTICLES: Final = frozenset(words("particles"))
# Degrees and orders right after a name, before its title.
POSTNOMINALS_RE: Final = re.compile(
    r"^(?:[ \t]*,[ \t]*(?:" + "|".join(re.escape(w) for w in words("postnominals")) + r"))+"
    r"(?=[ \t]*(?:[,;\n]|$))"
)
# Abbreviations inside a name ("Nigel ST. HILL"): their full stop ends no sentence.
NAME_ABBREVIATIONS: Final = frozenset(words("name_abbreviations"))
# Lower-case words that end a name ("Фуад Ильхам оглы").
NAME_SUFFIXES: Final = frozenset(words("name_suffixes"))
# Chinese surnames, compound ones included: a bare name must start with one.
ZH_SURNAMES: Final = frozenset(words("surnames"))
# Capitalised words that start a title, so they end a name written without a comma.
TITLE_STARTERS: Final = frozenset(w.casefold() for w in words("title_words"))
# Words that end a name written without a comma: the title starters, and words that
# start no title (French "qui": "M. Paul Mbarga qui conduira la délégation").
# The extractor's readers test this set, also where they look for a title's first
# word: they took "qui" for one before the two lists were split, and a field such
# as "M. X, qui …" still reads the same. Only followup.stated (a title written
# beside a newcomer) and the Russian anchors test TITLE_STARTERS alone.
NAME_ENDERS: Final = TITLE_STARTERS | frozenset(w.casefold() for w in words("name_enders"))
# Canonical spellings, for recognising a misspelt role ("Head of Delgation").
ROLE_PHRASES: Final = tuple(_table("role_phrases").items())


def _any(patterns: tuple[str, ...]) -> str:
    return "(?:" + "|".join(patterns) + ")"


def _whole(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"^" + _any(patterns) + r"$", re.IGNORECASE)


class PhraseSet:
    """Phrases searched one by one: re cannot use a literal prefix to skip ahead in a
    big alternation, so a single combined pattern is several times slower."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = tuple(re.compile(p, re.IGNORECASE) for p in patterns)

    def search(self, text: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            match = pattern.search(text)
            if match:
                return match
        return None

    def sub(self, replacement: str, text: str) -> str:
        for pattern in self.patterns:
            text = pattern.sub(replacement, text)
        return text


def _lang(kind: str) -> PhraseSet:
    return PhraseSet(_decision(kind))


_ROLE_ALTERNATE = words("role_alternate")
ROLE_HEAD_RE: Final = re.compile(_any(words("role_head")), re.IGNORECASE)
# After a person and before the next: that person leads ("accompanied by", "率团").
ROLE_HEAD_AFTER_RE: Final = re.compile(_any(words("role_head_after")), re.IGNORECASE)
ROLE_ALTERNATE_RE: Final = re.compile(_any(_ROLE_ALTERNATE), re.IGNORECASE)
# Short words ("Head", "Alternate") only mean a role when they make up a
# whole field, so that "Alternate Permanent Representative" stays a title.
ROLE_FIELD_RES: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("alternate", _whole(_ROLE_ALTERNATE)),
    ("head", _whole(words("role_head"))),
    ("head", _whole(words("role_head_field"))),
    ("alternate", _whole(words("role_alternate_field"))),
    ("adviser", _whole(words("role_adviser_field"))),
    ("member", _whole(words("role_member_field"))),
)
# "Conseiller", "советник" and "مستشار" are also diplomatic ranks, so they are
# an adviser role only where the context says role: a role column, a role
# heading, parentheses, or "en qualité de".
ROLE_ADVISER_CONTEXT_RE: Final = _whole(
    words("role_adviser_context") + words("role_adviser_field")
)
# "随员" is also a rank: a member only where the context says role.
ROLE_MEMBER_CONTEXT_RE: Final = _whole(words("role_member_context"))

# "en qualité de conseiller", "as adviser", "в качестве советника", "بصفة مستشار".
ROLE_AS_RE: Final = re.compile(
    r"^(?:(?:as|in (?:the|his|her) capacity (?:as|of)|en (?:sa )?qualit[ée] de|en calidad de|"
    r"como|в качестве|بصفة|بصفته|作为|担任)\s+|en (?:sa )?qualit[ée] d['’]\s*)(.+)$",
    re.IGNORECASE,
)

# Labels in front of contact details.
# A contact label alone in a field ("بريد إلكتروني", "电邮", "Phone number"): no title.
CONTACT_LABELS: Final = "|".join(
    re.escape(w) for w in sorted(words("contact_labels"), key=len, reverse=True))
CONTACT_LABEL_RE: Final = re.compile(r"^(?:" + CONTACT_LABELS + r")\W*$", re.IGNORECASE)
EMAIL_LABEL_RE: Final = re.compile(
    r"^(?:e-?mail|courriel|mél|correo(?: electr[óo]nico)?|эл\.? ?почта|электронная почта|"
    r"e-?mail адрес|البريد(?: الإلكتروني)?|电子邮件|电子邮箱|邮箱)\s*[:：.]?\s*",
    re.IGNORECASE,
)
PHONE_LABEL_RE: Final = re.compile(
    r"(?:tel|t[ée]l[ée]?phone?|t[ée]l|tlf|tfno|telf|phone|mobile|mob|cell(?:ular)?|gsm|"
    r"portable|m[óo]vil|celular|тел(?:ефон)?|моб(?:ильный)?|сот(?:овый)?|هاتف|الهاتف|جوال|"
    r"الجوال|محمول|电话|手机|联系电话|联系方式)\.?\s*(?:\([^)]*\))?\s*[:：.]?",
    re.IGNORECASE,
)
# Words between a number and its extension ("ext. 204", "poste 312", "فرعي 204", "转 204").
EXTENSION_LABELS: Final = "|".join(sorted(words("extension_labels"), key=len, reverse=True))
FAX_LABEL_RE: Final = re.compile(r"(?:fax|télécopie|факс|فاكس|传真)\s*[:：.]?", re.IGNORECASE)

# Table header cells, mapped to the field they name.
TABLE_HEADERS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("role", re.compile(
        r"^(?:roles?|r[ôo]les?|"
        r"(?:function|capacity|role|position|status) (?:in|within|on) (?:the )?delegation|"
        r"capacity|status|(?:fonction|r[ôo]le|qualit[ée]) (?:dans|au sein de) la d[ée]l[ée]gation|"
        r"qualit[ée]|statut|funci[óo]n(?: (?:en|dentro de) la delegaci[óo]n)?|rol|calidad|"
        r"(?:rol|calidad|cargo) (?:en|dentro de) la delegaci[óo]n|"
        r"(?:роль|функция|статус) в (?:составе )?делегации|роль|статус|"
        r"الصفة(?: في الوفد)?|الدور(?: في الوفد)?|المهمة في الوفد|"
        r"(?:在)?代表团(?:中的)?(?:职务|身份)|团内(?:职务|身份)|职责|身份)$",
        re.IGNORECASE)),
    ("honorific", re.compile(r"^(?:honorific|civilit[ée]|tratamiento|обращение|اللقب|称谓)$",
                             re.IGNORECASE)),
    ("name", re.compile(
        r"^(?:(?:full |family |first )?names?(?: and (?:surname|first name)s?)?|"
        r"(?:surname|last name),? (?:and )?(?:first |given )?names?|name of (?:the )?delegate|"
        r"delegates?|participants?|"
        r"noms?(?:,? (?:et )?pr[ée]noms?)?|nom complet|pr[ée]noms?,? (?:et )?noms?|"
        r"nom du d[ée]l[ée]gu[ée]|d[ée]l[ée]gu[ée]e?s?|participants?|"
        r"nombres?(?:,? (?:y )?apellidos?)?|apellidos?,? (?:y )?nombres?|nombre completo|"
        r"delegad[oa]s?|participantes?|"
        r"имя|ф\.?\s?и\.?\s?о\.?|фамилия,? имя(?:,? отчество)?|фамилия и имя|"
        r"участник(?:и)?|الاسم(?: الكامل)?|اسم|الأسماء|姓名|名字|姓 名)$", re.IGNORECASE)),
    ("title", re.compile(
        r"^(?:(?:job )?titles?|positions?|functions?|designation|ranks?|post|grade|"
        r"(?:title|position)(?: and| ?/) ?(?:organi[sz]ation|institution|ministry)|"
        r"titres?|fonctions?|postes?|grade|titre(?: et| ?/) ?fonction|"
        r"fonctions? et (?:institution|minist[èe]re|administration)|"
        r"cargos?|t[íi]tulos?|puestos?|cargo(?: y| ?/) ?instituci[óo]n|"
        r"должност[ьи]|должность и (?:место работы|ведомство)|ранг|звани[ея]|функци[яи]|"
        r"المنصب|الوظيفة|المسمى الوظيفي|الصفة الوظيفية|الرتبة|职务|职位|职衔|职称|单位及职务)$",
        re.IGNORECASE)),
    ("email", re.compile(
        r"^(?:e-?mail|courriel|correo(?: electr[óo]nico)?|эл\.? ?почта|электронная почта|"
        r"e-mail|البريد الإلكتروني|البريد|电子邮件|电子邮箱|邮箱)$", re.IGNORECASE)),
    ("phone", re.compile(
        r"^(?:tel\.?|t[ée]l[ée]phone|t[ée]l\.?|tel[ée]fono|phone|mobile|телефон|тел\.?|"
        r"الهاتف|هاتف|电话|联系电话|手机)$", re.IGNORECASE)),
    ("skip", re.compile(r"^(?:no\.?|n[°º]|#|№|№ п/п|الرقم|序号|编号)$", re.IGNORECASE)),
)



# A header naming two fields at once: "Position, rank", "Titre et grade",
# "Function/Role in delegation", "职务/职称".
_HEADER_JOIN_RE: Final = re.compile(r"\s*(?:[/,;、，،]|\s(?:and|et|y|и|و)\s)\s*", re.IGNORECASE)


def header_kind(cell: str) -> str | None:
    """Which field a table header cell or a "Label:" names, if any.

    A header joining two known ones names the role if either part does (the
    cells hold "Head of delegation"), else the one field both parts name.
    """
    cleaned = cell.strip(" :：.*").strip()
    kind = _one_header_kind(cleaned)
    if kind is not None or len(cleaned) > 60:
        return kind
    parts = [p for p in _HEADER_JOIN_RE.split(cleaned) if p]
    if len(parts) < 2:
        return None
    kinds = {_one_header_kind(p) for p in parts}
    if kinds == {"role", "title"}:
        return "role"
    return kinds.pop() if len(kinds) == 1 else None


def _one_header_kind(cleaned: str) -> str | None:
    for kind, pattern in TABLE_HEADERS:
        if pattern.match(cleaned):
            return kind
    return None


# Phrases that introduce a delegation list; names after them are trusted more.
DELEGATION_CUE: Final = (
    r"delegat|composed as follows|as follows|following (?:persons?|officials?|delegates?)|"
    r"will be represented|represented by|will (?:also )?attend|will (?:also )?participate|"
    r"d[ée]l[ée]gation|comme suit|repr[ée]sent[ée]e? par|"
    r"delegaci[óo]n|siguiente|integrad[ao]|conformad[ao]|representad[ao] por|"
    r"делегаци|следующем составе|составе|представлен|"
    r"الوفد|وفد|على النحو التالي|المشاركين|المشاركون|"
    r"代表团|如下|出席|参加"
)
DELEGATION_CUE_RE: Final = merged(DELEGATION_CUE, re.IGNORECASE)

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
AUTO_REPLY_RE: Final = merged(
    r"out of (?:the )?office|on (?:annual )?leave until|automatic reply|auto-?reply|"
    r"limited access to (?:my )?e-?mail|absent(?:e)? du bureau|r[ée]ponse automatique|"
    r"je suis absente?|fuera de la oficina|respuesta autom[áa]tica|estar[ée] ausente|"
    r"ausente de la oficina|вне офиса|в отпуске|автоматический ответ|отсутствую|"
    r"خارج المكتب|رد تلقائي|في إجازة|自动回复|不在办公室|休假",
    re.IGNORECASE,
)


# Decision phrases (lexicons' [decision] tables).  A decline is stated
# ("regrets that it will not be able to attend"); an undecided reply defers
# ("will communicate the composition later"); an acceptance announces
# participation or a delegation.
# "I will represent Singapore myself": the signer is the delegation ([self] tables).
SELF_ATTENDANCE_RE: Final = PhraseSet(
    tuple(p for lang in LANGUAGES for p in lexicon(lang).get("self", {}).get("attendance", ())))
# "I will lead our delegation myself", "سأترأس الوفد": the signer heads it ([self] lead).
SELF_LEAD_RE: Final = PhraseSet(
    tuple(p for lang in LANGUAGES for p in lexicon(lang).get("self", {}).get("lead", ())))
# How a mail opens ("Dear Hans,", "Уважаемый г-н Грубер!"): [greeting] tables.
GREETING_RE: Final = re.compile(r"\s*(?:" + "|".join(
    p for lang in LANGUAGES for p in lexicon(lang).get("greeting", {}).get("openers", ()))
    + r")", re.IGNORECASE)
DECLINE_RE: Final = _lang("decline")
UNDECIDED_RE: Final = _lang("undecided")
ACCEPT_RE: Final = _lang("accept")
# Amendment phrases: a follow-up that changes a delegation already announced.
FOLLOW_UP_RE: Final = _lang("follow_up")
REPLACE_RE: Final = _lang("replace")
EXTEND_RE: Final = _lang("extend")
# An explicit statement of participation, stronger than a mere "delegation" cue.
PARTICIPATE_RE: Final = _lang("participate")
# Follow-ups that can only mean the mission's own earlier note (UN notes say
# "its note" for the addressee's note too, so those need a replace/extend cue).
SELF_FOLLOW_UP: Final = (
    r"(?:its|our) (?:previous|earlier) (?:note|letter|e-?mail)|further to our|"
    r"(?:sa|notre) pr[ée]c[ée]dente|suite [àa] notre|nota anterior|своей ноте|своей ноты|"
    r"свою ноту|إلحاق(?:ا|اً)|继本团|继我团|继本代表团|补充通知"
)
SELF_FOLLOW_UP_RE: Final = merged(SELF_FOLLOW_UP, re.IGNORECASE)

STRONG_EXTEND: Final = (
    r"additional (?:members?|delegates?|participants?|persons?|representatives?|experts?)|"
    r"in addition to (?:the|its|our) (?:delegation|delegates|members|persons|names|list)|"
    r"additionally|(?:be|been) added to|"
    r"en compl[ée]ment|membres? suppl[ée]mentaires?|s'ajouter|complementa|"
    r"miembros? adicional|se sumar[áa]|в дополнение|إضافة إلى|بالإضافة إلى|"
    r"补充|增派|追加"
)
STRONG_EXTEND_RE: Final = merged(STRONG_EXTEND, re.IGNORECASE)
_ARTICLES = r"(?:\s+(?:a|à|la|el|le|les|the|al|del|de|à la|a la))*\W{0,12}$"
# Text right before a name that makes it a contact, an addressee or a thanked
# person, not a delegate.
NOT_DELEGATE_BEFORE_RE: Final = re.compile(
    r"(?<!\w)(?:contact|contacter|contactar|dirigirse a|связаться с|обращаться к|الاتصال ب|联系|"
    r"dear|cher|ch[èe]re|estimad[oa]s?|querid[oa]|уважаем\w+|عزيزي|尊敬的|"
    r"thanks?|grateful to|merci [àa]|remercie|agradece(?:r)? a|благодар\w+|يشكر|感谢|"
    r"cc|c\.c\.|copy to|copie [àa]|copies?|copia|копия|نسخة(?: إلى)?|抄送|we copy|"
    r"of your team|de votre [ée]quipe|de su equipo|attention(?: of)?|attn\.?|[àa] l'attention de|"
    r"a la atenci[óo]n de|вниманию|عناية|"
    r"focal point|point of contact|point focal|punto focal|контактное лицо)" + _ARTICLES
    # A greeting on the same line: "Bonjour Monsieur Gruber", "Hi Ms. Lee".
    + r"|(?<!\w)(?:bonjour|bonsoir|hello|hi|good (?:morning|afternoon)|buenos d[íi]as|"
    r"buenas tardes|hola|добрый день|здравствуйте)[ \t]+$",
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
WITHDRAWN_AFTER_RE: Final = merged(
    r"(?:will no longer|is no longer|no longer|ne fera plus|ne pourra|ne participera|ya no|"
    r"no podr[áa]|no participar[áa]|больше не|не сможет|не будет|(?<!\S)لن(?!\S)|لم يعد|"
    r"不再|无法|将不|(?:will be|has been) replaced by|remplac[ée]e? par|sustituid[oa] por|"
    r"reemplazad[oa] por|заменен|سيحل محله|由.{1,12}(?:接替|替换|代替))",
    re.IGNORECASE,
)

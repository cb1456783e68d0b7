"""Where a follow-up names people already in the delegation, and what it says of them.

A follow-up often names a listed delegate by surname alone, in another
grammatical case ("Хольцера", "Ивановой"), or with details the extractor
does not read as a delegation: an e-mail sent later, a corrected title.
:func:`named_in` says whether a span names a recorded person;
:func:`details` reads, for a message that corrects or completes the
details of people already listed, their new e-mail, phone and title.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.extract.lexicon import NAME_ENDERS, NAME_PARTICLES
from bot.extract.names import HONORIFIC_RE, NOT_NAME_WORDS
from bot.extract.names_ru import declined_form, nominative, object_nominative, to_nominative
from bot.extract.phones import find_contacts
from bot.inbound.followup.chinese import first_mention
from bot.inbound.followup.cues import cue_patterns
from bot.inbound.followup.surnames import cyrillic as _cyrillic
from bot.inbound.followup.surnames import (
    first_surname_at,
    first_surname_named,
    named_by_inner_surname,
    stem_match,
    zh_named_by_surname,
)
from bot.inbound.followup.surnames import surname as _surname
from bot.inbound.followup.titles import title_after
from bot.results.delegation import Person, State, person_key

# A clause boundary: "Mr. B regrets that Austria will not…" speaks of Austria, not of Mr. B.
CLAUSE = re.compile(r"(?<!\w)(?:that|que|qu['’]|что|чтобы)(?!\w)|بأن|أن\s", re.IGNORECASE)
# How far after a mention its details may be written.
_SPAN = 300
# How far before a mention a cue naming its title may stand ("le titre de M. A est").
_LEAD = 25


def _han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def _short_named(window: str, part: str) -> bool:
    """A surname of two letters ("Ba", "Ли") is named only as a capitalised word of
    its own, after an honorific ("Mme Ba", "г-на Ли"), never inside "de la"."""
    return any(person_key(m.group(2)) == part and m.group(2)[:1].isupper()
               for m in _SHORT_RE.finditer(window)) or any(
        person_key(m.group(1)) == part for m in _SHORT_INITIAL_RE.finditer(window))


# A surname of two letters with an initial after it ("вместо Ли М."): a name too.
_SHORT_INITIAL_RE = re.compile(r"(?<!\w)([A-ZÀ-ÞА-ЯЁ]\w)\s+[A-ZÀ-ÞА-ЯЁ]\.")


_SHORT_RE = re.compile(r"(?<!\w)(M\.|Mme|Mlle|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|Sr\.|Sra\.|г-н\w*|"
                       r"г-ж\w*|господин\w*|госпож\w*)\s+(\w{2})(?!\w)")


def named_in(window: str, person: Person) -> bool:
    """``window`` names ``person`` (by surname, in any case ending; Chinese: the whole name)."""
    name = str(person.get("name") or "")
    words = [w for w in person_key(name).split() if len(w) >= 2]
    if _han(name):
        # Chinese names are written without spaces: look for the name itself.
        return bool(name.strip()) and ("".join(name.split()) in "".join(window.split())
                                       or zh_named_by_surname(window, name))
    surname = _surname(person)
    return bool(words) and (any(stem_match(part, person_key(w.group()))
                                and _initial_fits(window, w.end(), person, part)
                                for w in re.finditer(r"\w+", window)
                                if len(w.group()) >= 3 for part in surname if len(part) >= 3)
                            or any(_short_named(window, part) for part in surname
                                   if len(part) == 2)
                            or named_by_inner_surname(window, person)
                            or first_surname_named(window, person))


# A Cyrillic initial right after a surname: "Ибраимову А.".
_INITIAL_AFTER = re.compile(r"\s+([А-ЯЁ])\.")


def _initial_fits(window: str, end: int, person: Person, surname: str) -> bool:
    """The initial written after the surname, if any, is that of one of the person's
    other names: "Ибраимову А." is Ибраимова Айжан, not Ибраимов Жоомарт."""
    initial = _INITIAL_AFTER.match(window, end)
    # "Сергеев Сергей Викторович": a first name of the surname's stem is another name.
    others = [w for w in person_key(str(person.get("name") or "")).split() if w != surname]
    return initial is None or not others or person_key(initial.group(1)) in {
        w[0] for w in others}


# A Russian honorific in an oblique case: the name after it is an object.
_OBLIQUE_HONORIFIC = re.compile(r"(?<!\w)(?:г-на|г-ну|г-жу|г-жи|г-же|господина|господину|госпожу|"
                                r"госпожи|госпоже)\s+$", re.IGNORECASE)


def named_oblique(window: str, person: Person) -> bool:
    """``window`` names ``person`` in an oblique case: after "г-на"/"г-жу", or their
    surname with another ending ("Лебедева" for Лебедев, "Миронову" for Миронова)."""
    surname = _surname(person)
    for match in re.finditer(r"\w+", window):
        word = person_key(match.group())
        hits = [part for part in surname if len(word) >= 3 and stem_match(part, word)
                and _initial_fits(window, match.end(), person, part)]
        if hits and (_OBLIQUE_HONORIFIC.search(window[:match.start()])
                     or all(word != part for part in hits)):
            return True
    return False


def _first_mention(text: str, person: Person) -> int | None:
    name = str(person.get("name") or "")
    if _han(name):
        return first_mention(text, name, person.get("title"))
    surname = _surname(person)
    for match in re.finditer(r"\w+", text):
        if len(match.group()) >= 3 and any(stem_match(part, person_key(match.group()))
                                           for part in surname):
            return match.start()
    return first_surname_at(text, person)  # "Sra. Solís:" for Gabriela Solís Mora


def details(text: str, before: State) -> list[Person]:
    """The recorded people ``text`` gives new details for, with those details.

    Only when the message says it corrects or completes details (a
    ``correction``, ``title_is`` or ``contact_label`` cue: "El correo del
    Sr. X es …"); :func:`labelled_only` says when only a contact label did,
    a reading to confirm. Each person's span runs from their first mention
    to the next listed person's (at most ``_SPAN`` characters).
    """
    patterns = cue_patterns()
    if not any(patterns[c].search(text) for c in ("correction", "title_is", "contact_label")):
        return []
    found = sorted((at, i) for i, p in enumerate(before.people)
                   if (at := _first_mention(text, p)) is not None)
    updated = []
    for n, (at, i) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(text)
        # From a little before the mention, in its sentence: "le titre de M. A est : …".
        lead = text[max(found[n - 1][0] + 1 if n else 0, at - _LEAD):at]
        lead = _sentences(lead)[-1]
        span = text[at - len(lead):min(end, at + _SPAN)]
        person = dict(before.people[i])
        contacts = find_contacts(span, None)
        change = {"email": contacts.emails[0] if contacts.emails else None,
                  "phone": contacts.phones[0] if contacts.phones else None,
                  "title": title_after(span, lead)}
        change = {k: v for k, v in change.items() if v and v != person.get(k)}
        if change:
            person.update(change)
            updated.append(person)
    return updated


def labelled_only(text: str) -> bool:
    """Only a contact label, no word saying the message corrects anything."""
    patterns = cue_patterns()
    return not (patterns["correction"].search(text) or patterns["title_is"].search(text))


# A Russian full name whose patronymic's ending tells its case and gender:
# "внести в список Степанова Руслана Ильдаровича" (genitive-accusative, a man).
_RU_WORD = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_RU_PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:ович|евич|ич|овн|евн|ичн|иничн)"
_RU_DECLINED = re.compile(rf"(?<![\w-])({_RU_WORD})\s+({_RU_WORD})\s+({_RU_PATRONYMIC})(\w*)"
                          rf"|(?<![\w-])({_RU_WORD})\s+({_RU_PATRONYMIC})(\w*)\s+({_RU_WORD})")
# Ending of the patronymic → the honorific of that case, which undoes it.
_RU_CASE = {("m", "а"): "г-на", ("m", "у"): "г-ну", ("m", "ем"): "г-ном", ("m", "ом"): "г-ном",
            ("f", "у"): "г-жу", ("f", "ы"): "г-жи", ("f", "е"): "г-же", ("f", "ой"): "г-жой"}


def declined_names(text: str, before: State) -> list[Person]:
    """Russian full names written in an oblique case, in the nominative, that are not
    listed yet: the newcomers of "просим включить Степанова Руслана Ильдаровича"."""
    found: list[Person] = []
    for match in _RU_DECLINED.finditer(text):
        if match.group(1):
            words, ending = [match.group(1), match.group(2), match.group(3)], match.group(4)
            patronymic = 2
        else:
            words, ending = [match.group(5), match.group(6), match.group(8)], match.group(7)
            patronymic = 1
        stem = words[patronymic]
        gender = "f" if stem.endswith(("овн", "евн", "ичн")) else "m"
        honorific = _RU_CASE.get((gender, ending)) if ending else None
        if ending and honorific is None:
            continue
        words[patronymic] = stem + ending
        name = nominative(honorific, " ".join(words)) if honorific else " ".join(words)
        person: Person = {"honorific": None, "name": name, "title": None, "role": "member",
                          "email": None, "phone": None, "confidence": 0.6, "source": "body"}
        if not any(named_in(name, p) for p in before.people) and name not in [
                f["name"] for f in found]:
            found.append(person)
    return found


# A newcomer's name written without an honorific after a cue that brings someone in
# ("remplacée par notre conseiller Paul Mbarga", "включить Морозову Ирину"): the first
# run of capitalised words (a word and initials, a surname after a title) near the cue.
_TOKEN = re.compile(r"(?:[^\W\d_]\.){1,3}(?!\w)|[^\W\d_][\w'’-]*|\S")
_INITIALS = re.compile(r"(?:[^\W\d_]\.){1,3}")
# Words that may stand between the cue and the name: a title, "notre", "в состав делегации".
_MAX_SKIPPED = 8
# A line break inside a sentence (the line before it ends in no punctuation).
_LINE_WRAP = re.compile(r"(?<![.;:!?])[ \t]*\n(?=[ \t]*\S)")
_SENTENCE_END = re.compile(r"(?<=[^\W\d_]{2})[.!?](?=\s|$)|[;\n]")
_LAST_WORD = re.compile(r"\S+$")


def _sentences(text: str) -> list[str]:
    """``text`` cut at the ends of sentences; the full stop of a form of address
    ("la Consejera Dña. Pilar …", "Sr. Zubizarreta") ends none."""
    parts, start = [], 0
    for end in _SENTENCE_END.finditer(text):
        word = _LAST_WORD.search(text, start, end.start())
        if end.group() == "." and word and HONORIFIC_RE.match(word.group() + ". "):
            continue
        parts.append(text[start:end.start()])
        start = end.end()
    return [*parts, text[start:]]


def _name_word(word: str) -> bool:
    bare = word.casefold()
    return (len(word) >= 2 and word[:1].isupper() and not word.isdigit()
            and bare not in NAME_ENDERS and bare not in NOT_NAME_WORDS)


def _after_title(before: list[str]) -> bool:  # "le Conseiller T.", "второй секретарь К."
    return bool(before) and (before[-1].casefold() in NAME_ENDERS or (before[-1].islower() and (
        before[-2:][0].casefold() in NAME_ENDERS)))


def _runs(window: str) -> Iterator[str]:
    """The personal names of ``window`` in order, while at most ``_MAX_SKIPPED`` other
    words stand before them: two or more capitalised words (a particle between them),
    one and initials ("Жумалиева А."), or a lone surname after a title."""
    tokens = [m.group() for m in _TOKEN.finditer(HONORIFIC_RE.sub(" ", " " + window + " "))]
    skipped = 0
    i = 0
    while i < len(tokens) and skipped <= _MAX_SKIPPED:
        run: list[str] = []
        j = i
        while j < len(tokens):
            token = tokens[j]
            initials = _INITIALS.fullmatch(token) is not None
            word = _name_word(token) and not initials
            # initials, or a particle before a capitalised word, only inside a name
            inside = bool(run) and (initials or (
                token.casefold() in NAME_PARTICLES and j + 1 < len(tokens)
                and _name_word(tokens[j + 1])))
            if not (word or inside):
                break
            run.append(token)
            j += 1
        words = [t for t in run if not _INITIALS.fullmatch(t)]
        if len(words) >= 2 or (words and len(run) > len(words)) or (
                len(run) == 1 and _after_title(tokens[:i][-2:])):
            yield " ".join(run)
        else:
            skipped += 1
        i = max(j, i + 1)


def _person(name: str) -> Person:
    return {"honorific": None, "name": name, "title": None, "role": "member", "email": None,
            "phone": None, "confidence": 0.6, "source": "body"}


# Where the name before a "par" of a paired replacement begins ("…, et Mme C par …").
_PAIR_START = re.compile(r"[,:;]|(?<!\w)(?:et|and|y|и|а)(?!\w)", re.IGNORECASE)


def _paired(text: str, match: re.Match[str], before: State) -> bool:
    """A ``leaving_paired`` cue ("par") right after a listed name alone, in a
    sentence that replaces: "M. A est remplacé par M. B, et Mme C par Mme D"."""
    sentence = _sentences(_LINE_WRAP.sub(" ", text[max(0, match.start() - 240):
                                                           match.start()]))[-1]
    piece = _PAIR_START.split(sentence)[-1]
    return (bool(cue_patterns()["replace"].search(sentence)) and len(piece.split()) <= 4
            and any(named_in(piece, p) for p in before.people))


def newcomers(text: str, before: State, written: dict[str, str] | None = None) -> list[Person]:
    """People ``text`` brings in by name alone beside a ``newcomer_before``,
    ``newcomer_after`` or ``newcomer_object`` cue (or after the "par" of a
    paired replacement), who are not listed: the first name after the cue, or
    the last before it, that is nobody listed; a Russian object back in the
    nominative ("включить Морозову Ирину": Морозова Ирина), with the form
    written put in ``written`` (written → nominative)."""
    patterns = cue_patterns()
    found: list[Person] = []

    def take(name: str | None, obj: bool) -> None:
        if name is None:
            return
        form = declined_form(name) if _cyrillic(name) else None
        if (obj or form) and _cyrillic(name):
            # "включить Морозову Ирину"; "заменён Остапенко Виктором Николаевичем".
            nominative = to_nominative(name, *form) if form else object_nominative(name)
            if written is not None:
                written[name] = nominative
            name = nominative
        if not any(named_in(name, f) for f in found):
            found.append(_person(name))

    def unlisted(names: Iterator[str] | list[str]) -> str | None:
        # "вместо Смирнова О.И. будет Морозова Елена" passes over the one leaving.
        return next((n for n in names if not any(named_in(n, p) for p in before.people)), None)

    for category in ("newcomer_object", "newcomer_before", "leaving_paired"):
        for match in patterns[category].finditer(text):
            if category == "leaving_paired" and not _paired(text, match, before):
                continue
            window = _LINE_WRAP.sub(" ", text[match.end():match.end() + 160])
            window = _sentences(window)[0]
            if patterns["leaving_before"].fullmatch(match.group()):
                # "вместо Цоя П. приедет Кан Андрей", "au lieu de M. Ndong, …": the first
                # name is the one leaving, in whatever case or length it is written.
                window = _FIRST_NAME.sub("", HONORIFIC_RE.sub(" ", " " + window + " "), count=1)
            take(unlisted(_runs(window)), category == "newcomer_object")
    for match in patterns["newcomer_after"].finditer(text):
        window = _LINE_WRAP.sub(" ", text[max(0, match.start() - 160):match.start()])
        # "… имеет честь сообщить, что вместо …": not the mission before "что".
        window = CLAUSE.split(_sentences(window)[-1])[-1]
        take(unlisted(list(_runs_back(window))), False)
    if not found:
        # "Objet : Remplacement de M. B", the body only "C D, Conseiller": name and title.
        for line in text.splitlines():
            head = _NAME_LINE.match(line.strip())
            if head and head.group(2).casefold() in NAME_ENDERS:
                name = unlisted(_runs(head.group(1)))
                if name and name == " ".join(HONORIFIC_RE.sub(" ", " " + head.group(1)).split()):
                    take(name, False)
    return found


# Up to the end of the first capitalised word or words (and initials) of a window.
_FIRST_NAME = re.compile(r"^.*?[A-ZÀ-ÞА-ЯЁ][\w'’-]*(?:\s+(?:(?:[A-ZÀ-ÞА-ЯЁ]\.)+|"
                         r"[A-ZÀ-ÞА-ЯЁ][\w'’-]*))*", re.DOTALL)
# A line opening with a name, then a comma and the first word of a title.
_NAME_LINE = re.compile(r"([^\W\d_][^,]{2,60}?),\s*([^\W\d_][\w-]*)")


def _runs_back(window: str) -> Iterator[str]:
    """The personal names of ``window`` from its end back, while at most
    ``_MAX_SKIPPED`` other words stand after them."""
    words = re.findall(r"\S+", window)
    for start in range(len(words) - 1, max(-1, len(words) - 1 - 2 * _MAX_SKIPPED), -1):
        tail = " ".join(words[start:])
        first = next(_runs(tail), None)
        if first is None and _after_title(words[:start][-2:]) and _name_word(words[start]):
            first = words[start].strip(",")  # "Counsellor Nakamura will attend in place of …"
        if first is not None and tail.lstrip(" ,").startswith(first.split()[0]):
            yield first
            return

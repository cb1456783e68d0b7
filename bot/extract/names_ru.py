"""Russian names after an honorific in an oblique case, back to the nominative.

"включить в состав делегации г-на Дмитрия Соколова", "вместо г-жи Анны
Ивановой": the honorific's own case (г-на, г-ну, г-ном; г-жу, г-жи, г-же,
г-жой) says the name is declined too, and the delegation lists people as
they are called (Дмитрий Соколов, Анна Иванова). Only the regular endings
of Russian given names, patronymics and surnames are undone; a word that
ends otherwise (Беридзе, Сейткали, a foreign name) is kept as written, in
its own letter case (ВОЛКОВА → ВОЛКОВ).

Without an honorific, a patronymic says the case ("в составе Осмонова Бакыта
Алмазбековича", "представлена Шарифовым Фирузом Насимовичем"), and a name
without one in the same run-on list takes the case of the one before it.
"""

from __future__ import annotations

import re
from typing import Final

# Oblique honorific → grammatical case and gender.
_OBLIQUE: Final = {
    "г-на": ("gen", "m"), "г-ну": ("dat", "m"), "г-ном": ("ins", "m"),
    "господина": ("gen", "m"), "господину": ("dat", "m"), "господином": ("ins", "m"),
    "г-жу": ("acc", "f"), "г-жи": ("gen", "f"), "г-же": ("dat", "f"), "г-жой": ("ins", "f"),
    "госпожу": ("acc", "f"), "госпожи": ("gen", "f"), "госпоже": ("dat", "f"),
    "госпожой": ("ins", "f"),
}
# (ending of the declined word, ending of the nominative), longest first per case.
_ENDINGS: Final[dict[tuple[str, str], tuple[tuple[str, str], ...]]] = {
    ("gen", "m"): (("ского", "ский"), ("цкого", "цкий"), ("овича", "ович"), ("евича", "евич"),
                   ("ова", "ов"), ("ева", "ев"), ("ёва", "ёв"), ("ина", "ин"), ("ына", "ын"),
                   ("ия", "ий"), ("ея", "ей"), ("ая", "ай"), ("я", "ь"), ("а", "")),
    ("dat", "m"): (("скому", "ский"), ("цкому", "цкий"), ("овичу", "ович"), ("евичу", "евич"),
                   ("ову", "ов"), ("еву", "ев"), ("ину", "ин"), ("ыну", "ын"),
                   ("ию", "ий"), ("ею", "ей"), ("аю", "ай"), ("ю", "ь"), ("у", "")),
    ("ins", "m"): (("ским", "ский"), ("цким", "цкий"), ("овичем", "ович"), ("евичем", "евич"),
                   ("овым", "ов"), ("евым", "ев"), ("иным", "ин"), ("ыным", "ын"),
                   ("ием", "ий"), ("еем", "ей"), ("аем", "ай"), ("ем", "ь"), ("ом", "")),
    ("acc", "f"): (("скую", "ская"), ("цкую", "цкая"), ("овну", "овна"), ("евну", "евна"),
                   ("ичну", "ична"), ("ову", "ова"), ("еву", "ева"), ("ину", "ина"),
                   ("ыну", "ына"), ("ию", "ия"), ("ью", "ья"), ("у", "а"), ("ю", "я")),
    ("gen", "f"): (("ской", "ская"), ("цкой", "цкая"), ("овны", "овна"), ("евны", "евна"),
                   ("ичны", "ична"), ("овой", "ова"), ("евой", "ева"), ("иной", "ина"),
                   ("ыной", "ына"), ("ии", "ия"), ("ьи", "ья"), ("ы", "а"), ("и", "а")),
    ("dat", "f"): (("ской", "ская"), ("цкой", "цкая"), ("овне", "овна"), ("евне", "евна"),
                   ("ичне", "ична"), ("овой", "ова"), ("евой", "ева"), ("иной", "ина"),
                   ("ыной", "ына"), ("ии", "ия"), ("ье", "ья"), ("е", "а")),
    ("ins", "f"): (("ской", "ская"), ("цкой", "цкая"), ("овной", "овна"), ("евной", "евна"),
                   ("ичной", "ична"), ("овой", "ова"), ("евой", "ева"), ("иной", "ина"),
                   ("ыной", "ына"), ("ией", "ия"), ("ьей", "ья"), ("ой", "а"), ("ей", "я")),
}
_CYRILLIC_WORD: Final = re.compile(r"^[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*$")
# Words too short to be sure of: initials, "де", a two-letter name.
_MIN_STEM: Final = 3


def _word(word: str, case: str, gender: str) -> str:
    if not _CYRILLIC_WORD.match(word) or (word.isupper() and len(word) <= 2):
        return word
    lower = word.lower()
    for declined, nominative in _ENDINGS[(case, gender)]:
        # "-а" after a vowel-ending stem or a stem too short is no case ending.
        if lower.endswith(declined) and len(lower) - len(declined) >= _MIN_STEM:
            if declined == "а" and lower[-2] in "аеёиоуыэюяь":
                return word
            stem = word[:len(word) - len(declined)]
            return stem + (nominative.upper() if word.isupper() else nominative)
    return word


def nominative(honorific: str | None, name: str) -> str:
    """``name`` in the nominative when ``honorific`` is an oblique Russian form."""
    if not honorific:
        return name
    last = honorific.split()[-1].lower() if honorific.split() else ""
    form = _OBLIQUE.get(last)
    if form is None:
        return name
    return " ".join("-".join(_word(part, *form) for part in word.split("-"))
                    for word in name.split())


# A patronymic in any case says the case and the gender of the whole name:
# "Осмонова Бакыта Алмазбековича" (genitive), "Шарифовым Фирузом Насимовичем"
# (instrumental), "Козлову Анну Викторовну" (accusative).  Animate masculine
# accusative is written as the genitive.
_PATRONYMIC_FORMS: Final = (
    ("ичем", ("ins", "m")), ("ичу", ("dat", "m")), ("ича", ("gen", "m")), ("ич", ("nom", "m")),
    ("вной", ("ins", "f")), ("чной", ("ins", "f")), ("вне", ("dat", "f")), ("чне", ("dat", "f")),
    ("вну", ("acc", "f")), ("чну", ("acc", "f")), ("вны", ("gen", "f")), ("чны", ("gen", "f")),
    ("вна", ("nom", "f")), ("чна", ("nom", "f")),
)
_WORD = r"[А-ЯЁ](?:[а-яё]+|[А-ЯЁ]+)(?:-[А-ЯЁ](?:[а-яё]+|[А-ЯЁ]+))?"
PATRONYMIC = r"[А-ЯЁ][а-яё]+(?:(?:ович|евич|ьич)(?:ем|у|а)?|(?:овн|евн|ичн)(?:ой|а|ы|у|е))"
# Surname first ("Иванов Пётр Сергеевич") or last ("Николай Михайлович Карпенко"),
# a mail may wrap the line inside it ("посол Иванов Пётр\nСергеевич").
_SPACE = r"(?:[ \t]+|[ \t]*\n[ \t]*)"
RU_PATRONYMIC_NAME_RE: Final = re.compile(
    # (Not "Республики Армения Гаяне Левоновна" before "Мкртчян": the name is the last three.)
    rf"(?<![\w.\-])(?:{_WORD}{_SPACE}{_WORD}{_SPACE}{PATRONYMIC}(?![ \t]+[А-ЯЁ][а-яё])"
    rf"|{_WORD}{_SPACE}{PATRONYMIC}{_SPACE}{_WORD}"
    # A Turkic patronymic, the father's name and оглы/кызы: "Мамедова Лейла Ариф кызы".
    rf"|{_WORD}{_SPACE}{_WORD}{_SPACE}{_WORD}[ \t]+(?:оглы|кызы|улы|уулу))(?![\w\-])"
)
_GENDER_MARKS: Final = {
    "gen": ("ой", "ы", "и"), "dat": ("ой", "е"), "ins": ("ой", "ей"), "acc": ("у", "ю"),
}


def declined_form(name: str) -> tuple[str, str] | None:
    """(case, gender) that the patronymic in ``name`` is written in, if it has one.
    Never the first of three words: "Пашкевич Ирины Олеговны" (a surname in -евич)."""
    words = name.split()
    for word in words[1:] if len(words) >= 3 else words:
        if not re.fullmatch(PATRONYMIC, word):
            continue
        lower = word.lower()
        for ending, form in _PATRONYMIC_FORMS:
            if lower.endswith(ending):
                return form
    return None


def in_case(name: str, case: str) -> tuple[str, str]:
    """(case, gender) of a name without patronymic that is known to be in ``case``:
    feminine when a word ends as only a feminine one does ("Абдыкеримовой Айнуры")."""
    words = [w.lower() for w in name.split()]
    feminine = case != "nom" and any(w.endswith(_GENDER_MARKS.get(case, ())) for w in words)
    return case, "f" if feminine else "m"


def to_nominative(name: str, case: str, gender: str) -> str:
    """``name`` written in ``case`` back in the nominative."""
    if case == "nom":
        return name
    if (case, gender) not in _ENDINGS:
        case = "gen" if (case, gender) == ("acc", "m") else case
    if (case, gender) not in _ENDINGS:
        return name
    return " ".join("-".join(_word(part, case, gender) for part in word.split("-"))
                    for word in name.split())


def object_nominative(name: str) -> str:
    """``name`` written as the object of a verb ("включить Морозову Ирину",
    "зарегистрировать Кима Виктора") back in the nominative.

    The accusative of a woman's name ends in -у/-ю ("Морозову", "Ирину"); a
    man's is written as the genitive ("Кима", "Юлдашева Фарруха"). A word
    that declines otherwise (Савченко, Огулджан, initials) is kept.
    """
    words = [w for w in name.split() if _CYRILLIC_WORD.match(w)]
    if not words:
        return name
    feminine = any(w.lower().endswith(("у", "ю")) for w in words)
    return to_nominative(name, "acc", "f") if feminine else to_nominative(name, "gen", "m")

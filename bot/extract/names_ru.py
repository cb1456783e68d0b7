"""Russian names after an honorific in an oblique case, back to the nominative.

"включить в состав делегации г-на Дмитрия Соколова", "вместо г-жи Анны
Ивановой": the honorific's own case (г-на, г-ну, г-ном; г-жу, г-жи, г-же,
г-жой) says the name is declined too, and the delegation lists people as
they are called (Дмитрий Соколов, Анна Иванова). Only the regular endings
of Russian given names, patronymics and surnames are undone; a word that
ends otherwise (Беридзе, Сейткали, a foreign name) is kept as written, in
its own letter case (ВОЛКОВА → ВОЛКОВ).
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

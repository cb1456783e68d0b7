"""Arabic verbs and clauses that end a name in a follow-up, and an Arabic name
wrapped onto the next line (tuning rounds b4 and fy; wordings not in the corpus)."""

from __future__ import annotations

import pytest

from bot.extract import extract_response


def _names(text: str) -> list[str]:
    return [d.name for d in extract_response(text, followup=True).delegates]


@pytest.mark.parametrize("clause", [
    "لن يتمكن من السفر", "لم يعد عضواً في الوفد", "سوف يغادر نيويورك",
])
def test_a_verb_after_the_surname_ends_the_name(clause: str) -> None:
    text = (f"نود إعلامكم بأن السيد حسن الزعبي {clause}، "
            "وتنضم إلى الوفد السيدة ليلى القاسم، مستشارة.")
    assert all(not any(w in n for w in clause.split()) for n in _names(text))


@pytest.mark.parametrize("verb", ["ستحل محلها", "سيحل محله", "سوف تحل محلها"])
def test_taking_the_place_of_ends_the_name_of_the_one_leaving(verb: str) -> None:
    text = f"نفيدكم بأن السيدة العنزي {verb} السيدة هند سعد المطيري، سكرتير ثالث."
    names = _names(text)
    assert "هند سعد المطيري" in names
    assert not any("محل" in n for n in names)


def test_holds_the_post_of_is_neither_name_nor_title() -> None:
    got = extract_response("نرجو التصحيح: السيد وليد الحمدان يشغل منصب مستشار أول.",
                           followup=True).delegates
    assert [d.name for d in got] == ["وليد الحمدان"]
    assert got[0].title == "مستشار أول"


def test_an_arabic_family_name_wrapped_onto_the_next_line() -> None:
    text = ("تشارك الأردن بالوفد التالي: السيد باسل عمر\nالقضاة، مستشار؛ السيدة رنا\n"
            "الطراونة، سكرتير أول.")
    names = [d.name for d in extract_response(text).delegates]
    assert names == ["باسل عمر القضاة", "رنا الطراونة"]

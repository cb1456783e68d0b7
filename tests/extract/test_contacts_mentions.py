"""The one name matcher (bot/extract/mentions.py) and the one contact-line pass
(bot/extract/contacts.py), which merged two passes: moving a contact from the
wrong holder, and filling gaps from short lines below the list (name before
the contacts, Russian endings, Arabic prefixes). Wording not in the corpus.
"""

from __future__ import annotations

import pytest

from bot.extract.contacts import tie_contacts
from bot.extract.mentions import mentioned
from bot.extract.model import DelegateCandidate


def person(name: str, email: str | None = None, phone: str | None = None) -> DelegateCandidate:
    return DelegateCandidate(None, name, None, "member", email, phone, 0.9, "body")


@pytest.mark.parametrize(("name", "text", "named"), [
    ("Maarten van den Heuvel", "Maarten will chair our delegation.", True),
    ("Maarten van den Heuvel", "Mr. HEUVEL's mobile", True),
    ("Lucía del Campo Ortiz", "la delegación del Uruguay", False),  # a particle names nobody
    ("Lucía del Campo Ortiz", "Correo de la Sra. Ortiz:", True),
    ("Громов Аркадий", "телефон г-на Громову А.", True),  # a case ending
    ("Тихонова Вера", "почта г-жи Тихоновой:", True),
    ("Тихонова Вера", "г-жа Тихонравова", False),
    ("سلمى القحطاني", "هاتف لسلمى:", True),  # "for" written onto the name
    ("赵晓东", "联系人：赵晓东，电话", True),
    ("赵晓东", "联系人：赵先生", False),
    ("Li Na", "Li Na will attend", False),  # no word of three letters
])
def test_a_text_names_a_person(name: str, text: str, named: bool) -> None:
    assert mentioned(name, text) is named


def test_a_contact_the_list_gave_the_wrong_person_moves_to_the_one_named() -> None:
    first = person("Tomasz Wierzbicki", email="a.lindqvist@mfa.example")
    second = person("Annika Lindqvist")
    tie_contacts("Ms. Lindqvist can be reached at a.lindqvist@mfa.example.",
                 [first, second], None, [])
    assert (first.email, second.email) == (None, "a.lindqvist@mfa.example")


def test_a_line_fills_only_what_the_person_lacks() -> None:
    one = person("Tomasz Wierzbicki", email="t.w@gov.example")
    tie_contacts("Tomasz Wierzbicki: tomasz.private@mail.example, +48 22 523 90 00",
                 [one, person("Annika Lindqvist")], "PL", [])
    assert (one.email, one.phone) == ("t.w@gov.example", "+48225239000")


def test_lines_below_a_russian_list_by_surname_and_initials() -> None:
    gromov, tikhonova = person("Аркадий ГРОМОВ"), person("Вера ТИХОНОВА")
    tie_contacts("Контакты:\nГромову А. В. звонить +7 495 244 18 30\n"
                 "Тихонова В. — v.tikhonova@mid.example\nИсп.: Орлов К.К., +7 495 244 00 00",
                 [gromov, tikhonova], "RU", [])
    assert (gromov.email, gromov.phone) == (None, "+74952441830")
    assert (tikhonova.email, tikhonova.phone) == ("v.tikhonova@mid.example", None)


@pytest.mark.parametrize("text", [
    "+43 1 402 77 15 — Ms. Lindqvist",  # the name after the contacts
    "Ms. Lindqvist " + "and the colleagues of her department " * 4 + "+43 1 402 77 15",  # prose
    "Ms. Lindqvist and Mr. Wierzbicki: +43 1 402 77 15",  # two people named
])
def test_lines_that_tie_no_contact(text: str) -> None:
    people = [person("Tomasz Wierzbicki"), person("Annika Lindqvist")]
    tie_contacts(text, people, "AT", [])
    assert [(p.email, p.phone) for p in people] == [(None, None), (None, None)]

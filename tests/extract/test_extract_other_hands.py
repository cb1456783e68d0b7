"""Shapes the other writers' cases (*_b1_*, *_b2_*) showed the rules lacked,
each in wording of its own: a forward below a signed cover note, honorific
abbreviations no lexicon lists, a rank in a table's name column, a list
line opening with a rank, and the head named in a sentence of its own."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.names import split_cell_name


def people(text: str, language: str = "en") -> list[tuple[str | None, str, str | None]]:
    got = extract_response(text, language=language)
    return [(d.honorific, d.name, d.role) for d in got.delegates]


@pytest.mark.parametrize("marker", [
    "---------- Forwarded message ---------",
    "-------- Message transféré --------",
    "---------- Mensaje reenviado ----------",
])
def test_a_forward_below_a_signed_cover_note_is_read(marker: str) -> None:
    text = ("Dear colleagues,\n\nPlease find below the nomination from our capital.\n\n"
            "Kind regards,\nPermanent Mission of Ruritania\n\n"
            f"{marker}\nFrom: Protocol <protocol@mfa.example>\nDate: 2 March 2009\n"
            "Subject: Working group\n\n"
            "Ruritania will be represented by Ms. Ilona Varga, Director, Ministry of Justice, "
            "and Mr. Pavel Horak, Legal Adviser.\n\nBest regards,\nProtocol Department")
    assert [n for _, n, _ in people(text)] == ["Ilona Varga", "Pavel Horak"]


def test_an_unlisted_abbreviation_before_a_full_name_is_an_honorific() -> None:
    text = ("Se designa a la Psic. Carmen Luisa Ortega Vidal, Directora de Protección, y al "
            "Econ. Ramiro Javier Soto Paz, Asesor, para asistir a la reunión.")
    assert [(h, n) for h, n, _ in people(text, "es")] == [
        ("Psic.", "Carmen Luisa Ortega Vidal"), ("Econ.", "Ramiro Javier Soto Paz")]
    # Abbreviations of addresses and dates never lead a name.
    assert people("Tel. Marta Gomez Ruiz will call you.", "es") == []


@pytest.mark.parametrize(("cell", "expected"), [
    ("Minister Ana Lucia Prado Costa", ("Minister", "Ana Lucia Prado Costa")),
    ("Fiscal Pedro Ignacio Mora", ("Fiscal", "Pedro Ignacio Mora")),
    ("H.E. Ambassador Omar Haddad", ("H.E. Ambassador", "Omar Haddad")),
    ("Ms. Sara Lind", ("Ms.", "Sara Lind")),
    ("Minister", (None, "Minister")),
])
def test_a_rank_in_the_name_column_is_the_form_of_address(
        cell: str, expected: tuple[str | None, str]) -> None:
    assert split_cell_name(cell) == expected


def test_a_list_line_opening_with_a_rank_is_a_person() -> None:
    text = ("The following officers will attend:\n\n"
            "Dr. Amina Okafor, Chief State Counsel, Federal Ministry of Justice\n"
            "Captain Musa Ibrahim Bello, Director of Maritime Security, Navy\n")
    assert people(text) == [("Dr.", "Amina Okafor", "member"),
                            ("Captain", "Musa Ibrahim Bello", "member")]
    # A title wrapped onto the next line is not a person.
    wrapped = ("The following officer will attend:\n\n"
               "Dr. Amina Okafor, Chief State Counsel,\n"
               "Federal Ministry of Justice\n")
    assert [n for _, n, _ in people(wrapped)] == ["Amina Okafor"]


@pytest.mark.parametrize(("text", "language", "head"), [
    ("La délégation sera composée de Mme Claire Dubois, juriste, et de M. Hugo Lambert, "
     "conseiller. M. Lambert conduira la délégation.", "fr", "Hugo Lambert"),
    ("The Ministry nominates Ms. Ruth Banda, Senior Counsel, and Mr. Peter Phiri, Inspector. "
     "The delegation will be led by Mr. Phiri.", "en", "Peter Phiri"),
])
def test_the_head_named_in_a_sentence_of_its_own(text: str, language: str, head: str) -> None:
    roles = {n: r for _, n, r in people(text, language)}
    assert roles[head] == "head"
    assert sorted(roles.values()) == ["head", "member"]

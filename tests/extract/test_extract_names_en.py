"""Extraction, English replies: name shapes, surname mentions, contacts (issue 17)."""

from __future__ import annotations

from bot.extract import extract_response

SECRETARIAT = ("secretariat@unodc.test", "hans.gruber@unodc.test", "+43 1 26060 4283")


def _people(body: str) -> list[tuple[str | None, str, str | None]]:
    got = extract_response(body, language="en", exclude_contacts=SECRETARIAT)
    return [(d.honorific, d.name, d.role) for d in got.delegates]


def test_stacked_and_national_honorifics() -> None:
    body = (
        "The delegation of Nigeria will be composed as follows:\n"
        "1. Engr. (Mrs.) Ngozi ADEYEMI, Director, Head of Delegation\n"
        "2. Prof. Dr. Musa BELLO, Special Adviser\n"
        "3. Smt. Lakshmi IYER, Deputy Secretary\n"
    )
    assert _people(body) == [
        ("Engr. (Mrs.)", "Ngozi ADEYEMI", "head"),
        ("Prof. Dr.", "Musa BELLO", "member"),
        ("Smt.", "Lakshmi IYER", "member"),
    ]


def test_fijian_chiefly_titles_are_forms_of_address() -> None:
    body = ("Delegation:\n"
            "H.E. Ratu Josefa Vosarogo, Ambassador - Head of Delegation\n"
            "Roko Ului Lalabalavu, First Secretary\n"
            "Mr. Adi Nugroho Santoso, Counsellor\n")
    assert [(h, n) for h, n, _ in _people(body)] == [
        ("H.E. Ratu", "Josefa Vosarogo"), ("Roko", "Ului Lalabalavu"),
        ("Mr.", "Adi Nugroho Santoso")]


def test_sri_lanka_is_not_a_person() -> None:
    body = "Sri Lanka will be represented by Mr. Kamal PERERA, Counsellor."
    assert _people(body) == [("Mr.", "Kamal PERERA", "head")]


def test_rank_inside_a_sentence_addresses_the_name() -> None:
    body = ("The delegation will be headed by Minister Joao Carlos DA SILVA, Deputy Permanent "
            "Representative, and include Ms. Rita COSTA, Legal Adviser.")
    assert _people(body)[0] == ("Minister", "Joao Carlos DA SILVA", "head")


def test_later_surname_and_possessive_are_the_same_person() -> None:
    body = (
        "Our delegation will consist of Mr. Peter OTIENO, Director, and Ms. Ann WANJIKU, "
        "Counsel.\n\nMr. Otieno will head the delegation. Ms. Wanjiku's visa is pending."
    )
    assert _people(body) == [("Mr.", "Peter OTIENO", "head"), ("Ms.", "Ann WANJIKU", "member")]


def test_extension_kept_and_contacts_tied_to_their_person() -> None:
    body = (
        "Please register the following delegates:\n\nMs. Amy LEE\nDirector, Ministry of Justice\n"
        "Tel: +1 876 906 2414 ext. 31\nEmail: amy.lee@moj.example\n\n"
        "Mr. Tom REID\nFirst Secretary\nEmail: tom.reid@mfa.example\n"
    )
    got = extract_response(body, language="en")
    assert [(d.name, d.phone, d.email) for d in got.delegates] == [
        ("Amy LEE", "+18769062414;ext=31", "amy.lee@moj.example"),
        ("Tom REID", None, "tom.reid@mfa.example"),
    ]


def test_secretariat_named_in_passing_is_not_a_delegate() -> None:
    body = ("Malta will be represented by Dr. Anna BORG, Legal Adviser. We thank Mr. Hans "
            "GRUBER (hans.gruber@unodc.test) for the reminder.")
    assert _people(body) == [("Dr.", "Anna BORG", "head")]

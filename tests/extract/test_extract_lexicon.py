"""The extractor's word lists are data (bot/extract/lexicons/*.toml).

Adding a form of address is a one-line change to a language's file; these
tests check that the files load, that every language is there, and that an
entry added as data is used by the parser.
"""

from __future__ import annotations

import re

from bot.extract import extract_response
from bot.extract.lexicon import (
    HONORIFICS,
    LANGUAGES,
    RANK_ADDRESSES,
    ROLE_FIELD_RES,
    TITLE_STARTERS,
    lexicon,
)


def test_every_language_has_its_file_with_decision_phrases() -> None:
    for language in LANGUAGES:
        data = lexicon(language)
        assert set(data["decision"]) >= {"accept", "decline", "undecided"}, language
        for patterns in data["decision"].values():
            for pattern in patterns:
                re.compile(pattern)


def test_word_lists_merge_all_languages() -> None:
    assert {"Mr.", "Mme", "Sra.", "г-н", "السيد"} <= set(HONORIFICS)
    assert {"Ambassador", "Ambassadeur", "Embajador", "Посол", "السفير"} <= set(RANK_ADDRESSES)
    assert {"counsellor", "conseiller", "consejero", "советник"} <= TITLE_STARTERS
    roles = {role for role, pattern in ROLE_FIELD_RES if pattern.match("Suplente")}
    assert roles == {"alternate"}


def test_an_honorific_added_as_data_is_read() -> None:
    # "Lcda." (licenciada) was added to es.toml as one line of data.
    assert "Lcda." in lexicon("es")["honorifics"]
    got = extract_response(
        "La delegación estará integrada por:\n"
        "- Lcda. Rosa María QUINTERO, Asesora Jurídica, Ministerio de Relaciones Exteriores",
        language="es",
    )
    assert [(d.honorific, d.name) for d in got.delegates] == [("Lcda.", "Rosa María QUINTERO")]
    assert got.delegates[0].title == "Asesora Jurídica, Ministerio de Relaciones Exteriores"

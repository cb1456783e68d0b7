"""Shapes the third writer's cases (*_b3_*) showed the rules lacked, each tested
in wording of its own: feminine and short alternate roles, extension words in
every language, an office greeted in Arabic."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.phones import find_contacts


def roles(text: str, language: str) -> list[tuple[str, str | None]]:
    got = extract_response(text, language=language)
    return [(d.name, d.role) for d in got.delegates]


@pytest.mark.parametrize("role", ["Jefa alterna", "Jefe adjunto", "Subjefa", "Alterna",
                                  "Delegada alterna", "Suplente"])
def test_spanish_alternate_roles_in_either_gender(role: str) -> None:
    text = ("Estimados señores:\n\nLa delegación de Chile estará integrada por:\n\n"
            "- Sr. Pablo MUÑOZ REYES (Jefe de Delegación), Director Jurídico\n"
            f"- Sra. Elena ROJAS DÍAZ ({role}), Misión Permanente\n\nSaludos cordiales")
    assert roles(text, "es") == [("Pablo MUÑOZ REYES", "head"), ("Elena ROJAS DÍAZ", "alternate")]


@pytest.mark.parametrize(("tail", "ext"), [
    (" فرعي 204", "204"), ("، الرقم الفرعي ٣١", "31"), (" داخلي رقم 7", "7"),
    (" ext. 12", "12"), (" extn 12", "12"), (" poste 312", "312"), (" interno 45", "45"),
    (" доб. 11", "11"), (" 转 318", "318"), (" 分机号 318", "318"),
])
def test_extension_words_of_every_language(tail: str, ext: str) -> None:
    contacts = find_contacts(f"+43 1 405 1025{tail}", None)
    assert contacts.phones == [f"+4314051025;ext={ext}"]


def test_an_office_greeted_in_arabic_is_not_a_delegate() -> None:
    text = ("معالي المدير التنفيذي،\n\nنتشرف بإبلاغكم بمشاركة السيد حسن علي المنصوري، "
            "مدير إدارة الشؤون القانونية، في الاجتماع.\n\nمع خالص التحية.")
    assert roles(text, "ar") == [("حسن علي المنصوري", "head")]

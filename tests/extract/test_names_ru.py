"""Russian names declined after an oblique honorific are read in the nominative."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.names_ru import nominative


@pytest.mark.parametrize(("honorific", "declined", "name"), [
    ("г-на", "Дмитрия Соколова", "Дмитрий Соколов"),
    ("г-на", "Игоря ВОЛКОВА", "Игорь ВОЛКОВ"),
    ("г-ну", "Сергею Петровскому", "Сергей Петровский"),
    ("г-ном", "Алишером Рустамовичем КАРИМОВЫМ", "Алишер Рустамович КАРИМОВ"),
    ("г-жу", "Анну Иванову", "Анна Иванова"),
    ("г-жи", "Марии Смирновой", "Мария Смирнова"),
    ("г-жой", "Ольгой Мельник", "Ольга Мельник"),
    ("г-жи", "Нино Беридзе", "Нино Беридзе"),  # not declined: kept as written
    ("г-н", "Дмитрия Соколова", "Дмитрия Соколова"),  # nominative honorific: no change
    (None, "Анну Иванову", "Анну Иванову"),
])
def test_nominative(honorific: str | None, declined: str, name: str) -> None:
    assert nominative(honorific, declined) == name


def test_an_addition_in_the_accusative_is_read_in_the_nominative() -> None:
    got = extract_response("Постоянное представительство просит включить в состав делегации "
                           "также г-на Дмитрия Соколова, первого секретаря.")
    assert [d.name for d in got.delegates] == ["Дмитрий Соколов"]

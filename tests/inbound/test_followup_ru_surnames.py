"""A Belarusian or Serbian surname in -ович/-евич after a patronymic is the surname
("Олег Петрович Климович"), not a second patronymic (tuning round b4)."""

from __future__ import annotations

from bot.inbound.followup.mentions import named_in


def test_a_surname_in_ovich_after_the_patronymic_names_the_person() -> None:
    person = {"name": "Павел Андреевич Ярошевич"}
    assert named_in("атташе Ярошевич П.А.", person)
    assert named_in("вместо Ярошевича", person)


def test_a_patronymic_last_is_still_no_surname() -> None:
    person = {"name": "Иванов Сергей Петрович"}
    assert named_in("г-н Иванов", person)
    assert not named_in("Петрович", person)

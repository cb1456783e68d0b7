"""Russian names declined after an oblique honorific are read in the nominative."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.names_ru import declined_form, in_case, nominative, to_nominative


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


@pytest.mark.parametrize(("declined", "name"), [
    ("Осмонова Бакыта Алмазбековича", "Осмонов Бакыт Алмазбекович"),  # genitive
    ("Абдыкеримовой Айнуры Таалайбековны", "Абдыкеримова Айнура Таалайбековна"),
    ("Шарифовым Фирузом Насимовичем", "Шарифов Фируз Насимович"),  # instrumental
    ("Козлову Анну Викторовну", "Козлова Анна Викторовна"),  # accusative
    ("Мкртчян Анны Гагиковны", "Мкртчян Анна Гагиковна"),  # a surname that does not decline
    ("Николай Михайлович Карпенко", "Николай Михайлович Карпенко"),  # nominative
])
def test_a_patronymic_says_the_case_of_a_name_without_honorific(declined: str, name: str) -> None:
    form = declined_form(declined)
    assert form is not None
    assert to_nominative(declined, *form) == name


def test_a_name_without_patronymic_takes_the_case_of_its_list() -> None:
    assert to_nominative("Токтогулова Нурбека", *in_case("Токтогулова Нурбека", "gen")) == (
        "Токтогулов Нурбек")
    assert to_nominative("Абдыкеримовой Айнуры", *in_case("Абдыкеримовой Айнуры", "gen")) == (
        "Абдыкеримова Айнура")


@pytest.mark.parametrize(("text", "names"), [
    ("Делегация примет участие в составе Осмонова Бакыта Алмазбековича, заместителя министра "
     "(глава делегации), и Токтогулова Нурбека, атташе.",
     ["Осмонов Бакыт Алмазбекович", "Токтогулов Нурбек"]),
    ("Республику Казахстан будет представлять первый секретарь Ерлан Болатович Сейткали.",
     ["Ерлан Болатович Сейткали"]),
    ("Делегацию возглавит Посол Ержан Нурланович КАЗЫХАНОВ, Постоянный представитель.",
     ["Ержан Нурланович КАЗЫХАНОВ"]),
])
def test_names_with_a_patronymic_in_running_text(text: str, names: list[str]) -> None:
    assert [d.name for d in extract_response(text).delegates] == names


def test_a_title_written_before_a_bare_name_is_its_title() -> None:
    got = extract_response("Делегацию возглавит заместитель министра внутренних дел "
                           "Николай Михайлович Карпенко.")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Николай Михайлович Карпенко", "заместитель министра внутренних дел", "head")]

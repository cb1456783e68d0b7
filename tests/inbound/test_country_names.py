"""The country matcher in the six UN languages, and its name data.

The missions are those of ``test_match`` (the confusable states), plus
Austria, France and India; their names in other languages come from
``bot/inbound/matchers/country_names.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from test_match import code_of, directory  # noqa: F401  (directory: a fixture)

from bot.inbound.matchers.base import Directory, MissionEntry
from bot.inbound.matchers.country import compile_names, name_key

REPO = Path(__file__).resolve().parents[2]
ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")
CONFUSABLE = ("NE", "NG", "GN", "GW", "GQ", "DM", "DO", "SD", "SS", "CG", "CD")


@pytest.fixture
def world(directory: Directory) -> Directory:  # noqa: F811
    """test_match's missions and three more, with the names recompiled."""
    for code, country in (("AT", "Austria"), ("FR", "France"), ("IN", "India")):
        index = len(directory.missions) + 1
        directory.missions[index] = MissionEntry(
            index, code, country, f"Permanent Mission of {country}", (), "en")
    directory.names = compile_names(directory.missions.values())
    return directory


def named(d: Directory, text: str) -> list[str]:
    """The codes of the missions ``text`` names, in order."""
    assert d.names is not None
    return [d.missions[m].code for m in d.names.find(text)]


CASES = {
    "fr": [
        ("la Mission permanente de la République du Niger participera", "NE"),
        ("Le Niger sera représenté", "NE"),
        ("Le Nigéria sera représenté", "NG"),
        ("Le Nigeria sera représenté", "NG"),
        ("la République de Guinée confirme", "GN"),
        ("La Guinée confirme", "GN"),
        ("La Guinée-Bissau confirme", "GW"),
        ("La Guinée équatoriale confirme", "GQ"),
        ("la Dominique confirme", "DM"),
        ("La République dominicaine confirme", "DO"),
        ("Le Soudan participera", "SD"),
        ("Le Soudan du Sud participera", "SS"),
        ("La République du Congo participera", "CG"),
        ("La République démocratique du Congo participera", "CD"),
    ],
    "es": [
        ("La Misión Permanente del Níger confirma", "NE"),
        ("La Misión Permanente de Nigeria confirma", "NG"),
        ("La República de Guinea confirma", "GN"),
        ("Guinea-Bissau confirma", "GW"),
        ("Guinea Ecuatorial confirma", "GQ"),
        ("Dominica confirma", "DM"),
        ("La República Dominicana confirma", "DO"),
        ("El Sudán participará", "SD"),
        ("Sudán del Sur participará", "SS"),
        ("La República del Congo participará", "CG"),
        ("La República Democrática del Congo participará", "CD"),
    ],
    "ru": [
        ("Постоянное представительство Нигера", "NE"),
        ("Постоянное представительство Нигерии", "NG"),
        ("Постоянное представительство Гвинеи", "GN"),
        ("Постоянное представительство Гвинеи-Бисау", "GW"),
        ("Постоянное представительство Экваториальной Гвинеи", "GQ"),
        ("Постоянное представительство Доминики", "DM"),
        ("Постоянное представительство Доминиканской Республики", "DO"),
        ("Постоянное представительство Судана", "SD"),
        ("Постоянное представительство Южного Судана", "SS"),
        ("Постоянное представительство Республики Конго", "CG"),
        ("Постоянное представительство Демократической Республики Конго", "CD"),
        ("Постоянное представительство Австрии", "AT"),
        ("Постоянное представительство Франции", "FR"),
        ("Нигерия примет участие", "NG"),
        ("Южный Судан примет участие", "SS"),
    ],
    "ar": [
        ("البعثة الدائمة لجمهورية النيجر", "NE"),
        ("البعثة الدائمة لجمهوريّة النّيجر", "NE"),
        ("البعثة الدائمة لنيجيريا", "NG"),
        ("البعثة الدائمة لجمهورية غينيا", "GN"),
        ("البعثة الدائمة لجمهورية غينيا بيساو", "GW"),
        ("البعثة الدائمة لجمهورية غينيا الاستوائية", "GQ"),
        ("البعثة الدائمة لكومنولث دومينيكا", "DM"),
        ("البعثة الدائمة للجمهورية الدومينيكية", "DO"),
        ("البعثة الدائمة لجمهورية السودان", "SD"),
        ("البعثة الدائمة لجمهورية جنوب السودان", "SS"),
        ("البعثة الدائمة لجمهورية الكونغو", "CG"),
        ("البعثة الدائمة لجمهورية الكونغو الديمقراطية", "CD"),
        ("والسودان", "SD"),
        ("للسودان", "SD"),
        ("بالنمسا", "AT"),
        ("فرنسا", "FR"),
    ],
    "zh": [
        ("尼日尔常驻代表团确认出席会议", "NE"),
        ("尼日利亚常驻代表团确认出席会议", "NG"),
        ("几内亚常驻代表团确认出席会议", "GN"),
        ("几内亚比绍常驻代表团确认出席会议", "GW"),
        ("赤道几内亚常驻代表团确认出席会议", "GQ"),
        ("多米尼克常驻代表团确认出席会议", "DM"),
        ("多米尼加共和国常驻代表团确认出席会议", "DO"),
        ("苏丹常驻代表团确认出席会议", "SD"),
        ("南苏丹常驻代表团确认出席会议", "SS"),
        ("刚果共和国常驻代表团确认出席会议", "CG"),
        ("刚果民主共和国常驻代表团确认出席会议", "CD"),
        ("刚果（金）常驻代表团确认出席会议", "CD"),
        ("我们确认奥地利将出席", "AT"),
    ],
}


@pytest.mark.parametrize(("text", "code"), [c for cases in CASES.values() for c in cases])
def test_confusable_names_in_every_language(world: Directory, text: str, code: str) -> None:
    assert named(world, text) == [code]
    found, method, confidence = code_of(world, text)
    assert (found, method) == (code, "country_named")
    assert confidence < 0.8


def test_every_confusable_state_in_every_language() -> None:
    data = json.loads(resources.files("bot.inbound.matchers").joinpath(
        "country_names.json").read_text(encoding="utf-8"))
    for code in CONFUSABLE:
        assert sorted(data[code]) == ["ar", "en", "es", "fr", "ru", "zh"], code
    covered = {code for cases in CASES.values() for _, code in cases}
    assert covered >= set(CONFUSABLE)


@pytest.mark.parametrize(("text", "code"), [
    ("Niger", "NE"), ("Níger", "NE"), ("NIGER", "NE"),
    ("Nigeria", "NG"), ("Nigéria", "NG"), ("NIGÉRIA", "NG"),
    ("Guinee-Bissau", "GW"), ("Guinée‑Bissau", "GW"),  # no accent; a non-breaking hyphen
    ("Republica Democratica del Congo", "CD"),
])
def test_accents_do_not_count_nor_merge_states(world: Directory, text: str, code: str) -> None:
    assert named(world, text) == [code]


@pytest.mark.parametrize("text", [
    "النيجر", "النَّيْجَر", "النّيجر", "النيـــجر", "والنيجر", "بالنيجر", "للنيجر",
    "لجمهورية النيجر", "وجمهوريّة النّيجر", "جمهوريه النيجر",
])
def test_arabic_marks_tatweel_and_prefixes(world: Directory, text: str) -> None:
    assert named(world, text) == ["NE"]


def test_chinese_inside_a_sentence(world: Directory) -> None:
    assert named(world, "我们谨此确认尼日利亚和尼日尔都将派团出席。") == ["NG", "NE"]
    assert named(world, "南苏丹代表团") == ["SS"]  # not Sudan as well
    assert named(world, "几内亚比绍与赤道几内亚以及几内亚") == ["GW", "GQ", "GN"]
    assert named(world, "刚果民主共和国和刚果") == ["CD", "CG"]
    assert named(world, "多米尼克和多米尼加") == ["DM", "DO"]


def test_a_name_inside_another_word_does_not_count(world: Directory) -> None:
    for text in ("Nigerian", "Nigerien", "Dominican", "Sudanese", "Congolese",
                 "Nigériane", "Нигерийская", "Dominique Martin signe"):
        assert named(world, text) == [], text


def test_names_of_other_countries_hide_the_names_inside_them(world: Directory) -> None:
    # Neither Papua New Guinea nor Indonesia is a mission here.
    for text in ("Papua New Guinea", "Papouasie-Nouvelle-Guinée", "Папуа — Новая Гвинея",
                 "Papúa Nueva Guinea", "بابوا غينيا الجديدة", "巴布亚新几内亚", "印度尼西亚"):
        assert named(world, text) == [], text
    assert named(world, "印度") == ["IN"]


@pytest.mark.parametrize(("single", "double"), [
    ("Le Soudan du Sud participera", "Le Soudan du Sud et le Niger participeront"),
    ("Постоянное представительство Нигерии", "Представительства Нигерии и Нигера"),
    ("جنوب السودان", "جنوب السودان والسودان"),
    ("南苏丹代表团出席", "南苏丹和苏丹代表团出席"),
])
def test_two_countries_conflict_in_other_languages(world: Directory, single: str,
                                                   double: str) -> None:
    code, _, alone = code_of(world, single)
    same, _, together = code_of(world, double)
    assert same == code
    assert together < alone


def test_missions_without_iso_code_keep_their_own_names() -> None:
    missions = [MissionEntry(1, "EU", "European Union", "Delegation of the European Union",
                             (), "en"),
                MissionEntry(2, "NE", "Niger", "Permanent Mission of the Niger", (), "fr")]
    table = compile_names(missions)
    assert table is not None
    assert list(table.find("The European Union and la République du Niger")) == [1, 2]


def test_names_two_missions_share_count_for_neither() -> None:
    missions = [MissionEntry(1, "NE", "Niger", "Mission of the Niger", (), "fr"),
                MissionEntry(2, "XX", "Niger", "Niger office", (), "fr")]
    table = compile_names(missions)
    assert table is not None
    assert list(table.find("Niger")) == []
    assert list(table.find("République du Niger")) == [1]


def test_no_name_belongs_to_two_codes() -> None:
    data = json.loads((REPO / "bot/inbound/matchers/country_names.json").read_text("utf-8"))
    owners: dict[str, set[str]] = {}
    for code, by_lang in data.items():
        for names in by_lang.values():
            for name in names:
                owners.setdefault(name_key(name), set()).add(code)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.skipif(not ISO_CODES.exists(), reason="iso-codes is not installed")
def test_json_is_what_the_script_writes() -> None:
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "gen-country-names"),
                           "--check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr

"""Mission lists as staff make them: encodings, delimiters, XLSX, types, names, extra columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.config.campaign import load_config
from bot.config.missions import read_mission_list
from bot.errors import ConfigError
from bot.mail.compose import Composer

HEADER = ["code", "country", "mission_name", "email", "cc", "language"]
ROWS = [
    ["CI", "Côte d'Ivoire", "Mission permanente de la Côte d'Ivoire", "pm-ci@missions.test", "",
     "fr"],
    ["ES", "España", "Misión Permanente de España", "pm-es@missions.test", "", "es"],
]


def _csv(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8",
         header: list[str] = HEADER) -> Path:
    text = "\r\n".join(delimiter.join(r) for r in [header, *rows]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize(("delimiter", "encoding", "said"), [
    (",", "utf-8", "UTF-8, ','-separated"),
    (";", "utf-8-sig", "UTF-8 with BOM, ';'-separated"),
    ("\t", "cp1252", "Windows-1252 (not UTF-8), tab-separated"),
    (";", "latin-1", "Windows-1252 (not UTF-8), ';'-separated"),
])
def test_csv_encodings_and_delimiters_are_detected_and_said(
        tmp_path: Path, delimiter: str, encoding: str, said: str) -> None:
    path = _csv(tmp_path / "m.csv", ROWS, delimiter=delimiter, encoding=encoding)
    listed = read_mission_list(path)
    assert listed.detected == said
    assert [m.country for m in listed.missions] == ["Côte d'Ivoire", "España"]
    assert listed.missions[0].mission_name == "Mission permanente de la Côte d'Ivoire"


def test_byte_undefined_in_windows_1252_falls_back_to_latin1(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    rows = "\r\n".join(",".join(r) for r in [HEADER, ROWS[1]]).encode("latin-1")
    path.write_bytes(rows.replace(b"Misi\xf3n", b"Misi\x81n"))
    listed = read_mission_list(path)
    assert listed.detected == "Latin-1 (not UTF-8), ','-separated"
    assert listed.missions[0].country == "España"


def test_xlsx_list_reads_like_csv_with_row_numbers_in_errors(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Missions"
    sheet.append(["Code", "Country", "Mission name", "Email", "CC", "Language", "Type"])
    sheet.append(["VA", "Holy See", "Permanent Observer Mission of the Holy See",
                  "pom-va@missions.test", None, "en", "observer_state"])
    sheet.append(["PS", "State of Palestine", "Permanent Observer Mission of the State of "
                  "Palestine", "pom-ps@missions", None, "ar", "observer_state"])
    path = tmp_path / "missions.xlsx"
    book.save(path)
    with pytest.raises(ConfigError) as err:
        read_mission_list(path)
    assert str(err.value) == (f"{path}:3: email: not an email address: 'pom-ps@missions' "
                              "(its domain has no top-level part such as .org)")
    sheet["D3"] = "pom-ps@missions.test"
    book.save(path)
    listed = read_mission_list(path)
    assert listed.detected == "XLSX, sheet 'Missions'"
    assert [(m.code, m.type) for m in listed.missions] == [("VA", "observer_state"),
                                                           ("PS", "observer_state")]


def test_address_without_top_level_domain_is_refused_with_its_line(tmp_path: Path) -> None:
    rows = [ROWS[0], ["ES", "Spain", "Permanent Mission of Spain", "pm-es@missions", "", "es"]]
    path = _csv(tmp_path / "m.csv", rows)
    with pytest.raises(ConfigError) as err:
        read_mission_list(path)
    assert f"{path}:3: email: not an email address: 'pm-es@missions'" in str(err.value)


def test_semicolon_list_no_longer_reports_every_column_missing(tmp_path: Path) -> None:
    path = _csv(tmp_path / "m.csv", ROWS, delimiter=";",
                header=[*HEADER[:3], "mail", *HEADER[4:]])
    with pytest.raises(ConfigError) as err:
        read_mission_list(path)
    assert str(err.value).startswith(f"{path}:1: missing column(s): email (read as UTF-8, ';'")


def test_unknown_type_is_refused(tmp_path: Path) -> None:
    header = [*HEADER, "type"]
    path = _csv(tmp_path / "m.csv", [[*ROWS[0], "country"]], header=header)
    with pytest.raises(ConfigError) as err:
        read_mission_list(path)
    assert "m.csv:2: type: 'country' is not one of member_state, observer_state, igo, other" in (
        str(err.value))


def test_type_names_and_extra_columns_reach_the_templates(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "invitation.fr.subject").write_text("Invitation", encoding="utf-8")
    (templates / "invitation.fr.txt").write_text(
        "{{ mission.country }} / {{ mission.names.en }} / {{ mission.salutation }} / "
        "{% if mission.is_member_state %}le Gouvernement{% else %}{{ mission.name }}{% endif %}",
        encoding="utf-8")
    header = [*HEADER, "type", "country_fr", "country_en", "Salutation"]
    rows = [["FR", "France", "Mission permanente de la France", "pm-fr@missions.test", "", "fr",
             "member_state", "la France", "France", "Monsieur l'Ambassadeur"],
            ["EU", "European Union", "Délégation de l'Union européenne", "eu@missions.test", "",
             "fr", "igo", "l'Union européenne", "European Union", "Monsieur l'Ambassadeur"]]
    _csv(tmp_path / "missions.csv", rows, header=header)
    campaign = (Path(__file__).resolve().parents[2] / "config" / "campaign.example.yaml")
    text = campaign.read_text(encoding="utf-8").replace(
        "missions_file: missions.example.csv", "missions_file: missions.csv").replace(
        "  - information-note.pdf", f"  - {campaign.parent / 'information-note.pdf'}")
    (tmp_path / "campaign.yaml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "campaign.yaml", templates)
    composer = Composer(config)
    texts = [composer.render("invitation", m, "TOKEN").text for m in config.missions]
    assert texts == [
        "la France / France / Monsieur l'Ambassadeur / le Gouvernement",
        "l'Union européenne / European Union / Monsieur l'Ambassadeur / "
        "Délégation de l'Union européenne",
    ]
    assert dict(config.missions[1].extra) == {"salutation": "Monsieur l'Ambassadeur"}


GOVERNMENT = {"en": "Government", "fr": "Gouvernement", "es": "Gobierno", "ru": "правительство",
              "ar": "حكومة", "zh": "政府"}


def test_shipped_invitations_say_government_only_to_member_states(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    header = [*HEADER, "type"]
    rows = []
    for lang in GOVERNMENT:
        rows.append([f"S{lang}", "Ghana", "Permanent Mission of Ghana", f"s-{lang}@missions.test",
                     "", lang, "member_state"])
        rows.append([f"O{lang}", "Holy See", "Permanent Observer Mission of the Holy See",
                     f"o-{lang}@missions.test", "", lang, "observer_state"])
        rows.append([f"I{lang}", "European Union", "Delegation of the European Union",
                     f"i-{lang}@missions.test", "", lang, "igo"])
    _csv(tmp_path / "missions.csv", rows, header=header)
    campaign = repo / "config" / "campaign.example.yaml"
    text = campaign.read_text(encoding="utf-8").replace(
        "missions_file: missions.example.csv", "missions_file: missions.csv").replace(
        "  - information-note.pdf", f"  - {campaign.parent / 'information-note.pdf'}")
    (tmp_path / "campaign.yaml").write_text(text, encoding="utf-8")
    config = load_config(tmp_path / "campaign.yaml", repo / "templates")
    composer = Composer(config)
    for mission in config.missions:
        rendered = composer.render("invitation", mission, "TOKEN")
        word = GOVERNMENT[mission.language]
        assert rendered.language == mission.language
        for part in (rendered.text, rendered.html or ""):
            assert (word.casefold() in part.casefold()) is (mission.type == "member_state"), (
                mission.code, part)


def test_states_listed_by_iso_code_get_the_shipped_names_the_list_leaves_out() -> None:
    from bot.config.missions import ListedMission
    from bot.mail.compose import with_shipped_names

    china = with_shipped_names(ListedMission("CN", "China", "Permanent Mission of China",
                                             "pm-cn@missions.test", (), "zh"))
    assert china.name_in("zh") == "中国" and china.name_in("ru") == "Китай"
    assert china.name_in("en") == "China"  # English stays as the list wrote it
    austria = with_shipped_names(ListedMission(
        "AT", "Austria", "Permanent Mission of Austria", "pm-at@missions.test", (), "fr",
        names=(("fr", "l'Autriche"),)))
    assert austria.name_in("fr") == "l'Autriche" and austria.name_in("es") == "Austria"
    union = ListedMission("EU", "European Union", "Delegation of the European Union",
                          "eu@missions.test", (), "fr", type="igo")
    assert with_shipped_names(union) is union
    unknown = ListedMission("M001", "Country 1", "Permanent Mission of Country 1",
                            "m1@missions.test", (), "fr")
    assert with_shipped_names(unknown).name_in("fr") == "Country 1"

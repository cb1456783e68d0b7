"""Extraction, French and Spanish replies: titles after the name, ranks, tables (issue 17)."""

from __future__ import annotations

from bot.extract import extract_response
from bot.inbound.parse.mimetext import html_to_text


def test_french_title_in_lower_case_after_the_name() -> None:
    body = (
        "La délégation sera composée comme suit :\n"
        "- M. Jean DUPONT, sous-directeur, Direction des affaires juridiques, ministère de "
        "l'Europe et des affaires étrangères, chef de délégation ;\n"
        "- Mme Anne MARTIN, magistrate, ministère de la Justice.\n"
    )
    got = extract_response(body, language="fr")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Jean DUPONT", "sous-directeur, Direction des affaires juridiques, ministère de "
         "l'Europe et des affaires étrangères", "head"),
        ("Anne MARTIN", "magistrate, ministère de la Justice", "member"),
    ]


def test_french_ranks_and_maitre() -> None:
    body = ("La délégation du Mali sera composée de :\nColonel Moussa KEITA, Gendarmerie "
            "nationale\nMe Awa SOW, avocate\n")
    got = extract_response(body, language="fr")
    assert [(d.honorific, d.name) for d in got.delegates] == [
        ("Colonel", "Moussa KEITA"), ("Me", "Awa SOW")]


def test_spanish_stacked_forms_and_particles() -> None:
    body = ("La delegación estará integrada por:\n1. Excma. Sra. Dña. Elena DE LA VEGA, "
            "Embajadora, Jefa de Delegación\n2. Tte. Cnel. Luis DOS SANTOS PEREIRA, Policía "
            "Nacional\n")
    got = extract_response(body, language="es")
    assert [(d.honorific, d.name, d.role) for d in got.delegates] == [
        ("Excma. Sra. Dña.", "Elena DE LA VEGA", "head"),
        ("Tte. Cnel.", "Luis DOS SANTOS PEREIRA", "member"),
    ]


def test_two_people_joined_by_y_are_two() -> None:
    body = ("Participarán el Consejero Martín SOSA DOS SANTOS y la Sra. Lucía PEREIRA, "
            "Junta Nacional de Drogas.")
    got = extract_response(body, language="es")
    assert [d.name for d in got.delegates] == ["Martín SOSA DOS SANTOS", "Lucía PEREIRA"]


def test_html_table_with_an_empty_cell_keeps_columns_apart() -> None:
    html = ("<table><tr><th>Nombre</th><th>Cargo</th><th>Teléfono</th></tr>"
            "<tr><td>Sr. Raúl CÁCERES</td><td></td><td>+43 1 505 46 74</td></tr>"
            "<tr><td>Sra. Ana PAZ</td><td>Directora</td><td></td></tr></table>")
    got = extract_response(html_to_text(html), language="es", region="AT")
    assert [(d.name, d.title, d.phone) for d in got.delegates] == [
        ("Raúl CÁCERES", None, "+4315054674"), ("Ana PAZ", "Directora", None)]


def test_tab_separated_table() -> None:
    body = ("Nombre\tCargo\tFunción\nSr. Pablo RUIZ\tViceministro\tJefe de delegación\n"
            "Sra. Eva LUNA\tTercera Secretaria\tSuplente\n")
    got = extract_response(body, language="es")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Pablo RUIZ", "Viceministro", "head"), ("Eva LUNA", "Tercera Secretaria", "alternate")]
    assert got.decision == "accept"


def test_a_title_wrapped_onto_the_line_of_the_next_person_stays_with_its_person() -> None:
    got = extract_response("Délégation d'Haïti : M. Jean-Robert Pierre-Louis, Ministre "
                           "conseiller, chef de\ndélégation ; Mme Nadège Joseph, Conseillère.",
                           language="fr")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Jean-Robert Pierre-Louis", "Ministre conseiller", "head"),
        ("Nadège Joseph", "Conseillère", "member")]
    got = extract_response("Délégation : M. Mahamat Abakar,\nMinistre conseiller (chef de "
                           "délégation) ; M. Idriss Moussa, Premier conseiller.", language="fr")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Mahamat Abakar", "Ministre conseiller", "head"),
        ("Idriss Moussa", "Premier conseiller", "member")]


def test_a_name_wrapped_after_its_given_name_before_and_is_read_whole() -> None:
    got = extract_response("La délégation sera conduite par Son Excellence Madame "
                           "l'Ambassadrice Sophie\nLambert et comprendra M. Thomas Girard, "
                           "conseiller juridique.", language="fr")
    assert [d.name for d in got.delegates] == ["Sophie Lambert", "Thomas Girard"]


def test_a_name_wrapped_after_its_particle_is_read_whole_and_who_leads_it_leads() -> None:
    got = extract_response("Notre délégation comprendra Mme Marie-Claire\nDubois-Lefort, Ministre "
                           "plénipotentiaire, qui la conduira, ainsi que M. Pierre de La\n"
                           "Fontaine, Conseiller.", language="fr")
    assert [(d.name, d.role) for d in got.delegates] == [
        ("Marie-Claire Dubois-Lefort", "head"), ("Pierre de La Fontaine", "member")]


def test_bare_names_with_parentheses_joined_by_and_are_two_people() -> None:
    got = extract_response("Bonjour, participeront pour la Mission : Julien Roux (chef de "
                           "délégation) et Camille Blanc\n(conseillère). Bien cordialement.",
                           language="fr")
    assert [d.name for d in got.delegates] == ["Julien Roux", "Camille Blanc"]


def test_a_role_wrapped_inside_its_parentheses_stays_with_its_person() -> None:
    got = extract_response("La Mission permanente du Sénégal confirme sa participation : "
                           "M. Ibrahima Fall (chef de\ndélégation), Mme Coumba Gaye "
                           "(conseillère).", language="fr")
    assert (got.delegates[0].name, got.delegates[0].role) == ("Ibrahima Fall", "head")


def test_a_form_of_address_wrapped_apart_from_its_name_in_running_prose() -> None:
    from bot.extract.tidy import tidy

    for body, name in [
        ("Chile estará representado por el Sr. Sebastián Undurraga Prieto, Consejero, y la "
         "Sra.\nFrancisca Huenchullán Caro, Subcomisaria.", "Francisca Huenchullán Caro"),
        ("La délégation sera composée de M. Alain Tremblay, Conseiller, de Mme\nSophie Gagnon, "
         "Première secrétaire.", "Sophie Gagnon"),
    ]:
        assert name in [d.name for d in extract_response(body).delegates]
    # A name with an initial at a line's end, another name on the next: no join.
    assert tidy("Jean M.\nMme Claire Dubois") == "Jean M.\nMme Claire Dubois"
    assert tidy("Title: Mr.\nName: John Smith") == "Title: Mr.\nName: John Smith"

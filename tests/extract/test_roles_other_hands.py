"""Role rules checked on replies by other hands (the *_t6_* round): who leads in prose
and after a list, role labels before a dash, roles as a field, signers after a closing."""

from __future__ import annotations

import pytest

from bot.extract import extract_response
from bot.extract.fields import role_of


def _roles(text: str) -> list[tuple[str, str | None, str | None]]:
    return [(d.name, d.title, d.role) for d in extract_response(text).delegates]


def test_a_role_label_opening_the_next_line_is_the_next_persons() -> None:
    # Not the previous entry's last words ("(chef de\ndélégation), Mme B" is).
    assert _roles(
        "Состав делегации:\n"
        "глава делегации – Нурланов Асхат Маратович, директор департамента МВД;\n"
        "заместитель главы делегации – Омарова Динара Сериковна, советник;\n"
        "эксперт – Жумабеков Ерлан Болатович, старший инспектор.") == [
        ("Нурланов Асхат Маратович", "директор департамента МВД", "head"),
        ("Омарова Динара Сериковна", "советник", "alternate"),
        ("Жумабеков Ерлан Болатович", "старший инспектор", "adviser")]


@pytest.mark.parametrize("text", [
    "Le Mali sera représenté par une délégation sous la conduite de S.E. M. Boubacar KEITA, "
    "Ambassadeur. La délégation comprendra en outre :\n- M. Oumar TRAORÉ, Premier conseiller",
    "В работе сессии примет участие делегация во главе с Юсуповым Бахтиёром Рустамовичем. "
    "В состав делегации также входят:\n1. Каримова Нодира Шавкатовна – начальник отдела МВД",
])
def test_led_by_phrases_make_the_first_named_the_head(text: str) -> None:
    roles = [role for _, _, role in _roles(text)]
    assert roles == ["head", "member"]


@pytest.mark.parametrize(("text", "head"), [
    ("На заседание направляются:\n- Ахмедов Рустам Тимурович, Постоянный представитель;\n"
     "- Гусейнова Севиль, советник.\n\nДелегацию возглавит Р.Т. Ахмедов.",
     "Ахмедов Рустам Тимурович"),
    ("La delegación estará integrada por:\nSr. Juan Carlos MAMANI – Viceministro\n"
     "Sra. Rosa CONDORI – Jefa de Unidad\n\nLa delegación será presidida por el Sr. MAMANI.",
     "Juan Carlos MAMANI"),
    # "Армения" reads like the given name "Армен": the one named after the cue leads.
    ("Делегацию Республики Армения возглавит министр юстиции Аракелян Карен Суренович. "
     "Министра будут сопровождать посол Саргсян Армен, Постоянный представитель, и "
     "Петросян Анна Григорьевна (эксперт).", "Аракелян Карен Суренович"),
])
def test_who_leads_named_apart_after_initials_or_a_short_honorific(text: str, head: str) -> None:
    assert [name for name, _, role in _roles(text) if role == "head"] == [head]


def test_qui_la_conduira_is_a_role_not_part_of_the_title() -> None:
    assert _roles(
        "La délégation sera composée de M. Issoufou MAHAMANE, Directeur général de la police "
        "nationale, qui la conduira, de Mme Hadiza SALEY, Chef de division, et de M. Abdou "
        "GARBA, Commissaire de police, en qualité d'expert.") == [
        ("Issoufou MAHAMANE", "Directeur général de la police nationale", "head"),
        ("Hadiza SALEY", "Chef de division", "member"),
        ("Abdou GARBA", "Commissaire de police", "adviser")]


@pytest.mark.parametrize(("field", "context", "role"), [
    ("en qualité d'expert", False, "adviser"),
    ("conseiller technique", True, "adviser"),
    ("conseiller technique", False, None),  # also a title ("Conseiller technique, ministère")
    ("technical expert", True, "adviser"),
])
def test_adviser_role_words(field: str, context: bool, role: str | None) -> None:
    assert role_of(field, role_context=context) == role


@pytest.mark.parametrize("text", [
    "La délégation comprendra M. Oumar TRAORÉ, Chef de service, et M. Sékou DIARRA, Premier "
    "conseiller.\n\nVeuillez agréer, Madame, Monsieur, l'assurance de notre haute "
    "considération.\n\nFatoumata DEMBÉLÉ\nDeuxième secrétaire",
    "يضم الوفد كلاً من:\n- العميد زياد محمود العبادي، رئيس قسم مكافحة المخدرات\n"
    "- السيد عمر فيصل الزعبي، خبيراً\n\nوتفضلوا بقبول فائق الاحترام.\n"
    "المستشار أحمد يوسف النسور",
])
def test_the_signer_after_a_closing_formula_is_no_delegate(text: str) -> None:
    assert len(_roles(text)) == 2


@pytest.mark.parametrize(("text", "people"), [
    ("La délégation sera composée de Mesdames Awa Ba et Fanta Sy, Conseillères, ainsi que de "
     "Monsieur Ali Kane, Ambassadeur, chef de délégation.",
     [("Madame", "Awa Ba"), ("Madame", "Fanta Sy"), ("Monsieur", "Ali Kane")]),
    ("Asistirán el Embajador Luis ORTIZ, Representante Permanente, y los Sres. Pedro CHÁVEZ "
     "y Mario LÓPEZ, funcionarios del Ministerio.",
     [("Embajador", "Luis ORTIZ"), ("Sr.", "Pedro CHÁVEZ"), ("Sr.", "Mario LÓPEZ")]),
])
def test_a_plural_honorific_addresses_each_of_two_names(
        text: str, people: list[tuple[str, str]]) -> None:
    assert [(d.honorific, d.name) for d in extract_response(text).delegates] == people


def test_a_plural_honorific_before_one_word_is_no_person() -> None:
    assert extract_response("Señores Secretaría:\n\nColombia asistirá con el Sr. Juan "
                            "PÉREZ, Consejero.").delegates[0].name == "Juan PÉREZ"


def test_a_declined_title_before_a_russian_name_after_vo_glave_s() -> None:
    got = _roles("Примет участие делегация во главе с заместителем министра внутренних дел "
                 "Юсуповым Бахтиёром Рустамовичем.")
    assert got == [("Юсупов Бахтиёр Рустамович", "заместителем министра внутренних дел", "head")]


def test_the_first_of_two_names_after_a_plural_honorific_shares_the_title() -> None:
    got = _roles("L'Ambassade communique la composition de sa délégation : Monsieur Mamadou "
                 "NDIAYE, Ministre conseiller, chef de la délégation ; Mesdames Awa BA et Fanta "
                 "SY, Conseillères.")
    assert got == [("Mamadou NDIAYE", "Ministre conseiller", "head"),
                   ("Awa BA", "Conseillères", "member"), ("Fanta SY", "Conseillères", "member")]


def test_a_chinese_title_starts_after_the_words_that_introduce_the_members() -> None:
    got = _roles("巴基斯坦代表团由内政部长艾哈迈德·汗先生率领。代表团成员还有禁毒部队处长"
                 "法蒂玛·马利克女士（专家）。")
    assert got[-1] == ("法蒂玛·马利克", "禁毒部队处长", "adviser")

"""Extraction: the reply corpus (tests/corpus/replies) is the spec.

Every reply must get its decision (and amendment) right; delegate fields are
scored in aggregate, with the same scoring as bench/extract.py.  Replies
delivered as attachments go through tests/docgen.py and the real reader
(bot.inbound.readers.attachments.read_attachment); scans and photos need Tesseract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from appfixtures import load_bench, read_gaps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.extract import DelegateCandidate, Extraction, extract_response

bench = load_bench("extract")
ALL_CASES = bench.load_cases()
# The held-out fifth is scored by bench/extract.py only: no test (and so no
# rule) is tuned on it.
CASES = [c for c in ALL_CASES if c.split == "tuning"]
BODY = [c for c in CASES if c.render in ("body", "html")]
ATTACHED_TEXT = [c for c in CASES if c.render in ("text_pdf", "docx")]
SCANS = [c for c in CASES if c.render in bench.SCAN_RENDERS]
SECRETARIAT = bench.SECRETARIAT_CONTACTS
KNOWN_GAPS = read_gaps(Path(__file__).with_name("known_gaps.txt"))


def params(cases: list[Any]) -> list[Any]:
    """The cases, those of known_gaps.txt as strict xfails (they must start failing to pass)."""
    return [pytest.param(c, id=c.name, marks=pytest.mark.xfail(strict=True,
                                                                reason=KNOWN_GAPS[c.name]))
            if c.name in KNOWN_GAPS else pytest.param(c, id=c.name) for c in cases]


def test_known_gaps_name_tuning_cases() -> None:
    assert set(KNOWN_GAPS) <= {c.name for c in CASES}
SECRETARIAT_E164 = {"+431260604283", "+431260605866"}


def test_corpus_has_the_promised_shape() -> None:
    by_language: dict[str, int] = {}
    for case in ALL_CASES:
        by_language[case.language] = by_language.get(case.language, 0) + 1
    assert all(by_language[lang] >= 20 for lang in ("en", "fr", "es"))
    assert all(by_language[lang] >= 6 for lang in ("ru", "ar", "zh"))
    attached = [c for c in ALL_CASES if c.render not in ("body", "html")]
    assert len(attached) >= len(ALL_CASES) // 4
    decisions = {c.expected["decision"] for c in CASES}
    assert decisions >= {"accept", "decline", "undecided"}
    assert {c.expected["amendment"] for c in CASES} >= {None, "replace", "extend"}
    # A held-out fifth, in every language, that no rule is tuned on.
    heldout = [c for c in ALL_CASES if c.split == "heldout"]
    assert len(heldout) * 5 >= len(ALL_CASES)
    assert {c.language for c in heldout} == {"en", "fr", "es", "ru", "ar", "zh"}


def _check_case(case: Any, got: Extraction) -> None:
    assert got.decision == case.expected["decision"], got.notes
    assert got.amendment == case.expected["amendment"]
    for delegate in got.delegates:
        assert delegate.email is None or not delegate.email.endswith("@unodc.test")
        assert delegate.phone not in SECRETARIAT_E164
        assert delegate.role in ("head", "alternate", "member", "adviser", None)
        assert 0.0 <= delegate.confidence <= 1.0
    if case.expected["decision"] in ("decline", "undecided"):
        assert got.delegates == []
    if "withdrawn" in case.expected:
        assert got.withdrawn == case.expected["withdrawn"]


@pytest.mark.parametrize("case", params(BODY))
def test_body_reply(case: Any) -> None:
    _check_case(case, bench.run_case(case))


@pytest.mark.parametrize("case", params(ATTACHED_TEXT))
def test_text_attachment_reply(case: Any, tmp_path: Path) -> None:
    got = bench.run_case(case, tmp_path)
    _check_case(case, got)
    assert all(d.source == "attachment" for d in got.delegates)


def test_text_replies_meet_the_targets(tmp_path: Path) -> None:
    # Floors under the tuning part's scores (a regression gate, not the
    # issue's targets, which bench/extract.py prints for the held-out part).
    # The other writers' cases (*_b1_*, *_b2_*) pulled decision and role down.
    total, _ = bench.evaluate(BODY + ATTACHED_TEXT, tmp_path)
    assert total.fields["name"].f1 >= 0.98, total.wrong
    assert total.decision_accuracy >= 0.97, total.wrong
    assert total.role_accuracy >= 0.96, total.wrong
    for field in ("title", "role", "email", "phone"):
        assert total.fields[field].f1 >= 0.95, (field, total.wrong)


@pytest.fixture(scope="module")
def scan_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Extraction]:
    cache = tmp_path_factory.mktemp("ocr")
    return {case.name: got for case, got in zip(SCANS, bench.run_cases(SCANS, cache), strict=True)}


@pytest.mark.ocr
@pytest.mark.parametrize("case", params(SCANS))
def test_scanned_reply_decision(case: Any, scan_results: dict[str, Extraction]) -> None:
    got = scan_results[case.name]
    assert got.decision == case.expected["decision"], got.notes
    assert got.amendment == case.expected["amendment"]


@pytest.mark.ocr
def test_scans_meet_the_targets(scan_results: dict[str, Extraction]) -> None:
    total = bench.Score()
    for case in SCANS:
        total.add(bench.score_case(case, scan_results[case.name]))
    assert total.fields["name"].f1 >= 0.85, total.wrong
    assert total.decision_accuracy >= 0.9, total.wrong


AUTO_REPLIES = {
    "en": "I am out of the office until 20 April with limited access to e-mail. For urgent "
          "matters please contact Mr. John SMITH, First Secretary, john.smith@mfa.example.",
    "fr": "Je suis absente du bureau jusqu'au 20 avril. Pour toute urgence, veuillez contacter "
          "M. Paul MARTIN, Premier Secrétaire, paul.martin@diplo.example.",
    "es": "Estaré fuera de la oficina hasta el 20 de abril. Para asuntos urgentes, favor "
          "dirigirse a la Sra. Ana PÉREZ, Consejera, ana.perez@rree.example.",
    "ru": "Автоматический ответ: я нахожусь в отпуске до 20 апреля. По срочным вопросам "
          "обращайтесь к г-ну Ивану ПЕТРОВУ, тел. +43 1 712 1229.",
    "ar": "رد تلقائي: أنا خارج المكتب حتى 20 أبريل. للأمور العاجلة يرجى الاتصال بالسيد أحمد "
          "علي، سكرتير أول.",
    "zh": "自动回复：本人休假至4月20日，不在办公室。如有急事，请联系王伟先生，一等秘书。",
}


@pytest.mark.parametrize("language", sorted(AUTO_REPLIES))
def test_auto_replies_name_no_delegates(language: str) -> None:
    got = extract_response(AUTO_REPLIES[language], language=language)
    assert got.delegates == []
    assert got.decision is None


def test_secretariat_contacts_never_become_a_delegates() -> None:
    body = (
        "The delegation will be composed as follows:\n"
        "1. Ms. Jane DOE, First Secretary, secretariat@unodc.test, tel. +43 1 26060 4283"
    )
    got = extract_response(body, exclude_contacts=SECRETARIAT)
    assert [d.name for d in got.delegates] == ["Jane DOE"]
    assert got.delegates[0].email is None and got.delegates[0].phone is None


def test_fax_is_not_a_phone() -> None:
    body = "The delegation: 1. Mr. Ali KHAN, Counsellor, Fax: +43 1 713 8366, Tel: +43 1 713 8367"
    got = extract_response(body)
    assert got.delegates[0].phone == "+4317138367"


def test_national_numbers_use_the_mission_region_then_vienna() -> None:
    body = "The delegation will include Mr. Jean DUPONT, Counsellor, tel. 01 53 69 30 00."
    assert extract_response(body, region="FR").delegates[0].phone == "+33153693000"
    body = "The delegation will include Mr. Hans HUBER, Counsellor, tel. 0664 123 4567."
    assert extract_response(body).delegates[0].phone == "+436641234567"


def test_body_and_attachment_listing_the_same_people_are_merged() -> None:
    listing = (
        "The delegation will be composed as follows:\n"
        "1. H.E. Mr. John SMITH, Ambassador, Head of Delegation\n"
        "2. Ms. Jane DOE, First Secretary"
    )
    attachment = listing.replace("Ms. Jane DOE, First Secretary", "Ms. Jane DOE, First Secretary,"
                                 " jane.doe@mfa.example")
    got = extract_response(listing, [attachment])
    assert [d.name for d in got.delegates] == ["John SMITH", "Jane DOE"]
    assert got.delegates[1].email == "jane.doe@mfa.example"
    assert {d.source for d in got.delegates} == {"body"}


def test_amendment_pair_original_then_follow_up() -> None:
    by_name = {c.name: c for c in CASES}
    original = bench.run_case(by_name["en_10_amend_original"])
    follow_up = bench.run_case(by_name["en_11_amend_replace"])
    assert original.amendment is None and len(original.delegates) == 2
    assert follow_up.amendment == "replace"
    assert [d.name for d in follow_up.delegates] == ["Lim Wei JIAN"]


def test_desk_officer_signature_is_not_a_delegate() -> None:
    body = (
        "Dear colleagues,\nThe delegation of Chile will be headed by H.E. Ms. Paula VÁSQUEZ, "
        "Ambassador.\n\nBest regards,\nMr. Tomás SILVA\nThird Secretary\ntsilva@minrel.example"
    )
    got = extract_response(body)
    assert [d.name for d in got.delegates] == ["Paula VÁSQUEZ"]
    assert got.delegates[0].role == "head"


def test_conseiller_is_a_rank_in_a_title_and_a_role_under_a_heading() -> None:
    body = (
        "La délégation sera composée comme suit :\n"
        "1. M. Paul MARTIN, Conseiller\n"
        "Conseillers :\n"
        "2. Mme Anne PETIT, Magistrate"
    )
    got = extract_response(body)
    assert [(d.title, d.role) for d in got.delegates] == [
        ("Conseiller", "member"), ("Magistrate", "adviser")
    ]


def test_confidence_is_lower_for_guesses_than_for_a_clear_list() -> None:
    clear = extract_response(
        "The delegation will be composed as follows:\n1. H.E. Mr. John SMITH, Ambassador"
    )
    no_names = extract_response("Chile will participate in the meeting.")
    conflicting = extract_response(
        "Chile regrets that it will not be able to attend. The delegation: Mr. John SMITH."
    )
    assert clear.confidence >= 0.9
    assert no_names.decision == "accept" and no_names.confidence < clear.confidence
    assert no_names.notes
    assert conflicting.confidence < clear.confidence


def test_ocr_noise_is_tolerated() -> None:
    body = (
        "The  delegation will be composed as fol1ows :\n\n"
        "1 . H.E Mr. Kwame ASANTE-MENSAH , Ambassador,  Head of Delegation\n"
        "2.  Ms Abena OWUSU ,First Secretary, abena.owusu@mfa.example ,Tel : +43 1 471 5322\n"
    )
    got = extract_response(body)
    assert [d.name for d in got.delegates] == ["Kwame ASANTE-MENSAH", "Abena OWUSU"]
    assert got.delegates[0].role == "head"
    assert got.delegates[1].phone == "+4314715322"


def test_result_types_match_the_contract() -> None:
    got = extract_response(BODY[0].text)
    assert isinstance(got, Extraction)
    assert all(isinstance(d, DelegateCandidate) for d in got.delegates)
    assert isinstance(got.notes, list)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list(
    "abcXYZ ÉéÑñ.,;:()|-•\n\t@+0123456789 H.E. Mr. Ms. S.E. M. Sr. Sra. г-н السيد 先生王伟 ،，"
)), max_size=400))
def test_any_text_gives_a_well_formed_result(text: str) -> None:
    got = extract_response(text, [text[::-1]], exclude_contacts=SECRETARIAT)
    assert got.decision in ("accept", "decline", "undecided", None)
    assert got.amendment in ("replace", "extend", None)
    assert 0.0 <= got.confidence <= 1.0
    for delegate in got.delegates:
        assert delegate.name.strip()
        assert delegate.source in ("body", "attachment")


def test_ocr_misspelling_of_a_body_name_is_merged_not_duplicated() -> None:
    body = "The delegation will be composed as follows:\n1. Mr. Rajiv KUMAR, Counsellor"
    scan = body.replace("Rajiv KUMAR, Counsellor", "Rajlv KUMAR, Counsellor, tel. +43 1 505 8666")
    got = extract_response(body, [scan])
    assert [d.name for d in got.delegates] == ["Rajiv KUMAR"]
    assert got.delegates[0].phone == "+4315058666"


def test_people_thanked_or_copied_are_not_delegates() -> None:
    body = (
        "Attention: Mr. Hans GRUBER, Secretary of the Working Group\n\n"
        "The Mission thanks Mr. Hans GRUBER for the invitation. The delegation will be "
        "composed as follows:\n1. Ms. Jane DOE, First Secretary\n\ncc: Mr. Peter BLACK, Registry"
    )
    assert [d.name for d in extract_response(body).delegates] == ["Jane DOE"]


def test_tab_separated_rows_pasted_from_a_spreadsheet_are_a_table() -> None:
    body = (
        "Composition of the delegation:\n"
        "Name\tTitle\tRole\tE-mail\n"
        "Mr. Janis OZOLS\tCounsellor\tHead of Delegation\tjanis.ozols@mfa.example\n"
        "Ms. Ilze BERZINA\tSenior Desk Officer\tConseiller\tilze@iem.example\n"
    )
    got = extract_response(body)
    assert [(d.name, d.title, d.role, d.email) for d in got.delegates] == [
        ("Janis OZOLS", "Counsellor", "head", "janis.ozols@mfa.example"),
        ("Ilze BERZINA", "Senior Desk Officer", "adviser", "ilze@iem.example"),
    ]


def test_ocr_lowercase_l_for_capital_i_at_the_start_of_a_name() -> None:
    got = extract_response("The delegation will include:\n1. Sra. lleana NÚÑEZ, Consejera")
    assert [d.name for d in got.delegates] == ["Ileana NÚÑEZ"]


def test_rank_before_the_honorific_and_misspelt_role() -> None:
    got = extract_response(
        "Irán la Embajadora, Sra. Carmen ORTIZ (jefa de la delegación), y el Sr. Pablo RUIZ."
    )
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("Carmen ORTIZ", "Embajadora", "head"), ("Pablo RUIZ", None, "member")
    ]
    got = extract_response("Delegation:\n1) MR. JAMES KOLLIE, Counsellor, Head of Delgation")
    assert [(d.honorific, d.title, d.role) for d in got.delegates] == [
        ("MR.", "Counsellor", "head")
    ]


def test_rank_as_the_form_of_address_only_where_a_name_follows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    got = extract_response(
        "The delegation will be composed as follows:\n"
        "Head of delegation: H.E. Ambassador Ahmed HASSAN, Permanent Representative\n"
        "1. Minister Counsellor Paul DURAND, paul.durand@mfa.example\n"
    )
    assert [(d.honorific, d.name, d.title, d.role) for d in got.delegates] == [
        ("H.E. Ambassador", "Ahmed HASSAN", "Permanent Representative", "head"),
        ("Minister Counsellor", "Paul DURAND", None, "member"),
    ]
    # A rank with no name after it is a title; a bare line needs an ALL-CAPS
    # surname and a field after the name.
    for body in (
        "The delegation:\nAlternate: Counsellor for Legal Affairs, Ministry of Justice\n",
        "The delegation:\nHead of delegation: Minister of Justice\n",
        "The delegation:\nAmbassador, Permanent Representative\n",
        "The delegation:\nAmbassador Ahmed Hassan will attend.\n",
    ):
        # What the statistical tagger reads where no rule matched is flagged to confirm.
        tagged = extract_response(body)
        assert tagged.delegates == [] or any("statistical tagger" in n for n in tagged.notes)
        with monkeypatch.context() as patched:
            patched.setattr("bot.extract.TAGGER_MODES", frozenset())
            assert extract_response(body).delegates == [], body

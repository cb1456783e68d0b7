"""The statistical name tagger (bot/extract/tagger.py) and where the extractor uses it.

The sentences below name people who appear nowhere in the reply corpus
(checked here), written in shapes the rules do not know: the model must
find them from the shape and place of the words, not from memory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import bot.extract as extractor
from bot.extract import DelegateCandidate, extract_response, tagger, train
from bot.extract.features import gazetteer, line_features, tokenize
from bot.extract.tagged import correct_names

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "replies"

UNSEEN = [
    # (line, the name, the honorific the tagger should read, or None)
    ("1. Engr. (Mrs.) Chidinma Ifeoma Okonkwo-Eze, Director, Federal Ministry of Justice",
     "Chidinma Ifeoma Okonkwo-Eze", "Engr. (Mrs.)"),
    ("Monsignor Tadeusz Wróblewski, Counsellor, Holy See", "Tadeusz Wróblewski", "Monsignor"),
    ("Tavita Faleolo Sefo, Legal Officer, Attorney General's Office", "Tavita Faleolo Sefo", None),
    ("La délégation sera conduite par Son Excellence Madame Ramatoulaye Sangaré-Kaboré, Ministre "
     "de la Justice.", "Ramatoulaye Sangaré-Kaboré", "Son Excellence Madame"),
    ("Excmo. Sr. D. Fulgencio Arregui Zubizarreta, Embajador", "Fulgencio Arregui Zubizarreta",
     "Excmo. Sr. D."),
    ("- Святослав Всеволодович Полищук, советник", "Святослав Всеволодович Полищук", None),
    ("Делегацию возглавит Фархад Ринатович Абдрахманов, заместитель министра юстиции.",
     "Фархад Ринатович Абдрахманов", None),
    ("سيرأس الوفد معالي الوزير حمدان بن زايد الزعابي، وزير العدل", "حمدان بن زايد الزعابي",
     "معالي الوزير"),
    ("ثامر عبد المحسن الفلاسي، مدير إدارة التعاون الدولي", "ثامر عبد المحسن الفلاسي", None),
    ("团员：龚晓岚女士，公安部国际合作局处长", "龚晓岚", "女士"),
    ("代表团由司法部副部长司马云帆率领。", "司马云帆", None),
]


def _corpus_text() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))


def test_the_shipped_model_loads_once_and_is_small() -> None:
    path = tagger.default_model_path()
    assert path.is_file()
    assert path.stat().st_size < 1_000_000
    first = tagger.load()
    assert first is not None
    assert tagger.load() is first


def test_the_unseen_names_are_really_unseen() -> None:
    text = _corpus_text()
    for _line, name, _hon in UNSEEN:
        assert name not in text
        # Not even one of its words, for the longer (non-Chinese) names.
        if " " in name:
            assert not any(w in text for w in name.split() if len(w) > 4), name


@pytest.mark.parametrize(("line", "name", "honorific"), UNSEEN, ids=[u[1] for u in UNSEEN])
def test_tags_names_it_never_saw(line: str, name: str, honorific: str | None) -> None:
    found = tagger.find_names(line)
    assert [n.name for n in found] == [name]
    assert found[0].honorific == honorific
    assert line[found[0].start : found[0].end] == name


def test_prose_and_titles_are_not_names() -> None:
    for line in ("The Permanent Mission of the Republic of Austria presents its compliments.",
                 "Legal Officer, Attorney General's Office",
                 "Ministry of Foreign Affairs, Department of International Law",
                 "Постоянное представительство Российской Федерации",
                 "وتغتنم البعثة الدائمة هذه الفرصة لتعرب عن فائق تقديرها",
                 "中华人民共和国常驻维也纳联合国代表团"):
        assert tagger.find_names(line) == [], line


def test_tokens_follow_each_script() -> None:
    assert [t.text for t in tokenize("H.E. Mr. O'NEILL-SMITH, Ю.В. Ушаков")] == [
        "H.E.", "Mr.", "O'NEILL-SMITH", ",", "Ю.В.", "Ушаков"]
    assert [t.text for t in tokenize("王伟大使，wang@mfa.example")] == [
        "王", "伟", "大", "使", "，", "wang@mfa.example"]
    assert [t.text for t in tokenize("السيد محمد")] == ["السيد", "محمد"]
    feats = line_features("1. Mr. John SMITH, Counsellor")
    smith = feats[4]
    assert "sh=upper" in smith and "s=lat" in smith and "hon_d=2" in smith
    assert "-2:lex=hon" in smith and "1:w=," in smith and "L:list" in smith


def test_gazetteer_is_small_and_knows_names_in_several_scripts() -> None:
    names = gazetteer()
    assert 10_000 < len(names) < 100_000
    assert names.get("maria") in ("g", "b")
    assert names.get("иван") in ("g", "b")
    assert names.get("محمد") in ("g", "b")
    assert "ambassador" not in names and "justice" not in names


def test_missing_model_finds_nothing(tmp_path: Path) -> None:
    assert tagger.find_names("1. Mr. John SMITH, Counsellor", model=tmp_path / "none") == []


def test_training_reads_only_the_tuning_part() -> None:
    heldout = {p.stem for p in CORPUS.glob("*.json")
               if json.loads(p.read_text(encoding="utf-8")).get("split") == "heldout"}
    samples = train.load_samples()
    assert heldout and samples
    assert not heldout & {s.case for s in samples}


def test_auto_labels_find_the_names_and_honorifics_in_the_text() -> None:
    sample = train.Sample("x", "1. Sr. José ÁLVAREZ, Consejero\n2. 王伟先生，参赞",
                          ["Jose ALVAREZ", "王伟"], ["Sr.", "先生"])
    spans = sorted(train.name_spans(sample))
    assert [(sample.text[a:b], k) for a, b, k in spans] == [
        ("Sr.", "HON"), ("José ÁLVAREZ", "NAME"), ("王伟", "NAME"), ("先生", "HON")]


def test_training_on_a_small_subset_makes_a_working_model(tmp_path: Path) -> None:
    out = tmp_path / "small.crfsuite"
    assert train.main(["--limit", "40", "--out", str(out)]) == 0
    again = tmp_path / "again.crfsuite"
    assert train.main(["--limit", "40", "--out", str(again)]) == 0
    assert out.read_bytes() == again.read_bytes()  # deterministic
    found = tagger.find_names("1. Mr. Xavier QUENTIN-LAROCHE, Counsellor", model=out)
    assert [n.name for n in found] == ["Xavier QUENTIN-LAROCHE"]


BARE_LIST = (
    "The Permanent Mission of Tuvalu has the honour to inform that its delegation will be "
    "composed as follows:\n\n"
    "Tavita Faleolo Sefo, Legal Officer, Attorney General's Office\n"
    "Siosaia Lotoa'niu Veikune, Counsellor\n"
)


def test_the_tagger_finds_a_list_the_rules_miss(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extractor, "TAGGER_MODES", frozenset())
    assert extract_response(BARE_LIST).delegates == []
    monkeypatch.setattr(extractor, "TAGGER_MODES", frozenset({"fallback"}))
    got = extract_response(BARE_LIST)
    assert [(d.name, d.title) for d in got.delegates] == [
        ("Tavita Faleolo Sefo", "Legal Officer, Attorney General's Office"),
        ("Siosaia Lotoa'niu Veikune", "Counsellor"),
    ]
    # Read by the model alone: recorded, but to confirm.
    assert got.decision == "accept"
    assert got.confidence < 0.7
    assert any("statistical tagger" in note for note in got.notes)


def test_an_arabic_name_without_honorific_is_found_and_its_title_kept() -> None:
    got = extract_response("تتشرف البعثة بإبلاغكم بأن وفدها إلى الاجتماع سيتكون على النحو التالي:\n"
                           "ثامر عبد المحسن الفلاسي، مدير إدارة التعاون الدولي")
    assert [(d.name, d.title, d.role) for d in got.delegates] == [
        ("ثامر عبد المحسن الفلاسي", "مدير إدارة التعاون الدولي", "head")]


def test_the_tagger_stays_out_of_declines_and_rule_read_replies() -> None:
    assert extract_response("We regret that we cannot attend.").delegates == []
    # A decline that names its signatory, a deferral that names a contact: nobody.
    for body in ("Our delegation regrets that it cannot attend.\nTavita Faleolo Sefo, Counsellor",
                 "The composition of the delegation will be communicated later.\n"
                 "Tavita Faleolo Sefo, Counsellor"):
        assert extract_response(body).delegates == [], body
    got = extract_response("Our delegation:\n1. Mr. John SMITH, Counsellor")
    assert [d.name for d in got.delegates] == ["John SMITH"]
    assert not any("tagger" in note for note in got.notes)


def test_correcting_a_rank_read_into_a_name() -> None:
    def person(name: str, honorific: str | None = None) -> DelegateCandidate:
        return DelegateCandidate(honorific, name, None, "member", None, None, 0.9, "body")

    rules = [person("Commissioner Ernesto VALDIVIA PAREDES"), person("Gloria ZELAYA PINEDA")]
    model = [person("Ernesto VALDIVIA PAREDES"), person("ZELAYA PINEDA")]
    notes = correct_names(rules, model)
    assert [(d.honorific, d.name) for d in rules] == [
        ("Commissioner", "Ernesto VALDIVIA PAREDES"),
        # A known given name is never taken for a rank.
        (None, "Gloria ZELAYA PINEDA"),
    ]
    assert len(notes) == 1


def test_extra_names_beside_the_rules_open_their_line(monkeypatch: pytest.MonkeyPatch) -> None:
    body = ("The delegation will be composed as follows:\n"
            "1. Ms. Efua MENSAH, First Secretary\n"
            "2. Tavita Faleolo Sefo (Attorney General's Office)\n\n"
            "We also thank Kwame Asante Boateng for his help.\n")
    monkeypatch.setattr(extractor, "TAGGER_MODES", frozenset({"fallback"}))
    assert [d.name for d in extract_response(body).delegates] == ["Efua MENSAH"]
    monkeypatch.setattr(extractor, "TAGGER_MODES", frozenset({"fallback", "extend"}))
    got = extract_response(body)
    assert [(d.name, d.title) for d in got.delegates] == [
        ("Efua MENSAH", "First Secretary"), ("Tavita Faleolo Sefo", "Attorney General's Office")]
    assert got.delegates[1].confidence < 0.7

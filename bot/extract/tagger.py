"""The statistical name tagger: a linear-chain CRF over the tokens of a line.

Where the rules of `anchors`/`names` find no name shape they know, the
tagger reads each line's tokens (`features.tokenize`) and labels them
B-/I-NAME, B-/I-HON (a form of address) or O.  The model is trained in the
repository on the tuning part of tests/corpus/replies (`make model`, see
`bot.extract.train`) and shipped as models/names.crfsuite; it is loaded once,
lazily, and never fetched.  If the model file is missing the tagger finds
nothing, so the rules alone decide.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Final

import pycrfsuite

from bot.extract.features import Token, line_features, tokenize
from bot.extract.lexicon import NAME_PARTICLES
from bot.extract.names import HONORIFIC_RE

MODEL_NAME: Final = "names.crfsuite"
_lock = threading.Lock()
_loaded: dict[str, pycrfsuite.Tagger | None] = {}
_override: list[Path] = []


@dataclass(frozen=True)
class TaggedName:
    """A name the tagger found: offsets in the text, honorific as written, probability."""

    start: int
    end: int
    name: str
    honorific: str | None
    probability: float


def default_model_path() -> Path:
    return Path(str(resources.files("bot.extract").joinpath("models", MODEL_NAME)))


def use_model(path: Path | None) -> None:
    """Tag with the model at `path` from now on (None: the shipped one), e.g. a
    cross-validation fold's."""
    _override[:] = [path] if path is not None else []


def load(path: Path | None = None) -> pycrfsuite.Tagger | None:
    """The tagger for the model at `path` (the shipped one by default), loaded once."""
    path = path or (_override[0] if _override else default_model_path())
    key = str(path)
    with _lock:
        if key not in _loaded:
            tagger: pycrfsuite.Tagger | None = None
            if path.is_file():
                tagger = pycrfsuite.Tagger()
                tagger.open(key)
            _loaded[key] = tagger
        return _loaded[key]


def tag_line(line: str, tagger: pycrfsuite.Tagger, prev: str = "") -> list[str]:
    """The labels of `line`'s tokens."""
    feats = line_features(line, prev=prev)
    if not feats:
        return []
    labels: list[str] = tagger.tag(pycrfsuite.ItemSequence(feats))
    return labels


def find_names(
    text: str,
    *,
    lines: set[int] | None = None,
    model: Path | None = None,
    min_probability: float = 0.5,
) -> list[TaggedName]:
    """Names the model finds in `text` (only in line numbers `lines` if given)."""
    tagger = load(model)
    if tagger is None:
        return []
    out: list[TaggedName] = []
    offset = 0
    prev = ""
    with _lock:  # a pycrfsuite.Tagger keeps the last sequence: one caller at a time
        for number, line in enumerate(text.split("\n")):
            if (lines is None or number in lines) and line.strip():
                out.extend(_names_in_line(line, offset, tagger, prev, min_probability))
            if line.strip():
                prev = line
            offset += len(line) + 1
    return out


def honorific_before(prefix: str) -> str | None:
    """The lexicon's honorific that ends `prefix`, if any ("1. Engr. (Mrs.) " -> "Engr. (Mrs.)")."""
    matches = list(HONORIFIC_RE.finditer(prefix))
    if not matches or prefix[matches[-1].end() :].strip():
        return None
    return " ".join(matches[-1].group().split())


def _close_gaps(tokens: list[Token], labels: list[str]) -> None:
    """A name does not end on a particle ("بن", "عبد", "van"): the word after it is
    the name's.  One capitalised word left out between two parts of a name is
    part of it; a lower-case word ("and", "et", "и") or punctuation is not."""
    for i in range(len(tokens) - 1):
        if (labels[i].endswith("NAME") and tokens[i].text.casefold() in NAME_PARTICLES
                and labels[i + 1] in ("O", "B-HON", "I-HON")
                and tokens[i + 1].text[:1].isalpha() and tokens[i].end < tokens[i + 1].start):
            labels[i + 1] = "I-NAME"
    for i in range(1, len(tokens) - 1):
        if labels[i] != "O" or not labels[i - 1].endswith("NAME"):
            continue
        if not labels[i + 1].endswith("NAME"):
            continue
        word = tokens[i].text
        if len(word) < 2 or not word[0].isalpha() or word[0].islower():
            continue
        labels[i] = "I-NAME"
        labels[i + 1] = "I-NAME"


def _names_in_line(
    line: str, offset: int, tagger: pycrfsuite.Tagger, prev: str, min_probability: float
) -> list[TaggedName]:
    tokens = tokenize(line)
    feats = line_features(line, tokens, prev=prev)
    if not feats:
        return []
    labels: list[str] = tagger.tag(pycrfsuite.ItemSequence(feats))
    _close_gaps(tokens, labels)
    out: list[TaggedName] = []
    i = 0
    hon_start: int | None = None
    hon_end = 0
    while i < len(tokens):
        label = labels[i]
        if label == "B-HON" or (label == "I-HON" and hon_start is None):
            hon_start = tokens[i].start
            j = i + 1
            while j < len(tokens) and labels[j] == "I-HON":
                j += 1
            hon_end = tokens[j - 1].end
            i = j
            continue
        if label not in ("B-NAME", "I-NAME"):
            hon_start = None
            i += 1
            continue
        j = i + 1
        while j < len(tokens) and labels[j] == "I-NAME":
            j += 1
        probability = min(tagger.marginal(labels[k], k) for k in range(i, j))
        start, end = tokens[i].start, tokens[j - 1].end
        name = line[start:end]
        if name.endswith(".") and len(tokens[j - 1].text) > 2:
            name, end = name[:-1], end - 1  # "SMITH." ends a sentence
        honorific = None
        if hon_start is not None and not line[hon_end:start].strip(" \t"):
            honorific = " ".join(line[hon_start:hon_end].split())
        elif j < len(tokens) and labels[j] == "B-HON" and tokens[j].start == tokens[j - 1].end:
            # Chinese writes the form of address after the name: "龚晓岚女士".
            k = j + 1
            while k < len(tokens) and labels[k] == "I-HON":
                k += 1
            honorific = line[tokens[j].start : tokens[k - 1].end]
        if honorific is None:
            honorific = honorific_before(line[:start])
        if probability >= min_probability:
            out.append(TaggedName(offset + start, offset + end, name, honorific,
                                  round(probability, 3)))
        hon_start = None
        i = j
    return out

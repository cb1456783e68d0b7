"""Informal follow-ups: the one leaving named by the given name alone, and the
signer of the follow-up never read as a newcomer (tuning rounds b4 and fy)."""

from __future__ import annotations

import pytest

from bot.extract.quotes import split_signature
from bot.inbound.followup.given import leaving_by_given_name
from bot.inbound.followup.leaving import leaving
from bot.inbound.followup.operation import decide_operation
from bot.models import Operation
from bot.results.delegation import State

_LIST = State(decision="accept", people=(
    {"name": "Hanna Virtanen", "title": "Ambassador", "role": "head"},
    {"name": "Mikko Laine", "title": "Counsellor", "role": "member"},
    {"name": "Mikko Salo", "title": "Attaché", "role": "member"},
    {"name": "Aino Koski", "title": "Intern", "role": "member"},
))


@pytest.mark.parametrize("text", [
    "Aino is unfortunately no longer able to come with us.",
    "Sadly Aino will not be travelling, the others come as planned.",
])
def test_a_given_name_beside_a_leaving_cue(text: str) -> None:
    assert leaving(text, _LIST) == ["Aino Koski"]


def test_a_given_name_two_delegates_share_names_nobody() -> None:
    assert leaving_by_given_name("Mikko will not be travelling after all.", _LIST) == []


@pytest.mark.parametrize("signoff", ["Cheers,", "Many thanks,", "Quedamos atentos."])
def test_informal_signoffs_start_the_signature(signoff: str) -> None:
    body, signature = split_signature(f"Aino cannot come.\n{signoff}\nPia Nieminen\n")
    assert signature is not None and "Pia Nieminen" in signature
    assert "Pia" not in body


def test_the_signer_of_a_removal_is_no_newcomer() -> None:
    text = ("Hi,\nAino is no longer able to join us. The others will attend as planned.\n\n"
            "Cheers,\nPia Nieminen\nProgram Assistant, Permanent Mission of Finland\n")
    decided = decide_operation(_LIST, "accept", [], [], text)
    assert decided.operation == Operation.REMOVE
    assert decided.removed == ("Aino Koski",)


def test_a_given_name_outside_the_clause_of_the_cue_is_not_leaving() -> None:
    text = "Ms. Aino Koski regrets that Finland will not be able to participate after all."
    assert leaving_by_given_name(text, _LIST) == []

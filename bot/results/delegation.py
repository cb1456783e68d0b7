"""A mission's delegation as the fold of its replies' operations.

Each reply the record stage accepts becomes one ``DelegationEvent`` with an
operation (``models.Operation``: first, add, replace, remove, withdraw,
complete, resend, none), the people the message names and the names it
takes off. :func:`apply` is one step; :func:`fold` replays every event of
an invitation in message order. The record stage writes the result of the
fold as the current ``Response`` with its ``Delegate`` rows, so status,
exports, the digest and the web console read one delegation; a test can
replay the events and must find the same. Pure functions, no database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from bot.models import Operation
from bot.personkey import person_key as person_key

Person = dict[str, Any]  # honorific, name, title, role, email, phone, confidence, source

PERSON_FIELDS = ("honorific", "name", "title", "role", "email", "phone", "confidence", "source")
# The operation of a ``models.StaffEdit``: the delegation as staff set it by hand.
STAFF = "staff"


@dataclass(frozen=True)
class State:
    """A delegation: the decision and the people, head first as the mission listed them."""

    decision: str | None = None
    people: tuple[Person, ...] = field(default_factory=tuple)

    @property
    def said_something(self) -> bool:
        return self.decision is not None or bool(self.people)


def names_match(name: str, removed: str) -> bool:
    """``removed`` ("Mwangi", "Mr. Peter Mwangi", "Mwangi's") designates ``name`` (all its
    words are in it)."""
    words = set(person_key(name).split())
    wanted = set(person_key(removed).split()) - {"mr", "ms", "mrs", "dr", "h", "e", "m", "mme",
                                                  "s"}
    return bool(wanted) and wanted <= words


def alike(a: str, b: str) -> bool:
    """One person's name written twice, perhaps read from a scan: the same key, or
    keys of at least 8 letters that differ by a misread letter or two."""
    ka, kb = person_key(a), person_key(b)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 8
                        and SequenceMatcher(None, ka, kb).ratio() >= 0.9)


def same_people(a: Iterable[Person], b: Iterable[Person]) -> bool:
    """The two lists name the same people (order, spelling of case and a misread
    letter aside), one for one."""
    left, right = [str(p.get("name") or "") for p in a], [str(p.get("name") or "") for p in b]
    if len(left) != len(right):
        return False
    free = list(right)
    for name in left:
        match = next((other for other in free if alike(name, other)), None)
        if match is None:
            return False
        free.remove(match)
    return True


# What a later message may correct about a person already listed. Not the
# role: a follow-up naming one person reads them as the head of a
# delegation of one, which says nothing about who leads.
CORRECTABLE = ("honorific", "title", "email", "phone")


def _union(before: Sequence[Person], new: Sequence[Person]) -> tuple[Person, ...]:
    """``before`` with ``new`` added; a person in both keeps the details ``new`` gives."""
    def one(listed: Person, read: Person) -> bool:
        # The same person: a misread letter, or named by surname only ("M. Peeters").
        return alike(read["name"], listed["name"]) or names_match(listed["name"], read["name"])

    def same(person: Person) -> Person | None:
        return next((p for p in new if one(person, p)), None)

    kept = tuple({**p, **{f: g[f] for f in CORRECTABLE if g.get(f)}}
                 if (g := same(p)) is not None else p for p in before)
    return kept + tuple(p for p in new if not any(one(b, p) for b in before))


def apply(state: State, operation: str, decision: str | None, people: Sequence[Person],
          removed: Sequence[str] = ()) -> State:
    """The delegation after one operation."""
    if operation == STAFF:
        return State(decision, tuple(people))
    if operation == Operation.WITHDRAW:
        return State("decline", ())
    if operation in (Operation.RESEND, Operation.NONE):
        if state.said_something or decision is None:
            return state
        return State(decision, tuple(people))
    if operation == Operation.ADD:
        # More people, or new details of people already listed; with no head listed, a
        # listed delegate the reply names as leading now ("Ms. A will head the
        # delegation", carried with the role of head) leads.
        joined = _union(state.people, people)
        listed = len(state.people)
        return State("accept", _succession(state.people, (), joined[:listed], people)
                     + joined[listed:])
    if operation == Operation.REMOVE:
        kept = tuple(p for p in state.people
                     if not any(names_match(p["name"], r) for r in removed))
        return State(state.decision, _succession(state.people, removed, kept, people))
    if operation == Operation.REPLACE and removed:
        rest = [p for p in state.people if not any(names_match(p["name"], r) for r in removed)]
        coming = [p for p in people if not any(names_match(p["name"], r) for r in removed)]
        return State("accept" if coming else state.decision,
                     _succession(state.people, removed, _union(rest, coming), people))
    # first, complete, a whole new list: what the message says is the delegation.
    if operation == Operation.REPLACE and people:
        decision = "accept"  # people come in: "B cannot come; C will replace her"
    return State(decision or ("accept" if people else state.decision), tuple(people))


def _succession(before: Sequence[Person], removed: Sequence[str], after: tuple[Person, ...],
                people: Sequence[Person] = ()) -> tuple[Person, ...]:
    """Nobody leading any more, who leads: a listed delegate the reply names as
    leading now (carried with the role of head in ``people``), else the one who
    comes in for the head, when the reply gives them no other role and nobody else leads
    ("Mr. A, head of delegation, is unable to travel; Mr. C will attend instead")."""
    if any(p.get("role") == "head" for p in after):
        return after
    named = [p for p in after if any(q.get("role") == "head" and names_match(p["name"], q["name"])
                                     for q in people)]
    gone = [p for p in before if any(names_match(p["name"], r) for r in removed)]
    new = [p for p in after if not any(names_match(p["name"], q["name"]) for q in before)]
    if (len(named) != 1 and len(gone) == 1 and gone[0].get("role") == "head" and len(new) == 1
            and new[0].get("role") in (None, "member")):
        named = new
    if len(named) == 1:
        return tuple({**p, "role": "head"} if p is named[0] else p for p in after)
    return after


@dataclass(frozen=True)
class Step:
    """One event as the fold reads it (``models.DelegationEvent`` without the database)."""

    operation: str
    decision: str | None
    people: tuple[Person, ...]
    removed: tuple[str, ...] = ()

    @classmethod
    def of(cls, event: Any) -> Step:
        """From a ``DelegationEvent`` row (JSON columns decoded)."""
        return cls(event.operation, event.decision, tuple(json.loads(event.delegates or "[]")),
                   tuple(json.loads(event.removed or "[]")))

    @classmethod
    def of_edit(cls, edit: Any) -> Step:
        """From a ``StaffEdit`` row: the whole delegation as staff left it."""
        return cls(STAFF, edit.decision, tuple(json.loads(edit.delegates or "[]")))


def in_order(events: Iterable[Any], edits: Iterable[Any] = (), *, until: int | None = None,
             including: bool = True) -> list[Step]:
    """Replies' events and staff edits as steps, in the order they happened.

    An event stands at its message's id; a staff edit right after the reply
    that was the latest when staff made it. With ``until``, only what came
    before that message, and the message's own event if ``including``.
    """
    keyed = [((e.inbound_id, 0, 0), Step.of(e)) for e in events]
    keyed += [((x.after_inbound_id, 1, x.id or 0), Step.of_edit(x)) for x in edits]
    if until is not None:
        keyed = [(k, s) for k, s in keyed
                 if k[0] < until or (including and k[0] == until and k[1] == 0)]
    return [step for _, step in sorted(keyed, key=lambda item: item[0])]


def fold(steps: Iterable[Step], start: State | None = None) -> State:
    """Replay ``steps`` in order from ``start`` (default: nothing answered)."""
    state = start or State()
    for step in steps:
        state = apply(state, step.operation, step.decision, step.people, step.removed)
    return state

"""Decide what one reply does to its mission's delegation.

Input: the delegation recorded so far (:class:`bot.results.delegation.State`,
the fold of the earlier replies), what the extractor read in this reply
(decision, people, the names it withdraws) and the reply's own words.
Output: an operation of ``models.Operation`` with the words that caused it
and, when the reading is a guess, why it must be confirmed. The cue words
are data, per operation and language, in ``cues.yaml`` beside this module.

The order of the questions is the point:

1. nothing recorded yet: the ``first`` answer (or ``none`` if it says nothing);
2. a declining message naming nobody: ``withdraw`` (decline after
   accepting; a remove-cue without a name is only a guess, to confirm), or
   ``complete`` when the earlier answer was undecided; a declining message
   that names every delegate as not coming is a ``withdraw`` too;
3. names taken off ("instead of B", "B will not be able to travel"):
   ``remove``, or ``replace`` when others come in;
4. people named: ``complete`` when none were named before, ``resend`` when
   they are the same people (an ``add`` of their details when the message
   says it corrects them), else ``replace`` / ``add`` by the cue words. The
   message's own words prevail over the extractor's reading. Without a cue:
   a list that keeps every earlier name and adds some, or that names only
   people already listed, is an ``add`` (their new details kept); a list
   that states its own head and leaves earlier names out is a ``replace``,
   to confirm; new people and no head are an ``add``, to confirm;
5. nobody named: details of listed delegates (an e-mail sent later, a
   corrected title) when the message says it corrects or gives contacts
   (:mod:`bot.inbound.followup.mentions`), an ``add`` carrying them; else
   a changed decision, else ``none``.

Bad input never raises: what cannot be read is ``none``, to confirm, with
the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.extract.lexicon import ROLE_HEAD_RE
from bot.extract.quotes import split_signature
from bot.inbound.followup.chinese import reread
from bot.inbound.followup.cues import CATEGORIES, cue_patterns, find_cues
from bot.inbound.followup.leaving import leaving, leaving_by_rank, someone_leaving
from bot.inbound.followup.mentions import (
    declined_names,
    details,
    labelled_only,
    named_in,
    newcomers,
)
from bot.inbound.followup.rename import name_corrected
from bot.inbound.followup.stated import leader, title_of
from bot.inbound.followup.titles import without_contrast
from bot.models import Operation
from bot.results.delegation import (
    CORRECTABLE,
    Person,
    State,
    alike,
    names_match,
    person_key,
    same_people,
)

__all__ = ["CATEGORIES", "Decided", "cue_patterns", "decide_operation", "find_cues", "reads_names"]

@dataclass(frozen=True)
class Decided:
    """The operation, the words that caused it, the names taken off, and any doubt.

    ``people``: the people the operation carries when they are not the
    extractor's (listed delegates with the details a correction gives);
    None to record what the extractor read.
    """

    operation: Operation
    cue: str
    removed: tuple[str, ...] = ()
    to_confirm: str | None = None
    people: tuple[Person, ...] | None = None


# Words saying a follow-up changes who comes: its names count without a
# phrase saying they form a delegation (``extract_response(followup=True)``).
_CHANGE_CUES = ("add", "replace", "new_list", "remove", "leaving_before", "leaving_after",
                "leaving_oblique", "correction")


def reads_names(before: State, delegates: int, text: str) -> bool:
    """Read this reply again as a follow-up: a delegation is recorded, the
    extractor kept nobody, and the words say who comes or goes (or name a
    listed delegate as leaving)."""
    if not before.people or delegates:
        return False
    cues = find_cues(text)
    # A leaving cue counts when it names a listed delegate: "ne ~ pas" alone
    # ("nous ne savons pas encore") says nobody comes or goes.
    return (any(c in cues for c in _CHANGE_CUES if not c.startswith("leaving"))
            or bool(leaving(text, before)))


def _said(category: str, cues: dict[str, str]) -> str:
    word = cues[category]
    return word if word.startswith("(") else f'"{word}"'


def _name(person: Person) -> str:
    return str(person.get("name") or "")


def _same(a: Person, b: Person) -> bool:
    return (alike(_name(a), _name(b)) or names_match(_name(a), _name(b))
            or names_match(_name(b), _name(a)))


def _known(person: Person, before: State) -> bool:
    return any(_same(p, person) for p in before.people)


def _details_differ(people: list[Person], before: State) -> bool:
    def recorded(person: Person) -> Person:
        return next((p for p in before.people if alike(_name(p), _name(person))), {})

    return any(p.get(f) and p.get(f) != recorded(p).get(f)
               for p in people for f in ("title", "email", "phone"))


def decide_operation(before: State, decision: str | None, people: list[Person],
                     withdrawn: list[str], text: str, amendment: str | None = None) -> Decided:
    """The operation this reply performs on the delegation ``before``.

    ``amendment`` is the extractor's own reading ("extend" or "replace"),
    counted as a cue when the words of ``cues.yaml`` say nothing. Never
    raises: input it cannot read is no change, to confirm, with the reason.
    """
    try:
        respelt = name_corrected(text or "", before) if before.people else None
        if respelt is not None:  # "le nom correct est X (et non Y)": the list, X respelt
            return Decided(Operation.REPLACE, f'"{respelt[0]}"', people=respelt[1])
        said = [p for p in people if _name(p).strip()]
        read = reread(text or "", said, before) if before.people else said  # Chinese: by clause
        declined: list[Person] = []
        brought: list[Person] = []
        carried = False  # names read again, in the nominative
        if not read and before.people and {"add", "replace", "new_list"} & find_cues(
                text or "").keys():
            # "Просим включить Степанова Руслана Ильдаровича": a newcomer in an
            # oblique case the extractor did not read.
            declined = read = declined_names(text or "", before)
        if before.people and ({"add", "replace", "new_list"} & find_cues(text or "").keys()
                              or leaving(text or "", before)):
            # "sera remplacée par notre conseiller Paul Mbarga", "включить Морозову
            # Ирину": someone comes in, named without an honorific.
            objects: dict[str, str] = {}
            brought = newcomers(split_signature(text or "")[0], before, objects)  # not the signer
            # "включить Орозбаева Улана" read as written by the extractor: the nominative.
            renamed = [{**p, "name": objects[_name(p)]} if _name(p) in objects else p
                       for p in read]
            carried = renamed != read
            brought = [p for p in brought if not any(
                _same(p, q) or named_in(_name(p), q) or named_in(_name(q), p) for q in read)]
            read = [*renamed, *brought]
            withdrawn = [w for w in withdrawn if not any(named_in(w, p) for p in brought)]
        listed = [_as_listed(p, before) for p in read]
        decided = _decide(before, decision, listed, [w for w in withdrawn if w and w.strip()],
                          text or "", amendment)
        if decided.people is None and (listed != said or declined or brought or carried):
            # The event carries listed delegates under their recorded names.
            decided = replace(decided, people=tuple(listed))
        if decided.operation == Operation.REPLACE and decided.removed:
            # "M. B sera remplacé par Mme C. Par ailleurs, M. A participera en qualité
            # de …": the new details of those who stay go with the replacement.
            stays = [p for p in details(text or "", before)
                     if not any(names_match(p["name"], r) for r in decided.removed)]
            if stays:
                carried_people = list(decided.people) if decided.people is not None else listed
                decided = replace(decided, people=tuple(
                    [p for p in carried_people if not any(_same(p, q) for q in stays)]
                    + stays))
        if before.people and decided.operation in (Operation.ADD, Operation.REPLACE,
                                                   Operation.REMOVE):
            carrying = list(decided.people) if decided.people is not None else listed
            stated = _stated(carrying, text or "", before, decided.removed)
            if stated != carrying:
                decided = replace(decided, people=tuple(stated))
        if declined and decided.operation in (Operation.ADD, Operation.REPLACE):
            decided = replace(decided, to_confirm=decided.to_confirm or (
                "read " + ", ".join(p["name"] for p in declined) + " from an oblique case "
                "(the extractor named nobody)"))
        return decided
    except Exception as error:  # bad input: never lose the message over it
        return Decided(Operation.NONE, "the operation could not be read",
                       to_confirm=f"the operation could not be read ({type(error).__name__}); "
                                  "the delegation is unchanged")


def _stated(people: list[Person], text: str, before: State,
            removed: tuple[str, ...]) -> list[Person]:
    """``people`` with what the reply states of them: the title written beside a
    newcomer who has none ("remplacée par notre conseiller Paul Mbarga"), and who
    leads when no listed head stays ("Mme C, qui conduira la délégation")."""
    stated = [p if p.get("title") or _known(p, before) else
              {**p, "title": title_of(text, _name(p)) or p.get("title")} for p in people]
    heads_stay = any(p.get("role") == "head" and not any(names_match(p["name"], r)
                                                         for r in removed)
                     for p in before.people)
    lead = None if heads_stay else leader(text, [*stated, *before.people], removed)
    if lead is None:
        return stated
    led = [{**p, "role": "head"} if _name(p) == lead else p for p in stated]
    if led == stated and not any(_name(p) == lead for p in stated):
        # A listed delegate named only as the one who leads now.
        led += [{**p, "role": "head"} for p in before.people if p["name"] == lead]
    return led


def _as_listed(person: Person, before: State) -> Person:
    """A listed delegate named again ("M. Peeters", "Mr. Kask") is that delegate,
    with whatever new details the message gives (never a new role)."""
    listed = next((p for p in before.people if _same(p, person)), None)
    if listed is None:
        return person
    person = {**person, "title": without_contrast(str(person.get("title") or "")) or None}
    return {**listed, **{f: person[f] for f in CORRECTABLE if person.get(f)}}


def _decide(before: State, decision: str | None, people: list[Person], withdrawn: list[str],
            text: str, amendment: str | None) -> Decided:
    cues = find_cues(text)
    written = dict(cues)  # the words of the message itself, before the extractor's reading
    # The message's own words prevail: "further to our note" made the extractor
    # read a replacement where the message says it adds ("إضافة", "also").
    if not {"add", "replace"} & written.keys():
        if amendment == "extend":
            cues["add"] = "(read by the extractor as an addition)"
        elif amendment == "replace":
            cues["replace"] = "(read by the extractor as a replacement)"
    if not before.said_something:
        if decision is None and not people:
            return Decided(Operation.NONE, "no decision and nobody named")
        return Decided(Operation.FIRST, "the first answer")
    named = [p["name"] for p in before.people
             if any(names_match(p["name"], w) or named_in(w, p) for w in withdrawn)]
    removed = tuple(dict.fromkeys([*named, *leaving(text, before)]))
    unknown = [w for w in withdrawn
               if not any(names_match(p["name"], w) or named_in(w, p) for p in before.people)]
    people = [p for p in people if p["name"] not in removed
              and not any(names_match(p["name"], r) for r in removed)]
    if (decision == "decline" or "withdraw" in written) and all(_known(p, before)
                                                              for p in people):
        people = []  # listed delegates named in a declining message (its signature)
    if "rest_stays" in written:
        # "The others stay as planned": whoever leaves, the mission still comes.
        cues.pop("withdraw", None)
        if decision == "decline":
            decision = None
    if "withdraw" in cues and not people and not removed and before.decision != "decline":
        return Decided(Operation.WITHDRAW, _said("withdraw", cues))
    if decision == "decline" and not people:
        if removed and len(removed) == len(before.people):
            # Every delegate named as not coming: the mission does not come.
            return Decided(Operation.WITHDRAW, "declines for every delegate: "
                           + ", ".join(removed))
        if not removed:
            return _declines(before, cues, text)
    if not removed and decision != "decline" and any(not _known(p, before) for p in people):
        # "Our Ambassador cannot lead the delegation after all; Mr. C will": the
        # one leaving is named by rank alone, and someone comes in.
        removed = tuple(leaving_by_rank(text, before))
        people = [p for p in people if p["name"] not in removed]
    if removed:
        return _removes(before, people, removed, cues, written)
    doubt = (f"names {', '.join(unknown)} as leaving, who is not in the delegation"
             if unknown else None)
    if people:
        return _names(before, decision, people, text, cues, written, doubt)
    if before.people and decision in (None, "accept"):
        updated = details(text, before)
        if updated:
            who = ", ".join(p["name"] for p in updated)
            return Decided(Operation.ADD, "details of delegates already listed: " + who,
                           people=tuple(updated), to_confirm=(
                               f"contact details read beside {who}; no word says they are "
                               "a correction" if labelled_only(text) else None))
    if decision is not None and decision != before.decision:
        if before.decision in (None, "undecided"):
            return Decided(Operation.COMPLETE, f"{decision} after an undecided answer")
        if decision == "accept":
            return Decided(Operation.REPLACE, "accepts after declining")
    if "remove" in written or "withdraw" in written:
        word = _said("remove" if "remove" in written else "withdraw", written)
        return Decided(Operation.NONE, word, to_confirm=f"{word} but no delegate of the "
                                                        "recorded list is named")
    if "add" in written or "replace" in written:
        word = _said("add" if "add" in written else "replace", written)
        return Decided(Operation.NONE, word, to_confirm=f"{word} but no name was read; "
                                                        "the delegation is unchanged")
    return Decided(Operation.NONE, "nothing that changes the delegation", to_confirm=doubt)




def _declines(before: State, cues: dict[str, str], text: str) -> Decided:
    """A declining message that names nobody of the delegation."""
    if before.decision in (None, "undecided"):
        return Decided(Operation.COMPLETE, "declines after an undecided answer")
    if before.decision == "decline" and not before.people:
        return Decided(Operation.RESEND, "declines again")
    if "withdraw" not in cues and "remove" in cues and someone_leaving(text):
        # One person leaves, but not one the delegation lists: no withdrawal.
        return Decided(Operation.NONE, _said("remove", cues), to_confirm=(
            f"{_said('remove', cues)} names someone leaving who is not in the recorded "
            "delegation; the delegation is unchanged"))
    if "withdraw" in cues or "remove" not in cues:
        return Decided(Operation.WITHDRAW, _said("withdraw", cues) if "withdraw" in cues
                       else "declines after accepting")
    return Decided(Operation.WITHDRAW, _said("remove", cues),
                   to_confirm=f"{_said('remove', cues)} names nobody of the delegation; "
                              "read as a withdrawal")


def _removes(before: State, people: list[Person], removed: tuple[str, ...],
             cues: dict[str, str], written: dict[str, str]) -> Decided:
    """Names taken off: a replacement when others come in, else a removal."""
    known = {person_key(p["name"]) for p in before.people}
    newcomers = [p for p in people if person_key(p["name"]) not in known]
    if newcomers:
        cue = next((_said(c, cues) for c in ("replace", "remove", "withdraw") if c in cues),
                   "names taken off: " + ", ".join(removed))
        return Decided(Operation.REPLACE, cue, removed)
    cue = next((_said(c, cues) for c in ("remove", "withdraw", "replace") if c in cues),
               "names taken off: " + ", ".join(removed))
    # "B is replaced by…" with nobody read after it: the newcomer was missed.
    missed = ("replace" in written or "add" in written) and "remove" not in written
    return Decided(Operation.REMOVE, cue, removed, to_confirm=(
        f"{_said('replace' if 'replace' in written else 'add', written)} but no newcomer "
        "was read; only the departure is recorded") if missed else None)


def _names(before: State, decision: str | None, people: list[Person], text: str,
           cues: dict[str, str], written: dict[str, str], doubt: str | None) -> Decided:
    """People named and nobody taken off: complete, resend, replace or add."""
    if not before.people:
        if before.decision == "decline":
            return Decided(Operation.REPLACE, "names a delegation after declining",
                           to_confirm=doubt)
        return Decided(Operation.COMPLETE, "names the delegation announced before",
                       to_confirm=doubt)
    if same_people(people, before.people):
        if ({"correction", "replace"} & written.keys()) and _details_differ(people, before):
            return Decided(Operation.ADD, _said("correction", written), to_confirm=doubt)
        return Decided(Operation.RESEND, "the same people as recorded", to_confirm=doubt)
    newcomers = [p for p in people if not _known(p, before)]
    # A list that states its own head restates the delegation; one that
    # does not joins people to it.
    head = ROLE_HEAD_RE.search(text) is not None and any(
        p.get("role") == "head" for p in people)
    if "replace" in cues:
        swapped = tuple(b["name"] for b in before.people if any(_same(b, q) for q in people))
        if (newcomers and swapped and not head and "new_list" not in written
                and len(swapped) < len(before.people)):
            # "C will come in her place": the listed person named beside the
            # newcomer is the one replaced; the others stay.
            return Decided(Operation.REPLACE, _said("replace", cues), swapped,
                           to_confirm=doubt or (None if len(swapped) == 1 else (
                               "read " + ", ".join(swapped) + " as the ones replaced")))
        return Decided(Operation.REPLACE, _said("replace", cues), to_confirm=doubt)
    if "add" in cues:
        return Decided(Operation.ADD, _said("add", cues), to_confirm=doubt)
    if not newcomers:
        corrected = details(text, before)
        if corrected:
            return Decided(Operation.ADD, _said("correction", written) if "correction" in written
                           else "details of delegates already listed", to_confirm=doubt,
                           people=tuple(corrected))
        if len(people) >= 2 and head:
            return Decided(Operation.REPLACE, "a shorter list, with its head", to_confirm=(
                doubt or "a shorter list with no word saying who leaves; read as a "
                         "replacement"))
        return Decided(Operation.ADD, _said("correction", written) if "correction" in written
                       else "names only people already listed", to_confirm=doubt)
    old = {person_key(p["name"]) for p in before.people}
    if old <= {person_key(p["name"]) for p in people}:
        return Decided(Operation.ADD, "the recorded list again, with more names",
                       to_confirm=doubt)
    if len(newcomers) < len(people) or head:
        return Decided(Operation.REPLACE, _said("followup", cues) if "followup" in cues
                       else "a different list", to_confirm=doubt or (
                           "a new list with no word saying whether it adds to or replaces "
                           "the recorded one; read as a replacement"))
    return Decided(Operation.ADD, _said("followup", cues) if "followup" in cues
                   else "new people", to_confirm=doubt or (
                       "names new people, no head, and no word saying whether they join or "
                       "replace the recorded delegation; read as an addition"))

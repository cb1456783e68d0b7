"""What every matcher reads (the mission directory and the message) and returns."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from bot.inbound.parse.message import ParsedMessage

# Webmail domains are shared by everybody: a sender there says nothing about a mission.
PUBLIC_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.fr", "hotmail.com", "hotmail.fr",
    "outlook.com", "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mail.ru",
    "yandex.ru", "gmx.de", "gmx.net", "web.de", "orange.fr", "free.fr", "laposte.net",
    "qq.com", "163.com", "126.com", "proton.me", "protonmail.com",
})


class NameIndex(Protocol):
    """The compiled mission and country names (``country.NameTable``), as the directory holds them.

    A protocol, so that this module need not import the country matcher that builds it.
    """

    def find(self, text: str) -> Iterator[int]:
        """The mission ids whose names occur in ``text``."""
        ...


@dataclass(frozen=True)
class MissionEntry:
    """One mission of the campaign, with its invitation if one was planned."""

    id: int
    code: str
    country: str
    mission_name: str
    emails: tuple[str, ...]
    language: str
    invitation_id: int | None = None
    token: str | None = None


@dataclass
class Directory:
    """Everything the matchers look messages up against, built once per run."""

    missions: dict[int, MissionEntry]
    reply_to: str
    by_token: dict[str, int] = field(default_factory=dict)
    by_address: dict[str, set[int]] = field(default_factory=dict)
    by_domain: dict[str, set[int]] = field(default_factory=dict)
    by_outbound_id: dict[str, int] = field(default_factory=dict)
    names: NameIndex | None = None
    _near: dict[str, int] | None = None

    def region(self, mission_id: int | None) -> str | None:
        """The mission's ISO country code, for national phone numbers; None if it has none."""
        if mission_id is None or mission_id not in self.missions:
            return None
        code = self.missions[mission_id].code
        return code if len(code) == 2 and code.isalpha() else None

    def near_known_token(self, candidate: str) -> bool:
        """Could ``candidate`` (canonical form) be one of our tokens with one symbol wrong?

        A cheap filter before ``correct_token``: every text has dozens of
        seven-letter words, and each would otherwise be tried.
        """
        if self._near is None:
            self._near = {}
            for token in self.by_token:
                for key in _wildcards(token):
                    self._near[key] = self._near.get(key, 0) + 1
        return any(key in self._near for key in _wildcards(candidate))

    def sender_known(self, mission_id: int, address: str) -> bool:
        """The address is the mission's, or on a domain only that mission uses."""
        address = address.lower()
        if mission_id in self.by_address.get(address, set()):
            return True
        domain = address.rpartition("@")[2]
        return (domain not in PUBLIC_DOMAINS
                and self.by_domain.get(domain, set()) == {mission_id})


def _wildcards(token: str) -> list[str]:
    return [token[:i] + "?" + token[i + 1:] for i in range(len(token)) if token[i] != "-"]


@dataclass(frozen=True)
class MatchInput:
    """The message as the matchers see it: headers, own text, attachment text."""

    msg: ParsedMessage
    own_text: str  # the reply without the quoted history
    attachment_texts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Evidence:
    """One reason to believe the message is about one mission."""

    mission_id: int
    method: str
    confidence: float
    detail: str
    # Other missions the same matcher also found (a forwarded thread, two
    # countries named): the weigher treats them as conflicting evidence.
    others: tuple[int, ...] = ()


class Matcher(Protocol):
    """One rule: a name and a lookup that finds evidence, or passes with None."""

    name: str

    def match(self, ctx: Directory, msg: MatchInput) -> Evidence | None: ...

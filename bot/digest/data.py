"""What a digest says, as plain data: built by :mod:`bot.digest.build`, shown by
:mod:`bot.digest.render`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass(frozen=True)
class Arrival:
    received_at: datetime
    from_addr: str
    subject: str
    classification: str
    status: str
    mission: str
    decision: str | None
    delegates: tuple[str, ...]
    operation: str | None = None  # what it did to the delegation (models.Operation)
    to_confirm: str | None = None  # why what it recorded waits for confirmation
    mission_id: int | None = None  # Mission.id, for the console link


@dataclass(frozen=True)
class Silent:
    code: str
    country: str
    days: int
    mission_id: int | None = None


@dataclass(frozen=True)
class ToConfirm:
    """A mission whose recorded delegation (it counts as replied) waits for confirmation."""

    code: str
    country: str
    reason: str
    mission_id: int | None = None


@dataclass(frozen=True)
class Problem:
    """A review item or a failed message: what, from or to whom, and why."""

    kind: str
    when: datetime
    who: str
    subject: str
    reason: str
    inbound_id: int | None = None  # InboundMessage.id (review items), for the console link


@dataclass
class DigestData:
    reference: str
    title: str
    day: date
    since: datetime | None
    now: datetime
    deadline: date | None
    days_left: int | None
    totals: dict[str, int]
    # False for an informational letter: no deadline and no silent list.
    expects_reply: bool = True
    # Missions whose invitation bounced or failed (days unused).
    undelivered: list[Silent] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    silent: list[Silent] = field(default_factory=list)
    # Missions with an answer held in the review queue (its match in doubt):
    # not silent, not yet replied.
    awaiting: list[Silent] = field(default_factory=list)
    to_confirm: list[ToConfirm] = field(default_factory=list)
    review: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    delegates_csv: bytes = b""
    # The staff console's address (Settings.console_url): None, no links.
    console_url: str | None = None

    @property
    def nothing_new(self) -> bool:
        return not self.arrivals

    def link(self, page: str, ident: int | None = None) -> str | None:
        """The console's ``page`` (``missions``, ``messages``, ``review``) for ``ident``.

        None without a console address, or for a line with no id (an
        arrival no mission matched): the templates then show no link.
        """
        if self.console_url is None:
            return None
        if page == "review":
            return f"{self.console_url}/review"
        if ident is None:
            return None
        return f"{self.console_url}/{page}/{int(ident)}"

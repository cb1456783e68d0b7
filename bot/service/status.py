"""``invitebot status``: one row per mission, for a person at a terminal.

Code, country, state, last event, decision (marked "to confirm" when
nothing proves the answer came from the mission) and the number of
delegates, read from the same records as the exports (``bot.results.records``).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from bot.results.records import STATUSES, MissionRecord

_STYLE = {"replied": "green", "needs_review": "yellow", "bounced": "red", "failed": "red",
          "sent": "cyan", "pending": "dim", "answer waiting for review": "yellow",
          "replied (entered by staff)": "green"}


def filter_records(records: Sequence[MissionRecord], states: Sequence[str]) -> list[MissionRecord]:
    if not states:
        return list(records)
    wanted = set(states)
    return [r for r in records if r.status in wanted]


def last_event(record: MissionRecord) -> str:
    if record.last_event_at is None:
        return record.last_event or ""
    when = record.last_event_at.strftime("%Y-%m-%d %H:%M")
    return f"{when} {record.last_event or ''}".strip()


def status_table(records: Sequence[MissionRecord], title: str) -> Table:
    table = Table(title=title, title_justify="left")
    for name, justify in (("code", "left"), ("country", "left"), ("state", "left"),
                          ("last event (UTC)", "left"), ("decision", "left"),
                          ("delegates", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for r in records:
        style = _STYLE.get(r.state, "")
        table.add_row(r.code, r.country, f"[{style}]{r.state}[/]" if style else r.state,
                      last_event(r), _decision(r), str(len(r.delegates)))
    return table


def _decision(record: MissionRecord) -> str:
    # An answer nothing proves to be the mission's is shown as such.
    if record.to_confirm:
        return f"{record.decision or ''} (to confirm)".strip()
    return record.decision or ""


def summary(records: Sequence[MissionRecord]) -> str:
    counts = Counter(r.state for r in records)
    shown = (*STATUSES, "replied (entered by staff)", "answer waiting for review")
    parts = [f"{counts[s]} {s}" for s in shown if counts[s]]
    doubtful = sum(1 for r in records if r.to_confirm)
    if doubtful:
        parts.append(f"{doubtful} to confirm")
    return f"{len(records)} missions: " + (", ".join(parts) if parts else "none")


def print_status(records: Sequence[MissionRecord], title: str,
                 console: Console | None = None) -> None:
    # Piped into a file or a mail, rows stay on one line each.
    console = console or Console(width=None if sys.stdout.isatty() else 120)
    console.print(status_table(records, title))
    console.print(summary(records))

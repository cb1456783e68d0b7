"""What ``invitebot poll`` says while it works on a large batch, and after a drop.

A poll of a few messages prints its one summary line. From ``LARGE``
messages on, it also prints how far intake and processing have come, so
a long poll is visibly alive. When the server drops mid-poll, every batch
already fetched is stored and recorded (intake commits per batch): the
summary of that comes first, then the error line.
"""

from __future__ import annotations

import click

from bot.inbound.intake.imap import IntakeReport

LARGE = 200


class PollProgress:
    """Progress lines on standard error for one ``poll``."""

    def __init__(self) -> None:
        self.intake = IntakeReport(progress=self.fetched)
        self.done = 0
        self._shown = 0

    def fetched(self, fetched: int, total: int) -> None:
        if total >= LARGE:
            click.echo(f"fetched {fetched} of {total} new message(s)", err=True)

    def processed(self, done: int) -> None:
        self.done = done
        if done - self._shown >= LARGE:
            self._shown = done
            click.echo(f"processed {done} message(s)", err=True)

    def summary(self) -> None:
        """What was saved before an error ended the poll (nothing if nothing was)."""
        report = self.intake
        if report.fetched or self.done:
            click.echo(f"before the error: fetched {report.fetched}, saved {report.stored} new "
                       f"(duplicates {report.duplicates}), processed {self.done}; all of it "
                       "is kept, the next poll goes on from there", err=True)

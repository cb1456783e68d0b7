"""Matchers: each names the mission a message answers, with a confidence.

``MATCHERS`` is the order they run in; :mod:`bot.inbound.stages.match` weighs
what they found.
"""

from __future__ import annotations

from bot.inbound.matchers.base import Evidence, Matcher, MatchInput
from bot.inbound.matchers.country import CountryNamed
from bot.inbound.matchers.sender import SenderKnown
from bot.inbound.matchers.thread import ThreadReference
from bot.inbound.matchers.token import TokenInAddress, TokenInText

__all__ = ["MATCHERS", "Evidence", "MatchInput", "Matcher"]

MATCHERS: tuple[Matcher, ...] = (
    TokenInAddress(),
    TokenInText(),
    ThreadReference(),
    SenderKnown(),
    CountryNamed(),
)

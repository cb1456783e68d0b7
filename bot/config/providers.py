"""Provider profiles (``mail.provider``): server defaults and sending limits.

``microsoft365``: Exchange Online, 30 messages a minute and 10,000
recipients a day per mailbox (Exchange Online limits, "Sending limits").
``google``: Google Workspace, 2,000 messages and 10,000 recipients in any
24 hours per user (Google Workspace Admin Help, "Gmail sending limits in
Google Workspace"). ``generic``: no limit but ``mail.rate_limit_per_minute``.
Host, port and TLS of a profile apply where ``INVITEBOT_SMTP_*`` /
``INVITEBOT_IMAP_*`` do not say otherwise. See docs/providers.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.config.settings import ServerSettings, Settings, TlsMode

DAY = 86400.0


@dataclass(frozen=True)
class Limit:
    """At most ``amount`` of ``unit`` ("messages" or "recipients") in any ``seconds``."""

    amount: int
    seconds: float
    unit: str = "messages"

    def describe(self) -> str:
        span = {60.0: "minute", 3600.0: "hour", 86400.0: "day"}.get(self.seconds,
                                                                  f"{self.seconds:g} s")
        return f"{self.amount:,} {self.unit}/{span}"


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    tls: TlsMode


@dataclass(frozen=True)
class Profile:
    name: str
    smtp: Endpoint | None
    imap: Endpoint | None
    limits: tuple[Limit, ...]


PROFILES: dict[str, Profile] = {
    "microsoft365": Profile(
        "Microsoft 365", Endpoint("smtp.office365.com", 587, "starttls"),
        Endpoint("outlook.office365.com", 993, "tls"),
        (Limit(30, 60.0), Limit(10_000, DAY, "recipients"))),
    "google": Profile(
        "Google Workspace", Endpoint("smtp.gmail.com", 587, "starttls"),
        Endpoint("imap.gmail.com", 993, "tls"),
        (Limit(2_000, DAY), Limit(10_000, DAY, "recipients"))),
    "generic": Profile("generic", None, None, ()),
}


def _apply(server: ServerSettings, endpoint: Endpoint | None, env: Mapping[str, str],
           kind: str) -> ServerSettings:
    if endpoint is None:
        return server
    update: dict[str, object] = {}
    for field, value in (("host", endpoint.host), ("port", endpoint.port),
                         ("tls", endpoint.tls)):
        if not env.get(f"INVITEBOT_{kind}_{field.upper()}"):
            update[field] = value
    return server.model_copy(update=update)


def with_profile(settings: Settings, provider: str, env: Mapping[str, str]) -> Settings:
    """``settings`` with the provider's host, port and TLS where the environment has none."""
    profile = PROFILES[provider]
    return settings.model_copy(update={
        "smtp": _apply(settings.smtp, profile.smtp, env, "SMTP"),
        "imap": _apply(settings.imap, profile.imap, env, "IMAP")})

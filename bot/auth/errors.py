"""One line a desk officer can act on, from what Entra, Google or the mail server answered.

Every message names the account and the next step; none contains a secret
or a token (``scrub`` removes them from anything quoted from a server).
"""

from __future__ import annotations

import re

from bot.errors import InvitebotError

LOGIN_AGAIN = "run `invitebot auth login`"
# Each rule: (pattern in error code + description, message template).
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), message) for pattern, message in (
        (r"AADSTS700024|AADSTS500133|iat and exp|reasonable timeframe|clock skew|not yet valid",
         "the clock of this machine is off, so {account}'s sign-in is refused as out of date: "
         "synchronise it (NTP, e.g. `timedatectl set-ntp true`)"),
        (r"AADSTS65001|consent_required|not consented",
         "an administrator has not granted consent for {account}'s application: in Entra, "
         "API permissions, 'Grant admin consent' (see README, Microsoft 365)"),
        (r"AADSTS70008|AADSTS700082|AADSTS50173|AADSTS70043|AADSTS700084|AADSTS50076|"
         r"expired or revoked|refresh token has expired|was revoked|expired_token",
         "the sign-in of {account} has expired or was revoked: " + LOGIN_AGAIN),
        (r"AADSTS700016|application with identifier .* was not found",
         "the application INVITEBOT_OAUTH_CLIENT_ID is not registered in the tenant "
         "INVITEBOT_OAUTH_TENANT: check both (Entra, App registrations)"),
        (r"AADSTS7000222|secret keys? .*expired",
         "the application's client secret has expired: add a new one in Entra (Certificates & "
         "secrets) and update INVITEBOT_OAUTH_CLIENT_SECRET_FILE"),
        (r"AADSTS7000215|AADSTS700027|AADSTS700023|invalid_client",
         "the application's credential was refused (invalid_client): check "
         "INVITEBOT_OAUTH_CLIENT_SECRET(_FILE) or INVITEBOT_OAUTH_CERT_FILE against Entra "
         "(Certificates & secrets)"),
        (r"unauthorized_client|not authorized for any of the scopes",
         "the service account may not act for {account}: set up domain-wide delegation of "
         "scope https://mail.google.com/ for its client ID (see README, Google Workspace)"),
        (r"authenticated but not connected",
         "the application may not open mailbox {account}: in Exchange Online PowerShell run "
         "New-ServicePrincipal and Add-MailboxPermission (see README, Microsoft 365)"),
        (r"authorization_pending",
         "the device code was not approved in time: " + LOGIN_AGAIN),
    ))


class AuthError(InvitebotError):
    """A sign-in that failed; ``str()`` is the one line to show."""


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` without any of ``secrets`` and on one line."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[hidden]")
    return " ".join(text.split())


def explain(account: str, answer: str) -> str | None:
    """The actionable message for a provider's ``answer``, or None when none applies."""
    for pattern, message in _RULES:
        if pattern.search(answer):
            return message.format(account=account)
    return None


def token_error(account: str, error: str, description: str) -> AuthError:
    """An error from a token endpoint (``error`` / ``error_description`` of RFC 6749)."""
    answer = f"{error}: {description}"
    message = explain(account, answer)
    first = scrub(description).split(" Trace ID")[0][:200]
    return AuthError(message + f" [{error}: {first}]" if message else
                     f"signing in {account} failed: {scrub(answer)[:300]}")


def server_refused(kind: str, account: str, mode: str, answer: str) -> str:
    """Why the IMAP/SMTP server refused the sign-in of ``account``."""
    message = explain(account, answer)
    if message:
        return message
    if mode == "password":
        return (f"the {kind} server refused the password of {account}: check "
                f"INVITEBOT_{kind}_USER and INVITEBOT_{kind}_PASSWORD(_FILE) "
                f"[{scrub(answer)[:200]}]")
    return (f"the {kind} server refused {account}'s OAuth2 token even after a fresh one: check "
            f"that the application may use this mailbox [{scrub(answer)[:200]}]")

"""How one mail server is signed in to, read from ``INVITEBOT_*`` environment variables.

``INVITEBOT_SMTP_AUTH`` / ``INVITEBOT_IMAP_AUTH`` choose the mode:
``password`` (the default), ``oauth2-client-credentials`` (Microsoft 365, an
Entra application), ``oauth2-device-code`` (Microsoft 365, a delegated
mailbox) or ``google-service-account`` (Google Workspace, domain-wide
delegation). The application is shared by both servers:
``INVITEBOT_OAUTH_TENANT``, ``INVITEBOT_OAUTH_CLIENT_ID``, a secret
(``INVITEBOT_OAUTH_CLIENT_SECRET`` or ``..._FILE``) or a certificate
(``INVITEBOT_OAUTH_CERT_FILE``, PEM with key and certificate), and for
Google ``INVITEBOT_GOOGLE_SERVICE_ACCOUNT_FILE``. ``INVITEBOT_OAUTH_AUTHORITY``
and ``INVITEBOT_OAUTH_CA_FILE`` point the same code at another
authorization server (the local stack's, for a rehearsal).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, SecretStr

from bot.errors import ConfigError

AuthMode = Literal["password", "oauth2-client-credentials", "oauth2-device-code",
                   "google-service-account"]
MODES: tuple[str, ...] = ("password", "oauth2-client-credentials", "oauth2-device-code",
                          "google-service-account")
Sasl = Literal["auto", "xoauth2", "oauthbearer"]
MICROSOFT_AUTHORITY = "https://login.microsoftonline.com"
# Application permissions (IMAP.AccessAsApp, SMTP.SendAsApp) come with .default.
APP_SCOPES = ("https://outlook.office365.com/.default",)
# Delegated; msal adds offline_access (the refresh token) and openid itself.
USER_SCOPES = ("https://outlook.office365.com/IMAP.AccessAsUser.All",
               "https://outlook.office365.com/SMTP.Send")
GOOGLE_SCOPES = ("https://mail.google.com/",)


class AuthConfig(BaseModel):
    """The sign-in of one server (everything but the mailbox, which is ``user``)."""

    mode: AuthMode = "password"
    sasl: Sasl = "auto"
    # Where the password came from, for the one-line messages.
    password_source: str = ""
    tenant: str | None = None
    client_id: str | None = None
    client_secret: SecretStr | None = None
    cert_file: Path | None = None
    authority: str = MICROSOFT_AUTHORITY
    ca_file: Path | None = None
    service_account_file: Path | None = None
    cache_file: Path = Path("var/tokens.json")

    @property
    def oauth(self) -> bool:
        return self.mode != "password"


def _read_secret(env: Mapping[str, str], name: str) -> SecretStr | None:
    if env.get(name):
        return SecretStr(env[name])
    file_name = env.get(f"{name}_FILE")
    if not file_name:
        return None
    try:
        return SecretStr(Path(file_name).read_text(encoding="utf-8").strip())
    except OSError as exc:
        raise ConfigError(f"environment variable {name}_FILE: cannot read {file_name}: "
                          f"{exc.strerror}") from None


def token_cache_path(env: Mapping[str, str], database_url: str, var: Path) -> Path:
    """``INVITEBOT_TOKEN_CACHE``, else ``tokens.json`` beside the SQLite database (or in var/)."""
    if env.get("INVITEBOT_TOKEN_CACHE"):
        return Path(env["INVITEBOT_TOKEN_CACHE"])
    if database_url.startswith("sqlite:///") and len(database_url) > len("sqlite:///"):
        return Path(database_url[len("sqlite:///"):]).parent / "tokens.json"
    return var / "tokens.json"


def load_auth(env: Mapping[str, str], kind: str, cache_file: Path) -> AuthConfig:
    """The sign-in of server ``kind`` (``SMTP`` or ``IMAP``)."""
    prefix = f"INVITEBOT_{kind}_"
    mode = (env.get(prefix + "AUTH") or "password").strip().lower()
    if mode not in MODES:
        raise ConfigError(f"environment variable {prefix}AUTH: expected one of "
                          f"{', '.join(MODES)}, got {mode!r}")
    sasl = (env.get(prefix + "SASL") or "auto").strip().lower()
    if sasl not in ("auto", "xoauth2", "oauthbearer"):
        raise ConfigError(f"environment variable {prefix}SASL: expected auto, xoauth2 or "
                          f"oauthbearer, got {sasl!r}")
    password_source = (f"{prefix}PASSWORD_FILE ({env[prefix + 'PASSWORD_FILE']})"
                       if not env.get(prefix + "PASSWORD") and env.get(prefix + "PASSWORD_FILE")
                       else f"{prefix}PASSWORD")
    config = AuthConfig(mode=mode, sasl=sasl, password_source=password_source,
                        cache_file=cache_file)
    if mode == "password":
        return config
    ca = env.get("INVITEBOT_OAUTH_CA_FILE")
    cert = env.get("INVITEBOT_OAUTH_CERT_FILE")
    account_file = env.get("INVITEBOT_GOOGLE_SERVICE_ACCOUNT_FILE")
    config = config.model_copy(update={
        "tenant": env.get("INVITEBOT_OAUTH_TENANT") or None,
        "client_id": env.get("INVITEBOT_OAUTH_CLIENT_ID") or None,
        "client_secret": _read_secret(env, "INVITEBOT_OAUTH_CLIENT_SECRET"),
        "cert_file": Path(cert) if cert else None,
        "authority": (env.get("INVITEBOT_OAUTH_AUTHORITY") or MICROSOFT_AUTHORITY).rstrip("/"),
        "ca_file": Path(ca) if ca else None,
        "service_account_file": Path(account_file) if account_file else None,
    })
    _require(config, prefix)
    return config


def _require(config: AuthConfig, prefix: str) -> None:
    """Say at start-up, not at the first sign-in, which setting a mode lacks."""
    missing: list[str] = []
    if config.mode == "google-service-account":
        if config.service_account_file is None:
            missing.append("INVITEBOT_GOOGLE_SERVICE_ACCOUNT_FILE")
    else:
        if not config.tenant:
            missing.append("INVITEBOT_OAUTH_TENANT")
        if not config.client_id:
            missing.append("INVITEBOT_OAUTH_CLIENT_ID")
        if (config.mode == "oauth2-client-credentials" and config.client_secret is None
                and config.cert_file is None):
            missing.append("INVITEBOT_OAUTH_CLIENT_SECRET (or _FILE) or INVITEBOT_OAUTH_CERT_FILE")
    if missing:
        raise ConfigError(f"{prefix}AUTH={config.mode} needs {', '.join(missing)}")

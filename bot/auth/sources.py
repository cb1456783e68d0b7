"""Access tokens: from Entra through msal, from Google through google-auth.

The code here is what talks to Microsoft and Google in production; a
rehearsal only changes the authority (``INVITEBOT_OAUTH_AUTHORITY``), the
service account file's ``token_uri`` and the CA bundle. Each source keeps
its last token in the cache file and asks for a new one when less than
``REFRESH_MARGIN`` is left, or when ``force`` says the server refused it.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.auth.cache import TokenCache
from bot.auth.errors import LOGIN_AGAIN, AuthError, scrub, token_error
from bot.clock import utcnow
from bot.config.auth import APP_SCOPES, GOOGLE_SCOPES, USER_SCOPES, AuthConfig

REFRESH_MARGIN = timedelta(minutes=5)
TIMEOUT = 30.0


@dataclass(frozen=True)
class AccessToken:
    """A bearer token; its value never appears in a repr, a log or a message."""

    value: str = field(repr=False)
    expires_at: datetime
    account: str


class TokenSource:
    """Tokens for one mailbox under one auth mode."""

    def __init__(self, config: AuthConfig, account: str) -> None:
        self.config = config
        self.account = account
        self.cache = TokenCache(config.cache_file)
        who = config.client_id or str(config.service_account_file)
        self.key = f"token:{config.mode}:{who}:{account.lower()}"
        self._lock = threading.Lock()

    def token(self, force: bool = False) -> AccessToken:
        """A token valid for at least REFRESH_MARGIN; a new one when ``force``."""
        with self._lock:
            if not force:
                entry = self.cache.get(self.key)
                if isinstance(entry, dict) and "value" in entry:
                    expires = datetime.fromisoformat(entry["expires_at"])
                    if expires - utcnow() > REFRESH_MARGIN:
                        return AccessToken(entry["value"], expires, self.account)
            token = self._fetch(force)
            self.cache.put(self.key, {"mode": self.config.mode, "account": self.account,
                                      "value": token.value,
                                      "expires_at": token.expires_at.isoformat()})
            return token

    def expiry(self) -> datetime | None:
        entry = self.cache.get(self.key)
        if isinstance(entry, dict) and "expires_at" in entry:
            return datetime.fromisoformat(entry["expires_at"])
        return None

    def forget(self) -> None:
        self.cache.put(self.key, None)

    def _fetch(self, force: bool) -> AccessToken:
        raise NotImplementedError


def http_session(config: AuthConfig) -> Any:
    """A requests session for the token endpoint, with the configured CA bundle if any."""
    import requests

    session = requests.Session()
    # Per request, since requests lets REQUESTS_CA_BUNDLE override a session's verify.
    verify: bool | str = str(config.ca_file) if config.ca_file else True
    session.request = functools.partial(  # type: ignore[method-assign]
        session.request, timeout=TIMEOUT, verify=verify)
    return session


def _from_msal(account: str, result: dict[str, Any] | None) -> AccessToken:
    if not result:
        raise AuthError(f"no sign-in is cached for {account}: {LOGIN_AGAIN}")
    if "access_token" not in result:
        raise token_error(account, str(result.get("error", "error")),
                          str(result.get("error_description", "")))
    expires = utcnow() + timedelta(seconds=int(result.get("expires_in", 0)))
    return AccessToken(str(result["access_token"]), expires, account)


def _msal_call(account: str, call: Callable[[], Any]) -> Any:
    """Run an msal call; network and discovery failures become one line."""
    import requests

    try:
        return call()
    except requests.RequestException as exc:
        raise AuthError(f"cannot reach the authorization server for {account}: "
                        f"{type(exc).__name__}") from None
    except ValueError as exc:  # msal: tenant discovery failed, bad authority
        raise AuthError(f"the authorization server refused the tenant for {account}: "
                        f"{scrub(str(exc))[:200]}") from None


class ClientCredentials(TokenSource):
    """``oauth2-client-credentials``: an Entra app with IMAP.AccessAsApp and SMTP.SendAsApp."""

    def credential(self) -> str | dict[str, str]:
        config = self.config
        if config.client_secret is not None:
            return config.client_secret.get_secret_value()
        assert config.cert_file is not None  # checked in config._require
        try:
            pem = config.cert_file.read_text(encoding="ascii")
        except (OSError, UnicodeError) as exc:
            raise AuthError(f"INVITEBOT_OAUTH_CERT_FILE: cannot read {config.cert_file}: "
                            f"{getattr(exc, 'strerror', None) or exc}") from None
        if "PRIVATE KEY" not in pem or "CERTIFICATE" not in pem:
            raise AuthError(f"INVITEBOT_OAUTH_CERT_FILE: {config.cert_file} must hold the "
                            "private key and the certificate (PEM)")
        return {"private_key": pem, "public_certificate": pem}

    def _fetch(self, force: bool) -> AccessToken:
        import msal

        config = self.config
        # A fresh application each time: its in-memory cache would otherwise
        # hand back the very token the server just refused.
        app = _msal_call(self.account, lambda: msal.ConfidentialClientApplication(
            config.client_id, client_credential=self.credential(),
            authority=f"{config.authority}/{config.tenant}", instance_discovery=False,
            http_client=http_session(config)))
        result = _msal_call(self.account, lambda: app.acquire_token_for_client(list(APP_SCOPES)))
        return _from_msal(self.account, result)


class DeviceCode(TokenSource):
    """``oauth2-device-code``: a person signs in once; the refresh token does the rest."""

    @property
    def msal_key(self) -> str:
        return f"msal:{self.config.client_id}"

    def _app(self) -> Any:
        import msal

        config = self.config
        cache = msal.SerializableTokenCache()
        state = self.cache.get(self.msal_key)
        if isinstance(state, str):
            cache.deserialize(state)
        return _msal_call(self.account, lambda: msal.PublicClientApplication(
            config.client_id, authority=f"{config.authority}/{config.tenant}",
            instance_discovery=False, token_cache=cache, http_client=http_session(config)))

    def _save(self, app: Any) -> None:
        cache = app.token_cache
        if cache.has_state_changed:
            self.cache.put(self.msal_key, cache.serialize())

    def _fetch(self, force: bool) -> AccessToken:
        app = self._app()
        accounts = app.get_accounts(username=self.account)
        if not accounts:
            raise AuthError(f"{self.account} has not signed in on this machine: {LOGIN_AGAIN}")
        result = _msal_call(self.account, lambda: app.acquire_token_silent_with_error(
            list(USER_SCOPES), accounts[0], force_refresh=force))
        self._save(app)
        return _from_msal(self.account, result)

    def login(self, show: Callable[[str], None]) -> AccessToken:
        """The device code flow: ``show`` gets the URL and code once; blocks until approved."""
        app = self._app()
        flow = _msal_call(self.account, lambda: app.initiate_device_flow(list(USER_SCOPES)))
        if "user_code" not in flow:
            raise token_error(self.account, str(flow.get("error", "error")),
                              str(flow.get("error_description", "")))
        show(str(flow["message"]))
        result = _msal_call(self.account, lambda: app.acquire_token_by_device_flow(flow))
        token = _from_msal(self.account, result)
        signed_in = str(result.get("id_token_claims", {}).get("preferred_username", ""))
        if signed_in and signed_in.lower() != self.account.lower():
            raise AuthError(f"signed in as {signed_in}, but the mailbox is {self.account}: "
                            f"{LOGIN_AGAIN} and sign in as {self.account}")
        self._save(app)
        self.cache.put(self.key, {"mode": self.config.mode, "account": self.account,
                                  "value": token.value,
                                  "expires_at": token.expires_at.isoformat()})
        return token


class GoogleServiceAccount(TokenSource):
    """``google-service-account``: domain-wide delegation, acting as the mailbox."""

    def _fetch(self, force: bool) -> AccessToken:
        import google.auth.exceptions
        from google.auth.transport.requests import Request
        from google.oauth2 import service_account

        path = self.config.service_account_file
        try:
            credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
                str(path), scopes=list(GOOGLE_SCOPES), subject=self.account)
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or "not a service account key (JSON)"
            raise AuthError(f"INVITEBOT_GOOGLE_SERVICE_ACCOUNT_FILE: cannot use {path}: "
                            f"{reason}") from None
        try:
            credentials.refresh(Request(http_session(self.config)))
        except google.auth.exceptions.RefreshError as exc:
            data = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], dict) else {}
            raise token_error(self.account, str(data.get("error", "error")),
                              str(data.get("error_description") or exc.args[0])) from None
        except google.auth.exceptions.TransportError as exc:
            raise AuthError(f"cannot reach Google's token endpoint for {self.account}: "
                            f"{type(exc).__name__}") from None
        expiry = credentials.expiry or utcnow()
        # google-auth keeps expiry as naive UTC.
        return AccessToken(str(credentials.token), expiry.replace(tzinfo=UTC), self.account)


_SOURCES: dict[tuple[str, str, str], TokenSource] = {}
_SOURCES_LOCK = threading.Lock()


def source_for(config: AuthConfig, account: str) -> TokenSource:
    """The (shared, per process) token source of ``account`` under ``config``."""
    kinds: dict[str, type[TokenSource]] = {
        "oauth2-client-credentials": ClientCredentials, "oauth2-device-code": DeviceCode,
        "google-service-account": GoogleServiceAccount}
    secret = config.client_secret.get_secret_value() if config.client_secret else ""
    # The dump masks the secret: a digest of it keeps two credentials apart.
    key = (config.model_dump_json(), account.lower(), hashlib.sha256(secret.encode()).hexdigest())
    with _SOURCES_LOCK:
        if key not in _SOURCES:
            _SOURCES[key] = kinds[config.mode](config, account)
        return _SOURCES[key]

"""Signing in on the real local stack: passwords, and OAuth2 tokens from its authorization server.

Every token here comes from msal or google-auth, the same code that talks to
Entra and Google, pointed at scripts/authserver; Postfix (submission, SASL
through Dovecot) and Dovecot (oauth2 passdb, introspection) check them.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import stat
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import wait_for_messages
from oauthkit import (
    APP_SECRET,
    OAuthStack,
    private_pem,
    rsa_key,
    running_oauth_stack,
    self_signed_pem,
)

from bot.auth.errors import AuthError
from bot.auth.login import ImapAuthFailed
from bot.auth.sources import DeviceCode, source_for
from bot.cli import main as cli
from bot.config.settings import ServerSettings, Settings, load_settings
from bot.errors import ConfigError
from bot.outbound.smtp import SendResult, SmtpSession
from bot.transport import imap_connect

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def oauth_stack() -> Iterator[OAuthStack]:
    yield from running_oauth_stack()


def send(server: ServerSettings, recipient: str) -> SendResult:
    raw = (f"From: sec@unodc.test\r\nTo: {recipient}\r\nSubject: signed in\r\n"
           f"Message-ID: <{uuid.uuid4().hex}@unodc.test>\r\n\r\nbody\r\n").encode()

    async def run() -> SendResult:
        session = SmtpSession(server)
        try:
            return await session.send("sec@unodc.test", [recipient], raw, lambda: None)
        finally:
            await session.close()

    return asyncio.run(run())


def imap_signs_in(settings: Settings) -> bool:
    client = imap_connect(settings.imap)
    try:
        client.select_folder("INBOX", readonly=True)
        return True
    finally:
        client.logout()


def mailbox() -> str:
    return f"m-{uuid.uuid4().hex[:8]}@missions.test"


# ---------------------------------------------------------------- passwords


def test_password_auth_on_submission_and_imap(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    user, rcpt = mailbox(), mailbox()
    config = oauth_stack.settings(tmp_path, INVITEBOT_SMTP_USER=user, INVITEBOT_IMAP_USER=user,
                                  INVITEBOT_SMTP_PASSWORD="secret",
                                  INVITEBOT_IMAP_PASSWORD="secret")
    assert send(config.smtp, rcpt).status == "sent"
    assert wait_for_messages(oauth_stack.stack, rcpt)[0]["Subject"] == "signed in"
    assert imap_signs_in(config)


def test_three_password_mistakes_are_three_messages(oauth_stack: OAuthStack,
                                                    tmp_path: Path) -> None:
    user = mailbox()
    wrong = oauth_stack.settings(tmp_path, INVITEBOT_SMTP_USER=user, INVITEBOT_IMAP_USER=user,
                                 INVITEBOT_SMTP_PASSWORD="Wr0ng-pass",
                                 INVITEBOT_IMAP_PASSWORD="Wr0ng-pass")
    result = send(wrong.smtp, mailbox())
    assert result.status == "deferred"
    assert f"the SMTP server refused the password of {user}" in (result.detail or "")
    assert "Wr0ng-pass" not in (result.detail or "")
    with pytest.raises(ImapAuthFailed, match=f"IMAP server refused the password of {user}"):
        imap_connect(wrong.imap)

    unset = oauth_stack.settings(tmp_path, INVITEBOT_SMTP_USER=user, INVITEBOT_IMAP_USER=user)
    assert "no password is set: set INVITEBOT_SMTP_PASSWORD" in (send(unset.smtp, user).detail
                                                                  or "")
    with pytest.raises(AuthError, match=r"INVITEBOT_IMAP_USER is .* but no password is set"):
        imap_connect(unset.imap)

    missing = tmp_path / "no-such-secret"
    with pytest.raises(ConfigError, match=f"INVITEBOT_SMTP_PASSWORD_FILE: cannot read {missing}: "
                                          "No such file"):
        oauth_stack.settings(tmp_path, INVITEBOT_SMTP_USER=user,
                             INVITEBOT_SMTP_PASSWORD_FILE=str(missing))


def test_no_auth_offered_before_tls_is_one_line(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    config = oauth_stack.settings(tmp_path, INVITEBOT_SMTP_PORT=str(oauth_stack.stack.smtp_port),
                                  INVITEBOT_SMTP_TLS="none", INVITEBOT_SMTP_USER="a@missions.test",
                                  INVITEBOT_SMTP_PASSWORD="secret")
    result = send(config.smtp, mailbox())
    assert result.status == "deferred" and "offers no sign-in (AUTH)" in (result.detail or "")


# ---------------------------------------------------------------- client credentials


def app_settings(oauth_stack: OAuthStack, tmp_path: Path, user: str, **extra: str) -> Settings:
    client_id = f"app-{uuid.uuid4().hex[:6]}"
    oauth_stack.register(client_id, secret=APP_SECRET, mailbox=user)
    return oauth_stack.settings(
        tmp_path, INVITEBOT_SMTP_AUTH="oauth2-client-credentials",
        INVITEBOT_IMAP_AUTH="oauth2-client-credentials", INVITEBOT_SMTP_USER=user,
        INVITEBOT_IMAP_USER=user, INVITEBOT_OAUTH_CLIENT_ID=client_id,
        INVITEBOT_OAUTH_CLIENT_SECRET=APP_SECRET, **extra)


def cached_token(settings: Settings) -> str:
    assert settings.imap.user is not None
    data = json.loads(settings.imap.auth.cache_file.read_text())
    [entry] = [v for k, v in data.items() if k.startswith("token:")]
    return str(entry["value"])


def test_client_credentials_xoauth2_then_expired_token_is_renewed(
        oauth_stack: OAuthStack, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # the most verbose logs hold no secret or token either
    user, rcpt = mailbox(), mailbox()
    config = app_settings(oauth_stack, tmp_path, user)
    assert imap_signs_in(config)
    assert send(config.smtp, rcpt).status == "sent"
    wait_for_messages(oauth_stack.stack, rcpt)
    cache = config.imap.auth.cache_file
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    first = cached_token(config)
    # The server ends the token early; the cache still believes in it.
    oauth_stack.post("/admin/expire")
    assert imap_signs_in(config)
    assert send(config.smtp, mailbox()).status == "sent"
    assert cached_token(config) != first
    for secret in (APP_SECRET, first, cached_token(config)):
        assert secret not in caplog.text
    log = (oauth_stack.stack.dir / "log" / "dovecot.log").read_text()
    assert APP_SECRET not in log and first not in log


def test_token_is_renewed_before_it_expires(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    user, client_id = mailbox(), f"short-{uuid.uuid4().hex[:6]}"
    # Two minutes of life: always inside the five-minute margin, so never used as cached.
    oauth_stack.register(client_id, secret=APP_SECRET, mailbox=user, lifetime=120)
    config = oauth_stack.settings(tmp_path, INVITEBOT_IMAP_AUTH="oauth2-client-credentials",
                                  INVITEBOT_IMAP_USER=user, INVITEBOT_OAUTH_CLIENT_ID=client_id,
                                  INVITEBOT_OAUTH_CLIENT_SECRET=APP_SECRET)
    assert imap_signs_in(config)
    first = cached_token(config)
    assert imap_signs_in(config)
    assert cached_token(config) != first
    log = (oauth_stack.stack.dir / "log" / "dovecot.log").read_text()
    # Renewed ahead of time: the server never refused one of this mailbox's tokens.
    assert not [line for line in log.splitlines() if f"oauth2({user}," in line and "failed" in line]


@pytest.mark.parametrize("mechanism", ["xoauth2", "oauthbearer"])
def test_each_mechanism_on_both_servers(oauth_stack: OAuthStack, tmp_path: Path,
                                        mechanism: str) -> None:
    user, rcpt = mailbox(), mailbox()
    config = app_settings(oauth_stack, tmp_path, user, INVITEBOT_SMTP_SASL=mechanism,
                          INVITEBOT_IMAP_SASL=mechanism)
    assert imap_signs_in(config)
    assert send(config.smtp, rcpt).status == "sent"
    wait_for_messages(oauth_stack.stack, rcpt)
    log = (oauth_stack.stack.dir / "log" / "dovecot.log").read_text()
    assert re.search(rf"user=<{re.escape(user)}>, method={mechanism.upper()}", log)


def test_certificate_credential(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    key, public = rsa_key()
    pem = tmp_path / "app.pem"
    pem.write_text(self_signed_pem(key))
    user, client_id = mailbox(), f"cert-{uuid.uuid4().hex[:6]}"
    oauth_stack.register(client_id, public_key=public, mailbox=user)
    config = oauth_stack.settings(tmp_path, INVITEBOT_IMAP_AUTH="oauth2-client-credentials",
                                  INVITEBOT_IMAP_USER=user, INVITEBOT_OAUTH_CLIENT_ID=client_id,
                                  INVITEBOT_OAUTH_CERT_FILE=str(pem))
    assert imap_signs_in(config)
    # Another key with the same client: the server checks the signature.
    other, _ = rsa_key()
    pem.write_text(self_signed_pem(other))
    config.imap.auth.cache_file.unlink()
    with pytest.raises(AuthError, match="credential was refused \\(invalid_client\\)"):
        imap_connect(oauth_stack.settings(
            tmp_path / "x", INVITEBOT_IMAP_AUTH="oauth2-client-credentials",
            INVITEBOT_IMAP_USER=user, INVITEBOT_OAUTH_CLIENT_ID=client_id,
            INVITEBOT_OAUTH_CERT_FILE=str(pem)).imap)


def test_provider_refusals_are_one_actionable_line(oauth_stack: OAuthStack,
                                                   tmp_path: Path) -> None:
    user = mailbox()
    base = {"INVITEBOT_IMAP_AUTH": "oauth2-client-credentials", "INVITEBOT_IMAP_USER": user}
    oauth_stack.register("wrong-secret", secret="other", mailbox=user)
    oauth_stack.register("no-consent", secret=APP_SECRET, mailbox=user, consent=False)
    oauth_stack.register("no-mailbox", secret=APP_SECRET)
    cases = {"wrong-secret": "credential was refused (invalid_client)",
             "no-consent": "has not granted consent",
             "no-mailbox": f"refused {user}'s OAuth2 token even after a fresh one",
             "unknown-app": "is not registered in the tenant"}
    for client_id, expected in cases.items():
        config = oauth_stack.settings(tmp_path / client_id, INVITEBOT_OAUTH_CLIENT_ID=client_id,
                                      INVITEBOT_OAUTH_CLIENT_SECRET=APP_SECRET, **base)
        with pytest.raises(AuthError) as caught:
            imap_connect(config.imap)
        message = str(caught.value)
        assert expected in message and "\n" not in message and APP_SECRET not in message


def test_auth_login_and_status_commands(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    user, client_id = mailbox(), f"cli-{uuid.uuid4().hex[:6]}"
    oauth_stack.register(client_id, secret=APP_SECRET, mailbox=user)
    env = oauth_stack.env(tmp_path, INVITEBOT_SMTP_AUTH="oauth2-client-credentials",
                          INVITEBOT_IMAP_AUTH="oauth2-client-credentials",
                          INVITEBOT_SMTP_USER=user, INVITEBOT_IMAP_USER=user,
                          INVITEBOT_OAUTH_CLIENT_ID=client_id,
                          INVITEBOT_OAUTH_CLIENT_SECRET=APP_SECRET)
    runner = CliRunner()
    before = runner.invoke(cli, ["auth", "status"], env=env)
    assert f"smtp  oauth2-client-credentials  {user}  no token cached" in before.output
    login = runner.invoke(cli, ["-vv", "auth", "login"], env=env)
    assert login.exit_code == 0, login.output
    assert f"smtp: {user} signed in (oauth2-client-credentials)" in login.output
    after = runner.invoke(cli, ["auth", "status"], env=env)
    assert re.search(rf"imap  oauth2-client-credentials  {re.escape(user)}  token valid until "
                     r"\S+ \S+ UTC \(in 5\d min\)", after.output), after.output
    token = cached_token(load_settings(env))
    for output in (login.output, after.output):
        assert token not in output and APP_SECRET not in output
    refused = runner.invoke(cli, ["auth", "login"],
                            env={**env, "INVITEBOT_OAUTH_CLIENT_SECRET": "not-it"})
    assert refused.exit_code == 2
    assert refused.output.count("\n") == 1 and "invalid_client" in refused.output


# ---------------------------------------------------------------- device code


def test_device_code_whole_path(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    """Token issued → IMAP and SMTP XOAUTH2 → expires → refreshed → revoked → clear error."""
    user, client_id = mailbox(), f"public-{uuid.uuid4().hex[:6]}"
    oauth_stack.register(client_id, mailbox=None)
    env = oauth_stack.env(tmp_path, INVITEBOT_SMTP_AUTH="oauth2-device-code",
                          INVITEBOT_IMAP_AUTH="oauth2-device-code", INVITEBOT_SMTP_USER=user,
                          INVITEBOT_IMAP_USER=user, INVITEBOT_OAUTH_CLIENT_ID=client_id)
    config = load_settings(env)
    with pytest.raises(AuthError, match=f"{user} has not signed in on this machine: "
                                        "run `invitebot auth login`"):
        imap_connect(config.imap)

    source = source_for(config.imap.auth, user)
    assert isinstance(source, DeviceCode)
    shown: list[str] = []
    approved = threading.Event()

    def approve() -> None:
        while not shown:
            approved.wait(0.05)
        code = re.search(r"enter the code (\w+)", shown[0])
        assert code is not None
        oauth_stack.post("/device", user_code=code.group(1), username=user, password="secret")

    helper = threading.Thread(target=approve)
    helper.start()
    source.login(shown.append)
    helper.join()
    assert len(shown) == 1 and "/device" in shown[0]

    rcpt = mailbox()
    assert imap_signs_in(config) and send(config.smtp, rcpt).status == "sent"
    wait_for_messages(oauth_stack.stack, rcpt)
    oauth_stack.post("/admin/expire")
    assert imap_signs_in(config) and send(config.smtp, mailbox()).status == "sent"

    msal_state = json.loads(json.loads(config.imap.auth.cache_file.read_text())
                            [f"msal:{client_id}"])
    [refresh] = [r["secret"] for r in msal_state["RefreshToken"].values()]
    oauth_stack.post("/revoke", token=refresh)
    with pytest.raises(AuthError) as caught:
        imap_connect(config.imap)
    assert str(caught.value).startswith(
        f"the sign-in of {user} has expired or was revoked: run `invitebot auth login`")
    result = send(config.smtp, mailbox())
    assert result.status == "deferred" and "run `invitebot auth login`" in (result.detail or "")
    assert refresh not in str(caught.value) + (result.detail or "")

    runner = CliRunner()
    status = runner.invoke(cli, ["auth", "status"], env=env)
    assert status.exit_code == 0
    assert f"imap  oauth2-device-code  {user}  token" in status.output
    assert refresh not in status.output and cached_token(config) not in status.output


# ---------------------------------------------------------------- Google


def test_google_service_account_with_delegation(oauth_stack: OAuthStack, tmp_path: Path) -> None:
    key, public = rsa_key()
    email = f"invitebot-{uuid.uuid4().hex[:6]}@project.iam.gserviceaccount.com"
    oauth_stack.register(email, public_key=public)
    key_file = tmp_path / "service-account.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "project", "private_key_id": "k1",
        "private_key": private_pem(key), "client_email": email, "client_id": "1234",
        "token_uri": f"{oauth_stack.auth_url}/token"}))
    user, rcpt = mailbox(), mailbox()
    config = oauth_stack.settings(
        tmp_path, INVITEBOT_SMTP_AUTH="google-service-account",
        INVITEBOT_IMAP_AUTH="google-service-account", INVITEBOT_SMTP_USER=user,
        INVITEBOT_IMAP_USER=user, INVITEBOT_GOOGLE_SERVICE_ACCOUNT_FILE=str(key_file))
    assert imap_signs_in(config)
    assert send(config.smtp, rcpt).status == "sent"
    wait_for_messages(oauth_stack.stack, rcpt)

    oauth_stack.register(email, public_key=public, consent=False)
    config.imap.auth.cache_file.unlink()
    with pytest.raises(AuthError, match="set up domain-wide delegation"):
        imap_connect(config.imap)


# ---------------------------------------------------------------- what Microsoft and Google say

# Answers these providers give and the local server cannot (an Exchange mailbox
# without the service principal's permission, a clock off by an hour).
@pytest.mark.parametrize(("answer", "expected"), [
    ("NO AUTHENTICATE failed. User is authenticated but not connected.",
     "New-ServicePrincipal and Add-MailboxPermission"),
    ("invalid_client: AADSTS700024: Client assertion is not within its valid time range.",
     "the clock of this machine is off"),
    ("invalid_grant: Invalid JWT: Token must be a short-lived token (60 minutes) and in a "
     "reasonable timeframe. Check your iat and exp values in the JWT claim.",
     "the clock of this machine is off"),
    ("invalid_grant: AADSTS50173: The provided grant has expired due to it being revoked",
     "run `invitebot auth login`"),
    ("invalid_grant: Token has been expired or revoked.", "run `invitebot auth login`"),
    ("invalid_client: AADSTS7000222: The provided client secret keys for app are expired.",
     "client secret has expired"),
    ("unauthorized_client: Client is unauthorized to retrieve access tokens using this method",
     "domain-wide delegation"),
])
def test_provider_answers_become_actions(answer: str, expected: str) -> None:
    from bot.auth.errors import explain

    message = explain("sec@unodc.org", answer)
    assert message is not None and expected in message

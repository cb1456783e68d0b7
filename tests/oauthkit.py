"""A private mail stack with TLS and its OAuth2 authorization server, for the sign-in tests.

The authorization server (scripts/authserver) serves HTTPS with a certificate
from a throwaway trustme CA, which msal requires; Dovecot checks tokens
against it with that CA. The applications the tests use are registered in
its clients.json, keys made here with ``cryptography``.
"""

from __future__ import annotations

import json
import ssl
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from conftest import Stack
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from tlskit import private_tls_stack

from bot.config.settings import Settings, load_settings

TENANT = "contoso.test"
APP_SECRET = "app-Secret-3f9c"  # a secret the tests look for in every output


@dataclass(frozen=True)
class OAuthStack:
    stack: Stack
    submission_port: int
    auth_url: str
    ca_file: Path
    clients_file: Path
    base: Path

    def post(self, path: str, **form: str) -> dict[str, object]:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        data = urllib.parse.urlencode(form).encode()
        with urllib.request.urlopen(f"{self.auth_url}{path}", data=data, timeout=10,  # noqa: S310
                                    context=context) as reply:
            body = reply.read()
        return json.loads(body) if body.startswith(b"{") else {"page": body.decode()}

    def register(self, client_id: str, **entry: object) -> None:
        clients = json.loads(self.clients_file.read_text())
        clients[client_id] = entry
        self.clients_file.write_text(json.dumps(clients))

    def env(self, tmp: Path, **extra: str) -> dict[str, str]:
        env = {
            "INVITEBOT_SMTP_HOST": "127.0.0.1", "INVITEBOT_SMTP_PORT": str(self.submission_port),
            "INVITEBOT_SMTP_TLS": "starttls", "INVITEBOT_SMTP_CA_FILE": str(self.ca_file),
            "INVITEBOT_SMTP_TIMEOUT": "10",
            "INVITEBOT_IMAP_HOST": "127.0.0.1", "INVITEBOT_IMAP_PORT": str(self.stack.imap_port),
            "INVITEBOT_IMAP_TLS": "starttls", "INVITEBOT_IMAP_CA_FILE": str(self.ca_file),
            "INVITEBOT_IMAP_TIMEOUT": "10",
            "INVITEBOT_OAUTH_AUTHORITY": self.auth_url, "INVITEBOT_OAUTH_TENANT": TENANT,
            "INVITEBOT_OAUTH_CA_FILE": str(self.ca_file),
            "INVITEBOT_TOKEN_CACHE": str(tmp / "tokens.json"),
        }
        env.update(extra)
        return env

    def settings(self, tmp: Path, **extra: str) -> Settings:
        return load_settings(self.env(tmp, **extra))


def rsa_key() -> tuple[rsa.RSAPrivateKey, dict[str, int]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    numbers = key.public_key().public_numbers()
    return key, {"n": numbers.n, "e": numbers.e}


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def self_signed_pem(key: rsa.RSAPrivateKey) -> str:
    """Private key and certificate in one PEM, as an Entra certificate credential is kept."""
    import datetime as dt

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "invitebot")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return private_pem(key) + cert.public_bytes(serialization.Encoding.PEM).decode()


def running_oauth_stack() -> Iterator[OAuthStack]:
    """Start the stack, yield it, stop and remove it (a module fixture's body)."""
    with private_tls_stack("invitebot-oauth-") as private:
        stack = private.stack
        yield OAuthStack(stack, private.ports["SUBMISSION"],
                         f"https://127.0.0.1:{private.ports['AUTH']}", private.ca_file,
                         stack.dir / "auth" / "clients.json", private.base)

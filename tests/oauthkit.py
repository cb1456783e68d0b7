"""A private mail stack with TLS and its OAuth2 authorization server, for the sign-in tests.

The authorization server (scripts/authserver) serves HTTPS with a certificate
from a throwaway trustme CA, which msal requires; Dovecot checks tokens
against it with that CA. The applications the tests use are registered in
its clients.json, keys made here with ``cryptography``.
"""

from __future__ import annotations

import json
import shutil
import ssl
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import trustme
from conftest import Stack, free_port, start_stack
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

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
    base = Path(tempfile.mkdtemp(prefix="invitebot-oauth-"))
    base.chmod(0o755)
    certs = base / "certs"
    certs.mkdir(mode=0o755)
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    (certs / "cert.pem").write_bytes(b"".join(b.bytes() for b in server.cert_chain_pems))
    server.private_key_pem.write_to_path(str(certs / "key.pem"))
    ca.cert_pem.write_to_path(str(certs / "ca.pem"))
    ports = {name: str(free_port()) for name in
             ("SMTP", "IMAP", "SUBMISSION", "SMTPS", "IMAPS", "AUTH")}
    env = {"INVITEBOT_STACK_DIR": str(base / "stack"), "INVITEBOT_STACK_TLS_DIR": str(certs),
           **{f"INVITEBOT_STACK_{name}_PORT": port for name, port in ports.items()}}
    stack = start_stack(env)
    try:
        yield OAuthStack(stack, int(ports["SUBMISSION"]), f"https://127.0.0.1:{ports['AUTH']}",
                         certs / "ca.pem", stack.dir / "auth" / "clients.json", base)
    finally:
        stack.ctl("stop")
        shutil.rmtree(base, ignore_errors=True)

"""A private Postfix + Dovecot (+ authorization server) instance with TLS,
for the tests that need certificates of their own: a throwaway trustme CA
issues the servers' certificate for 127.0.0.1/localhost, every port is free
and the instance lives under /tmp (postfix and vmail must reach it, pytest's
tmp dirs are 0700)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import trustme
from conftest import Stack, free_port, start_stack

PORTS = ("SMTP", "IMAP", "SUBMISSION", "SMTPS", "IMAPS", "AUTH")


@dataclass(frozen=True)
class PrivateStack:
    stack: Stack
    base: Path  # the instance's directory, removed afterwards; free for the test's files
    ca_file: Path  # the CA that signed the servers' certificate
    ports: dict[str, int]  # by name, as in PORTS


@contextmanager
def private_tls_stack(prefix: str) -> Iterator[PrivateStack]:
    """Start the instance, yield it, stop and remove it."""
    base = Path(tempfile.mkdtemp(prefix=prefix))
    base.chmod(0o755)
    certs = base / "certs"
    certs.mkdir(mode=0o755)
    ca = trustme.CA()
    server = ca.issue_cert("127.0.0.1", "localhost")
    (certs / "cert.pem").write_bytes(b"".join(b.bytes() for b in server.cert_chain_pems))
    server.private_key_pem.write_to_path(str(certs / "key.pem"))
    # Beside the certificate before start: Dovecot checks the authorization
    # server's certificate with it.
    ca.cert_pem.write_to_path(str(certs / "ca.pem"))
    ports = {name: free_port() for name in PORTS}
    env = {"INVITEBOT_STACK_DIR": str(base / "stack"), "INVITEBOT_STACK_TLS_DIR": str(certs),
           **{f"INVITEBOT_STACK_{name}_PORT": str(port) for name, port in ports.items()}}
    stack = start_stack(env)
    try:
        yield PrivateStack(stack, base, certs / "ca.pem", ports)
    finally:
        stack.ctl("stop")
        shutil.rmtree(base, ignore_errors=True)

"""SASL initial responses for bearer tokens: XOAUTH2 (Microsoft, Google), OAUTHBEARER (RFC 7628)."""

from __future__ import annotations

import base64


def xoauth2(user: str, token: str) -> bytes:
    """The base64 XOAUTH2 response: ``user=…^Aauth=Bearer …^A^A``."""
    return base64.b64encode(f"user={user}\x01auth=Bearer {token}\x01\x01".encode())


def oauthbearer(user: str, token: str, host: str, port: int) -> bytes:
    """The base64 OAUTHBEARER response, with the GS2 header naming ``user``."""
    # RFC 5801: "," and "=" in the authorization identity are escaped.
    name = user.replace("=", "=3D").replace(",", "=2C")
    text = f"n,a={name},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"
    return base64.b64encode(text.encode())


# After a failed OAUTHBEARER the server sends an error challenge; this ends the exchange.
OAUTHBEARER_ABORT = base64.b64encode(b"\x01")


def choose(wanted: str, offered: set[str]) -> str:
    """The mechanism to use: the one configured, else XOAUTH2, else OAUTHBEARER."""
    if wanted != "auto":
        return wanted
    if "xoauth2" in offered or "oauthbearer" not in offered:
        return "xoauth2"
    return "oauthbearer"

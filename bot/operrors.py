"""Operational failures in one plain sentence: servers, TLS, logins, the database, files.

These are failures an operator meets and fixes (a server down, a wrong
password, a certificate not trusted, a database not reachable), not bugs:
the command line reports each as one ``invitebot: …`` line and exit code 2
instead of a traceback. ``describe`` turns a library's exception into
words (never a Python ``b'…'`` repr); ``ServerError`` carries which server.
"""

from __future__ import annotations

import re
import socket
import ssl
from typing import Any

from bot.errors import InvitebotError

_BYTES_REPR = re.compile(r"""\bb(['"])(.*?)\1""")


class ServerError(InvitebotError):
    """A mail server refused what invitebot asked (the login, a command)."""


class ServerUnreachable(ServerError, ConnectionError):
    """A mail server could not be reached or TLS failed.

    Also a ``ConnectionError``, so the loops that reconnect after a network
    error (``NETWORK_ERRORS``) still retry it; only the words are new.
    """


def plain(text: Any) -> str:
    """One line of text, with ``b'…'`` reprs and bytes decoded to their words."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    words = _BYTES_REPR.sub(lambda m: m.group(2), str(text))
    return " ".join(words.split())


def describe(exc: BaseException) -> str:
    """What went wrong, in words, for an exception from a socket, TLS or a mail library."""
    if isinstance(exc, InvitebotError):
        return str(exc)
    cause = exc.__cause__
    wrapped = not isinstance(exc, OSError) or exc.strerror is None
    if isinstance(cause, OSError) and wrapped and not isinstance(exc, ssl.SSLError):
        # aiosmtplib wraps the socket's error ("Error connecting to … [Errno 111] …").
        return describe(cause)
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate verify failed: {plain(exc.verify_message or exc.reason)}"
    if isinstance(exc, ssl.SSLError):
        reason = plain(exc.reason or exc.strerror or exc)
        if reason == "WRONG_VERSION_NUMBER":
            reason += " (the port does not speak TLS; check INVITEBOT_*_TLS and the port)"
        return f"TLS failed: {reason}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the server running, is the port right?)"
    if isinstance(exc, socket.gaierror):
        return f"unknown host ({plain(exc.strerror)})"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "no answer (timed out)"
    if isinstance(exc, ConnectionError):
        return f"connection lost ({plain(exc.strerror or exc.__class__.__name__)})"
    if isinstance(exc, OSError) and exc.strerror:
        return plain(exc.strerror)
    code, message = getattr(exc, "code", None), getattr(exc, "message", None)
    if isinstance(code, int) and message is not None:
        return f"{code} {plain(message)}"
    text = plain(exc.args[0] if exc.args else exc)
    return text or exc.__class__.__name__


def login_refused(exc: BaseException) -> bool:
    """True when the server answered a login with a refusal (not a network error)."""
    name = exc.__class__.__name__
    return name in ("LoginError", "SMTPAuthenticationError")


def database_line(exc: BaseException, url: str) -> str:
    """One line for a database that cannot be opened or reached."""
    from sqlalchemy.engine import make_url

    try:
        shown = make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is shown as given, minus nothing secret
        shown = url.split("@")[-1]
    return f"database {shown}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    """The driver's own first line (SQLAlchemy adds the statement and a link below it)."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return plain(text.splitlines()[0]) if text else orig.__class__.__name__


def file_line(exc: OSError) -> str:
    """One line for a file or folder that cannot be read or written."""
    where = exc.filename if exc.filename is not None else "?"
    return f"{where}: {plain(exc.strerror or exc)}"


def operational_line(exc: BaseException) -> str | None:
    """The one line for an operational failure the command line did not expect, else None."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    if isinstance(exc, (OperationalError, DBAPIError)):
        return f"database: {_first_line(exc)}"
    if isinstance(exc, ServerError):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return file_line(exc)
    return None


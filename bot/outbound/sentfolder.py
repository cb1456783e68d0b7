"""The IMAP Sent folder: a copy of everything the SMTP server accepted.

Decides nothing about sending (see ``dispatch`` for why the crash oracle
is the outbox row, not this folder); it stores copies, many at a time
with MULTIAPPEND where the server offers it (one round trip and one
server-side commit for a batch), and answers "is this Message-ID here?"
so a copy that may have been stored before a crash is not stored twice.

imapclient is synchronous; the dispatcher calls these methods through
``asyncio.to_thread`` from one task at a time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from bot.config.settings import ServerSettings
from bot.transport import imap_connect

SEEN = b"\\Seen"


class SentFolder:
    """One IMAP connection to the account's Sent folder (created if absent)."""

    def __init__(self, server: ServerSettings, folder: str) -> None:
        self.server = server
        self.folder = folder
        self.client: IMAPClient | None = None

    def _connected(self) -> IMAPClient:
        if self.client is None:
            client = imap_connect(self.server)
            try:
                if not client.folder_exists(self.folder):
                    try:
                        client.create_folder(self.folder)
                    except IMAPClientError:
                        # Another process created it first.
                        if not client.folder_exists(self.folder):
                            raise
            except BaseException:
                _shutdown(client)
                raise
            self.client = client
        return self.client

    def append_many(self, messages: Sequence[bytes]) -> None:
        """Store copies (flagged \\Seen); all-or-error, one command when MULTIAPPEND exists."""
        if not messages:
            return
        client = self._connected()
        try:
            if len(messages) > 1 and client.has_capability("MULTIAPPEND"):
                client.multiappend(self.folder, [{"msg": m, "flags": (SEEN,)} for m in messages])
            else:
                for message in messages:
                    client.append(self.folder, message, flags=(SEEN,))
        except BaseException:
            self.close()
            raise

    def contains(self, message_id: str) -> bool:
        """Is a message with this Message-ID in the folder?"""
        client = self._connected()
        try:
            client.select_folder(self.folder, readonly=True)
            return bool(client.search(["HEADER", "Message-ID", message_id]))
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            try:
                client.logout()
            except Exception:
                _shutdown(client)


def _shutdown(client: IMAPClient) -> None:
    with contextlib.suppress(OSError):
        client.shutdown()

"""Reads legacy Word (.doc, Word 97-2003 binary) replies with antiword.

``antiword`` (Debian package antiword) runs through ``proc.run`` like every
external program here (timeout, memory cap) on a fixed file name in the
private directory; it prints UTF-8 text with a whole paragraph on a line and
table rows with cells between ``|``, which stay as they are for the
extractor. Other OLE2 files (old Excel or PowerPoint) share the signature:
antiword refuses them and the result is flagged, as are encrypted documents.
The text goes back to ``attachments``.
"""

from __future__ import annotations

from pathlib import Path

from bot.inbound.readers import proc
from bot.inbound.readers.common import (
    ENCRYPTED,
    TIMEOUT,
    UNREADABLE,
    AttachmentText,
    ReadContext,
    document_text,
    failed,
)

# -w 0: a whole paragraph on one line; -m UTF-8.txt: UTF-8 output whatever the locale.
ANTIWORD = ("antiword", "-w", "0", "-m", "UTF-8.txt", "input.doc")
# Images have no text; antiword marks where they were.
_PICTURE = "[pic]"


def _clean(stdout: bytes) -> str:
    lines = [line.rstrip() for line in stdout.decode("utf-8", "replace").splitlines()]
    return "\n".join(line for line in lines if line.strip() != _PICTURE).strip()


def read_doc(data: bytes, ctx: ReadContext, tmp: Path) -> AttachmentText:
    """Text of a Word 97-2003 document, or a flag saying why there is none."""
    (tmp / "input.doc").write_bytes(data)
    done = proc.run_bounded(ANTIWORD, ctx, tmp)
    if done.timed_out:
        return failed(TIMEOUT, "antiword took too long")
    messages = done.stderr.decode("utf-8", "replace").strip().splitlines()
    # antiword names the file in its messages; that name is ours, not the sender's.
    detail = f"doc: {messages[-1] if messages else f'antiword exit code {done.returncode}'}"
    if any("encrypted" in message.lower() for message in messages):
        return failed(ENCRYPTED, detail)
    text = _clean(done.stdout)
    if done.returncode != 0 and not text:
        return failed(UNREADABLE, detail)
    result = document_text([text], "antiword")
    if done.returncode != 0:
        result.flag(UNREADABLE, detail)
    return result

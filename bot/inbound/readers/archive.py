"""Reads ZIP attachments by reading each member as an attachment of its own.

Decides how much of an archive is worth reading: members, total uncompressed
bytes (shared with nested archives) and nesting depth are bounded, members are
read in memory and never extracted to the names the archive gives them. Each
member goes back through ``attachments`` and the texts are joined.
"""

from __future__ import annotations

import zipfile

from bot.inbound.readers.common import (
    ENCRYPTED,
    TIMEOUT,
    UNREADABLE,
    ZIP_TOO_DEEP,
    ZIP_TOO_LARGE,
    AttachmentText,
    ReadContext,
    ReadMember,
    failed,
)
from bot.inbound.readers.zipguard import ZipRefusedError, open_checked


def _display_name(name: str) -> str:
    # The member name is the sender's text: shown to the reader, never used as a path.
    printable = "".join(ch if ch.isprintable() else "?" for ch in name)
    return printable[-120:]


def read_zip(data: bytes, ctx: ReadContext, read_member: ReadMember) -> AttachmentText:
    """Text of every readable member, each under a ``=== name ===`` line."""
    if ctx.depth >= ctx.limits.max_zip_depth:
        return failed(ZIP_TOO_DEEP, f"archive nested deeper than {ctx.limits.max_zip_depth}")
    result = AttachmentText(text="", engine="zip:")
    try:
        archive = open_checked(
            data,
            max_total=ctx.limits.max_zip_total,
            max_members=ctx.limits.max_zip_members,
        )
    except ZipRefusedError as exc:
        return failed(ZIP_TOO_LARGE, f"zip: {exc}")
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return failed(UNREADABLE, f"zip: {exc}")
    parts: list[str] = []
    engines: list[str] = []
    with archive:
        for member in archive.infolist():
            if member.is_dir():
                continue
            if ctx.deadline.remaining() <= 0:
                result.flag(TIMEOUT, "total time limit reached inside archive")
                break
            if member.flag_bits & 0x1:
                result.flag(ENCRYPTED, f"{_display_name(member.filename)} is encrypted")
                continue
            if member.file_size > ctx.zip_budget:
                result.flag(ZIP_TOO_LARGE, "archive contents exceed the size limit")
                break
            try:
                with archive.open(member) as handle:
                    content = handle.read(member.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
                result.flag(UNREADABLE, f"{_display_name(member.filename)}: {exc}")
                continue
            ctx.zip_budget -= len(content)
            child = ReadContext(
                languages=ctx.languages,
                limits=ctx.limits,
                deadline=ctx.deadline,
                depth=ctx.depth + 1,
                zip_budget=ctx.zip_budget,
            )
            inner = read_member(content, "", member.filename, child)
            ctx.zip_budget = child.zip_budget
            result.pages += inner.pages
            for flag in inner.flags:
                result.flag(flag, inner.error)
            if inner.engine not in engines:
                engines.append(inner.engine)
            if inner.text:
                parts.append(f"=== {_display_name(member.filename)} ===\n{inner.text}")
    result.engine = "zip:" + ",".join(engines)
    result.text = "\n\n".join(parts)
    if not parts:
        result.flag(UNREADABLE, "no readable member")
    return result

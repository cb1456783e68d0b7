"""Checks a ZIP's central directory before anything decompresses it.

Shared by the DOCX, ODT and archive readers: a ZIP bomb is refused from the sizes
it declares, and Python's ``zipfile`` never inflates a member past its
declared size, so the declared sizes are a real bound.
"""

from __future__ import annotations

import io
import zipfile


class ZipRefusedError(ValueError):
    """The archive is larger, deeper or stranger than the limits allow."""


CENTRAL_DIRECTORY_ENTRY = b"PK\x01\x02"


def count_entries(data: bytes) -> int:
    """An upper bound on the members, found without building a ZipInfo for each."""
    # zipfile parses the whole central directory into objects: a 30 MB archive of
    # empty members would cost hundreds of MB before any limit could be checked.
    return data.count(CENTRAL_DIRECTORY_ENTRY)


def open_checked(data: bytes, *, max_total: int, max_members: int) -> zipfile.ZipFile:
    """Open ``data`` as a ZIP whose declared contents fit the limits, or raise."""
    if count_entries(data) > max_members:
        raise ZipRefusedError(f"more than {max_members} members")
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    if len(members) > max_members:
        raise ZipRefusedError(f"{len(members)} members, limit {max_members}")
    total = sum(member.file_size for member in members)
    if total > max_total:
        raise ZipRefusedError(f"{total} bytes uncompressed, limit {max_total}")
    return archive

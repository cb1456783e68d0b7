"""Hostile attachments: each is flagged for review, never raises, stays bounded in memory,
and leaves nothing behind outside the private temporary directory."""

from __future__ import annotations

import io
import os
import resource
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import docgen
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from bot.inbound.readers.attachments import AttachmentText, ReadLimits, read_attachment

# Loose: the Python process may grow a little, never by a bomb's worth.
MAX_RSS_GROWTH_KB = 300 * 1024
BOMB_BYTES = 200 * 1024 * 1024


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Temp files go under tmp/ and the working directory is work/; both must end empty."""
    temp = tmp_path / "tmp"
    work = tmp_path / "work"
    temp.mkdir()
    work.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.chdir(work)
    yield tmp_path
    assert list(temp.iterdir()) == []
    assert list(work.iterdir()) == []


def read_bounded(data: bytes, content_type: str, filename: str, **limits: int) -> AttachmentText:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = read_attachment(data, content_type, filename, ["en"], limits=ReadLimits(**limits))
    growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert growth < MAX_RSS_GROWTH_KB, f"grew {growth} KiB"
    assert result.needs_review, result
    assert result.flags, result
    return result


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 50_000) -> bytes:
    """A 1-bit PNG of side x side pixels that is a few hundred KiB on disk."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (1 + side // 8)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def zip_with_zeros(name: str, size: int, extra: dict[str, bytes] | None = None) -> bytes:
    """A ZIP whose member ``name`` inflates to ``size`` zero bytes (ratio ~1000:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in (extra or {}).items():
            archive.writestr(member, data)
        with archive.open(name, "w", force_zip64=True) as handle:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                handle.write(chunk)
    return buffer.getvalue()


def test_png_decompression_bomb(sandbox: Path) -> None:
    data = png_bomb()
    assert len(data) < 2 * 1024 * 1024
    result = read_bounded(data, "image/png", "photo.png")
    assert "too_many_pixels" in result.flags


def test_huge_page_pdf_is_not_rendered_at_full_size(sandbox: Path) -> None:
    # 200 x 200 inches: at 300 dpi that would be 3.6 gigapixels.
    pdf = docgen.make_text_pdf("x").replace(
        b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 14400 14400]"
    )
    result = read_bounded(pdf, "application/pdf", "big.pdf")
    assert "too_many_pixels" in result.flags


@pytest.mark.ocr
def test_pdf_with_nested_compression(sandbox: Path) -> None:
    # A content stream deflated twice that inflates to 100 MB of spaces: no text, all work.
    packer = zlib.compressobj(9)
    inner = b"".join(packer.compress(b" " * (1024 * 1024)) for _ in range(100)) + packer.flush()
    stream = zlib.compress(inner, 9)
    pdf = docgen.make_text_pdf("x")
    start = pdf.index(b"4 0 obj")
    end = pdf.index(b"endobj", start) + len(b"endobj")
    body = (
        b"4 0 obj\n<< /Length %d /Filter [/FlateDecode /FlateDecode] >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream\nendobj"
    )
    # The xref offsets are now wrong, as in many real damaged PDFs; poppler rebuilds them.
    result = read_bounded(pdf[:start] + body + pdf[end:], "application/pdf", "x.pdf")
    assert result.engine in ("tesseract", "none")


def test_pdf_with_200_pages_reads_only_the_limit(sandbox: Path) -> None:
    pdf = docgen.make_text_pdf(
        "\f".join(f"Page {n} of the list of delegates of the Permanent Mission" for n in range(200))
    )
    result = read_bounded(pdf, "application/pdf", "long.pdf")
    assert "too_many_pages" in result.flags
    assert result.pages == 30
    assert "Page 29 of" in result.text and "Page 30 of" not in result.text


def test_zip_bomb_high_ratio(sandbox: Path) -> None:
    data = zip_with_zeros("zeros.txt", BOMB_BYTES)
    assert len(data) < 2 * 1024 * 1024
    result = read_bounded(data, "application/zip", "bomb.zip")
    assert "zip_too_large" in result.flags
    assert result.text == ""


def test_zip_nested_too_deep(sandbox: Path) -> None:
    data = docgen.make_text_pdf("Deep inside")
    for level in range(4):
        data = docgen.make_zip({f"level{level}.zip" if level else "letter.pdf": data})
    result = read_bounded(data, "application/zip", "nested.zip")
    assert "zip_too_deep" in result.flags
    assert "Deep inside" not in result.text


@pytest.mark.parametrize("members", [101, 5_000])
def test_zip_with_too_many_members(sandbox: Path, members: int) -> None:
    data = docgen.make_zip({f"{n}": b"" for n in range(members)})
    assert "zip_too_large" in read_bounded(data, "application/zip", "many.zip").flags


def test_docx_bomb(sandbox: Path) -> None:
    real = docgen.make_docx("Mission of Nowhere")
    with zipfile.ZipFile(io.BytesIO(real)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    data = zip_with_zeros("word/media/image1.png", BOMB_BYTES, extra=parts)
    result = read_bounded(data, "application/vnd.openxmlformats", "reply.docx")
    assert "zip_too_large" in result.flags


def test_hostile_filenames_are_never_paths(sandbox: Path) -> None:
    pdf = docgen.make_text_pdf("Mission of Peru: Mr. Luis Garcia, Minister Counsellor")
    name = "../../etc/passwd"
    direct = read_attachment(pdf, "application/pdf", name, ["en"])
    assert "Mission of Peru" in direct.text
    inside = read_attachment(docgen.make_zip({name: pdf, "/abs/x.pdf": pdf}), "", name, ["en"])
    assert inside.text.count("Mission of Peru") == 2
    assert not (sandbox / "etc").exists() and not (sandbox.parent / "etc" / "passwd").exists()


def _encrypted_pdf(user_password: str) -> bytes:
    reader = PdfReader(
        io.BytesIO(docgen.make_text_pdf("Confidential: Mr. Secret Agent, Counsellor"))
    )
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_encrypted_pdf_needing_a_password(sandbox: Path) -> None:
    result = read_bounded(_encrypted_pdf("secret"), "application/pdf", "locked.pdf")
    assert "encrypted" in result.flags
    assert "Secret Agent" not in result.text


def test_encrypted_pdf_with_owner_password_only_is_read_but_flagged(sandbox: Path) -> None:
    result = read_bounded(_encrypted_pdf(""), "application/pdf", "restricted.pdf")
    assert "encrypted" in result.flags
    assert "Secret Agent" in result.text


@pytest.mark.parametrize(
    "data",
    [os.urandom(64 * 1024), b"%PDF-1.7\n" + os.urandom(64 * 1024), b"just text, said to be a PDF"],
)
def test_garbage_claiming_to_be_pdf(sandbox: Path, data: bytes) -> None:
    result = read_bounded(data, "application/pdf", "reply.pdf")
    assert "unreadable" in result.flags
    assert result.error


def test_input_over_the_size_limit(sandbox: Path) -> None:
    result = read_bounded(b"x" * 2048, "text/plain", "a.txt", max_input_bytes=1024)
    assert "too_large" in result.flags


@pytest.mark.ocr
def test_total_time_limit(sandbox: Path) -> None:
    pdf = docgen.make_scanned_pdf("Slow\fSlower\fSlowest", noise=False)
    result = read_bounded(pdf, "application/pdf", "scan.pdf", total_timeout_s=0)
    assert "timeout" in result.flags


@pytest.mark.ocr
def test_tiff_with_more_frames_than_pages_allowed(sandbox: Path) -> None:
    frames = [Image.new("L", (64, 64), 255) for _ in range(5)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "TIFF", save_all=True, append_images=frames[1:])
    result = read_bounded(buffer.getvalue(), "image/tiff", "fax.tif", max_pages=3)
    assert "too_many_pages" in result.flags
    assert result.pages == 3

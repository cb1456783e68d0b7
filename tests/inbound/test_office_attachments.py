"""ODT and legacy Word (.doc) replies: read in document order, hostile ones flagged, never raised.

ODT inputs are built here with ``zipfile``. No genuine Word 97-2003 file could be
generated offline (antiword only reads them), so the .doc tests run antiword on
OLE2 files that are not Word documents and check the reader's own handling of
antiword's output with canned results through the ``proc.run`` seam.
"""

from __future__ import annotations

import io
import shutil
import struct
import time
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from bot.inbound.readers import proc, sniff
from bot.inbound.readers.attachments import AttachmentText, read_attachment

ODT_TYPE = "application/vnd.oasis.opendocument.text"
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
)
BODY = """
<text:h text:outline-level="1">Note verbale</text:h>
<text:p>The Permanent Mission of <text:span>Mexico</text:span> presents its compliments.</text:p>
<text:p>Reference:<text:s text:c="3"/>NV/2024/17<text:tab/>urgent</text:p>
<text:list>
  <text:list-item><text:p>First item</text:p>
    <text:list><text:list-item><text:p>Nested item</text:p></text:list-item></text:list>
  </text:list-item>
</text:list>
<table:table table:name="Delegation">
  <table:table-column table:number-columns-repeated="3"/>
  <table:table-header-rows>
    <table:table-row>
      <table:table-cell><text:p>Function</text:p></table:table-cell>
      <table:table-cell><text:p>Name</text:p></table:table-cell>
      <table:table-cell><text:p>Title</text:p></table:table-cell>
    </table:table-row>
  </table:table-header-rows>
  <table:table-row>
    <table:table-cell><text:p>Head of delegation</text:p></table:table-cell>
    <table:table-cell><text:p>H.E. Mr. Juan PÉREZ</text:p></table:table-cell>
    <table:table-cell><text:p>Ambassador</text:p></table:table-cell>
  </table:table-row>
  <table:table-row>
    <table:table-cell table:number-columns-spanned="2">
      <text:p>Ms. Ana LÓPEZ</text:p></table:table-cell>
    <table:covered-table-cell/>
    <table:table-cell><text:p>Counsellor</text:p></table:table-cell>
  </table:table-row>
</table:table>
<text:p>Signed<text:line-break/>New York</text:p>
"""
HEADER = """<office:master-styles><style:master-page style:name="Standard">
<style:header><text:p>PERMANENT MISSION OF MEXICO TO THE UNITED NATIONS</text:p></style:header>
</style:master-page></office:master-styles>"""


def content_xml(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>{doctype}'
            f"<office:document-content {NAMESPACES}><office:body><office:text>{body}"
            "</office:text></office:body></office:document-content>").encode()


def make_odt(content: bytes, mimetype: str = ODT_TYPE, styles: str = HEADER) -> bytes:
    """An OpenDocument package as LibreOffice writes it: ``mimetype`` first, stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{mimetype}"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>"))
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", f"<office:document-styles {NAMESPACES}>{styles}"
                                       "</office:document-styles>")
    return buffer.getvalue()


@pytest.fixture
def no_programs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """ODT is read in-process: no LibreOffice, no external program beyond tesseract's
    version and language list (read_attachment's cache key needs them)."""
    real_run = proc.run
    started: list[str] = []

    def only_tesseract_info(args: Sequence[str], **kwargs: Any) -> proc.Completed:
        if list(args[:1]) == ["tesseract"] and list(args[1:]) in (["--version"], ["--list-langs"]):
            return real_run(args, **kwargs)
        started.append(args[0])
        return proc.Completed(127, b"", b"not allowed in this test")

    monkeypatch.setattr(proc, "run", only_tesseract_info)
    yield
    assert started == []


def read_odt(data: bytes, filename: str = "reply.odt") -> AttachmentText:
    return read_attachment(data, ODT_TYPE, filename, ["en"])


def test_odt_lines_and_table_rows_in_document_order(no_programs: None) -> None:
    result = read_odt(make_odt(content_xml(BODY)))
    assert result.engine == "odt" and result.pages == 1
    assert not result.needs_review, result
    assert result.text.splitlines() == [
        "PERMANENT MISSION OF MEXICO TO THE UNITED NATIONS",
        "Note verbale",
        "The Permanent Mission of Mexico presents its compliments.",
        "Reference:   NV/2024/17\turgent",
        "First item",
        "Nested item",
        "Function | Name | Title",
        "Head of delegation | H.E. Mr. Juan PÉREZ | Ambassador",
        "Ms. Ana LÓPEZ | Counsellor",
        "Signed",
        "New York",
    ]


def test_sniff_tells_odt_from_other_opendocument_and_office_packages() -> None:
    odt = make_odt(content_xml(BODY))
    assert sniff.sniff(odt, "application/octet-stream", "x.bin") == sniff.ODT
    spreadsheet = make_odt(content_xml(""), "application/vnd.oasis.opendocument.spreadsheet")
    assert sniff.sniff(spreadsheet, ODT_TYPE, "reply.odt") == sniff.OFFICE
    # A mimetype member longer than any real one is read only up to the cap.
    padded = make_odt(content_xml(BODY), ODT_TYPE + " " * 10_000 + "x")
    assert sniff.sniff(padded, ODT_TYPE, "reply.odt") == sniff.OFFICE


def test_ods_and_odp_stay_unsupported(no_programs: None) -> None:
    for kind in ("spreadsheet", "presentation"):
        data = make_odt(content_xml(BODY), f"application/vnd.oasis.opendocument.{kind}")
        result = read_odt(data, "reply.ods")
        assert result.flags == ["unsupported"] and result.text == ""


def test_odt_entity_expansion_is_not_expanded(no_programs: None) -> None:
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))
    doctype = f"<!DOCTYPE office:document-content [{entities}]>"
    data = make_odt(content_xml("<text:p>Before &lol9; after</text:p>", doctype))
    started = time.monotonic()
    result = read_odt(data)
    assert time.monotonic() - started < 5
    assert "lol" not in result.text
    assert len(result.text) < 100
    assert result.needs_review or result.text == "Before after"


def test_odt_zip_bomb_is_refused_fast(no_programs: None) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT_TYPE, compress_type=zipfile.ZIP_STORED)
        with archive.open("content.xml", "w", force_zip64=True) as handle:
            chunk = b" " * (1024 * 1024)
            for _ in range(200):
                handle.write(chunk)
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024
    started = time.monotonic()
    result = read_odt(data)
    assert time.monotonic() - started < 5
    assert "zip_too_large" in result.flags and result.text == ""


def test_broken_odt_is_flagged(no_programs: None) -> None:
    result = read_odt(make_odt(b"<office:document-content"))
    assert "unreadable" in result.flags and result.text == ""
    empty = read_odt(make_odt(content_xml("<text:p/>"), styles=""))
    assert "unreadable" in empty.flags


# --- Legacy Word (.doc) ---

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
needs_antiword = pytest.mark.skipif(shutil.which("antiword") is None,
                                    reason="antiword (Debian package antiword) not installed")


def compound_file(stream: str, body: bytes) -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors) with one 4 KiB stream."""
    end, free, fat_sector = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    header = (OLE2 + bytes(16) + struct.pack("<5H", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<4I", 0, 1, 1, 0) + struct.pack("<5I", 4096, end, 0, end, 0)
              + struct.pack("<109I", 0, *[free] * 108))
    # Sector 0: the FAT; 1: the directory; 2-9: the stream.
    fat = [fat_sector, end, *range(3, 10), end]
    fat_bytes = struct.pack("<128I", *fat, *[free] * (128 - len(fat)))

    def entry(name: str, kind: int, start: int, size: int, child: int = free) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<3I", free, free, child) + bytes(36)
                + struct.pack("<3I", start, size, 0))

    directory = entry("Root Entry", 5, end, 0, child=1) + entry(stream, 2, 2, 4096) + bytes(256)
    return header + fat_bytes + directory + body.ljust(4096, b"\x00")[:4096]


WORD97 = Path(__file__).resolve().parents[1] / "corpus" / "attachments" / "word97-olefile.doc"


@needs_antiword
def test_genuine_word_97_document_is_read() -> None:
    data = WORD97.read_bytes()
    assert sniff.sniff(data, "application/msword", "letter.doc") == sniff.DOC
    result = read_attachment(data, "application/msword", "letter.doc", ["en"])
    assert result.error is None and not result.needs_review, result.flags
    assert result.engine == "antiword"
    assert result.text.strip() == "Test OLE file, saved as Word 97-2003 Document."


def test_sniff_ole2_is_doc() -> None:
    assert sniff.sniff(compound_file("WordDocument", b""), "application/octet-stream",
                       "x") == sniff.DOC
    assert sniff.sniff(OLE2, "", "") == sniff.DOC


@needs_antiword
def test_ole2_spreadsheet_is_flagged_not_raised() -> None:
    result = read_attachment(compound_file("Workbook", b"\x09\x08" * 2048),
                             "application/vnd.ms-excel", "budget.xls", ["en"])
    assert result.flags == ["unreadable"] and result.text == ""
    assert result.error is not None and "Excel" in result.error


@needs_antiword
@pytest.mark.parametrize("data", [OLE2, OLE2 + bytes(100), compound_file("WordDocument", b"")])
def test_truncated_or_empty_word_file_is_flagged(data: bytes) -> None:
    result = read_attachment(data, "application/msword", "reply.doc", ["en"])
    assert "unreadable" in result.flags and result.needs_review
    assert result.text == ""


def fake_antiword(monkeypatch: pytest.MonkeyPatch, done: proc.Completed) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(args: Sequence[str], **kwargs: Any) -> proc.Completed:
        calls.append(list(args))
        assert (kwargs["cwd"] / "input.doc").read_bytes().startswith(OLE2)
        assert kwargs["timeout"] > 0 and kwargs["memory"] > 0
        return done

    monkeypatch.setattr(proc, "run", run)
    return calls


def read_doc(data: bytes = OLE2 + bytes(504)) -> AttachmentText:
    return read_attachment(data, "application/msword", "../../etc/passwd.doc", ["xx"])


def test_doc_text_keeps_table_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    output = ("Permanent Mission of Mexico   \n\n[pic]\n"
              "|Head of delegation  |H.E. Mr. Juan PÉREZ  |Ambassador  |\n").encode()
    calls = fake_antiword(monkeypatch, proc.Completed(0, output, b""))
    result = read_doc()
    assert calls == [["antiword", "-w", "0", "-m", "UTF-8.txt", "input.doc"]]
    assert result.engine == "antiword" and not result.needs_review, result
    assert result.text == ("Permanent Mission of Mexico\n\n"
                           "|Head of delegation  |H.E. Mr. Juan PÉREZ  |Ambassador  |")


@pytest.mark.parametrize(("done", "flag"), [
    (proc.Completed(1, b"", b"Encrypted documents are not supported\n"), "encrypted"),
    (proc.Completed(1, b"", b"input.doc is not a Word Document.\n"), "unreadable"),
    (proc.Completed(-1, b"", b"", timed_out=True), "timeout"),
    (proc.Completed(0, b"\n[pic]\n", b""), "unreadable"),
    (proc.Completed(1, b"Half a letter\n", b"Segmentation fault\n"), "unreadable"),
])
def test_doc_failures_are_flagged(monkeypatch: pytest.MonkeyPatch, done: proc.Completed,
                                  flag: str) -> None:
    fake_antiword(monkeypatch, done)
    result = read_doc()
    assert result.flags == [flag] and result.needs_review
    assert result.text == ("Half a letter" if done.stdout.startswith(b"Half") else "")


def test_doc_without_antiword_is_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(args: Sequence[str], **kwargs: Any) -> proc.Completed:
        raise proc.ToolMissingError(f"{args[0]} is not installed")

    monkeypatch.setattr(proc, "run", missing)
    result = read_doc()
    assert result.flags == ["unreadable"] and result.error == "antiword is not installed"

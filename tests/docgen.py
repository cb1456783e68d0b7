"""Test-data generators: replies as missions send them (text PDFs, scans, photos, HEIC, DOCX, ZIP).

Everything is made here from text, deterministically (seeded noise), so tests
and the extraction corpus can say what a document contains and check that the
readers get it back. Needs DejaVu fonts (Latin, Cyrillic, Arabic) and
WenQuanYi Micro Hei (Chinese): Debian fonts-dejavu-core, fonts-wqy-microhei;
Arabic also needs Pillow's raqm layout (bundled in Pillow wheels).
"""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import docx
from PIL import Image, ImageDraw, ImageFilter, ImageFont, features

FONT_DIR = Path("/usr/share/fonts/truetype")
FONTS = {
    "latin": FONT_DIR / "dejavu/DejaVuSerif.ttf",
    "latin-bold": FONT_DIR / "dejavu/DejaVuSerif-Bold.ttf",
    # DejaVu Sans has the Arabic block; with raqm it shapes well enough for tesseract.
    "ar": FONT_DIR / "dejavu/DejaVuSans.ttf",
    "zh": FONT_DIR / "wqy/wqy-microhei.ttc",
}
DEFAULT_LETTERHEAD = "PERMANENT MISSION TO THE UNITED NATIONS"
A4_300DPI = (2480, 3508)
MARGIN = 220


def _font(lang: str, size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    key = lang if lang in ("ar", "zh") else ("latin-bold" if bold else "latin")
    path = FONTS[key]
    if not path.exists():
        raise FileNotFoundError(
            f"font {path} missing: install fonts-dejavu-core/fonts-wqy-microhei"
        )
    if lang == "ar" and not features.check("raqm"):
        raise RuntimeError("Arabic needs Pillow with raqm (libraqm0) for shaping")
    return ImageFont.truetype(str(path), size)


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, lang: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        # Chinese has no spaces: wrap by character.
        tokens = list(paragraph) if lang == "zh" else paragraph.split(" ")
        joiner = "" if lang == "zh" else " "
        line = ""
        for token in tokens:
            candidate = f"{line}{joiner}{token}" if line else token
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = token
            else:
                line = candidate
        lines.append(line)
    return lines


def render_page(
    text: str,
    *,
    lang: str = "en",
    letterhead: str | None = DEFAULT_LETTERHEAD,
    font_size: int = 40,
) -> Image.Image:
    """One upright A4 page at 300 dpi, grayscale, black text on white."""
    page = Image.new("L", A4_300DPI, 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    if letterhead:
        head = _font("en" if lang not in ("ar", "zh") else lang, 52, bold=True)
        draw.text((A4_300DPI[0] // 2, y), letterhead, font=head, fill=0, anchor="ma")
        y += 90
        draw.line((MARGIN, y, A4_300DPI[0] - MARGIN, y), fill=0, width=5)
        y += 80
    font = _font(lang, font_size)
    width = A4_300DPI[0] - 2 * MARGIN
    for line in _wrap(text, font, width, lang):
        if lang == "ar":
            draw.text(
                (A4_300DPI[0] - MARGIN, y), line, font=font, fill=0,
                anchor="ra", direction="rtl", language="ar",
            )  # fmt: skip
        else:
            draw.text((MARGIN, y), line, font=font, fill=0)
        y += int(font_size * 1.7)
    return page


def scan_effects(page: Image.Image, *, rotate: float, noise: bool, seed: int = 7) -> Image.Image:
    """What a cheap office scanner adds: a slight skew, speckles and a grey cast."""
    if rotate:
        page = page.rotate(rotate, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    if noise:
        rng = random.Random(seed)
        pixels = page.load()
        assert pixels is not None
        width, height = page.size
        for _ in range(width * height // 400):
            x, y = rng.randrange(width), rng.randrange(height)
            pixels[x, y] = rng.choice((0, 90, 160))
        page = page.filter(ImageFilter.GaussianBlur(0.6)).point(lambda v: 30 + v * 215 // 255)
    return page


def scanned_pages(
    text: str,
    *,
    lang: str = "en",
    rotate: float = 1.2,
    noise: bool = True,
    letterhead: str | None = DEFAULT_LETTERHEAD,
) -> list[Image.Image]:
    """Scanned-looking pages; a form feed in ``text`` starts a new page."""
    return [
        scan_effects(
            render_page(chunk, lang=lang, letterhead=letterhead if n == 0 else None),
            rotate=rotate,
            noise=noise,
            seed=n,
        )
        for n, chunk in enumerate(text.split("\f"))
    ]


def make_scanned_pdf(
    text: str,
    *,
    lang: str = "en",
    rotate: float = 1.2,
    noise: bool = True,
    letterhead: str | None = DEFAULT_LETTERHEAD,
) -> bytes:
    """An image-only PDF (no text layer), one 300 dpi page per form-feed-separated chunk."""
    pages = scanned_pages(text, lang=lang, rotate=rotate, noise=noise, letterhead=letterhead)
    buffer = io.BytesIO()
    pages[0].save(buffer, "PDF", resolution=300, save_all=True, append_images=pages[1:])
    return buffer.getvalue()


def make_tiff(texts: Sequence[str], *, lang: str = "en") -> bytes:
    """A multi-page TIFF, as fax gateways and some scanners send."""
    pages = [scan_effects(render_page(t, lang=lang), rotate=0.5, noise=True) for t in texts]
    buffer = io.BytesIO()
    pages[0].save(
        buffer, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate"
    )
    return buffer.getvalue()


def make_png(text: str, *, lang: str = "en", rotate: float = 1.2, turn: int = 0) -> bytes:
    """A scanned page as PNG; ``turn`` (90/180/270) puts it sideways, counter-clockwise."""
    page = scanned_pages(text, lang=lang, rotate=rotate)[0]
    if turn:
        page = page.rotate(turn, expand=True)
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    return buffer.getvalue()


_EXIF_ORIENTATION = 0x0112
# EXIF orientation -> how the camera stored an upright scene (inverse of exif_transpose).
_STORED_AS = {
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,
    8: Image.Transpose.ROTATE_270,
}


def make_photo_jpeg(
    text: str,
    *,
    lang: str = "en",
    exif_orientation: int = 1,
    rotate: float = 2.0,
    letterhead: str | None = DEFAULT_LETTERHEAD,
) -> bytes:
    """A phone photo of a letter: uneven light, blur, skew, and EXIF orientation."""
    page = render_page(text, lang=lang, letterhead=letterhead).convert("RGB")
    width, height = page.size
    shade = Image.linear_gradient("L").resize((width, height)).point(lambda v: 200 + v // 5)
    page = Image.composite(page, Image.new("RGB", page.size, (120, 110, 100)), shade)
    page = page.rotate(rotate, resample=Image.Resampling.BICUBIC, fillcolor=(80, 70, 60))
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    if exif_orientation in _STORED_AS:
        page = page.transpose(_STORED_AS[exif_orientation])
    exif = Image.Exif()
    exif[_EXIF_ORIENTATION] = exif_orientation
    buffer = io.BytesIO()
    page.save(buffer, "JPEG", quality=85, exif=exif.tobytes())
    return buffer.getvalue()


def make_heic(
    text: str,
    *,
    lang: str = "en",
    rotate: float = 2.0,
    letterhead: str | None = DEFAULT_LETTERHEAD,
    quality: int = 80,
) -> bytes:
    """A phone photo of a letter as a phone saves it: HEIC (HEVC in HEIF), upright.

    The same picture as make_photo_jpeg (uneven light, blur, skew), encoded by
    libheif's ``heif-enc`` (Debian libheif-examples, which the reader's
    ``heif-convert`` comes with). x265 runs single-threaded at its fastest
    preset: with its default thread pools a loaded two-core machine took 84 s
    of wall time (2 s of CPU) per page, single-threaded it takes under 1 s of CPU.
    """
    photo = Image.open(io.BytesIO(make_photo_jpeg(text, lang=lang, rotate=rotate,
                                                  letterhead=letterhead)))
    with tempfile.TemporaryDirectory(prefix="docgen-heic-") as tmp:
        source, target = Path(tmp) / "photo.png", Path(tmp) / "photo.heic"
        photo.convert("RGB").save(source, compress_level=1)
        subprocess.run(["heif-enc", "-q", str(quality), "-p", "preset=ultrafast",
                        "-p", "x265:pools=none", "-p", "x265:frame-threads=1",
                        "-o", str(target), str(source)], check=True, capture_output=True)
        return target.read_bytes()


def make_docx(
    content: str | Sequence[Sequence[str]], *, rows: Sequence[Sequence[str]] = ()
) -> bytes:
    """A DOCX: text paragraphs (str) or a table (rows of cells), or text then ``rows``."""
    document = docx.Document()
    table_rows = rows
    if isinstance(content, str):
        for paragraph in content.split("\n"):
            document.add_paragraph(paragraph)
    else:
        table_rows = content
    if table_rows:
        table = document.add_table(rows=0, cols=max(len(row) for row in table_rows))
        for row in table_rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=False):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_zip(members: Mapping[str, bytes]) -> bytes:
    """A deflated ZIP of ``members``; names are stored as given (even hostile ones)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def make_text_pdf(text: str, *, font_size: int = 11) -> bytes:
    """A born-digital PDF with a real text layer (Helvetica, WinAnsi: Latin text only).

    A form feed starts a new page. Non-Latin text raises ValueError: use
    make_docx or make_scanned_pdf for Cyrillic, Arabic and Chinese.
    """
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:
        raise ValueError("make_text_pdf writes WinAnsi (Latin) text only") from exc
    leading = font_size * 1.4
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # The page tree, filled in once the page numbers are known.
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    kids: list[int] = []
    for chunk in text.split("\f"):
        lines = [b"BT", f"/F1 {font_size} Tf {leading:.1f} TL 72 770 Td".encode()]
        for line in chunk.split("\n"):
            lines.append(_pdf_string(line) + b" Tj T*")
        lines.append(b"ET")
        stream = b"\n".join(lines)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        kids.append(len(objects))
    kid_refs = b" ".join(b"%d 0 R" % kid for kid in kids)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kid_refs, len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()

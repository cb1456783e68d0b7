"""Attachments drawn as pages: PDFs by pdftoppm (several pages per run), images by Pillow."""

from __future__ import annotations

import io
import subprocess
from typing import Any

import pytest
from PIL import Image
from webkit import pdf_scan, scan_page

from bot.web import render


def test_pdf_pages_are_drawn_in_one_run(monkeypatch: pytest.MonkeyPatch) -> None:
    data = pdf_scan(5)
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> Any:
        calls.append(args)
        return real_run(args, **kwargs)

    monkeypatch.setattr(render.subprocess, "run", spy)
    render._CACHE.clear()
    assert render.page_count("pdf", data) == 5
    pages = [render.render_page("pdf", "sha-five", data, n) for n in range(1, 6)]
    assert len(calls) == 1 and calls[0][0] == "pdftoppm"
    assert len(set(pages)) == 5
    for png in pages:
        image = Image.open(io.BytesIO(png))
        assert image.format == "PNG" and image.width > 800


def test_a_multi_page_tiff_shows_every_page() -> None:
    frames = [scan_page(f"page {n}", size=(600, 800)) for n in range(3)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    data = out.getvalue()
    assert render.page_count("image", data) == 3
    render._CACHE.clear()
    second = Image.open(io.BytesIO(render.render_page("image", "sha-tiff", data, 2)))
    assert second.format == "PNG" and second.size == (600, 800)
    with pytest.raises(render.RenderError):
        render.render_page("image", "sha-tiff", data, 4)


def test_broken_or_active_files_are_downloads_only() -> None:
    assert render.page_count("pdf", b"%PDF-1.4 broken") == 0
    with pytest.raises(render.RenderError):
        render.render_page("pdf", "sha-broken", b"%PDF-1.4 broken", 1)
    for ctype, name in (("image/svg+xml", "logo.svg"), ("text/html", "a.html"),
                        ("application/octet-stream", "x.exe")):
        assert render.kind_of(ctype, name) == "file"
    assert render.kind_of("application/octet-stream", "scan.PDF") == "pdf"

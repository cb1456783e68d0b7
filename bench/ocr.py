"""Benchmark: the attachment pipeline's OCR against bare tesseract on the same pages.

Run: .venv/bin/python bench/ocr.py [--pages 20]

Both sides use the same parallelism: one tesseract process per core
(os.cpu_count()), OMP_THREAD_LIMIT=1.
- pipeline: read_attachment() on a 20-page image-only PDF, cache disabled. It
  pays for pdfinfo, pdftotext, pdfimages -list, taking each page's scan out
  (pdfimages -j; pdftoppm -r 300 -gray for pages that are not one plain JPEG),
  tesseract with txt+tsv output, and any orientation retries.
- bare: `tesseract page.pgm - -l eng --dpi 300` on the very page images
  pdftoppm makes from that PDF (rendered beforehand, not timed).
The ratio is pipeline / bare; the target is <= 1.2. The machine is shared, so
wall time is noisy: each side is run --rounds times (alternating) and the best
wall time is kept, and the CPU seconds of all child processes (user+sys, from
getrusage) are printed too, which other load barely moves.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import docgen  # noqa: E402

from bot.inbound.readers.attachments import read_attachment  # noqa: E402

PARAGRAPH = (
    "The Permanent Mission of {country} to the United Nations presents its compliments "
    "to the Secretariat and has the honour to inform that the delegation of {country} "
    "to the meeting will be headed by {name}, Counsellor, accompanied by Ms. Maria "
    "Gonzalez, First Secretary, and Mr. Peter Novak, Attache. Telephone +41 22 917 1234."
)
COUNTRIES = ["Austria", "Brazil", "Chile", "Denmark", "Egypt", "Finland", "Ghana", "Hungary"]


def make_document(pages: int) -> bytes:
    texts = []
    for n in range(pages):
        country = COUNTRIES[n % len(COUNTRIES)]
        body = PARAGRAPH.format(country=country, name=f"Mr. Daniel Weber {n}")
        texts.append("\n\n".join([body] * 4))
    return docgen.make_scanned_pdf("\f".join(texts))


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def bare_tesseract(images: list[Path]) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(image: Path) -> None:
        subprocess.run(
            ["tesseract", str(image), "-", "-l", "eng", "--dpi", "300"],
            env=env,
            capture_output=True,
            check=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    pdf = make_document(args.pages)
    bare_wall: list[float] = []
    bare_cpu: list[float] = []
    pipe_wall: list[float] = []
    pipe_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "scan.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", str(source), str(Path(tmp) / "page")], check=True
        )
        images = sorted(Path(tmp).glob("page*.pgm"))
        for _ in range(args.rounds):
            cpu = child_cpu()
            bare_wall.append(bare_tesseract(images))
            bare_cpu.append(child_cpu() - cpu)
            cpu = child_cpu()
            start = time.perf_counter()
            result = read_attachment(pdf, "application/pdf", "scan.pdf", ["en"], cache_dir=None)
            pipe_wall.append(time.perf_counter() - start)
            pipe_cpu.append(child_cpu() - cpu)
            assert result.pages == args.pages, result
    n = args.pages
    bare, pipeline = min(bare_wall), min(pipe_wall)
    print(f"pages={n} workers={os.cpu_count()} OMP_THREAD_LIMIT=1 rounds={args.rounds}")
    print(
        f"bare tesseract (pre-rendered pages): wall {bare:6.2f} s ({bare / n:.2f} s/page)"
        f"  cpu {min(bare_cpu):6.2f} s"
    )
    print(
        f"pipeline read_attachment (PDF in):   wall {pipeline:6.2f} s ({pipeline / n:.2f} s/page)"
        f"  cpu {min(pipe_cpu):6.2f} s"
    )
    print(
        f"ratio pipeline/bare: wall {pipeline / bare:.2f}, cpu {min(pipe_cpu) / min(bare_cpu):.2f}"
        " (target <= 1.2)"
    )
    print(f"engine={result.engine} flags={result.flags} chars={len(result.text)}")


if __name__ == "__main__":
    main()

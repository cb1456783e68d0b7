"""Scans per language: OCR settings against name F1 on the corpus replies rendered as scans.

The corpus holds few scans per language, too few to choose OCR settings
with. This renders every *tuning* body reply of one language (never the
held-out ones) as a scanned page (tests/docgen.py: grey cast, skew, blur,
speckles, JPEG) or as a photo, runs bare tesseract with each variant, and
scores the extractor on what comes out, as bench/extract.py does.

    .venv/bin/python bench/ocr_script.py ar "ara+eng:raw:3,ara:raw:3,ara:otsu:3,ara:otsu:4"
    .venv/bin/python bench/ocr_script.py fr "fra+eng:raw:3,fra+eng:otsu:3" --render photo

A variant is models:preprocessing:psm, preprocessing "raw" (the page as is)
or "otsu" (bot.inbound.readers.ocr.binarize). Rendered pages are kept in
--work so that variants compare on the very same images.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests", ROOT / "bench"):
    sys.path.insert(0, str(extra))

import docgen  # noqa: E402
import extract as bench  # noqa: E402

from bot.extract import extract_response  # noqa: E402
from bot.inbound.readers import ocr  # noqa: E402


def page_image(case: bench.Case, render: str, work: Path) -> Path:
    path = work / f"{case.name}-{render}.jpg"
    if not path.exists():
        first = case.text.split("\f")[0]
        if render == "scan":
            docgen.scanned_pages(first, lang=case.language)[0].save(path, quality=75)
        else:
            path.write_bytes(docgen.make_photo_jpeg(first, lang=case.language))
    return path


def run(case: bench.Case, variant: str, render: str, work: Path) -> bench.Score:
    models, pre, psm = variant.split(":")
    image = page_image(case, render, work)
    if pre == "otsu":
        image = ocr.binarize(image)
    out = subprocess.run(
        ["tesseract", str(image), "-", "-l", models, "--psm", psm, "--dpi", "300"],
        capture_output=True, text=True, check=False,
        env=dict(os.environ, OMP_THREAD_LIMIT="1"),
    ).stdout
    text = ocr.BIDI_CONTROLS.sub("", out)
    got = extract_response(case.expected.get("cover", ""), [text], language=case.language,
                           region=case.expected.get("region"),
                           exclude_contacts=bench.SECRETARIAT_CONTACTS)
    return bench.score_case(case, got)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("variants", help="comma-separated models:pre:psm")
    parser.add_argument("--render", choices=("scan", "photo"), default="scan")
    parser.add_argument("--work", type=Path, default=Path("/tmp/invitebot-ocr-script"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cases = [c for c in bench.load_cases() if c.language == args.language
             and c.split == "tuning" and c.render == "body"]
    variants = args.variants.split(",")
    jobs = [(case, variant) for variant in variants for case in cases]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        scores = list(pool.map(lambda job: run(job[0], job[1], args.render, args.work), jobs))
    for variant in variants:
        total = bench.Score()
        for (_case, used), score in zip(jobs, scores, strict=True):
            if used == variant:
                total.add(score)
        name, email = total.fields["name"], total.fields["email"]
        print(f"{args.language} {args.render:5s} {variant:22s} replies={len(cases)}  "
              f"name F1 {name.f1:.3f} ({name.tp}/{name.fp}/{name.fn})  "
              f"email F1 {email.f1:.3f}  role acc {total.role_accuracy:.3f}")


if __name__ == "__main__":
    main()

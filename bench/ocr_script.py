"""Scans per language: OCR settings against name F1 on the corpus replies rendered as scans.

The corpus holds few scans per language, too few to choose OCR settings
with. This renders every *tuning* body reply of one language (never the
held-out ones) as a scanned page (tests/docgen.py: grey cast, skew, blur,
speckles, JPEG) or as a photo, runs bare tesseract with each variant, and
scores the extractor on what comes out, as bench/extract.py does.

    .venv/bin/python bench/ocr_script.py ar "ara+eng:raw:3,ara:raw:3,ara:otsu:3,ara:otsu:4"
    .venv/bin/python bench/ocr_script.py fr "fra+eng:raw:3,fra+eng:otsu:3" --render photo

A variant is models:preprocessing:psm, preprocessing "raw" (the page as is)
or "otsu" (bot.inbound.readers.ocr.binarize); or "reader" alone, which reads
each page the way the attachment reader does (bot.inbound.readers.ocr.ocr_page
with the mission's languages: script detection, binarisation, second passes,
clean-up). Rendered pages are kept in --work so that variants compare on the
very same images. Variants run one after the other (pages in parallel, one
process per core) and each prints the CPU seconds of its tesseract children
per page, which other load on the machine barely moves.

    .venv/bin/python bench/ocr_script.py ar "ara:otsu:3,reader" --render photo
    .venv/bin/python bench/ocr_script.py ar "reader,reader/ara:4:1.5:med+otsu"

"reader/MODEL:PSM:SCALE:PRE" reads as the reader does with ocr.PREP[MODEL] set
to that page preparation (PRE: raw, otsu, med or med+otsu; scale enlarges the
page before recognition).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for extra in (ROOT, ROOT / "tests", ROOT / "bench"):
    sys.path.insert(0, str(extra))

import docgen  # noqa: E402
import extract as bench  # noqa: E402

from bot.extract import extract_response  # noqa: E402
from bot.inbound.readers import ocr  # noqa: E402
from bot.inbound.readers.common import Deadline, ReadContext, ReadLimits  # noqa: E402


def page_image(case: bench.Case, render: str, work: Path) -> Path:
    path = work / f"{case.name}-{render}.jpg"
    if not path.exists():
        first = case.text.split("\f")[0]
        if render == "scan":
            docgen.scanned_pages(first, lang=case.language)[0].save(path, quality=75)
        else:
            path.write_bytes(docgen.make_photo_jpeg(first, lang=case.language))
    return path


def read_as_the_reader(case: bench.Case, image: Path) -> str:
    """The page read by ocr.ocr_page, as the image reader calls it."""
    limits = ReadLimits()
    ctx = ReadContext(languages=[case.language], limits=limits,
                      deadline=Deadline.after(limits.total_timeout_s))
    lang, _missing = ocr.tesseract_languages(ctx.languages)
    with tempfile.TemporaryDirectory(prefix="ocr-script-") as tmp:
        page = Path(tmp) / "image-000.jpg"
        shutil.copyfile(image, page)
        return ocr.ocr_page(page, lang, ctx, 300).text


def reader_prep(variant: str) -> None:
    """Set ocr.PREP from a variant "reader/MODEL:PSM:SCALE:PRE[/MODEL:...]" (PRE as
    for bare variants, "med" adding a median filter: "med+otsu")."""
    for spec in variant.split("/")[1:]:
        model, psm, scale, pre = spec.split(":")
        ocr.PREP[model] = ocr.Prep(psm=int(psm), scale=float(scale), median="med" in pre,
                                   binarize="otsu" in pre)


def run(case: bench.Case, variant: str, render: str, work: Path) -> bench.Score:
    image = page_image(case, render, work)
    if variant.startswith("reader"):
        text = read_as_the_reader(case, image)
    else:
        models, pre, psm = variant.split(":")
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


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("language")
    parser.add_argument("variants", help="comma-separated models:pre:psm")
    parser.add_argument("--render", choices=("scan", "photo"), default="scan")
    parser.add_argument("--work", type=Path, default=Path("/tmp/invitebot-ocr-script"))
    parser.add_argument("--only", default=None, help="regex on case names")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cases = [c for c in bench.load_cases() if c.language == args.language
             and c.split == "tuning" and c.render == "body"]
    if args.only:
        cases = [c for c in cases if re.search(args.only, c.name)]
    for case in cases:  # rendered before any variant is timed
        page_image(case, args.render, args.work)
    default_prep = dict(ocr.PREP)
    for variant in args.variants.split(","):
        ocr.PREP.clear()
        ocr.PREP.update(default_prep)
        reader_prep(variant)
        cpu, wall = child_cpu(), time.perf_counter()
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            scores = list(pool.map(functools.partial(
                run, variant=variant, render=args.render, work=args.work), cases))
        cpu, wall = child_cpu() - cpu, time.perf_counter() - wall
        total = bench.Score()
        for score in scores:
            total.add(score)
        if args.verbose:
            print("\n".join("  " + w for w in total.wrong))
        name, email, phone = (total.fields[f] for f in ("name", "email", "phone"))
        pages = max(len(cases), 1)
        print(f"{args.language} {args.render:5s} {variant:22s} replies={len(cases)}  "
              f"name F1 {name.f1:.3f} ({name.tp}/{name.fp}/{name.fn})  "
              f"email F1 {email.f1:.3f}  phone F1 {phone.f1:.3f}  "
              f"role acc {total.role_accuracy:.3f}  "
              f"ocr cpu {cpu / pages:.2f} s/page  wall {wall / pages:.2f} s/page", flush=True)


if __name__ == "__main__":
    main()

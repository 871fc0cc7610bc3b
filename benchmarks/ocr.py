"""OCR of scanned PDFs: pages per second and character accuracy on scans made from the seed reports.

    python benchmarks/ocr.py [--chars N]

Each seed report (its first N characters) is typeset with a CJK font, rasterized at 150 dpi and saved as images
only (tests/scanned.py); ruralqa reads it back (RapidOCR, page by page at 200 dpi) and the recognized text is
compared with the original (1 − edit distance over letters and characters, spaces and punctuation left out).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chars", type=int, default=3000)
    args = ap.parse_args()
    import tempfile

    from ruralqa.corpus.ingest import read_report
    from scanned import character_accuracy, scanned_pdf

    print("| report | pages | seconds | pages/s | character accuracy |")
    print("|---|---|---|---|---|")
    for src in sorted((ROOT / "corpus").glob("*.txt")):
        text = src.read_text(encoding="utf-8")[:args.chars]
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / (src.stem + ".pdf")
            pdf.write_bytes(scanned_pdf(text))
            t = time.perf_counter()
            report = read_report(pdf, Path(tmp))
            took = time.perf_counter() - t
        pages = len(report.pages)
        print(f"| {src.name} (first {len(text)} chars) | {pages} | {took:.1f} | {pages / took:.3f} | "
              f"{character_accuracy(report.text, text):.4f} |")


if __name__ == "__main__":
    main()

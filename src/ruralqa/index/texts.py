"""Extracted text of reports that are not plain text (html, docx, pdf, and each row of a spreadsheet of reports):
citations point into it, not into the file's bytes, so the index keeps it under texts/, one JSON list of texts per
file (one entry, or one per spreadsheet row). The only code that touches that folder."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

FOLDER = "texts"


def write(folder: Path, rel: str, texts: list[str]) -> str:
    """Store the texts of report file `rel`; returns their path inside the generation, for the manifest."""
    target = folder / FOLDER / (hashlib.sha256(rel.encode()).hexdigest()[:16] + ".json")
    target.parent.mkdir(exist_ok=True)
    target.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return target.relative_to(folder).as_posix()


def read(folder: Path, text_file: str) -> list[str]:
    return json.loads((folder / text_file).read_text(encoding="utf-8"))

"""The corpus catalog (corpus/catalog.json), read and written: titles, regions, article boundaries and captions.

Reports are never rewritten, so what the layout of a page does not say (where a second article starts, which
line is a photo caption) is said here, keyed by the report's file name:

    {"reports": {"page.txt": {"articles": [{"title": "...", "region": "盐湖区", "starts_at": "first words"}],
                              "captions": ["盐湖区常平村忠义街"]},
                 "reports.xlsx": {"columns": {"text": "报告全文", "title": "报告标题", "year": "年份"}}}}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ruralqa.errors import CorpusError

CATALOG_NAME = "catalog.json"


@dataclass
class ReportEntry:
    articles: list[dict] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    columns: dict = field(default_factory=dict)  # spreadsheets: {"text": ..., "title": ..., "place": ..., "year": ...}


def load(corpus_dir: Path) -> dict[str, ReportEntry]:
    path = corpus_dir / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        reports = raw.get("reports", {})
        return {name: ReportEntry(list(v.get("articles", [])), list(v.get("captions", [])),
                                  dict(v.get("columns", {})))
                for name, v in reports.items()}
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError, TypeError) as exc:
        raise CorpusError(f"{path} is not a valid catalog ({exc}); fix its JSON or remove it") from None


def save(corpus_dir: Path, entries: dict[str, ReportEntry]) -> None:
    path = corpus_dir / CATALOG_NAME
    body = {"reports": {name: {"articles": e.articles, "captions": e.captions,
                               **({"columns": e.columns} if e.columns else {})}
                        for name, e in sorted(entries.items())}}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)

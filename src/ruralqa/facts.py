"""`ruralqa facts`: the figure records of the index, filtered, as rows a person can open anywhere (CSV, JSON, or a
SQLite file for any SQLite tool), each with its citation."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ruralqa.figures import Figure
from ruralqa.text.normalize import normalize
from ruralqa.text.places import short_name

COLUMNS = ("subject", "year", "year_from", "kind", "metric", "subgroup", "shown", "value_text", "value", "unit",
           "qualifier", "sentence", "title", "file", "row", "char_start", "char_end", "sentence_start",
           "sentence_end")


def select(figures: Iterable[Figure], places: tuple[str, ...] = (), years: tuple[int, ...] = (),
           metric: str = "", kind: str | None = None, qualifier: str | None = None) -> list[Figure]:
    """The records about one of `places` (甘肃 finds 甘肃省), of one of `years` (a span covering it counts), whose
    metric holds every word of `metric` (space-separated), of `kind` (achieved, target) and `qualifier`."""
    words = [normalize(w) for w in metric.split()]
    wanted = [normalize(p) for p in places]
    out = []
    for f in figures:
        if wanted and not any(p in (f.subject, short_name(f.subject)) or (len(p) >= 2 and f.subject.startswith(p))
                              for p in wanted):
            continue
        if years and not any(f.year == y or (f.year_from and f.year_from <= y <= (f.year or y)) for y in years):
            continue
        if words and not all(w in normalize(f.metric) for w in words):
            continue
        if kind and f.kind != kind:
            continue
        if qualifier and f.qualifier != qualifier:
            continue
        out.append(f)
    return out


def rows(figures: list[Figure]) -> list[dict]:
    return [{c: f.as_dict()[c] for c in COLUMNS} for f in figures]


def write_csv(figures: list[Figure], stream) -> None:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    for r in rows(figures):
        writer.writerow(["" if r[c] is None else r[c] for c in COLUMNS])


def write_sqlite(figures: list[Figure], path: Path) -> int:
    """A SQLite file with one table, `figures`, written whole or not at all; returns the rows written."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute(f"CREATE TABLE figures ({', '.join(COLUMNS)})")
        db.executemany(f"INSERT INTO figures VALUES ({', '.join('?' * len(COLUMNS))})",
                       ([r[c] for c in COLUMNS] for r in rows(figures)))
        db.execute("CREATE INDEX figures_subject_year ON figures(subject, year)")
        db.commit()
    finally:
        db.close()
    tmp.replace(path)
    return len(figures)

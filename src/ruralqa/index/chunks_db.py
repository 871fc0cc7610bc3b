"""Passage metadata: chunks.sqlite, one row per passage in FAISS row order. The only code that touches it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ruralqa.types import Chunk, Citation

NAME = "chunks.sqlite"
_CHUNK = ("id", "text", "heading", "kind", "section", "period_year", "period_kind")
_CITATION = ("file", "title", "region", "paragraph", "line_start", "line_end", "char_start", "char_end", "page",
             "sheet_row", "year")  # sheet_row: Citation.row (`row` is the table's row number)
_COLUMNS = _CHUNK + _CITATION


def write(folder: Path, chunks: list[Chunk]) -> None:
    db = sqlite3.connect(folder / NAME)
    db.execute(f"CREATE TABLE chunks (row INTEGER PRIMARY KEY, {', '.join(_COLUMNS)})")
    db.executemany(
        f"INSERT INTO chunks VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
        ((i, *(getattr(c, f) for f in _CHUNK),
          *(getattr(c.citation, "row" if f == "sheet_row" else f) for f in _CITATION)) for i, c in enumerate(chunks)),
    )
    write_figures(db, chunks)
    db.execute("CREATE INDEX chunks_id ON chunks(id)")
    db.execute("CREATE INDEX chunks_region ON chunks(region)")
    db.execute("CREATE INDEX chunks_file ON chunks(file)")
    db.commit()
    db.close()


def write_figures(db: sqlite3.Connection, chunks: list[Chunk]) -> None:
    """The figure records of every passage (ruralqa.figures), keyed by the passage's row."""
    from ruralqa.figures import FIELDS, VERSION, figures

    db.execute(f"PRAGMA user_version = {VERSION}")
    db.execute(f"CREATE TABLE figures (passage INTEGER, {', '.join(FIELDS)})")
    db.executemany(f"INSERT INTO figures VALUES ({', '.join('?' * (len(FIELDS) + 1))})",
                   ((i, *(getattr(f, name) for name in FIELDS)) for i, c in enumerate(chunks) for f in figures(c)))
    db.execute("CREATE INDEX figures_subject ON figures(subject)")


def _chunk(rec) -> Chunk:
    d = dict(zip(_COLUMNS, rec))
    citation = Citation(**{("row" if f == "sheet_row" else f): d[f] for f in _CITATION})
    return Chunk(**{f: d[f] for f in _CHUNK}, citation=citation)


class ChunksDb:
    """Read-only access to one generation's passages; chunks once read are kept."""

    def __init__(self, folder: Path):
        uri = (folder / NAME).resolve().as_uri() + "?mode=ro&immutable=1"
        self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._cache: dict[int, Chunk] = {}

    def get(self, rows: list[int]) -> list[Chunk]:
        """Chunks by row number, in the order asked."""
        missing = [r for r in rows if r not in self._cache]
        if missing:
            sql = f"SELECT row, {', '.join(_COLUMNS)} FROM chunks WHERE row IN ({','.join('?' * len(missing))})"
            for rec in self._db.execute(sql, missing):
                self._cache[rec[0]] = _chunk(rec[1:])
        return [self._cache[r] for r in rows]

    def all(self) -> list[tuple[int, Chunk]]:
        """(row, chunk) of every passage, in row order."""
        sql = f"SELECT row, {', '.join(_COLUMNS)} FROM chunks ORDER BY row"
        return [(rec[0], _chunk(rec[1:])) for rec in self._db.execute(sql)]

    def rows_in_regions(self, regions: list[str]) -> list[int]:
        sql = f"SELECT row FROM chunks WHERE region IN ({','.join('?' * len(regions))})"
        return [r for (r,) in self._db.execute(sql, regions)]

    def rows_of_ids(self, ids: list[str]) -> list[tuple[int, str]]:
        """(row, passage id) of the passages with these ids."""
        return self._where_in("id", "id", ids)

    def rows_of_files(self, files: list[str]) -> list[tuple[int, str]]:
        """(row, region) of the passages of these report files."""
        return self._where_in("region", "file", files)

    def _where_in(self, column: str, key: str, values: list[str]) -> list[tuple[int, str]]:
        out = []
        for a in range(0, len(values), 500):  # below SQLite's limit on bound parameters
            part = values[a:a + 500]
            out += self._db.execute(f"SELECT row, {column} FROM chunks WHERE {key} IN ({','.join('?' * len(part))})",
                                    part).fetchall()
        return out

    def period_years(self) -> list[int]:
        return [y for (y,) in self._db.execute(
            "SELECT DISTINCT period_year FROM chunks WHERE period_year IS NOT NULL ORDER BY period_year")]

    def at(self, file: str, row: int | None, offset: int) -> list[tuple[int, Chunk]]:
        """(row, passage) of `file` (spreadsheet `row`) whose text covers character `offset`, in row order."""
        sql = (f"SELECT row, {', '.join(_COLUMNS)} FROM chunks WHERE file = ? AND sheet_row IS ? "
               "AND char_start <= ? AND char_end > ? ORDER BY row")
        return [(rec[0], _chunk(rec[1:])) for rec in self._db.execute(sql, (file, row, offset, offset))]

    def figures(self) -> list[tuple[int, dict]] | None:
        """(passage row, record fields) of every figure; None for a segment written before figures were kept, or
        by another version of their extraction (ruralqa.figures.VERSION)."""
        from ruralqa.figures import FIELDS, VERSION

        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE name = 'figures'").fetchone() or \
                self._db.execute("PRAGMA user_version").fetchone()[0] != VERSION:
            return None
        sql = f"SELECT passage, {', '.join(FIELDS)} FROM figures ORDER BY rowid"
        return [(rec[0], dict(zip(FIELDS, rec[1:]))) for rec in self._db.execute(sql)]

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]

    def close(self) -> None:
        self._db.close()

"""One segment of a generation: an immutable folder (seg-NNNNNN/) of passages with their vectors, FAISS index,
metadata and BM25 postings. A full build writes one segment; an update appends a segment of the new passages
and marks the replaced passages deleted, and the next generation hard-links the segments it keeps, so that
adding one report to a large index writes only that report's passages. The only code that lays out a segment.

    seg-000001/vectors.npy, faiss.index   dense.py
    seg-000001/chunks.sqlite              chunks_db.py
    seg-000001/bm25/                      lexical.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ruralqa import faults
from ruralqa.index import chunks_db, dense, lexical
from ruralqa.index.manifest import SegmentRecord
from ruralqa.types import Chunk

PREFIX = "seg-"


def write(folder: Path, chunks: list[Chunk], vectors: np.ndarray, tokenize: Callable[[], list[list[str]]],
          progress=None) -> tuple[SegmentRecord, list[list[str]]]:
    """Write a segment of `chunks` (with their vectors, row-aligned) into the new `folder`; `tokenize()` gives their
    BM25 tokens, also returned. `progress(phase, done, total)` hears of each part."""
    n = len(chunks)

    def step(phase: str, done: bool) -> None:
        if progress:
            progress(phase, n if done else 0, n)

    folder.mkdir()
    step("writing vectors and FAISS", False)
    blocks = dense.write_vectors(folder, vectors)
    faults.checkpoint("write:vectors")
    params = dense.write_faiss(folder, vectors)
    faults.checkpoint("write:faiss")
    step("writing vectors and FAISS", True)
    step("writing passage metadata", False)
    chunks_db.write(folder, chunks)
    faults.checkpoint("write:chunks")
    step("writing passage metadata", True)
    step("writing BM25", False)
    tokens = tokenize()
    length = lexical.write_postings(folder, tokens)
    faults.checkpoint("write:bm25")
    step("writing BM25", True)
    return SegmentRecord(name=folder.name, rows=n, dense=params, length=length, vector_blocks=blocks), tokens


def next_name(records: list[SegmentRecord]) -> str:
    numbers = [int(r.name[len(PREFIX):]) for r in records]
    return f"{PREFIX}{max(numbers, default=0) + 1:06d}"


def link(src: Path, dst: Path) -> None:
    """Put an unchanged segment into a new generation: hard links (no bytes copied), a copy where the file
    system has none."""
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        link_file(path, target)


def link_file(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        import shutil  # writers only

        shutil.copy2(src, dst)


class Segment:
    """A segment of a loaded generation, its parts opened lazily; `offset` is its first row's number in the
    generation, `deleted` the mask of its rows marked deleted (None when none are)."""

    def __init__(self, folder: Path, record: SegmentRecord, offset: int, deleted: np.ndarray | None):
        self.folder, self.record, self.offset, self.deleted = folder, record, offset, deleted
        self.deleted_list = np.flatnonzero(deleted) if deleted is not None else None
        self._dense: dense.DenseStore | None = None
        self._db: chunks_db.ChunksDb | None = None
        self._postings: lexical.Postings | None = None

    @property
    def rows(self) -> int:
        return self.record.rows

    @property
    def dense(self) -> dense.DenseStore:
        if self._dense is None:
            self._dense = dense.DenseStore(self.folder, self.record.dense, self.rows)
        return self._dense

    @property
    def db(self) -> chunks_db.ChunksDb:
        if self._db is None:
            self._db = chunks_db.ChunksDb(self.folder)
        return self._db

    @property
    def postings(self) -> lexical.Postings:
        if self._postings is None:
            self._postings = lexical.Postings(self.folder)
        return self._postings

    def live(self, rows: np.ndarray) -> np.ndarray:
        """Those of the local `rows` not marked deleted."""
        return rows if self.deleted is None else rows[~self.deleted[rows]]

    def is_live(self, row: int) -> bool:
        return self.deleted is None or not self.deleted[row]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

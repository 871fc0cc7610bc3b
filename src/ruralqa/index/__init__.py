"""The index: one object that owns the on-disk format, in the spirit of txtai's Embeddings and bm25s's save/load.

A generation folder holds, each written and read by one module:
    manifest.json   manifest.py    what it was built from and with, and every other file's size and checksum
    vectors.npy     dense.py       the embeddings (reused by updates)
    faiss.index     dense.py       searched for the nearest passages
    chunks.sqlite   chunks_db.py   passage text, heading and citation, by row
    bm25/, jieba_vocab.txt  lexical.py  bm25s's saved index and the query-time dictionary
    texts/          texts.py       extracted text of html/docx/pdf reports
`layout.py` holds the generations, the writer lock and the atomic publish.

    with Index.open(root) as index:              # the live generation, verified against its manifest
        index.search_dense(vector, 50); index.search_lexical(tokens, 50); index.chunks(rows)
    Index.write(root, contents)                   # a new generation, published atomically
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ruralqa import faults
from ruralqa.errors import IndexCorrupt
from ruralqa.index import chunks_db, dense, lexical, layout, texts
from ruralqa.index.base import ManifestView
from ruralqa.index.layout import check_root, current_generation, writer_lock
from ruralqa.index.manifest import FIX_REPAIR, Manifest, ReportRecord, check_built_with
from ruralqa.text.orgs import is_org
from ruralqa.text.places import PLACE
from ruralqa.text.tokenize import user_words
from ruralqa.types import Chunk

__all__ = ["Index", "IndexContents", "Manifest", "ReportRecord", "check_root", "current_generation", "writer_lock"]


@dataclass
class IndexContents:
    """Everything a new generation is made of, in row order."""

    chunks: list[Chunk]
    vectors: np.ndarray  # one row per chunk
    reports: dict[str, ReportRecord]
    texts: dict[str, list[str]] = field(default_factory=dict)  # extracted texts of non-text files (one per row)
    model_id: str = ""
    chunking: dict = field(default_factory=dict)


class Index(ManifestView):
    """One loaded generation. Vectors, metadata and BM25 arrays are opened lazily and memory-mapped."""

    def __init__(self, folder: Path, manifest: Manifest):
        self.folder = folder
        self.manifest = manifest
        self._dense: dense.DenseStore | None = None
        self._lexical: lexical.Bm25Store | None = None
        self._db: chunks_db.ChunksDb | None = None
        self._region_rows: dict[tuple[str, ...], list[int]] = {}

    # ------------------------------------------------------------ opening

    @classmethod
    def open(cls, root: Path, model_id: str | None = None, chunking: dict | None = None,
             verify: bool = True) -> Index:
        """The live generation, refusing one built with another model or chunking, or damaged."""
        for attempt in range(2):
            gen = current_generation(root)
            try:
                manifest = Manifest.read(gen)
                break
            except IndexCorrupt:
                if attempt or current_generation(root) == gen:
                    raise
                # A writer swapped generations while we were reading: read the new one.
        check_built_with(manifest, model_id, chunking)
        index = cls(gen, manifest)
        if verify:
            problems = layout.verify_files(gen, manifest.files)
            if problems:
                raise IndexCorrupt(f"the index in {root} is damaged: {problems[0]}; {FIX_REPAIR}")
        return index

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # ------------------------------------------------------------ reading

    @property
    def generation(self) -> str:
        """Which published state this is (answers are cached per generation)."""
        return self.folder.name

    @property
    def _store(self) -> dense.DenseStore:
        if self._dense is None:
            self._dense = dense.DenseStore(self.folder, self.manifest.dense, self.size)
        return self._dense

    @property
    def lexicon(self) -> lexical.Bm25Store:
        """The corpus vocabulary: question tokens, their BM25 scores and their rarity."""
        if self._lexical is None:
            self._lexical = lexical.Bm25Store(self.folder)
        return self._lexical

    @property
    def _chunks(self) -> chunks_db.ChunksDb:
        if self._db is None:
            self._db = chunks_db.ChunksDb(self.folder)
        return self._db

    def search_dense(self, vector: np.ndarray, k: int, regions: list[str] | None = None) -> list[tuple[int, float]]:
        """(row, inner product) of the k nearest passages, among those cited under `regions` when given."""
        return self._store.search(vector, k, self._rows(regions))

    def search_lexical(self, tokens: list[str], k: int, regions: list[str] | None = None) -> list[tuple[int, float]]:
        """(row, BM25 score) of the k best passages with a positive score, among `regions` when given."""
        return self.lexicon.search(tokens, k, self._rows(regions))

    def _rows(self, regions: list[str] | None) -> list[int] | None:
        if not regions:
            return None
        key = tuple(sorted(regions))
        if key not in self._region_rows:
            self._region_rows[key] = self._chunks.rows_in_regions(list(key))
        return self._region_rows[key]

    def period_years(self) -> list[int]:
        """The years passages speak of, ascending (the year filter's choices; 历年 in a comparison)."""
        return self._chunks.period_years()

    def chunk_at(self, file: str, row: int | None, offset: int) -> Chunk | None:
        """The passage of a report that covers a character offset (the article a citation belongs to)."""
        return self._chunks.at(file, row, offset)

    def chunks(self, rows: list[int]) -> list[Chunk]:
        """Chunks by row number, in the order asked."""
        return self._chunks.get(rows)

    def all_chunks(self) -> list[Chunk]:
        """Every chunk in row order (the order of `vectors()`)."""
        return self._chunks.all()

    def vectors(self, mmap: bool = True) -> np.ndarray:
        return self._store.vectors(mmap)

    def damaged_vector_rows(self, rows: set[int]) -> set[int]:
        """Those of `rows` whose stored vectors fail their block checksum: never to be reused."""
        return self._store.damaged_rows(rows, self.manifest.vector_blocks)

    def report_texts(self, rel: str) -> list[str] | None:
        """The extracted texts the index keeps for a non-text file (one per spreadsheet row); None for .txt/.md
        (read the file)."""
        record = self.manifest.reports.get(rel)
        return texts.read(self.folder, record.text_file) if record and record.text_file else None

    def verify(self, full: bool = True) -> list[str]:
        """Problems found: files against the manifest's sizes and checksums, then row counts of each part."""
        problems = layout.verify_files(self.folder, self.manifest.files, full=full)
        if problems:
            return problems
        bad = self.damaged_vector_rows(set(range(self.size))) if full else set()
        if bad:
            return [f"{len(bad)} stored vectors fail their block checksums"]
        try:
            rows, ntotal = self._chunks.count(), self._store.faiss.ntotal
        except Exception as exc:  # sqlite and FAISS raise their own types for damaged files
            return [f"cannot open the index: {exc}"]
        if rows != self.size or ntotal != self.size:
            return [f"counts disagree: manifest {self.size}, metadata {rows}, vectors {ntotal}"]
        return []

    # ------------------------------------------------------------ writing

    @staticmethod
    def write(root: Path, contents: IndexContents, progress=None) -> Manifest:
        """Write a new generation from `contents` and make it live atomically; returns its manifest.
        Must be called under writer_lock. `progress(phase, done, total)` hears of each part written."""
        chunks, vectors = contents.chunks, contents.vectors
        n = len(chunks)

        def step(phase: str, done: bool) -> None:
            if progress:
                progress(phase, n if done else 0, n)

        with layout.staging(root) as tmp:
            step("writing vectors and FAISS", False)
            blocks = dense.write_vectors(tmp, vectors)
            faults.checkpoint("write:vectors")
            params = dense.write_faiss(tmp, vectors)
            faults.checkpoint("write:faiss")
            step("writing vectors and FAISS", True)
            step("writing passage metadata", False)
            chunks_db.write(tmp, chunks)
            faults.checkpoint("write:chunks")
            step("writing passage metadata", True)
            step("writing BM25", False)
            regions = {c.citation.region for c in chunks}
            words = user_words((c.text for c in chunks), regions)
            lexical.write(tmp, [c.embed_text for c in chunks], words)
            faults.checkpoint("write:bm25")
            step("writing BM25", True)
            reports = {rel: _with_text(tmp, rel, record, contents.texts.get(rel))
                       for rel, record in contents.reports.items()}
            manifest = Manifest(
                model_id=contents.model_id, dim=int(vectors.shape[1]), chunking=contents.chunking, dense=params,
                chunks=len(chunks), reports=reports, regions=sorted(r for r in regions if r),
                places=sorted(w for w in words if PLACE.fullmatch(w) and not is_org(w)),
                files=layout.checksums(tmp), vector_blocks=blocks)
            faults.checkpoint("write:manifest")
            manifest.save(tmp)
            layout.publish(root, tmp)
        return manifest


def _with_text(tmp: Path, rel: str, record: ReportRecord, text: list[str] | None) -> ReportRecord:
    if record.format in ("txt", "md"):
        return record
    if text is None:
        raise ValueError(f"no extracted text given for {rel}")
    return ReportRecord(**{**record.__dict__, "text_file": texts.write(tmp, rel, text)})

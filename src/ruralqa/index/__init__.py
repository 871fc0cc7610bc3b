"""The index: one object that owns the on-disk format, in the spirit of txtai's Embeddings and bm25s's save/load.

A generation folder holds, each written and read by one module:
    manifest.json       manifest.py   what it was built from and with, its segments, every file's size and checksum
    seg-NNNNNN/         segment.py    passages with their vectors, FAISS index, metadata and BM25 postings
    deleted.npy         here          rows of those segments marked deleted (replaced or removed reports)
    jieba_vocab.txt     lexical.py    the query-time dictionary of the whole generation
    texts/              texts.py      extracted text of html/docx/pdf reports
`layout.py` holds the generations, the writer lock and the atomic publish. A row number is a passage's place in
the generation: its segment's first row plus its row in the segment.

    with Index.open(root) as index:              # the live generation, verified against its manifest
        index.search_dense(vector, 50); index.search_lexical(tokens, 50); index.chunks(rows)
    Index.write(root, contents)                   # a new generation of one segment, published atomically
    Index.append(root, old, contents, dropped)    # the old generation plus one segment, minus `dropped` reports
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ruralqa import faults
from ruralqa.errors import IndexCorrupt
from ruralqa.index import lexical, layout, segment, texts
from ruralqa.index.base import ManifestView
from ruralqa.index.layout import check_root, current_generation, writer_lock
from ruralqa.index.manifest import FIX_REPAIR, Manifest, ReportRecord, check_built_with
from ruralqa.index.segment import Segment
from ruralqa.text.orgs import is_org
from ruralqa.text.places import PLACE
from ruralqa.text.tokenize import Tokenizer, user_words
from ruralqa.types import Chunk

__all__ = ["Index", "IndexContents", "Manifest", "ReportRecord", "check_root", "current_generation", "writer_lock"]

DELETED = "deleted.npy"
MAX_APPENDED = 8  # segments appended after the first before an update merges them into one


@dataclass
class IndexContents:
    """Passages a new generation (or a new segment) is made of, in row order."""

    chunks: list[Chunk]
    vectors: np.ndarray  # one row per chunk
    reports: dict[str, ReportRecord]  # every report of the new generation
    texts: dict[str, list[str]] = field(default_factory=dict)  # extracted texts of non-text files (one per row)
    model_id: str = ""
    chunking: dict = field(default_factory=dict)


class Index(ManifestView):
    """One loaded generation. Vectors, metadata and BM25 arrays are opened lazily and memory-mapped."""

    def __init__(self, folder: Path, manifest: Manifest):
        self.folder = folder
        self.manifest = manifest
        self._segments: list[Segment] | None = None
        self._lexical: lexical.Bm25 | None = None
        self._region_rows: dict[tuple[str, ...], list[np.ndarray]] = {}

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
        for seg in self._segments or []:
            seg.close()

    # ------------------------------------------------------------ reading

    @property
    def generation(self) -> str:
        """Which published state this is (answers are cached per generation)."""
        return self.folder.name

    @property
    def segments(self) -> list[Segment]:
        if self._segments is None:
            deleted = self._deleted_rows()
            out, offset = [], 0
            for record in self.manifest.segments:
                mine = deleted[(deleted >= offset) & (deleted < offset + record.rows)] - offset
                mask = None
                if len(mine):
                    mask = np.zeros(record.rows, dtype=bool)
                    mask[mine] = True
                out.append(Segment(self.folder / record.name, record, offset, mask))
                offset += record.rows
            self._segments = out
        return self._segments

    def _deleted_rows(self) -> np.ndarray:
        if not self.manifest.deleted:
            return np.zeros(0, dtype=np.int64)
        try:
            return np.load(self.folder / DELETED)
        except (OSError, ValueError):
            raise IndexCorrupt(f"{self.folder / DELETED} cannot be read; {FIX_REPAIR}") from None

    @property
    def lexicon(self) -> lexical.Bm25:
        """The corpus vocabulary: question tokens, their BM25 scores and their rarity."""
        if self._lexical is None:
            length = sum(s.record.length - (float(np.asarray(s.postings.lengths)[s.deleted].sum())
                                            if s.deleted is not None else 0) for s in self.segments)
            self._lexical = lexical.Bm25(self.folder, [(s.postings, s.deleted) for s in self.segments], self.size,
                                         int(round(length)))
        return self._lexical

    def _segment_of(self, rows: np.ndarray) -> np.ndarray:
        return np.searchsorted([s.offset for s in self.segments], rows, side="right") - 1

    def search_dense(self, vector: np.ndarray, k: int, regions: list[str] | None = None) -> list[tuple[int, float]]:
        """(row, inner product) of the k nearest passages, among those cited under `regions` when given."""
        hits = []
        for seg, allowed in zip(self.segments, self._allowed(regions)):
            found = seg.dense.search(vector, k, allowed, seg.deleted_list if allowed is None else None)
            hits += [(seg.offset + r, s) for r, s in found]
        return heapq.nlargest(k, hits, key=lambda h: h[1])

    def search_lexical(self, tokens: list[str], k: int, regions: list[str] | None = None) -> list[tuple[int, float]]:
        """(row, BM25 score) of the k best passages with a positive score, among `regions` when given."""
        lex = self.lexicon
        idf = lex.idf(tokens)
        hits = []
        for i, (seg, allowed) in enumerate(zip(self.segments, self._allowed(regions))):
            scores = lex.scores(tokens, i, idf)
            if allowed is not None:
                keep = np.zeros(len(scores), dtype=bool)
                keep[allowed] = True
                scores[~keep] = 0
            hits += [(seg.offset + r, s) for r, s in lexical.top_k(scores, k)]
        return heapq.nlargest(k, hits, key=lambda h: h[1])

    def _allowed(self, regions: list[str] | None) -> list[np.ndarray | None]:
        """Per segment, its live rows cited under `regions` (None everywhere when there is no filter)."""
        if not regions:
            return [None] * len(self.segments)
        key = tuple(sorted(regions))
        if key not in self._region_rows:
            self._region_rows[key] = [seg.live(np.asarray(seg.db.rows_in_regions(list(key)), dtype=np.int64))
                                      for seg in self.segments]
        return self._region_rows[key]

    def period_years(self) -> list[int]:
        """The years passages speak of, ascending (the year filter's choices; 历年 in a comparison)."""
        return sorted(set().union(*(seg.db.period_years() for seg in self.segments)))

    def chunk_at(self, file: str, row: int | None, offset: int) -> Chunk | None:
        """The passage of a report that covers a character offset (the article a citation belongs to)."""
        for seg in self.segments:
            for local, chunk in seg.db.at(file, row, offset):
                if seg.is_live(local):
                    return chunk
        return None

    def chunks(self, rows: list[int]) -> list[Chunk]:
        """Chunks by row number, in the order asked."""
        found: dict[int, Chunk] = {}
        which = self._segment_of(np.asarray(rows, dtype=np.int64))
        for i in sorted(set(which.tolist())):
            seg = self.segments[i]
            mine = [r for r, w in zip(rows, which) if w == i]
            found.update(zip(mine, seg.db.get([r - seg.offset for r in mine])))
        return [found[r] for r in rows]

    def live_chunks(self) -> list[tuple[int, Chunk]]:
        """(row, chunk) of every live passage, in row order."""
        return [(seg.offset + local, c) for seg in self.segments for local, c in seg.db.all() if seg.is_live(local)]

    def figures(self) -> list[Figure]:
        """The figure records of every live passage, in row order (extracted again for segments written before
        records were kept)."""
        from ruralqa.figures import Figure, figures

        out = []
        for seg in self.segments:
            stored = seg.db.figures()
            if stored is None:
                out += [f for local, c in seg.db.all() if seg.is_live(local) for f in figures(c)]
            else:
                out += [Figure(**fields) for local, fields in stored if seg.is_live(local)]
        return out

    def all_chunks(self) -> list[Chunk]:
        """Every live chunk in row order."""
        return [c for _, c in self.live_chunks()]

    def vectors(self, rows: list[int] | np.ndarray | None = None) -> np.ndarray:
        """Vectors of `rows`; of every live passage in row order when None (memory-mapped where they are stored
        so: one segment, nothing deleted)."""
        if rows is None:
            if len(self.segments) == 1 and self.segments[0].deleted is None:
                return self.segments[0].dense.vectors()
            rows = np.concatenate([seg.offset + seg.live(np.arange(seg.rows)) for seg in self.segments])
        rows = np.asarray(rows, dtype=np.int64)
        out = np.empty((len(rows), self.manifest.dim), dtype=np.float32)
        which = self._segment_of(rows)
        for i in np.unique(which):
            seg, pick = self.segments[i], which == i
            out[pick] = seg.dense.vectors()[rows[pick] - seg.offset]
        return out

    def damaged_vector_rows(self, rows: set[int]) -> set[int]:
        """Those of `rows` whose stored vectors fail their block checksum: never to be reused."""
        bad: set[int] = set()
        ordered = np.asarray(sorted(rows), dtype=np.int64)
        which = self._segment_of(ordered)
        for i in np.unique(which):
            seg = self.segments[i]
            local = {int(r) - seg.offset for r in ordered[which == i]}
            bad |= {seg.offset + r for r in seg.dense.damaged_rows(local, seg.record.vector_blocks)}
        return bad

    def vectors_by_cid(self, cids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of live passages with these ids (passing their checksums), for reuse."""
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(cids))
        for seg in self.segments:
            pairs = [(r, cid) for r, cid in seg.db.rows_of_ids([c for c in wanted if c not in out]) if seg.is_live(r)]
            if not pairs:
                continue
            bad = seg.dense.damaged_rows({r for r, _ in pairs}, seg.record.vector_blocks)
            vectors = seg.dense.vectors()
            for r, cid in pairs:
                if r not in bad and cid not in out:
                    out[cid] = np.array(vectors[r], dtype=np.float32)
        return out

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
        try:
            for seg in self.segments:
                bad = seg.dense.damaged_rows(set(range(seg.rows)), seg.record.vector_blocks) if full else set()
                if bad:
                    return [f"{len(bad)} stored vectors fail their block checksums"]
                rows, ntotal = seg.db.count(), seg.dense.faiss.ntotal
                if rows != seg.rows or ntotal != seg.rows:
                    return [f"counts disagree in {seg.record.name}: manifest {seg.rows}, metadata {rows}, "
                            f"vectors {ntotal}"]
            live = sum(s.rows for s in self.segments) - len(self._deleted_rows())
        except IndexCorrupt as exc:
            return [str(exc)]
        except Exception as exc:  # sqlite and FAISS raise their own types for damaged files
            return [f"cannot open the index: {exc}"]
        if live != self.size:
            return [f"counts disagree: manifest {self.size} passages, the segments hold {live}"]
        return []

    # ------------------------------------------------------------ writing

    @staticmethod
    def write(root: Path, contents: IndexContents, progress=None) -> Manifest:
        """Write a new generation of one segment from `contents` and make it live atomically; returns its manifest.
        Must be called under writer_lock. `progress(phase, done, total)` hears of the writing."""
        chunks = contents.chunks
        with layout.staging(root) as tmp:
            regions = {c.citation.region for c in chunks}
            words = user_words((c.text for c in chunks), regions)
            tok = Tokenizer(words)
            record, tokens = segment.write(tmp / segment.next_name([]), chunks, contents.vectors,
                                           lambda: lexical.tokenize([c.embed_text for c in chunks], tok), progress)
            lexical.write_dictionary(tmp, lexical.dictionary_entries(tokens, words, tok))
            reports = {rel: _with_text(tmp, rel, r, contents.texts.get(rel)) for rel, r in contents.reports.items()}
            manifest = Manifest(
                model_id=contents.model_id, dim=int(contents.vectors.shape[1]), chunking=contents.chunking,
                dense=record.dense, chunks=len(chunks), reports=reports, regions=sorted(r for r in regions if r),
                places=_places(words), files=layout.checksums(tmp), segments=[record])
            _publish(root, tmp, manifest)
        return manifest

    @staticmethod
    def append(root: Path, old: Index, contents: IndexContents, dropped: set[str],
               progress=None) -> tuple[Manifest, int]:
        """A new generation: `old`'s segments (hard-linked, nothing rewritten), the passages of the `dropped` report
        files marked deleted, and `contents.chunks` as a new segment. Once MAX_APPENDED segments follow the first,
        they are merged into the new one. Returns the manifest and how many live passages were dropped.
        Must be called under writer_lock; tokens of the kept segments are not cut again (`index --optimize` does)."""
        segs = old.segments
        merged = segs[1:] if len(segs) - 1 >= MAX_APPENDED else []
        kept = segs[:len(segs) - len(merged)]
        deleted, removed, lost_regions = [], 0, set()
        carried: list[tuple[Segment, int, Chunk]] = []
        for seg in segs:
            mask = np.zeros(seg.rows, dtype=bool) if seg.deleted is None else seg.deleted.copy()
            for r, region in seg.db.rows_of_files(sorted(dropped)) if dropped else []:
                if not mask[r]:
                    mask[r], removed = True, removed + 1
                    lost_regions.add(region)
            if seg in merged:
                carried += [(seg, local, c) for local, c in seg.db.all() if not mask[local]]
            else:
                deleted.append(seg.offset + np.flatnonzero(mask))
        chunks = [c for _, _, c in carried] + list(contents.chunks)
        vectors = np.concatenate([*(seg.dense.vectors()[[local for s, local, _ in carried if s is seg]]
                                    for seg in merged), contents.vectors]) if carried else contents.vectors
        deleted_rows = np.concatenate(deleted).astype(np.int64) if deleted else np.zeros(0, dtype=np.int64)
        with layout.staging(root) as tmp:
            linked = []
            for seg in kept:
                segment.link(seg.folder, tmp / seg.record.name)
                linked += [p for p in old.manifest.files if p.startswith(seg.record.name + "/")]
            old_entries = lexical.read_dictionary(old.folder)
            words = lexical.user_words_of(old_entries) | user_words((c.text for c in chunks),
                                                                      {c.citation.region for c in chunks})
            records = [seg.record for seg in kept]
            entries = old_entries
            if chunks:
                tok = Tokenizer(words)
                record, tokens = segment.write(tmp / segment.next_name([s.record for s in segs]), chunks, vectors,
                                               lambda: lexical.tokenize([c.embed_text for c in chunks], tok), progress)
                records.append(record)
                entries = {**old_entries, **lexical.dictionary_entries(tokens, words, tok)}
            lexical.write_dictionary(tmp, entries)
            if len(deleted_rows):
                np.save(tmp / DELETED, deleted_rows)
            reports = {}
            for rel, record in contents.reports.items():
                if rel in contents.texts or not record.text_file:
                    reports[rel] = _with_text(tmp, rel, record, contents.texts.get(rel))
                else:  # a kept report's extracted text, as the old generation stored it
                    segment.link_file(old.folder / record.text_file, tmp / record.text_file)
                    linked.append(record.text_file)
                    reports[rel] = record
            regions = set(old.regions) | {c.citation.region for c in chunks if c.citation.region}
            live_rows = sum(r.rows for r in records) - len(deleted_rows)
            fresh = layout.checksums(tmp, skip=set(linked))
            manifest = Manifest(
                model_id=old.model_id, dim=old.manifest.dim, chunking=old.manifest.chunking,
                dense=records[0].dense, chunks=live_rows, reports=reports,
                regions=sorted(regions - _emptied(lost_regions - {c.citation.region for c in chunks}, kept,
                                                  deleted_rows)),
                places=sorted(set(old.places) | set(_places(words))),
                files={**{p: old.manifest.files[p] for p in linked}, **fresh}, segments=records,
                deleted=len(deleted_rows))
            _publish(root, tmp, manifest)
        return manifest, removed


def _emptied(regions: set[str], segs: list[Segment], deleted_rows: np.ndarray) -> set[str]:
    """Those of `regions` no live passage of `segs` is cited under any more (once `deleted_rows` are deleted)."""
    gone = set()
    dead = set(deleted_rows.tolist())
    for region in regions:
        if not any(seg.offset + r not in dead for seg in segs for r in seg.db.rows_in_regions([region])):
            gone.add(region)
    return gone


def _places(words: set[str]) -> list[str]:
    return sorted(w for w in words if PLACE.fullmatch(w) and not is_org(w))


def _publish(root: Path, tmp: Path, manifest: Manifest) -> None:
    faults.checkpoint("write:manifest")
    manifest.save(tmp)
    layout.publish(root, tmp)


def _with_text(tmp: Path, rel: str, record: ReportRecord, text: list[str] | None) -> ReportRecord:
    if record.format in ("txt", "md"):
        return record
    if text is None:
        raise ValueError(f"no extracted text given for {rel}")
    return ReportRecord(**{**record.__dict__, "text_file": texts.write(tmp, rel, text)})

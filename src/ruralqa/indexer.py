"""Build or update the index from the corpus: only new chunk contents are embedded, and a report that cannot be
read never takes its previously indexed passages (or anyone else's) with it."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ruralqa import catalog, ingest, store
from ruralqa.chunk import chunk_report
from ruralqa.config import DEFAULT_MODEL, Settings
from ruralqa.embed import Embedder, get_embedder
from ruralqa.errors import CorpusError, IndexCorrupt, IndexMismatch, IndexMissing, ReportError
from ruralqa.types import Chunk, IndexSummary, Report

Say = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _entry_hash(entry: catalog.ReportEntry | None) -> str:
    blob = json.dumps(asdict(entry) if entry else None, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; create it and put reports in it, "
                          "or pass --corpus DIR")
    files = ingest.list_reports(corpus_dir)
    if not files:
        raise CorpusError(f"corpus folder {corpus_dir} has no reports (.txt .md .html .docx .pdf); add some, "
                          "e.g. `ruralqa add report.txt`")
    return files


def _previous(settings: Settings, full: bool, model_id: str | None) -> store.Index | None:
    if full:
        return None
    try:
        old = store.load(settings.index_dir, model_id=model_id, chunking=settings.chunking.as_dict())
    except IndexMissing:
        return None
    except (IndexMismatch, IndexCorrupt) as exc:
        raise type(exc)(f"{exc} (an update reuses the existing index; --full starts afresh)") from None
    return old


def update_index(settings: Settings, embedder: Embedder | None = None, full: bool = False,
                 say: Say = _quiet, progress: Callable[[int, int], None] | None = None) -> IndexSummary:
    """Bring the index in line with the corpus folder. Raises CorpusError, Index* errors; per-report problems
    are collected in the summary's `failed`, and those reports keep their previously indexed passages."""
    started = time.perf_counter()
    files = corpus_files(settings.corpus_dir)
    store.check_root(settings.index_dir)
    with store.writer_lock(settings.index_dir):
        wanted_model = embedder.model_id if embedder else settings.model
        old = _previous(settings, full, wanted_model)
        if embedder is None:
            embedder = get_embedder(settings.model or (old.model_id if old else DEFAULT_MODEL), settings.device)
        summary = IndexSummary()
        old_chunks = old.all_chunks() if old is not None else []  # row order = FAISS/vector row order
        chunks, reports_meta = _collect(settings, files, old, old_chunks, summary, say)
        vectors = _vectors(chunks, old, old_chunks, embedder, summary, say, progress)
        kept = {c.id for c in chunks}
        summary.chunks_removed = sum(1 for c in old_chunks if c.id not in kept)
        summary.chunks_total = len(chunks)
        summary.up_to_date = (old is not None and not (summary.reports_added or summary.reports_changed
                                                        or summary.reports_removed))
        if summary.up_to_date:
            summary.index_type = old.manifest["faiss"]["type"]
        else:
            say(f"writing index ({len(chunks)} passages)")
            _publish(settings, embedder, chunks, vectors, reports_meta, summary)
        if old is not None:
            old.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _collect(settings: Settings, files: list[Path], old: store.Index | None, old_rows: list[Chunk],
             summary: IndexSummary, say: Say) -> tuple[list[Chunk], dict]:
    cat = catalog.load(settings.corpus_dir)
    old_files = old.manifest["reports"] if old else {}
    old_chunks: dict[str, list[Chunk]] = {}
    for c in old_rows:
        old_chunks.setdefault(c.citation.file, []).append(c)
    chunks, meta = [], {}
    for path in files:
        rel = path.relative_to(settings.corpus_dir).as_posix()
        entry = cat.get(rel)
        digest = ingest.sha256_file(path)
        prev = old_files.get(rel)
        if prev and prev["sha256"] == digest and prev["catalog"] == _entry_hash(entry):
            summary.reports_unchanged.append(rel)
            chunks.extend(old_chunks.get(rel, []))
            meta[rel] = prev
            continue
        try:
            report = ingest.read_report(path, settings.corpus_dir)
        except ReportError as exc:
            summary.failed[rel] = exc.reason
            say(f"skipped {exc}")
            if prev:  # keep what was indexed before; the failure is reported
                chunks.extend(old_chunks.get(rel, []))
                meta[rel] = prev
            continue
        new_chunks = _chunk(report, entry, settings)
        (summary.reports_changed if prev else summary.reports_added).append(rel)
        chunks.extend(new_chunks)
        meta[rel] = {"sha256": report.sha256, "catalog": _entry_hash(entry), "format": report.format,
                     "encoding": report.encoding, "chunks": len(new_chunks), "chars": len(report.text),
                     "pages": list(report.pages), "_text": report.text}
    summary.reports_removed = sorted(set(old_files) - set(meta))
    return chunks, meta


def _chunk(report: Report, entry: catalog.ReportEntry | None, settings: Settings) -> list[Chunk]:
    fallback = catalog.first_title(report.text) or Path(report.path).stem
    articles = catalog.articles_for(report.text, entry, fallback)
    return chunk_report(report, articles, settings.chunking, entry.captions if entry else ())


def _vectors(chunks: list[Chunk], old: store.Index | None, old_rows: list[Chunk], embedder: Embedder,
             summary: IndexSummary, say: Say, progress) -> np.ndarray:
    """Vectors row-aligned with `chunks`: reused by content hash where the old index has them, else embedded."""
    reuse: dict[str, int] = {}
    old_vectors = None
    if old is not None and old.size:
        old_vectors = old.vectors()
        for row, c in enumerate(old_rows):
            reuse.setdefault(c.id, row)
    todo = {}
    for c in chunks:
        if c.id not in reuse and c.id not in todo:
            todo[c.id] = c.embed_text
    store._fault("before-embed")
    fresh = np.zeros((0, 0), dtype=np.float32)
    if todo:
        say(f"embedding {len(todo)} new passages with {embedder.model_id}")
        fresh = embedder.embed_passages(list(todo.values()), progress=_fault_progress(progress))
    where = {cid: i for i, cid in enumerate(todo)}
    dim = fresh.shape[1] if todo else (old_vectors.shape[1] if old_vectors is not None else embedder.dim)
    out = np.empty((len(chunks), dim), dtype=np.float32)
    for i, c in enumerate(chunks):
        out[i] = fresh[where[c.id]] if c.id in where else old_vectors[reuse[c.id]]
    summary.chunks_embedded = len(todo)
    summary.chunks_reused = len(chunks) - sum(1 for c in chunks if c.id in where)
    return out


def _fault_progress(progress):
    def report(done: int, total: int) -> None:
        if done < total:
            store._fault("mid-embed")
        if progress:
            progress(done, total)
    return report


def _publish(settings: Settings, embedder: Embedder, chunks: list[Chunk], vectors: np.ndarray, reports: dict,
             summary: IndexSummary) -> None:
    from ruralqa import lexical

    def fill(tmp: Path) -> dict:
        np.save(tmp / "vectors.npy", vectors)
        store._fault("write:vectors")
        index, params = store.build_faiss(vectors)
        import faiss

        faiss.write_index(index, str(tmp / "faiss.index"))
        store._fault("write:faiss")
        store.write_chunks_db(tmp / "chunks.sqlite", chunks)
        store._fault("write:chunks")
        regions = {c.citation.region for c in chunks}
        words = lexical.user_words((c.text for c in chunks), regions)
        lexical.build([c.embed_text for c in chunks], words, tmp)
        store._fault("write:bm25")
        _write_texts(tmp, settings, reports)
        summary.index_type = params["type"]
        dim = int(vectors.shape[1])
        return {
            "model": {"id": embedder.model_id, "dim": dim},
            "chunking": settings.chunking.as_dict(),
            "fingerprint": store.fingerprint(embedder.model_id, dim, settings.chunking.as_dict()),
            "faiss": params,
            "counts": {"reports": len(reports), "chunks": len(chunks)},
            "regions": sorted({c.citation.region for c in chunks if c.citation.region}),
            "places": sorted(w for w in words if catalog.PLACE.fullmatch(w) and not lexical.ORG.search(w)),
            "reports": {k: {f: v for f, v in m.items() if f != "_text"} for k, m in reports.items()},
        }

    store.publish(settings.index_dir, fill)


def _write_texts(tmp: Path, settings: Settings, reports: dict) -> None:
    """Keep the extracted text of non-text reports, since citations point into it, not into the file's bytes."""
    old = None
    for rel, meta in reports.items():
        if meta["format"] in ("txt", "md"):
            continue
        target = tmp / "texts" / (hashlib.sha256(rel.encode()).hexdigest()[:16] + ".txt")
        target.parent.mkdir(exist_ok=True)
        text = meta.pop("_text", None)
        if text is None:  # unchanged report: copy from the live generation
            old = old or store.current_generation(settings.index_dir)
            text = (old / "texts" / target.name).read_text(encoding="utf-8")
        target.write_text(text, encoding="utf-8")
        meta["text_file"] = target.relative_to(tmp).as_posix()

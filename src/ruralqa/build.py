"""Build or update the index from the corpus, one way: plan (what changed, which vectors to reuse) → embed only
the new passages → `Index.write` → publish. A report that cannot be read never takes its previously indexed
passages (or anyone else's) with it."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ruralqa import faults
from ruralqa.config import DEFAULT_MODEL, Settings
from ruralqa.corpus import catalog, formats, ingest
from ruralqa.corpus.chunk import CHUNKER_VERSION, chunk_report
from ruralqa.corpus.context import report_articles
from ruralqa.embed import Embedder, get_embedder, normalize_model_id
from ruralqa.errors import CorpusError, IndexCorrupt, IndexMismatch, IndexMissing, ReportError
from ruralqa.index import Index, IndexContents, Manifest, ReportRecord, check_root, writer_lock
from ruralqa.index import milvus
from ruralqa.index.layout import CURRENT, point_to
from ruralqa.index.milvus import MilvusIndex, MilvusTarget, parse_store
from ruralqa.stores import open_index
from ruralqa.text.tokenize import user_words
from ruralqa.types import Article, Chunk, IndexSummary, Report

Say = Callable[[str], None]
Progress = Callable[[str, int, int], None]  # (phase, done, total): reading, embedding, writing …


def quiet(_: str) -> None:
    pass


def corpus_files(corpus_dir: Path) -> tuple[list[Path], dict[str, str]]:
    """The reports in the corpus folder, and the files skipped with why."""
    if corpus_dir.is_file():
        raise CorpusError(f"{corpus_dir} is a file, not a folder; pass the folder that holds the reports with "
                          "--corpus DIR (or `ruralqa add` the file)")
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; create it and put reports in it, "
                          "or pass --corpus DIR")
    files, skipped = ingest.list_reports(corpus_dir)
    if not files:
        raise CorpusError(f"corpus folder {corpus_dir} has no reports ({' '.join(sorted(ingest.SUFFIXES))}); add "
                          "some, e.g. `ruralqa add report.txt`")
    return files, skipped


@dataclass
class Plan:
    """What the next generation holds and where each vector comes from."""

    chunks: list[Chunk] = field(default_factory=list)  # in row order
    reports: dict[str, ReportRecord] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)  # extracted texts of non-text files (one per row)
    reuse: dict[str, int] = field(default_factory=dict)  # chunk id → row in the old index's vectors
    todo: dict[str, str] = field(default_factory=dict)  # chunk id → text to embed, for ids not reusable
    delta: bool = False  # only the passages of added and changed reports are in `chunks` (appended or upserted)
    found: dict[str, np.ndarray] = field(default_factory=dict)  # delta: chunk id → vector the store already has


APPEND_MIN_ROWS = 20_000
"""From this many passages on, an update appends a segment of the new passages instead of rewriting the index
(which takes ~150 s at 1M passages). Below it, rewriting takes seconds and cuts every passage's tokens again with
the place names of the whole corpus, which appending leaves to `index --optimize`."""


def update_index(settings: Settings, embedder: Embedder | None = None, full: bool = False,
                 say: Say = quiet, progress: Progress | None = None, repair: bool = False,
                 optimize: bool = False) -> IndexSummary:
    """Bring the index in line with the corpus folder. Raises CorpusError, Index* errors; per-report problems
    are collected in the summary's `failed`, and those reports keep their previously indexed passages.
    `repair`: a damaged index is rebuilt from the corpus, reusing every stored vector that passes its checksum.
    `optimize`: the local index is rewritten as one segment (appended segments merged, deleted passages gone,
    tokens cut again), reusing every vector."""
    started = time.perf_counter()
    files, skipped = corpus_files(settings.corpus_dir)
    store = parse_store(settings.store)
    if store is not None:
        if optimize:
            say("a Milvus store merges its segments itself: --optimize only updates it")
        summary = _update_store(settings, store, files, skipped, embedder, full, say, progress, repair)
        summary.seconds = round(time.perf_counter() - started, 3)
        return summary
    check_root(settings.index_dir)
    with writer_lock(settings.index_dir):
        wanted = embedder.model_id if embedder else settings.model
        old = None if full else _damaged(settings, wanted) if repair else _previous(settings, wanted)
        try:
            if embedder is None:
                embedder = get_embedder(settings.model or (old.model_id if old else DEFAULT_MODEL), settings.device)
            summary = IndexSummary(skipped=skipped)
            append = old is not None and not (repair or optimize) and old.size >= APPEND_MIN_ROWS
            plan = plan_update(settings, files, old, summary, say, progress, reread=repair, delta=append)
            summary.up_to_date = not (repair or optimize) and old is not None and not (
                summary.reports_added or summary.reports_changed or summary.reports_removed)
            if summary.up_to_date:
                summary.index_type = old.manifest.dense["type"]
                if not (settings.index_dir / CURRENT).exists():
                    point_to(settings.index_dir, old.folder)  # recovered from the newest complete generation
            elif append:
                vectors = embed_plan(plan, old, embedder, say, progress)
                say(f"writing index ({len(plan.chunks)} new passages)")
                manifest, summary.chunks_removed = Index.append(settings.index_dir, old, IndexContents(
                    chunks=plan.chunks, vectors=vectors, reports=plan.reports, texts=plan.texts),
                    set(summary.reports_changed + summary.reports_removed), progress=progress)
                summary.chunks_total, summary.index_type = manifest.chunks, manifest.dense["type"]
            elif not plan.chunks:
                summary.up_to_date = False  # nothing could be read: no index is written (the failures say why)
            else:
                vectors = embed_plan(plan, old, embedder, say, progress)
                say(f"writing index ({len(plan.chunks)} passages)")
                manifest = Index.write(settings.index_dir, IndexContents(
                    chunks=plan.chunks, vectors=vectors, reports=plan.reports, texts=plan.texts,
                    model_id=embedder.model_id, chunking=settings.chunking.as_dict()), progress=progress)
                summary.index_type = manifest.dense["type"]
        finally:
            if old is not None:
                old.close()
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def wait_for_writer(settings: Settings) -> None:
    """Wait until the process updating the index (local, or a Milvus Lite folder) has finished."""
    from ruralqa.index.layout import wait_unlocked

    store = parse_store(settings.store)
    if store is None:
        wait_unlocked(settings.index_dir)
    elif store.lite:
        wait_unlocked(Path(store.uri).parent)


def _previous(settings: Settings, model_id: str | None, verify: bool = True) -> Index | MilvusIndex | None:
    """The index an update starts from (either store), or None when there is none yet."""
    try:
        return open_index(settings, model_id=model_id, chunking=settings.chunking.as_dict(), verify=verify)
    except IndexMissing:
        return None
    except (IndexMismatch, IndexCorrupt) as exc:
        raise type(exc)(f"{exc} (an update reuses the existing index; --full starts afresh)") from None


def _damaged(settings: Settings, model_id: str | None) -> Index | None:
    """The live generation for a repair: opened without checking its files (their damage is why we are here)."""
    try:
        return Index.open(settings.index_dir, model_id=model_id, chunking=settings.chunking.as_dict(), verify=False)
    except IndexMissing:
        return None
    except IndexCorrupt:  # a damaged CURRENT or manifest: the newest generation that still reads is reused
        for gen in sorted(settings.index_dir.glob("gen-*"), key=lambda g: g.name, reverse=True):
            try:
                return Index(gen, Manifest.read(gen))
            except IndexCorrupt:
                continue
        return None  # nothing to reuse: the repair embeds everything


def _old_rows(old: Index | None) -> list[tuple[int, Chunk]]:
    if old is None:
        return []
    try:
        return old.live_chunks()
    except Exception:  # a damaged chunks.sqlite (only a repair opens one): its vectors cannot be matched
        return []


def _entry_hash(entry: catalog.ReportEntry | None, path: Path, settings: Settings) -> str:
    """What, besides its bytes, decides a report's passages: its catalog entry, the chunker's version (a new
    version re-chunks every report; vectors of unchanged passages are still reused) and, for a spreadsheet, the
    --text-column it was read with (so that setting re-reads spreadsheets only)."""
    column = settings.chunking.text_column if path.suffix.lower() in ingest.TABLE_SUFFIXES else None
    blob = json.dumps([asdict(entry) if entry else None, CHUNKER_VERSION] + ([column] if column else []),
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def plan_update(settings: Settings, files: list[Path], old: Index | MilvusIndex | None, summary: IndexSummary,
                say: Say = quiet, progress: Progress | None = None, reread: bool = False,
                delta: bool = False) -> Plan:
    """Compare the corpus with the old index: unchanged reports keep their passages, others are read and chunked;
    vectors are reused by content hash. Fills the summary's report lists and passage counts.
    `delta`: the plan holds only the new passages of added and changed reports (a store updated in place)."""
    cat = catalog.load(settings.corpus_dir)
    old_reports = old.manifest.reports if old else {}
    old_rows = [] if delta else _old_rows(old)  # (row, chunk) in row order
    by_file: dict[str, list[Chunk]] = {}
    for _, c in old_rows:
        by_file.setdefault(c.citation.file, []).append(c)
    plan = Plan(delta=delta)
    for n, path in enumerate(files):
        if progress:
            progress("reading reports", n, len(files))
        rel = path.relative_to(settings.corpus_dir).as_posix()
        entry = cat.get(rel)
        prev = old_reports.get(rel)
        try:
            digest = ingest.sha256_file(path)
        except OSError as exc:
            summary.failed[rel] = f"cannot be read ({exc.strerror}); check its permissions"
            if prev:  # keep what was indexed before; the failure is reported
                _keep(plan, rel, prev, by_file, old)
            continue
        if prev and not reread and prev.sha256 == digest and prev.catalog == _entry_hash(entry, path, settings):
            summary.reports_unchanged.append(rel)
            _keep(plan, rel, prev, by_file, old)
            continue
        if progress:  # a scanned PDF is recognized page by page: say how far
            formats.ocr_progress.set(lambda done, total, rel=rel: progress(f"recognizing {rel} (OCR)", done, total))
        try:
            reports = ingest.read_reports(path, settings.corpus_dir, settings.chunking.text_column,
                                          settings.chunking.encoding_errors, entry.columns if entry else None)
        except ReportError as exc:
            summary.failed[rel] = exc.reason
            if prev:  # keep what was indexed before; the failure is reported
                _keep(plan, rel, prev, by_file, old)
            continue
        reports, too_long = _within_limit(reports, settings.max_report_chars)
        if not reports:
            summary.failed[rel] = too_long
            if prev:
                _keep(plan, rel, prev, by_file, old)
            continue
        if too_long:
            summary.warnings[rel] = too_long
        per_report = [(report, report_articles(report, entry)) for report in reports]
        articles = per_report[0][1]
        chunks = [c for report, arts in per_report for c in _chunk(report, arts, entry, settings)]
        (summary.reports_changed if prev else summary.reports_added).append(rel)
        plan.chunks.extend(chunks)
        first = reports[0]
        if "replaced" in first.encoding:
            summary.warnings[rel] = "has bytes that are not UTF-8; they were read as U+FFFD (�)"
        if first.warning:
            summary.warnings[rel] = "; ".join(w for w in (summary.warnings.get(rel), first.warning) if w)
        rows = [{"row": r.row, "sheet": r.sheet, "title": a[0].title, "place": a[0].region, "year": a[0].year,
                 "place_note": a[0].place_note, "chunks": n}
                for (r, a), n in zip(per_report, _counts(chunks, reports))] if first.row is not None else []
        plan.reports[rel] = ReportRecord(sha256=first.sha256, catalog=_entry_hash(entry, path, settings),
                                         format=first.format, encoding=first.encoding, chunks=len(chunks),
                                         chars=sum(len(r.text) for r in reports), pages=first.pages,
                                         title=articles[0].title, place=articles[0].region, year=articles[0].year,
                                         place_note=articles[0].place_note, rows=rows)
        if first.format not in ("txt", "md"):
            plan.texts[rel] = _texts(reports)
    if progress:
        progress("reading reports", len(files), len(files))
    summary.reports_removed = sorted(set(old_reports) - set(plan.reports))
    if delta:
        plan.found = old.vectors_by_cid([c.id for c in plan.chunks]) if old is not None and plan.chunks else {}
        plan.todo = {c.id: c.embed_text for c in plan.chunks if c.id not in plan.found}
        summary.chunks_embedded = len(plan.todo)
        summary.chunks_reused = len(plan.chunks) - sum(1 for c in plan.chunks if c.id in plan.todo)
        return plan
    for row, c in old_rows:
        plan.reuse.setdefault(c.id, row)
    if old is not None and plan.reuse:
        # Stored vectors are checked before they are reused: a damaged block is embedded again, never copied on.
        bad = old.damaged_vector_rows(set(plan.reuse.values()))
        if bad:
            summary.warnings["vectors.npy"] = (f"{len(bad)} stored vectors failed their checksums and were "
                                               "embedded again")
            plan.reuse = {cid: row for cid, row in plan.reuse.items() if row not in bad}
    for c in plan.chunks:
        if c.id not in plan.reuse and c.id not in plan.todo:
            plan.todo[c.id] = c.embed_text
    summary.chunks_embedded = len(plan.todo)
    summary.chunks_reused = sum(1 for c in plan.chunks if c.id not in plan.todo)
    kept = {c.id for c in plan.chunks}
    summary.chunks_removed = sum(1 for _, c in old_rows if c.id not in kept)
    summary.chunks_total = len(plan.chunks)
    return plan


def _texts(reports: list[Report]) -> list[str]:
    """The texts the index keeps for a file, one per row for a spreadsheet: texts[row - 1] (rows without a
    report hold "")."""
    if reports[0].row is None:
        return [r.text for r in reports]
    out = [""] * max(r.row for r in reports)
    for r in reports:
        out[r.row - 1] = r.text
    return out


def _counts(chunks: list[Chunk], reports: list[Report]) -> list[int]:
    per_row: dict = {}
    for c in chunks:
        per_row[c.citation.row] = per_row.get(c.citation.row, 0) + 1
    return [per_row.get(r.row, 0) for r in reports]


def _within_limit(reports: list[Report], limit: int) -> tuple[list[Report], str]:
    """The reports no longer than `limit` characters, and what was left out (one line with the fix)."""
    kept = [r for r in reports if len(r.text) <= limit]
    over = [r for r in reports if len(r.text) > limit]
    if not over:
        return kept, ""
    what = (f"has {len(over[0].text):,} characters" if over[0].row is None else
            f"has {len(over)} row(s) longer than that (row {over[0].row}: {len(over[0].text):,} characters)")
    return kept, (f"{what}, more than the limit of {limit:,} per report (about {limit // 200:,} passages to embed); "
                  "split it, or raise the limit with --max-report-chars N (env RURALQA_MAX_REPORT_CHARS)"
                  + ("; those rows were left out" if kept else ""))


def _keep(plan: Plan, rel: str, record: ReportRecord, by_file: dict[str, list[Chunk]], old: Index) -> None:
    plan.reports[rel] = record
    if plan.delta:  # its passages stay in the store untouched
        return
    plan.chunks.extend(by_file.get(rel, []))
    text = old.report_texts(rel)
    if text is not None:
        plan.texts[rel] = text


def _chunk(report: Report, articles: list[Article], entry: catalog.ReportEntry | None, settings: Settings) -> list[Chunk]:
    return chunk_report(report, articles, settings.chunking, entry.captions if entry else ())


def embed_plan(plan: Plan, old: Index | None, embedder: Embedder, say: Say = quiet,
               progress: Progress | None = None) -> np.ndarray:
    """Vectors row-aligned with the plan's chunks: reused from the old index (found by id for a delta plan), or
    embedded now."""
    faults.checkpoint("before-embed")
    fresh = np.zeros((0, 0), dtype=np.float32)
    if plan.todo:
        embedder.dim  # load the model first: a model that cannot be loaded fails before any "embedding" line
        say(f"embedding {len(plan.todo)} new passages with {embedder.model_id}")
        fresh = embedder.embed_passages(list(plan.todo.values()), progress=_checkpointed(progress))
    where = {cid: i for i, cid in enumerate(plan.todo)}
    if plan.delta:
        stored = plan.found
    else:
        reuse = {c.id: plan.reuse[c.id] for c in plan.chunks if c.id not in where}
        rows = sorted(set(reuse.values()))
        vectors = old.vectors(rows) if rows else None
        at = {row: i for i, row in enumerate(rows)}
        stored = {cid: vectors[at[row]] for cid, row in reuse.items()}
    dim = fresh.shape[1] if plan.todo else (old.manifest.dim if old is not None else embedder.dim)
    out = np.empty((len(plan.chunks), dim), dtype=np.float32)
    for i, c in enumerate(plan.chunks):
        out[i] = fresh[where[c.id]] if c.id in where else stored[c.id]
    return out


STREAM_BATCH = 4096  # passages embedded and written to a Milvus store at a time: memory stays flat


def _update_store(settings: Settings, store: MilvusTarget, files: list[Path], skipped: dict[str, str],
                  embedder: Embedder | None, full: bool, say: Say, progress: Progress | None,
                  repair: bool) -> IndexSummary:
    """Update a Milvus collection in place: the passages of added and changed reports are upserted (embedded in
    streamed batches), those of changed and removed reports no longer produced are deleted."""
    with milvus.store_lock(store):
        if full:
            milvus.drop(store)
        wanted = embedder.model_id if embedder else (normalize_model_id(settings.model) if settings.model else None)
        # Not verified: a killed update leaves the passage count off the manifest's, and this update mends it.
        old = _previous(settings, wanted, verify=False)
        try:
            if embedder is None:
                embedder = get_embedder(settings.model or (old.model_id if old else DEFAULT_MODEL), settings.device)
            summary = IndexSummary(skipped=skipped, index_type="milvus")
            plan = plan_update(settings, files, old, summary, say, progress, reread=repair, delta=True)
            changed = summary.reports_added + summary.reports_changed + summary.reports_removed
            summary.up_to_date = not repair and old is not None and not changed
            dim = old.manifest.dim if old is not None else 0
        finally:
            if old is not None:
                old.close()
        if summary.up_to_date or (old is None and not plan.chunks):
            summary.chunks_total = old.size if old is not None else 0
            return summary
        if plan.todo or not dim:
            dim = embedder.dim  # loads the model: one that cannot be loaded fails before anything is written
            say(f"embedding {len(plan.todo)} new passages with {embedder.model_id}")
        files_done = sorted(set(changed) | (set(plan.reports) if repair else set()))
        delta = milvus.Delta(files=files_done, reports=plan.reports, texts=plan.texts,
                             words=user_words((c.text for c in plan.chunks), {c.citation.region for c in plan.chunks}),
                             model_id=embedder.model_id, chunking=settings.chunking.as_dict(), dim=dim)
        outcome = milvus.apply(store, delta, stream_vectors(plan, embedder, progress), progress)
        summary.chunks_total = outcome.manifest.chunks
        summary.chunks_removed = outcome.removed
    return summary


def stream_vectors(plan: Plan, embedder: Embedder, progress: Progress | None = None,
                   batch: int = STREAM_BATCH) -> Iterator[tuple[list[Chunk], np.ndarray]]:
    """The plan's passages with their vectors, `batch` at a time: found in the store, or embedded now."""
    total, done = len(plan.todo), 0
    for a in range(0, len(plan.chunks), batch):
        chunks = plan.chunks[a:a + batch]
        todo = list(dict.fromkeys(c.id for c in chunks if c.id not in plan.found))
        fresh = {}
        if todo:
            base = done

            def report(n: int, _total: int) -> None:
                if progress:
                    progress("embedding passages", base + n, total)
            vectors = embedder.embed_passages([plan.todo[cid] for cid in todo], progress=report)
            fresh = dict(zip(todo, vectors))
            done += len(todo)
        yield chunks, np.stack([fresh[c.id] if c.id in fresh else plan.found[c.id] for c in chunks])


def _checkpointed(progress: Progress | None) -> Progress:
    def report(done: int, total: int) -> None:
        if done < total:
            faults.checkpoint("mid-embed")
        if progress:
            progress("embedding passages", done, total)
    return report

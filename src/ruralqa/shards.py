"""Sharded builds: separate machines (or GPUs) each read, chunk and embed one share of the corpus
(`ruralqa index --shard I/N --shard-dir DIR`), then one final step publishes every shard into the index
(`ruralqa index --from-shards DIR`, into a Milvus collection or the local folder). The shards need no scheduler of
ours: a shell loop, a batch system's array job or a Ray task per shard runs them, and the publish step refuses
to run until all N are there.

A report belongs to shard `sha256(its path) mod N`, so every worker picks its share from the same listing without
talking to the others. A shard is a folder written atomically (a temporary name, renamed when complete):
    shard.json      which shard of how many, model, dimension, chunking, reports (records) and failures
    passages.jsonl  one passage per line, in vector order
    vectors.npy     float32, one row per passage
    texts.json      extracted texts of non-text reports
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ruralqa.build import Progress, Say, corpus_files, plan_update, quiet, stream_vectors
from ruralqa.config import DEFAULT_MODEL, Settings
from ruralqa.embed import Embedder, get_embedder
from ruralqa.errors import CorpusError, IndexMissing, UsageError
from ruralqa.index import Index, IndexContents, ReportRecord, check_root, writer_lock
from ruralqa.index import milvus
from ruralqa.index.milvus import parse_store
from ruralqa.stores import open_index
from ruralqa.text.tokenize import user_words
from ruralqa.types import Chunk, Citation, IndexSummary

SHARD_FILE = "shard.json"


def parse_shard(value: str) -> tuple[int, int]:
    """`I/N` → (I, N), 1 ≤ I ≤ N."""
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value or "")
    if not m or not 1 <= int(m.group(1)) <= int(m.group(2)):
        raise UsageError(f"--shard takes I/N with 1 ≤ I ≤ N, e.g. --shard 1/4; got {value!r}")
    return int(m.group(1)), int(m.group(2))


def shard_of(rel: str, n: int) -> int:
    """The 1-based shard a report (by its path in the corpus) belongs to."""
    return int(hashlib.sha256(rel.encode("utf-8")).hexdigest()[:12], 16) % n + 1


def build_shard(settings: Settings, shard: tuple[int, int], out_dir: Path, embedder: Embedder | None = None,
                say: Say = quiet, progress: Progress | None = None) -> IndexSummary:
    """Read, chunk and embed this shard's reports into out_dir/shard-I-of-N (replacing an earlier run's)."""
    started = time.perf_counter()
    i, n = shard
    files, skipped = corpus_files(settings.corpus_dir)
    mine = [f for f in files if shard_of(f.relative_to(settings.corpus_dir).as_posix(), n) == i]
    embedder = embedder or get_embedder(settings.model or DEFAULT_MODEL, settings.device)
    summary = IndexSummary(skipped=skipped, index_type=f"shard {i}/{n}")
    plan = plan_update(settings, mine, None, summary, say, progress, delta=True)
    say(f"shard {i}/{n}: {len(mine)} of {len(files)} reports, {len(plan.chunks)} passages")
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".shard-{i}-of-{n}-", dir=out_dir))
    try:
        dim = embedder.dim
        vectors = np.lib.format.open_memmap(tmp / "vectors.npy", mode="w+", dtype=np.float32,
                                            shape=(len(plan.chunks), dim))
        row = 0
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for chunks, vecs in stream_vectors(plan, embedder, progress):  # flat memory: written as embedded
                vectors[row:row + len(chunks)] = vecs
                row += len(chunks)
                for c in chunks:
                    f.write(json.dumps(asdict(c), ensure_ascii=False) + "\n")
        vectors.flush()
        del vectors
        (tmp / "texts.json").write_text(json.dumps(plan.texts, ensure_ascii=False), encoding="utf-8")
        (tmp / SHARD_FILE).write_text(json.dumps({
            "shard": i, "of": n, "model": embedder.model_id, "dim": dim, "chunking": settings.chunking.as_dict(),
            "reports": {rel: r.as_json() for rel, r in plan.reports.items()}, "failed": summary.failed,
            "passages": len(plan.chunks)}, ensure_ascii=False, indent=1), encoding="utf-8")
        final = out_dir / f"shard-{i}-of-{n}"
        if final.exists():
            shutil.rmtree(final)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    summary.chunks_embedded = summary.chunks_total = len(plan.chunks)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _shards(shard_dir: Path) -> list[tuple[Path, dict]]:
    found = []
    for folder in sorted(shard_dir.glob("shard-*-of-*")):
        try:
            found.append((folder, json.loads((folder / SHARD_FILE).read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue  # a shard still being written has no shard.json under its final name; others are damaged
    if not found:
        raise CorpusError(f"no shards in {shard_dir}; run `ruralqa index --shard I/N --shard-dir {shard_dir}` "
                          "for each I first")
    ns = {meta["of"] for _, meta in found}
    if len(ns) != 1:
        raise CorpusError(f"{shard_dir} holds shards of different splits ({sorted(ns)}); keep one split's shards")
    n = ns.pop()
    missing = sorted(set(range(1, n + 1)) - {meta["shard"] for _, meta in found})
    if missing:
        raise CorpusError(f"shard(s) {', '.join(f'{m}/{n}' for m in missing)} missing in {shard_dir}; run them "
                          "before publishing")
    for key in ("model", "dim", "chunking"):
        if len({json.dumps(meta[key], sort_keys=True) for _, meta in found}) != 1:
            raise CorpusError(f"the shards in {shard_dir} were built with different {key}s; build them again "
                              "with the same settings")
    return found


def _passages(folder: Path) -> Iterator[Chunk]:
    with open(folder / "passages.jsonl", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            yield Chunk(**{**d, "citation": Citation(**d["citation"])})


def _batches(found: list[tuple[Path, dict]], size: int = 4096) -> Iterator[tuple[list[Chunk], np.ndarray]]:
    for folder, _ in found:
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        chunks, start = [], 0
        for c in _passages(folder):
            chunks.append(c)
            if len(chunks) == size:
                yield chunks, np.asarray(vectors[start:start + size])
                start += size
                chunks = []
        if chunks:
            yield chunks, np.asarray(vectors[start:start + len(chunks)])


def publish_shards(settings: Settings, shard_dir: Path, say: Say = quiet,
                   progress: Progress | None = None) -> IndexSummary:
    """Publish every shard into the index as one update: the index then holds exactly the shards' reports."""
    started = time.perf_counter()
    found = _shards(shard_dir)
    meta0 = found[0][1]
    if meta0["chunking"] != settings.chunking.as_dict():
        raise CorpusError(f"the shards were chunked with {meta0['chunking']}, not {settings.chunking.as_dict()}; "
                          "publish with the shards' settings (--chunk-size) or build them again")
    reports = {rel: ReportRecord.from_json(r) for _, m in found for rel, r in m["reports"].items()}
    texts: dict[str, list[str]] = {}
    for folder, _ in found:
        texts.update(json.loads((folder / "texts.json").read_text(encoding="utf-8")))
    summary = IndexSummary(failed={rel: why for _, m in found for rel, why in m["failed"].items()})
    try:
        with open_index(settings, verify=False) as old:
            old_reports = dict(old.manifest.reports)
    except IndexMissing:
        old_reports = {}
    summary.reports_added = sorted(set(reports) - set(old_reports))
    summary.reports_removed = sorted(set(old_reports) - set(reports))
    summary.reports_changed = sorted(r for r in set(reports) & set(old_reports) if reports[r] != old_reports[r])
    summary.reports_unchanged = sorted(r for r in set(reports) & set(old_reports) if reports[r] == old_reports[r])
    total = sum(m["passages"] for _, m in found)
    say(f"publishing {len(found)} shards: {len(reports)} reports, {total} passages")
    store = parse_store(settings.store)
    if store is not None:
        words: set[str] = set()
        for folder, _ in found:
            chunks = list(_passages(folder))
            words |= user_words((c.text for c in chunks), {c.citation.region for c in chunks})
        delta = milvus.Delta(files=sorted(set(reports) | set(old_reports)), reports=reports, texts=texts, words=words,
                             model_id=meta0["model"], chunking=meta0["chunking"], dim=meta0["dim"])
        with milvus.store_lock(store):
            outcome = milvus.apply(store, delta, _batches(found), progress)
        summary.chunks_total, summary.chunks_removed = outcome.manifest.chunks, outcome.removed
        summary.index_type = "milvus"
    else:
        check_root(settings.index_dir)
        chunks = [c for folder, _ in found for c in _passages(folder)]
        vectors = np.concatenate([np.load(folder / "vectors.npy") for folder, _ in found]) if chunks else \
            np.zeros((0, meta0["dim"]), np.float32)
        with writer_lock(settings.index_dir):
            manifest = Index.write(settings.index_dir, IndexContents(
                chunks=chunks, vectors=vectors, reports=reports, texts=texts, model_id=meta0["model"],
                chunking=meta0["chunking"]), progress=progress)
        summary.chunks_total, summary.index_type = manifest.chunks, manifest.dense["type"]
    summary.chunks_reused = total
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary

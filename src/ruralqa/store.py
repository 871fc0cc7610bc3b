"""The index folder: FAISS vectors, chunk metadata (SQLite), BM25 arrays and a manifest that describes them.

Layout of `index/`:
    CURRENT                the name of the live generation, replaced atomically with os.replace
    gen-000007/            one complete index: manifest.json (written last), vectors.npy, faiss.index,
                           chunks.sqlite, bm25/, jieba_vocab.txt, texts/ (extracted text of non-text reports)
    .lock                  held (flock) by the one process that updates the index
A new generation is built in a temporary folder beside the live one and becomes live only when CURRENT is
replaced, so readers see the old index or the new one, never a mix, and a killed update leaves the old one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ruralqa import SCHEMA_VERSION, __version__
from ruralqa.ingest import sha256_file
from ruralqa.errors import ForeignIndexDir, IndexCorrupt, IndexLocked, IndexMismatch, IndexMissing
from ruralqa.types import Chunk, Citation

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
LOCK = ".lock"
FULL_HASH_LIMIT = 64 << 20  # above this total size, load checks sizes only; `ruralqa index --check` hashes all
FIX_FULL = "run `ruralqa index --full` to rebuild it"
_COLUMNS = ("id", "text", "heading", "kind", "file", "title", "region", "paragraph", "line_start", "line_end",
            "char_start", "char_end", "page")


def fingerprint(model_id: str, dim: int, chunking: dict) -> str:
    """What decides what the vectors and chunks mean; two indexes with the same fingerprint are interchangeable."""
    blob = json.dumps({"schema": SCHEMA_VERSION, "model": model_id, "dim": dim, "chunking": chunking},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _fault(point: str) -> None:
    """Crash-safety tests set RURALQA_FAULT to a point name; the process then dies there as if killed."""
    if os.environ.get("RURALQA_FAULT") == point:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


# ---------------------------------------------------------------- locking


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """One writer at a time. flock is released by the kernel when its holder dies, so a stale lock never blocks."""
    import fcntl

    root.mkdir(parents=True, exist_ok=True)
    fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise IndexLocked(f"the index in {root} is being updated by process {holder}; "
                              "wait for it to finish and try again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


# ---------------------------------------------------------------- reading


def check_root(root: Path) -> None:
    """Refuse to treat a folder that holds something else as an index (nothing in it is ever deleted)."""
    if not root.exists():
        return
    if not root.is_dir():
        raise ForeignIndexDir(f"{root} is a file, not an index folder; move it away or pass --index DIR")
    ours = {CURRENT, LOCK, CURRENT + ".tmp"}
    for entry in root.iterdir():
        if entry.name not in ours and not entry.name.startswith(("gen-", ".tmp-")):
            raise ForeignIndexDir(f"{root} holds {entry.name!r}, which is not part of a ruralqa index; "
                                  "move it away or pass --index DIR")


def current_generation(root: Path) -> Path:
    check_root(root)
    pointer = root / CURRENT
    if not pointer.exists():
        raise IndexMissing(f"no index in {root}; run `ruralqa index` to build it")
    name = pointer.read_text(encoding="utf-8").strip()
    gen = root / name
    if not name.startswith("gen-") or not gen.is_dir():
        raise IndexCorrupt(f"{pointer} names {name!r}, which is not a generation folder; {FIX_FULL}")
    return gen


def read_manifest(gen: Path) -> dict:
    try:
        manifest = json.loads((gen / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorrupt(f"{gen / MANIFEST} is missing; {FIX_FULL}") from None
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise IndexCorrupt(f"{gen / MANIFEST} is damaged; {FIX_FULL}") from None
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA_VERSION:
        raise IndexMismatch(f"the index in {gen.parent} has schema {manifest.get('schema')!r}, this ruralqa "
                            f"reads schema {SCHEMA_VERSION}; {FIX_FULL}")
    return manifest


def verify_files(gen: Path, manifest: dict, full: bool | None = None) -> list[str]:
    """Problems with the generation's files: missing, truncated (size) or altered (SHA-256)."""
    files = manifest.get("index_files", {})
    total = sum(meta["size"] for meta in files.values())
    full = total <= FULL_HASH_LIMIT if full is None else full
    problems = []
    for rel, meta in files.items():
        path = gen / rel
        if not path.exists():
            problems.append(f"{rel} is missing")
        elif path.stat().st_size != meta["size"]:
            problems.append(f"{rel} is truncated or altered (size {path.stat().st_size}, expected {meta['size']})")
        elif full and sha256_file(path) != meta["sha256"]:
            problems.append(f"{rel} is altered (checksum differs)")
    return problems


@dataclass
class Index:
    """A loaded generation. Vectors, metadata and BM25 arrays are opened lazily and memory-mapped."""

    folder: Path
    manifest: dict
    _faiss: object = None
    _db: sqlite3.Connection | None = None
    _bm25: object = None
    _cache: dict = field(default_factory=dict)

    @property
    def model_id(self) -> str:
        return self.manifest["model"]["id"]

    @property
    def size(self) -> int:
        return int(self.manifest["counts"]["chunks"])

    @property
    def faiss(self):
        if self._faiss is None:
            import faiss

            try:
                self._faiss = faiss.read_index(str(self.folder / "faiss.index"), faiss.IO_FLAG_MMAP
                                               if self.manifest["faiss"]["type"] == "flat" else 0)
            except RuntimeError as exc:
                raise IndexCorrupt(f"{self.folder / 'faiss.index'} cannot be read ({exc}); {FIX_FULL}") from None
            params = self.manifest["faiss"]
            if params["type"] == "hnsw":
                self._faiss.hnsw.efSearch = params.get("ef_search", 256)
            elif params["type"] == "ivf":
                self._faiss.nprobe = params.get("nprobe", 64)
        return self._faiss

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            uri = (self.folder / "chunks.sqlite").resolve().as_uri() + "?mode=ro&immutable=1"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        return self._db

    @property
    def bm25(self):
        if self._bm25 is None:
            from ruralqa.lexical import Bm25Index

            self._bm25 = Bm25Index(self.folder)
        return self._bm25

    def vectors(self, mmap: bool = True) -> np.ndarray:
        return np.load(self.folder / "vectors.npy", mmap_mode="r" if mmap else None)

    def chunks(self, rows: list[int]) -> list[Chunk]:
        """Chunks by FAISS row number, in the order asked."""
        missing = [r for r in rows if r not in self._cache]
        if missing:
            marks = ",".join("?" * len(missing))
            sql = f"SELECT row, {', '.join(_COLUMNS)} FROM chunks WHERE row IN ({marks})"
            for rec in self.db.execute(sql, missing):
                self._cache[rec[0]] = _chunk_from_row(rec[1:])
        return [self._cache[r] for r in rows]

    def all_chunks(self) -> list[Chunk]:
        sql = f"SELECT {', '.join(_COLUMNS)} FROM chunks ORDER BY row"
        return [_chunk_from_row(rec) for rec in self.db.execute(sql)]

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _chunk_from_row(rec) -> Chunk:
    d = dict(zip(_COLUMNS, rec))
    citation = Citation(file=d["file"], title=d["title"], region=d["region"], paragraph=d["paragraph"],
                        line_start=d["line_start"], line_end=d["line_end"], char_start=d["char_start"],
                        char_end=d["char_end"], page=d["page"])
    return Chunk(id=d["id"], text=d["text"], heading=d["heading"], kind=d["kind"], citation=citation)


def load(root: Path, model_id: str | None = None, chunking: dict | None = None, verify: bool = True) -> Index:
    """Open the live generation, refusing one built with another model or chunking, or damaged."""
    for attempt in range(2):
        gen = current_generation(root)
        try:
            manifest = read_manifest(gen)
            break
        except IndexCorrupt:
            if attempt or current_generation(root) == gen:
                raise
            # A writer swapped generations while we were reading: read the new one.
    if model_id is not None and manifest["model"]["id"] != model_id:
        raise IndexMismatch(f"the index was built with model {manifest['model']['id']!r}, not {model_id!r}; "
                            f"run `ruralqa index --full --model {model_id}` to rebuild it, or drop --model")
    if chunking is not None and manifest["chunking"] != chunking:
        raise IndexMismatch(f"the index was built with chunking {manifest['chunking']}, not {chunking}; "
                            f"{FIX_FULL} with these settings")
    if verify:
        problems = verify_files(gen, manifest)
        if problems:
            raise IndexCorrupt(f"the index in {root} is damaged: {problems[0]}; {FIX_FULL}")
    return Index(folder=gen, manifest=manifest)


# ---------------------------------------------------------------- writing


def write_chunks_db(path: Path, chunks: list[Chunk]) -> None:
    db = sqlite3.connect(path)
    cols = ", ".join(_COLUMNS)
    db.execute(f"CREATE TABLE chunks (row INTEGER PRIMARY KEY, {cols})")
    db.executemany(
        f"INSERT INTO chunks VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
        ((i, c.id, c.text, c.heading, c.kind, c.citation.file, c.citation.title, c.citation.region,
          c.citation.paragraph, c.citation.line_start, c.citation.line_end, c.citation.char_start,
          c.citation.char_end, c.citation.page) for i, c in enumerate(chunks)),
    )
    db.execute("CREATE INDEX chunks_id ON chunks(id)")
    db.commit()
    db.close()


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(root: Path, fill: Callable[[Path], dict]) -> Path:
    """Build a generation with `fill(tmp) -> manifest fields`, then make it live atomically.

    Must be called under writer_lock. The manifest, with checksums of every file, is written last.
    """
    check_root(root)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".tmp-*"):  # left by a killed update; the lock says nobody else is writing
        shutil.rmtree(stale, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    manifest = fill(tmp)
    files = {}
    for path in sorted(tmp.rglob("*")):
        if path.is_file():
            rel = path.relative_to(tmp).as_posix()
            files[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    manifest.update(schema=SCHEMA_VERSION, ruralqa=__version__, created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    index_files=files)
    _fault("write:manifest")
    (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    _fsync_tree(tmp)
    gen = root / _next_generation(root)
    os.rename(tmp, gen)
    _fault("before-swap")
    pointer_tmp = root / (CURRENT + ".tmp")
    pointer_tmp.write_text(gen.name + "\n", encoding="utf-8")
    with open(pointer_tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(pointer_tmp, root / CURRENT)
    _fsync_dir(root)
    _prune(root, keep={gen.name})
    return gen


def _next_generation(root: Path) -> str:
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _prune(root: Path, keep: set[str]) -> None:
    """Keep the live generation and the one before it, for readers that opened it just before the swap."""
    gens = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------- FAISS

EXACT_LIMIT = 100_000  # below this, exact search answers one question in < 20 ms here and loses nothing


def build_faiss(vectors: np.ndarray, kind: str | None = None) -> tuple[object, dict]:
    """Inner product over normalized vectors: exact (flat) for small corpora, IVF for large ones.

    IVF rather than HNSW, by measurement at 1M vectors on 2 cores (benchmarks/ann_probe.py): IVF4096,Flat built in
    66 s with recall@10 1.0 at nprobe 32-64 (< 2 ms a question); HNSW32 took 192 s to build and reached recall@10
    0.83 at efSearch 256 on the same near-duplicate-rich vectors, which reports repeating each other produce.
    """
    import faiss

    n, dim = vectors.shape
    kind = kind or ("flat" if n < EXACT_LIMIT else "ivf")
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
        params = {"type": "flat"}
    elif kind == "ivf":
        nlist = int(min(65536, max(64, 2 ** round(np.log2(4 * np.sqrt(n))))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(0).choice(n, size=min(n, 40 * nlist), replace=False)
        index.train(vectors[np.sort(sample)])
        params = {"type": "ivf", "nlist": nlist, "nprobe": 64}
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 64
        params = {"type": "hnsw", "M": 32, "ef_construction": 64, "ef_search": 256}
    else:
        raise ValueError(f"unknown FAISS index type {kind!r}")
    for a in range(0, n, 100_000):
        index.add(vectors[a:a + 100_000])
    return index, params


def search_vectors(index: Index, query: np.ndarray, k: int) -> list[tuple[int, float]]:
    if index.size == 0:
        return []
    scores, rows = index.faiss.search(np.asarray(query, dtype=np.float32).reshape(1, -1), min(k, index.size))
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0]) if r >= 0]

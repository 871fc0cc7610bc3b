"""Dense vectors: vectors.npy (the embeddings, reused by updates) and faiss.index (searched). The only code that
writes or reads either file."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ruralqa.errors import IndexCorrupt
from ruralqa.index.manifest import FIX_REPAIR

VECTORS = "vectors.npy"
FAISS = "faiss.index"
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


BLOCK_ROWS = 4096  # vectors are checksummed in blocks of this many rows, so that reused rows can be verified


def block_hashes(vectors: np.ndarray) -> list[str]:
    """SHA-256 (first 16 hex digits) of each block of BLOCK_ROWS rows, as stored (float32)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    return [hashlib.sha256(vectors[a:a + BLOCK_ROWS].tobytes()).hexdigest()[:16]
            for a in range(0, len(vectors), BLOCK_ROWS)]


def write_vectors(folder: Path, vectors: np.ndarray) -> list[str]:
    """Save the vectors; returns their block checksums for the manifest."""
    np.save(folder / VECTORS, vectors)
    return block_hashes(vectors)


def write_faiss(folder: Path, vectors: np.ndarray) -> dict:
    """Build and save the FAISS index; returns its parameters for the manifest."""
    import faiss

    index, params = build_faiss(vectors)
    faiss.write_index(index, str(folder / FAISS))
    return params


class DenseStore:
    """The saved vectors of one generation, opened lazily: flat indexes are memory-mapped."""

    def __init__(self, folder: Path, params: dict, size: int):
        self.folder, self.params, self.size = folder, params, size
        self._faiss = None

    @property
    def faiss(self):
        if self._faiss is None:
            import faiss

            from ruralqa import threads

            threads.set_on(faiss)
            path = self.folder / FAISS
            try:
                self._faiss = faiss.read_index(str(path), faiss.IO_FLAG_MMAP if self.params["type"] == "flat" else 0)
            except RuntimeError as exc:
                raise IndexCorrupt(f"{path} cannot be read ({exc}); {FIX_REPAIR}") from None
            if self.params["type"] == "hnsw":
                self._faiss.hnsw.efSearch = self.params.get("ef_search", 256)
            elif self.params["type"] == "ivf":
                self._faiss.nprobe = self.params.get("nprobe", 64)
        return self._faiss

    def vectors(self, mmap: bool = True) -> np.ndarray:
        return np.load(self.folder / VECTORS, mmap_mode="r" if mmap else None)

    def damaged_rows(self, rows: set[int], hashes: list[str]) -> set[int]:
        """Those of `rows` whose block no longer matches its checksum (all of them if the file cannot be read)."""
        if not hashes:
            return set()  # an index written before blocks were checksummed: its files' checksums vouch for it
        try:
            vectors = self.vectors()
        except (OSError, ValueError):
            return set(rows)
        bad = set()
        for block in sorted({r // BLOCK_ROWS for r in rows}):
            a = block * BLOCK_ROWS
            stored = np.ascontiguousarray(vectors[a:a + BLOCK_ROWS], dtype=np.float32).tobytes()
            if block >= len(hashes) or hashlib.sha256(stored).hexdigest()[:16] != hashes[block]:
                bad.update(r for r in rows if r // BLOCK_ROWS == block)
        return bad

    def search(self, query: np.ndarray, k: int, rows: np.ndarray | None = None,
               exclude: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, inner product) of the k nearest vectors, among `rows` when given, never one of `exclude`."""
        if self.size == 0 or (rows is not None and len(rows) == 0):
            return []
        query = np.asarray(query, dtype=np.float32).reshape(1, -1)
        if self.params["type"] == "flat":
            return self._exact(query[0], k, rows, exclude)
        params = None
        if rows is not None or (exclude is not None and len(exclude)):
            import faiss

            batch = faiss.IDSelectorBatch(np.asarray(rows if rows is not None else exclude, dtype=np.int64))
            selector = batch if rows is not None else faiss.IDSelectorNot(batch)
            # SearchParametersIVF carries its own nprobe (default 1), which replaces the index's
            params = faiss.SearchParametersIVF(sel=selector, nprobe=self.params.get("nprobe", 64)) \
                if self.params["type"] == "ivf" else faiss.SearchParameters(sel=selector)
        k = min(k, self.size if rows is None else len(rows)) or 1
        scores, found = self.faiss.search(query, k, params=params)
        return [(int(r), float(s)) for r, s in zip(found[0], scores[0]) if r >= 0]

    def _exact(self, query: np.ndarray, k: int, rows: np.ndarray | None,
               exclude: np.ndarray | None) -> list[tuple[int, float]]:
        """A flat index's search as FAISS does it, inner products over every vector, with numpy over the memory-mapped
        vectors: a question then never imports FAISS (a tenth of a second of a fresh `ruralqa ask`)."""
        try:
            vectors = self.vectors()
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"{self.folder / VECTORS} cannot be read ({exc}); {FIX_REPAIR}") from None
        if vectors.shape != (self.size, len(query)):
            raise IndexCorrupt(f"{self.folder / VECTORS} holds {vectors.shape[0]} vectors, not {self.size}; {FIX_REPAIR}")
        every = rows is None and (exclude is None or not len(exclude))
        ids = np.arange(len(vectors)) if rows is None else np.asarray(rows, dtype=np.int64)
        if not every and exclude is not None:
            ids = np.setdiff1d(ids, np.asarray(exclude, dtype=np.int64))
        if not len(ids):
            return []
        scores = (vectors if every else vectors[ids]) @ query
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((ids[top], -scores[top]))]  # best first; ties by row, as FAISS gives them
        return [(int(ids[i]), float(scores[i])) for i in top]

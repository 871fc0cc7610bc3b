"""The measurement behind ruralqa's choice of FAISS index above 100,000 passages: exact, IVF and HNSW at 1M
vectors that are mixtures of a few hundred directions (near-duplicates, as reports that repeat each other's
sentences produce). Prints build time, recall@10 against exact search and single-query latency.

    python benchmarks/ann_probe.py [--hnsw]      # HNSW adds ~4 minutes of build time
"""
import sys
import time

import faiss
import numpy as np

rng = np.random.default_rng(0)
d, n = 384, 1_000_000
base = rng.standard_normal((300, d)).astype("float32")
base /= np.linalg.norm(base, axis=1, keepdims=True)
pairs = rng.integers(0, 300, (n, 2))
x = base[pairs[:, 0]] * 0.6 + base[pairs[:, 1]] * 0.4 + rng.standard_normal((n, d)).astype("float32") * 0.03
x /= np.linalg.norm(x, axis=1, keepdims=True)
q = x[rng.integers(0, n, 100)] + rng.standard_normal((100, d)).astype("float32") * 0.05
q /= np.linalg.norm(q, axis=1, keepdims=True)


def probe(index, name, setter, values):
    for v in values:
        setter(v)
        times, recalls = [], []
        for j in range(len(q)):
            t = time.perf_counter()
            _, r = index.search(q[j:j + 1], 10)
            times.append(time.perf_counter() - t)
            recalls.append(len(set(r[0]) & set(truth[j])) / 10)
        print(f"{name} {v}: recall@10 {np.mean(recalls):.3f}, p50 {np.median(times) * 1000:.2f} ms", flush=True)


flat = faiss.IndexFlatIP(d)
flat.add(x)
_, truth = flat.search(q, 10)
t = time.perf_counter()
for j in range(10):
    flat.search(q[j:j + 1], 10)
print(f"exact: {(time.perf_counter() - t) * 100:.0f} ms per question", flush=True)
del flat

t = time.perf_counter()
ivf = faiss.index_factory(d, "IVF4096,Flat", faiss.METRIC_INNER_PRODUCT)
ivf.train(x[rng.choice(n, 160_000, replace=False)])
ivf.add(x)
print(f"IVF4096,Flat build {time.perf_counter() - t:.0f} s", flush=True)
probe(ivf, "IVF nprobe", lambda v: setattr(ivf, "nprobe", v), (16, 32, 64, 128))
del ivf

if "--hnsw" in sys.argv:
    t = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(d, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = 64
    hnsw.add(x)
    print(f"HNSW32 build {time.perf_counter() - t:.0f} s", flush=True)
    probe(hnsw, "HNSW efSearch", lambda v: setattr(hnsw.hnsw, "efSearch", v), (64, 128, 256))

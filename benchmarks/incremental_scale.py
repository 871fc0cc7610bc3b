"""Adding, changing and removing one report in a local index of a million passages (the segment path), and what
the appended segment costs queries.

    python benchmarks/incremental_scale.py                    # 1,000,000 passages; ~10 min, ~8 GB RAM here
    python benchmarks/incremental_scale.py --passages 100000 --optimize

The base index is synthetic, as in benchmarks/run.py's scale table (embedding a million passages would take
~14 hours on 2 cores): N/100 report files of 100 passages each, every passage 2-3 real sentences of the seed reports
under one of 3000 made-up county names, its vector the mean of those sentences' real e5 vectors plus a little
noise, its BM25 tokens those sentences' real tokens. The base generation is written with the index's own segment
writer and a manifest that lists every file as indexed, so `ruralqa index` sees them as unchanged. Each update
then runs the real `ruralqa index` code in this process with the real bundled model: the added report is a copy
of the shipped 万荣县 report (chunked and embedded for real), the changed one a base report with one passage
edited (the added one: base passages' ids are not the chunker's), the removed one a base report deleted. Timings are per phase, from the progress callback.

Writes benchmarks/results-incremental.md and .json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ASK, Synthetic, machine, pct, peak_rss_mb, questions, timed_cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PER_REPORT = 100


def build_base(ws: Path, n: int) -> dict:
    """A corpus of n/PER_REPORT synthetic reports and its index of n passages, as `ruralqa index` would leave it."""
    from ruralqa.build import _entry_hash
    from ruralqa.config import ChunkSettings
    from ruralqa.corpus.ingest import sha256_file
    from ruralqa.index import Manifest, ReportRecord, layout, lexical, segment
    from ruralqa.types import Chunk, Citation

    t0 = time.perf_counter()
    syn = Synthetic(n)
    counties = syn.counties
    vectors = syn.vectors()
    corpus = ws / "corpus"
    corpus.mkdir(parents=True)
    chunks, tokens, reports = [], [], {}
    chunking = ChunkSettings().as_dict()
    for r in range(n // PER_REPORT):
        county = counties[r % len(counties)]
        rel = f"r{r:05d}.txt"
        lines = [county + "乡村振兴工作报告"]
        for i in range(r * PER_REPORT, (r + 1) * PER_REPORT):
            lines.append(syn.text(i))
        text = "\n".join(lines) + "\n"
        (corpus / rel).write_text(text, encoding="utf-8")
        offset = len(lines[0]) + 1
        for p, line in enumerate(lines[1:], start=2):
            i = r * PER_REPORT + p - 2
            chunks.append(Chunk(id=f"s{i}", text=line, heading="", kind="body", citation=Citation(
                file=rel, title=lines[0], region=county, paragraph=p, line_start=p, line_end=p,
                char_start=offset, char_end=offset + len(line))))
            tokens.append([county] + syn.tokens(i))
            offset += len(line) + 1
        reports[rel] = ReportRecord(sha256=sha256_file(corpus / rel), catalog=_entry_hash(None), format="txt",
                                    encoding="utf-8", chunks=PER_REPORT, chars=len(text), title=lines[0],
                                    place=county)
    synth_s = time.perf_counter() - t0
    t = time.perf_counter()
    root = ws / "index"
    with layout.staging(root) as tmp:
        record, _ = segment.write(tmp / segment.next_name([]), chunks, vectors, lambda: tokens)
        lexical.write_dictionary(tmp, lexical.dictionary_entries(tokens, set(counties), syn.tok))
        manifest = Manifest(model_id=syn.model_id, dim=int(vectors.shape[1]), chunking=chunking, dense=record.dense,
                            chunks=n, reports=reports, regions=sorted(counties), places=sorted(counties),
                            files=layout.checksums(tmp), segments=[record])
        manifest.save(tmp)
        layout.publish(root, tmp)
    return {"passages": n, "reports": len(reports), "synthesize_s": round(synth_s, 1),
            "write_s": round(time.perf_counter() - t, 1), "index_type": record.dense["type"]}


def timed_update(ws: Path, **kw) -> dict:
    """One real `ruralqa index` update in this process, with the time spent in each phase."""
    from ruralqa.build import update_index
    from ruralqa.config import resolve

    marks: list[tuple[str, float]] = []

    def mark(phase: str) -> None:
        if not marks or marks[-1][0] != phase:
            marks.append((phase, time.perf_counter()))

    def say(line: str) -> None:  # "embedding N new passages …" and "writing index …" start those phases
        mark("embedding" if line.startswith("embedding") else "writing" if line.startswith("writing") else "planning")

    t0 = time.perf_counter()
    s = update_index(resolve(cwd=ws), progress=lambda phase, done, total: mark(
        "planning" if phase == "reading reports" else "embedding" if phase.startswith("embedding") else "writing"),
        say=say, **kw)
    end = time.perf_counter()
    phases = {}
    starts = [("opening the index, loading the model", t0)] + marks
    for (name, a), (_, b) in zip(starts, starts[1:] + [("", end)]):
        phases[name] = round(phases.get(name, 0) + b - a, 2)
    return {"seconds": round(end - t0, 2), "phases_s": phases, "embedded": s.chunks_embedded,
            "removed": s.chunks_removed, "total": s.chunks_total, "index_type": s.index_type,
            "added": s.reports_added, "changed": s.reports_changed, "removed_reports": s.reports_removed}


def query_latency(ws: Path) -> dict:
    """Warm BM25 and hybrid latency over the question set (question vectors computed beforehand)."""
    from ruralqa.embed import E5Embedder
    from ruralqa.index import Index
    from ruralqa.query import Query
    from ruralqa.search import search
    from ruralqa.text.normalize import normalize

    qs = questions()
    emb = E5Embedder()
    vecs = {normalize(q): v for q, v in zip(qs, emb.embed_queries(qs))}

    class Fixed:
        model_id = emb.model_id

        def embed_queries(self, texts):
            return vecs[texts[0]][None, :]

    out = {}
    with Index.open(ws / "index") as index:
        out["segments"], out["deleted"] = len(index.manifest.segments), index.manifest.deleted
        for name, run in (("index_bm25", lambda q: index.search_lexical(index.tokens(q), 50)),
                          ("index_dense", lambda q: index.search_dense(vecs[normalize(q)], 50))):
            run(qs[0])
            ms = []
            for q in qs:
                t = time.perf_counter()
                run(q)
                ms.append((time.perf_counter() - t) * 1000)
            out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = round(pct(ms, 50), 2), round(pct(ms, 95), 2)
        for mode in ("bm25", "hybrid"):
            search(index, Query.parse(qs[0], index), Fixed(), mode=mode)
            ms = []
            for q in qs:
                t = time.perf_counter()
                search(index, Query.parse(q, index), Fixed(), mode=mode, k=5)
                ms.append((time.perf_counter() - t) * 1000)
            out[f"{mode}_p50_ms"], out[f"{mode}_p95_ms"] = round(pct(ms, 50), 2), round(pct(ms, 95), 2)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--passages", type=int, default=1_000_000)
    ap.add_argument("--optimize", action="store_true", help="also time `index --optimize` (a full rewrite)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-incremental")
    args = ap.parse_args()
    res: dict = {"machine": machine()}
    with tempfile.TemporaryDirectory(prefix="ruralqa-incr-") as tmp:
        ws = Path(tmp)
        print(f"building a base of {args.passages} passages", file=sys.stderr, flush=True)
        res["base"] = build_base(ws, args.passages)
        res["base"]["peak_rss_mb"] = round(peak_rss_mb())
        res["queries_before"] = query_latency(ws)
        corpus = ws / "corpus"
        print("adding one report", file=sys.stderr, flush=True)
        shutil.copy(ROOT / "corpus" / "000_15376a063cec32eb.txt", corpus / "added.txt")
        res["add"] = timed_update(ws)
        print("changing one report", file=sys.stderr, flush=True)
        path = corpus / "added.txt"
        path.write_text(path.read_text(encoding="utf-8").replace("3亿元", "4亿元", 1), encoding="utf-8")
        res["change"] = timed_update(ws)
        print("removing one report", file=sys.stderr, flush=True)
        (corpus / "r00011.txt").unlink()
        res["remove"] = timed_update(ws)
        res["noop"] = timed_update(ws)
        res["queries_after"] = query_latency(ws)
        asks = [timed_cli(["ask", ASK, "--json"], ws) for _ in range(5)]
        answer = json.loads(asks[-1][2])
        res["ask_after"] = {"median_s": round(statistics.median(a[0] for a in asks), 2),
                            "peak_rss_mb": round(max(a[1] for a in asks)),
                            "answer": (answer.get("answer") or {}).get("text")}
        if args.optimize:
            print("optimizing", file=sys.stderr, flush=True)
            res["optimize"] = timed_update(ws, optimize=True)
        res["peak_rss_mb"] = round(peak_rss_mb())
    args.out.with_suffix(".json").write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    args.out.with_suffix(".md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))
    return 0


def markdown(res: dict) -> str:
    m, b = res["machine"], res["base"]
    lines = [f"Machine: {m.get('cores', '?')} cores, Python {m.get('python', '?')}, {m.get('date', '')}. "
             f"Base: {b['passages']:,} synthetic passages in {b['reports']:,} report files, "
             f"{b['index_type']} FAISS index (see benchmarks/incremental_scale.py).", "",
             "| update | seconds | embedded | passages marked deleted | phases (s) |", "|---|---|---|---|---|"]
    for key, label in (("add", "add one report (万荣县, real chunking and embedding)"),
                       ("change", "change one figure in that report"), ("remove", "remove one report"),
                       ("noop", "nothing changed"), ("optimize", "`index --optimize` (rewrite as one segment)")):
        if key in res:
            r = res[key]
            phases = ", ".join(f"{k} {v}" for k, v in r["phases_s"].items())
            lines.append(f"| {label} | {r['seconds']} | {r['embedded']} | {r['removed']} | {phases} |")
    qb, qa = res["queries_before"], res["queries_after"]
    lines += ["", "| warm query (question set) | segments | deleted | FAISS top-50 p50 / p95 ms | BM25 top-50 p50 / p95 ms "
              "| search, bm25 mode p50 / p95 ms | search, hybrid p50 / p95 ms |", "|---|---|---|---|---|---|---|"]
    for label, q in (("before the updates", qb), ("after them", qa)):
        lines.append(f"| {label} | {q['segments']} | {q['deleted']} | {q['index_dense_p50_ms']} / "
                     f"{q['index_dense_p95_ms']} | {q['index_bm25_p50_ms']} / {q['index_bm25_p95_ms']} | "
                     f"{q['bm25_p50_ms']} / {q['bm25_p95_ms']} | {q['hybrid_p50_ms']} / {q['hybrid_p95_ms']} |")
    lines += ["",
              f"`ruralqa ask \"{ASK}\"` on the updated index, fresh process: median {res['ask_after']['median_s']} s "
              f"of 5, peak {res['ask_after']['peak_rss_mb']} MB, answer {res['ask_after']['answer']}. "
              f"Hybrid latency excludes embedding the question. Peak RSS of the benchmark process "
              f"{res['peak_rss_mb']} MB."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

"""Parity of the two stores: the same corpus and question set on the local FAISS index and on Milvus Lite.

    python benchmarks/parity.py WS eval/questions.jsonl [more.jsonl …]

WS is a folder with corpus/ and a built local index/ (`ruralqa index` there). The Milvus store WS/milvus.db is
built from the same corpus; passages whose text the local index already embedded take their vectors from it (same
model, same text: embedding 9,000 passages again would take ~12 minutes here and give the same vectors). Prints, per
question set, hit@k, answer accuracy and wrong-answer rate on each store, and how many answers and first
citations are identical. Writes benchmarks/results-parity.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ruralqa import evaluate  # noqa: E402
from ruralqa.build import update_index  # noqa: E402
from ruralqa.config import resolve  # noqa: E402
from ruralqa.embed import get_embedder  # noqa: E402
from ruralqa.index import Index  # noqa: E402
from ruralqa.index.milvus import MilvusIndex, parse_store  # noqa: E402


class StoredVectors:
    """The local index's vectors by passage text, the real model for anything else."""

    def __init__(self, index: Index):
        self.model_id = index.model_id
        self.real = get_embedder(index.model_id)
        vectors = np.asarray(index.vectors())
        self.known = {c.embed_text: vectors[i] for i, c in enumerate(index.all_chunks())}
        self.dim = vectors.shape[1]
        self.embedded = 0

    def embed_queries(self, texts):
        return self.real.embed_queries(texts)

    def embed_passages(self, texts, progress=None):
        missing = [t for t in texts if t not in self.known]
        if missing:
            self.embedded += len(missing)
            self.known.update(zip(missing, self.real.embed_passages(missing)))
        if progress:
            progress(len(texts), len(texts))
        return np.stack([self.known[t] for t in texts])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("ws", type=Path)
    ap.add_argument("questions", type=Path, nargs="+")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-parity.md")
    args = ap.parse_args()
    ws = args.ws.resolve()
    local_settings = resolve(cwd=ws)
    milvus_settings = resolve(cwd=ws, store="milvus:milvus.db")
    with Index.open(local_settings.index_dir) as local:
        embedder = StoredVectors(local)
    t = time.perf_counter()
    summary = update_index(milvus_settings, embedder=embedder, full=True)
    build_s = time.perf_counter() - t
    print(f"Milvus Lite store built: {summary.chunks_total} passages in {build_s:.1f} s "
          f"({embedder.embedded} embedded afresh)", file=sys.stderr)
    lines = [f"# Store parity: local FAISS vs Milvus Lite ({ws.name}: {summary.chunks_total} passages)", "",
             "| questions | store | hit@1 | hit@3 | hit@5 | mrr@10 | answer accuracy | wrong answers | declined "
             "(unanswerable) | same answer | same first citation |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for path in args.questions:
        qs = evaluate.load_questions(path)
        with Index.open(local_settings.index_dir) as local:
            a = evaluate.run(local, qs)
        with MilvusIndex.open(parse_store(milvus_settings.store)) as store:
            b = evaluate.run(store, qs)
            firsts_b = _firsts(store, qs)
        with Index.open(local_settings.index_dir) as local:
            firsts_a = _firsts(local, qs)
        same_answer = sum(x["answer"] == y["answer"] for x, y in zip(a.rows, b.rows))
        same_cite = sum(x == y for x, y in zip(firsts_a, firsts_b))
        for name, rep in (("local FAISS", a), ("Milvus Lite", b)):
            m = rep.metrics
            extra = f"{same_answer}/{len(qs)} | {same_cite}/{len(qs)}" if name == "Milvus Lite" else " | "
            lines.append(f"| {path.name} ({len(qs)}) | {name} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | "
                         f"{m['hit@5']:.3f} | {m['mrr@10']:.3f} | {m['answer_accuracy']:.3f} | "
                         f"{m['wrong_rate']:.3f} | {m['declined_rate']:.3f} | {extra} |")
        diffs = [(x["question"], x["answer"], y["answer"]) for x, y in zip(a.rows, b.rows) if x["answer"] != y["answer"]]
        for q, x, y in diffs:
            print(f"  differs: {q}: local {x!r}, milvus {y!r}", file=sys.stderr)
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


def _firsts(index, qs) -> list[tuple]:
    from ruralqa.qa import answer_question

    out = []
    for q in qs:
        r = answer_question(index, q.question)
        c = r.answer.citation if r.answer else (r.hits[0].chunk.citation if r.hits else None)
        out.append((c.file, c.row, c.char_start, c.char_end) if c else None)
    return out


if __name__ == "__main__":
    main()

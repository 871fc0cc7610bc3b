"""Build throughput: passages per second for the embedding step alone and for a whole `ruralqa index` run.

    python benchmarks/embed_throughput.py --corpus DIR [--model NAME_OR_FOLDER] [--device cpu|cuda]
                                          [--store milvus:/tmp/x.db] [--passages 512]

The embedding step embeds the first --passages passages of the corpus (as chunked for the index) in one call,
the way an update hands them over (sentence-transformers sorts each window by length; on a GPU in fp16). End to
end is a full build of the corpus into a fresh store (local folder by default): read, chunk, embed, write.
Appends a line to benchmarks/results-embedding.md with the machine, model, device and both figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ruralqa.build import corpus_files, plan_update, update_index  # noqa: E402
from ruralqa.config import resolve  # noqa: E402
from ruralqa.embed import get_embedder  # noqa: E402
from ruralqa.types import IndexSummary  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--model", default=None)
    ap.add_argument("--device", default=None)
    ap.add_argument("--store", default=None, help="e.g. milvus:/tmp/bench.db (default: a local index folder)")
    ap.add_argument("--passages", type=int, default=512)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results-embedding.md")
    args = ap.parse_args()

    ws = Path(tempfile.mkdtemp(prefix="rq-embed-"))
    try:
        (ws / "corpus").symlink_to(args.corpus.resolve())
        settings = resolve(cwd=ws, model=args.model, device=args.device, store=args.store)
        files, _ = corpus_files(settings.corpus_dir)
        plan = plan_update(settings, files, None, IndexSummary(), delta=True)
        texts = [c.embed_text for c in plan.chunks][: args.passages]
        embedder = get_embedder(args.model, args.device)
        t = time.perf_counter()
        embedder.dim  # load the model
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        embedder.embed_passages(texts)
        embed_rate = len(texts) / (time.perf_counter() - t)

        summary = update_index(settings, embedder=get_embedder(args.model, args.device), full=True)
        e2e_rate = summary.chunks_total / summary.seconds
        device = getattr(embedder, "device", None) or "cpu"
        if getattr(embedder, "on_gpu", False):
            import torch

            device = f"{torch.cuda.get_device_name(0)} (fp16)"
        line = (f"| {time.strftime('%Y-%m-%d')} | {platform.processor() or platform.machine()}, {os.cpu_count()} "
                f"cores | {embedder.model_id} | {device} | {len(texts)} | {embed_rate:.1f} | "
                f"{args.store or 'local'} | {summary.chunks_total} | {summary.seconds:.1f} | {e2e_rate:.1f} | "
                f"{load_s:.2f} |")
        print(line)
        if not args.out.exists():
            args.out.write_text(
                "# Build throughput (benchmarks/embed_throughput.py)\n\n"
                "| date | machine | model | device | passages embedded | embedding passages/s | store | "
                "passages built | build s | end-to-end passages/s | model load s |\n"
                "|---|---|---|---|---|---|---|---|---|---|---|\n", encoding="utf-8")
        with open(args.out, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    finally:
        shutil.rmtree(ws, ignore_errors=True)


if __name__ == "__main__":
    main()

"""A fresh `ruralqa ask` on the seed index, on an idle machine and beside a busy one, with ruralqa's thread choice
(one OpenMP thread for a question on a small index) and with OpenMP's default (a thread per core).

    python benchmarks/busy.py [--runs 15]      # writes benchmarks/results-busy.md

"Busy" is two processes spinning on the CPU (one per core here), as another `ruralqa index` or any build would.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "万荣县香菇产值是多少"
SPIN = "while True: pass"


def ask(ws: Path, env: dict) -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "ruralqa", "ask", QUESTION, "--json"], cwd=ws, env=env,
                         capture_output=True, text=True, check=True).stdout
    wall = time.perf_counter() - start
    assert json.loads(out)["answer"]["text"] == "3亿元"
    return wall


def measure(ws: Path, runs: int, threads: str | None, busy: bool) -> dict:
    # PYTHONDONTWRITEBYTECODE (set on these machines) would make every run compile ruralqa's modules again
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "PYTHONDONTWRITEBYTECODE")}
    env["HF_HUB_OFFLINE"] = "1"
    if threads:
        env["OMP_NUM_THREADS"] = threads
    spinners = [subprocess.Popen([sys.executable, "-c", SPIN]) for _ in range(os.cpu_count() or 2)] if busy else []
    try:
        time.sleep(0.5 if busy else 0)
        ask(ws, env)  # warms the disk cache
        walls = [ask(ws, env) for _ in range(runs)]
    finally:
        for p in spinners:
            p.kill()
            p.wait()
    return {"median_s": round(statistics.median(walls), 3), "p90_s": round(sorted(walls)[int(0.9 * (runs - 1))], 3),
            "max_s": round(max(walls), 3), "runs": runs}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        shutil.copytree(ROOT / "corpus", ws / "corpus")
        subprocess.run([sys.executable, "-m", "ruralqa", "-q", "index"], cwd=ws, check=True,
                       env={**os.environ, "HF_HUB_OFFLINE": "1"})
        cores = str(os.cpu_count() or 2)
        rows = []
        for busy in (False, True):
            for label, threads in (("ruralqa's choice (1 thread)", None), (f"OpenMP default ({cores} threads)", cores)):
                print(f"  {'busy' if busy else 'idle'} machine, {label}", file=sys.stderr, flush=True)
                rows.append({"machine": "beside a busy process" if busy else "idle", "threads": label,
                             **measure(ws, args.runs, threads, busy)})
    lines = [f"Fresh-process `ruralqa ask \"{QUESTION}\"` on the seed index, {os.cpu_count()} cores, "
             f"{time.strftime('%Y-%m-%d')} (`python benchmarks/busy.py --runs {args.runs}`):", "",
             "| machine | threads | median s | p90 s | max s | runs |", "|---|---|---|---|---|---|"]
    lines += [f"| {r['machine']} | {r['threads']} | {r['median_s']} | {r['p90_s']} | {r['max_s']} | {r['runs']} |"
              for r in rows]
    (ROOT / "benchmarks" / "results-busy.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

"""Load on `ruralqa serve`: concurrent clients ask questions while a re-index publishes a new generation halfway.

    python benchmarks/serve_load.py WS [--clients 20] [--questions 2000]

WS is a folder with corpus/ and a built index/. The server runs in its own process on a free loopback port; the
clients are threads with their own HTTP connections (httpx). Halfway through, a report is added to WS/corpus and
`ruralqa index` runs, so the server must switch generations under load; the report is removed again at the end (and
the index updated). Prints p50/p95 latency, throughput and errors as a Markdown row.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

QUESTIONS = ["万荣县香菇产值是多少", "云冈区共有多少个行政村", "盐湖区群众满意率是多少", "甘肃2024年粮食产量是多少",
             "河南2025年粮食产量是多少", "2025年农村居民人均可支配收入增长多少", "万荣县有多少座菇棚", "高标准农田建设"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    import httpx

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ws", type=Path)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--questions", type=int, default=2000)
    ap.add_argument("--distinct", action="store_true", help="make every question different (no answer cache hits)")
    args = ap.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "ruralqa", "-q", "serve", "--port", str(port)], cwd=args.ws)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    httpx.get(base + "/api/ask", params={"q": QUESTIONS[0]}, timeout=30)  # the model and dictionary load once
    latencies, errors, generations = [], [], set()
    lock, counter = threading.Lock(), iter(range(args.questions))
    half = threading.Event()

    def client() -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                if n == args.questions // 2:
                    half.set()
                t = time.perf_counter()
                try:
                    q = QUESTIONS[n % len(QUESTIONS)] + (f" {n}" if args.distinct else "")
                    r = c.get("/api/ask", params={"q": q})
                    ok = r.status_code == 200 and "passages" in r.json()
                except httpx.HTTPError as exc:
                    ok, r = False, exc
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(ms)
                    if not ok:
                        errors.append(str(r))

    extra = args.ws / "corpus" / "load-test-report.txt"

    def reindex() -> None:
        half.wait()
        extra.write_text("稷山县乡村振兴\n稷山县板枣种植面积达12万亩。\n", encoding="utf-8")
        subprocess.run([sys.executable, "-m", "ruralqa", "-q", "index"], cwd=args.ws, check=True)
        generations.add(httpx.get(base + "/healthz").json()["generation"])

    generations.add(httpx.get(base + "/healthz").json()["generation"])
    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(args.clients)] + [threading.Thread(target=reindex)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    server.terminate()
    server.wait(10)
    extra.unlink(missing_ok=True)
    subprocess.run([sys.executable, "-m", "ruralqa", "-q", "index"], cwd=args.ws, check=True)
    lat = sorted(latencies)
    p95 = lat[int(0.95 * (len(lat) - 1))]
    print("| index | questions | clients | p50 ms | p95 ms | questions/s | errors | generations seen |")
    print("|---|---|---|---|---|---|---|---|")
    kind = "all different" if args.distinct else f"{len(QUESTIONS)} repeated"
    print(f"| {args.ws.name} | {len(lat)} ({kind}) | {args.clients} | {statistics.median(lat):.1f} | {p95:.1f} | "
          f"{len(lat) / wall:.1f} | {len(errors)} | {len(generations)} |")
    for e in errors[:5]:
        print("error:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

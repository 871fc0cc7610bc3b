"""Score question sets the way ../shared/eval/README.md says others scored them (right, imprecise, wrong, declined),
through the same library call as `ruralqa ask --json`.

    python eval/score_sets.py WS SET.jsonl [SET.jsonl ...] [--split test] [--json out.json] [--show-wrong]

WS is a folder holding corpus/ and index/ for the set's reports. Rules (from the shared README):
  right: the answer contains a gold answer and is at most 4 × its length + 12 characters long;
  imprecise: contains one but is longer (a whole sentence): neither right nor wrong;
  wrong: contains none; for an unanswerable question, any answer.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path


def _norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).replace("**", "").split())


def grade(answer: str | None, gold: list[str]) -> str:
    if not gold:
        return "declined" if answer is None else "wrong"
    if answer is None:
        return "declined"
    a = _norm(answer)
    for g in gold:
        if _norm(g) in a:
            return "right" if len(a) <= 4 * len(_norm(g)) + 12 else "imprecise"
    return "wrong"


def score(ws: Path, path: Path, split: str | None, show_wrong: bool) -> dict:
    from ruralqa.config import resolve
    from ruralqa.qa import answer_question
    from ruralqa.stores import open_index

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if not split or r.get("split") == split]
    out = defaultdict(lambda: defaultdict(int))
    with open_index(resolve(cwd=ws)) as index:
        for r in rows:
            result = answer_question(index, r["question"])
            shown = (getattr(result.answer, "shown", "") or result.answer.text) if result.answer else None
            g = grade(shown, r.get("answers", []))
            kind = "unanswerable" if not r.get("answers") else r.get("kind", "")
            out[kind][g] += 1
            out["all answerable" if r.get("answers") else "all unanswerable"][g] += 1
            if show_wrong and g == "wrong":
                print(f"  WRONG {r.get('id')} {r['question']} → {shown!r} (gold {r.get('answers')})", file=sys.stderr)
    return {k: dict(v) for k, v in out.items()}


def summary(counts: dict) -> dict:
    ans, un = counts.get("all answerable", {}), counts.get("all unanswerable", {})
    n = sum(ans.values())
    m = sum(un.values())
    return {"answerable": n, "right": round(ans.get("right", 0) / n, 3) if n else None,
            "wrong": round(ans.get("wrong", 0) / n, 3) if n else None,
            "imprecise": round(ans.get("imprecise", 0) / n, 3) if n else None,
            "unanswerable": m, "declined": round(un.get("declined", 0) / m, 3) if m else None,
            "per_kind": {k: round(v.get("right", 0) / sum(v.values()), 3) for k, v in counts.items()
                         if not k.startswith("all") and k != "unanswerable"}}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("ws", type=Path)
    ap.add_argument("sets", type=Path, nargs="+")
    ap.add_argument("--split", choices=["fit", "test"])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show-wrong", action="store_true")
    args = ap.parse_args()
    results = {}
    for path in args.sets:
        results[path.name] = summary(score(args.ws, path, args.split, args.show_wrong))
        print(path.name, json.dumps(results[path.name], ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

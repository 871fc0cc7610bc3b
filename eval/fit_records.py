"""Fit the record check's three weights, and the number of passages answers are read from, on the fit halves of the
team's sets, one after the other, and report them on their test halves: the share of a question's words a figure's
metric must hold (AnswerParams.min_metric_cover); the share of them a figure's passage must hold, its record fitting
besides (AnswerParams.record_coverage); the share of the words the reports use that a metric must hold when the
question's other words are none of the reports' (AnswerParams.everyday_cover, ruralqa.records.in_everyday_words);
then how many of the top passages give candidates (AnswerParams.top).

    python eval/fit_records.py SEED_WS COUNTY_WS PROVINCIAL_WS [BAODING_WS GAOYANG_WS]

Each WS is a folder with corpus/ and index/ (the shipped corpus, ../shared/realworld/county, ../shared/realworld/
corpus; the 保定 spreadsheet and 高阳 reports of ../shared/realworld/county2, whose sets join the fit when given).
The objective counts a wrong answer three times a right one: a wrong figure is the worst outcome.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from score_sets import grade  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SETS = [("eval/questions.jsonl", 0), ("eval/realworld/county.jsonl", 1), ("eval/realworld/provincial.jsonl", 2),
        ("eval/realworld/everyday.jsonl", 2), ("eval/everyday_seed.jsonl", 0),
        ("eval/realworld/everyday_county.jsonl", 1), ("eval/realworld/provincial_new.jsonl", 2),
        ("eval/realworld/provincial_new2.jsonl", 2), ("eval/realworld/provincial_new3.jsonl", 2),
        ("eval/realworld/provincial_new4.jsonl", 2), ("eval/realworld/provincial_new5.jsonl", 2),
        ("eval/realworld/provincial_new6.jsonl", 2), ("eval/realworld/provincial_new7.jsonl", 2),
        ("eval/realworld/provincial_new8.jsonl", 2), ("eval/realworld/provincial_new9.jsonl", 2),
        ("eval/realworld/village.jsonl", 1), ("eval/realworld/village2.jsonl", 1), ("eval/realworld/village3.jsonl", 1),
        ("eval/realworld/village4.jsonl", 1),
        ("eval/realworld/baoding.jsonl", 3),
        ("eval/realworld/baoding2.jsonl", 3), ("eval/realworld/baoding3.jsonl", 3),
        ("eval/realworld/baoding4.jsonl", 3), ("eval/realworld/baoding5.jsonl", 3),
        ("eval/realworld/baoding6.jsonl", 3), ("eval/realworld/baoding7.jsonl", 3), ("eval/realworld/baoding8.jsonl", 3),
        ("eval/realworld/baoding9.jsonl", 3),
        ("eval/realworld/gaoyang.jsonl", 4)]
GRIDS = {"min_metric_cover": (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6),
         "record_coverage": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55),
         "everyday_cover": (0.6, 0.7, 0.8, 0.9, 0.999),
         "top": (10, 8, 6, 5)}  # each grid runs from lenient to strict


def run(workspaces: list[Path], split: str, params) -> dict:
    from ruralqa.config import resolve
    from ruralqa.qa import answer_question
    from ruralqa.stores import open_index

    counts = {"right": 0, "wrong": 0, "declined": 0, "imprecise": 0, "n": 0, "un_declined": 0, "un": 0}
    for path, w in SETS:
        if w >= len(workspaces):
            continue  # the county2 sets, when their workspaces are not given
        rows = [json.loads(x) for x in (ROOT / path).read_text(encoding="utf-8").splitlines() if x.strip()]
        with open_index(resolve(cwd=workspaces[w])) as index:
            for r in rows:
                if r.get("split") != split:
                    continue
                a = answer_question(index, r["question"], answering=params).answer
                g = grade((a.shown or a.text) if a else None, r.get("answers", []))
                if r.get("answers"):
                    counts["n"] += 1
                    counts[g] += 1
                else:
                    counts["un"] += 1
                    counts["un_declined"] += g == "declined"
    return counts


def main() -> None:
    from ruralqa.config import AnswerParams

    workspaces = [Path(p) for p in sys.argv[1:6]]
    params = AnswerParams()
    for name, grid in GRIDS.items():
        best = None
        for value in grid:
            c = run(workspaces, "fit", replace(params, **{name: value}))
            objective = c["right"] - 3 * c["wrong"] - 3 * (c["un"] - c["un_declined"])
            print(f"fit  {name} {value}: right {c['right']}/{c['n']} wrong {c['wrong']} "
                  f"unanswerable declined {c['un_declined']}/{c['un']} objective {objective}", flush=True)
            if best is None or objective >= best[0]:  # ties: the stricter value, the later in its grid
                best = (objective, value)
        params = replace(params, **{name: best[1]})
    c = run(workspaces, "test", params)
    print(f"test min_metric_cover {params.min_metric_cover} record_coverage {params.record_coverage} "
          f"everyday_cover {params.everyday_cover} top {params.top}: "
          f"right {c['right']}/{c['n']} ({c['right'] / c['n']:.3f}) wrong {c['wrong']} ({c['wrong'] / c['n']:.3f}) "
          f"unanswerable declined {c['un_declined']}/{c['un']}")


if __name__ == "__main__":
    main()

"""Writes compare.jsonl: comparison questions over ../shared/realworld with gold rows read from the reports.

The rows come from the same figures as the development set (make_questions.py, each checked against its report);
`absent` lists places whose reports were searched by hand and do not state the figure (or state only a target, or
only a bound such as "连续12年稳定在500亿斤以上" where the question asks for the year's figure). Places in neither
list are not scored.

    python eval/realworld/make_comparisons.py
"""

from __future__ import annotations

import json
from pathlib import Path

from make_questions import FARMLAND, GRAIN, GRAIN_TARGET, INCOME, P, src

GRAIN_ABSENT = {2025: ["北京", "上海", "天津", "海南", "广东"], 2026: ["北京", "上海", "天津", "海南", "广东", "重庆", "贵州"]}


def rows(table, report_year, year=None):
    return [{"place": P[prov], "values": [value], "source": src(y, prov), **({"year": year} if year else {})}
            for prov, y, value, _ in table if y == report_year]


def questions() -> list[dict]:
    income_2024 = rows(INCOME, 2025)
    qs = [
        ("2024年各省粮食产量是多少", rows(GRAIN, 2025), GRAIN_ABSENT[2025]),
        ("2025年各省粮食产量", rows(GRAIN, 2026), GRAIN_ABSENT[2026]),
        ("2024年各省新建高标准农田多少亩", rows(FARMLAND, 2025), []),
        ("2025年各省建设了多少亩高标准农田", rows(FARMLAND, 2026), []),
        ("2024年各省农村居民人均可支配收入增长多少", income_2024, []),
        ("2025年各省农村居民人均可支配收入增长多少", rows(INCOME, 2026), []),
        ("2025年各省粮食产量目标是多少", rows(GRAIN_TARGET, 2025), ["北京", "上海", "天津"]),
        ("2026年各省粮食产量目标", rows(GRAIN_TARGET, 2026), []),
        ("对比河南和山东2024年粮食产量", [r for r in rows(GRAIN, 2025) if r["place"] in ("河南", "山东")], []),
        ("对比甘肃、陕西和宁夏2025年粮食产量", [r for r in rows(GRAIN, 2026) if r["place"] in ("甘肃", "陕西", "宁夏")],
         []),
        ("河南历年粮食产量", [{**r, "year": 2024} for r in rows(GRAIN, 2025) if r["place"] == "河南"]
         + [{**r, "year": 2025} for r in rows(GRAIN, 2026) if r["place"] == "河南"], []),
        ("哪些省份2024年农村居民人均可支配收入增长超过7%",
         [r for r in income_2024 if float(r["values"][0].rstrip("%")) > 7],
         [r["place"] for r in income_2024 if float(r["values"][0].rstrip("%")) <= 7]),
        ("对比北京、上海和天津2024年粮食产量", [], ["北京", "上海", "天津"]),
    ]
    return [{"id": f"c{i:02d}", "question": q, "rows": r, "absent": a} for i, (q, r, a) in enumerate(qs, start=1)]


def main() -> None:
    out = Path(__file__).with_name("compare.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for q in questions():
            f.write(json.dumps(q, ensure_ascii=False) + "\n")
    print(f"{len(questions())} comparison questions written to {out}")


if __name__ == "__main__":
    main()

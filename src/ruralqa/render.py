"""How results look to people and programs: text for the terminal and JSON-ready dicts. Only the edges (the CLI)
call this; the library returns dataclasses."""

from __future__ import annotations

from dataclasses import asdict

from ruralqa.types import Answer, Citation, IndexSummary, QAResult

NOT_FOUND = "报告中未找到"


def citation_json(c: Citation) -> dict:
    return {"file": c.file, "title": c.title, "region": c.region, "year": c.year, "row": c.row,
            "paragraph": c.paragraph, "line_start": c.line_start, "line_end": c.line_end,
            "char_start": c.char_start, "char_end": c.char_end, "page": c.page}


def answer_json(a: Answer | None) -> dict | None:
    if a is None:
        return None
    return {"text": a.text, "shown": a.shown or a.text, "form": a.form, "qualifier": a.qualifier, "metric": a.metric,
            "value": a.value, "unit": a.unit, "sentence": a.sentence,
            "confidence": a.confidence, "place": a.place, "year": a.year, "kind": a.kind,
            "checks": list(a.checks), "citation": citation_json(a.citation),
            "sentence_citation": citation_json(a.sentence_citation)}


def qa_json(r: QAResult) -> dict:
    return {
        "question": r.question, "mode": r.mode, "model": r.model, "reranker": r.reranker, "notices": list(r.notices),
        "terms": list(r.terms),
        "answer": answer_json(r.answer),
        "per_place": [{"place": p, "answer": answer_json(a)} for p, a in r.per_place],
        "passages": [{"rank": h.rank, "score": h.score, "text": h.chunk.text, "heading": h.chunk.heading,
                      "section": h.chunk.section, "period": {"year": h.chunk.period_year, "kind": h.chunk.period_kind},
                      "id": h.chunk.id, "citation": citation_json(h.chunk.citation),
                      "also_cited": [citation_json(c) for c in h.also]} for h in r.hits],
    }


def qa_text(r: QAResult) -> str:
    lines = []
    a = r.answer
    for place, pa in r.per_place:  # one line per place the question names
        lines.append(f"{place}: " + (f"{pa.shown or pa.text}  [{pa.metric}]  {pa.citation.label()}" if pa
                                     else NOT_FOUND))
    if r.per_place:
        lines.append("")
    elif a:
        value = ""
        if a.value is not None and f"{a.value}{a.unit}" != a.text:
            value = f"  (= {a.value:,} {a.unit})".replace(",", "")
        shown = a.shown if a.shown and a.shown != a.text else a.text
        if a.form == "sentence":  # no whole name of the kind asked stands in it: the sentence itself answers
            lines += [f"答案（原句）: {a.sentence}", f"  出处: {a.sentence_citation.label()}", ""]
        else:
            lines += [f"答案: {shown}{value}" + (f"  [{a.metric}]" if a.metric else ""), f"  原句: {a.sentence}",
                      f"  出处: {a.citation.label()}", ""]
    else:
        lines += [f"答案: {NOT_FOUND} (no passage states it; the closest passages follow)", ""]
    for h in r.hits:
        lines.append(f"[{h.rank}] {h.score:.3f}  {h.chunk.citation.label()}")
        if h.also:
            lines.append(f"    (the same text also at {len(h.also)} other place(s), first {h.also[0].label()})")
        lines.append(f"    {h.chunk.text}")
    return "\n".join(lines)


def summary_json(s: IndexSummary) -> dict:
    return asdict(s)


def summary_text(s: IndexSummary) -> str:
    lines = []
    if s.up_to_date and not s.failed:
        lines.append(f"index is up to date: {len(s.reports_unchanged)} reports, {s.chunks_total} passages "
                     f"(nothing embedded)")
    elif s.up_to_date:
        lines.append(f"index unchanged: {len(s.reports_unchanged)} reports, {s.chunks_total} passages")
    elif not s.chunks_total:
        lines.append("nothing indexed: no report could be read")
    else:
        lines.append(f"reports: {len(s.reports_added)} added, {len(s.reports_changed)} changed, "
                     f"{len(s.reports_removed)} removed, {len(s.reports_unchanged)} unchanged")
        lines.append(f"passages: {s.chunks_embedded} embedded, {s.chunks_reused} reused, {s.chunks_removed} "
                     f"removed; {s.chunks_total} in the index ({s.index_type})")
    for name, reason in s.failed.items():
        lines.append(f"FAILED {name}: {reason}")
    for name, reason in s.skipped.items():
        lines.append(f"skipped {name}: {reason}")
    for name, reason in s.warnings.items():
        lines.append(f"warning {name}: {reason}")
    lines.append(f"took {s.seconds:.2f} s")
    return "\n".join(lines)


def eval_text(report) -> str:
    """An evaluate.EvalReport as the terminal shows it: metrics, per kind, then every failure."""
    m = report.metrics
    lines = [f"mode: {report.mode}   questions: {m['questions']} ({m['answerable']} answerable, "
             f"{m['unanswerable']} unanswerable)"]
    lines.append("hit@1 {hit@1:.3f}   hit@3 {hit@3:.3f}   hit@5 {hit@5:.3f}   MRR@10 {mrr@10:.3f}".format(**m))
    lines.append(f"answer accuracy {m['answer_accuracy']:.3f}   wrong answers {m['wrong_rate']:.3f}   answered "
                 f"(answerable) {m['answered_rate']:.3f}   declined (unanswerable) {m['declined_rate']:.3f}")
    if report.per_kind:
        lines.append("")
        lines.append(f"{'kind':<14}{'n':>4}{'hit@1':>8}{'hit@5':>8}{'answer':>8}{'wrong':>8}{'declined':>9}")
        for kind, km in sorted(report.per_kind.items()):
            lines.append(f"{kind:<14}{km['n']:>4}{km['hit@1']:>8.3f}{km['hit@5']:>8.3f}{km['answer_accuracy']:>8.3f}"
                         f"{km['wrong_rate']:>8.3f}{km['declined_rate']:>9.3f}")
    if report.calibration:
        lines.append("")
        lines.append("confidence   answers   accuracy")
        for b in report.calibration:
            acc = "-" if b["accuracy"] is None else f"{b['accuracy']:.3f}"
            lines.append(f"{b['band']:<12}{b['answers']:>8}{acc:>11}")
    fails = report.failures()
    lines.append("")
    lines.append(f"failures ({len(fails)}):")
    for r in fails:
        lines.append(f"  {r['id']} {r['question']}  rank={r['rank']}  answer={r['answer']!r}  "
                     f"gold={r['gold']}  [{', '.join(r['why'])}]")
    return "\n".join(lines)


def eval_json(report) -> dict:
    return {"mode": report.mode, "metrics": report.metrics, "per_kind": report.per_kind,
            "calibration": report.calibration, "questions": report.rows}


def compare_table(reports: dict) -> str:
    """Several evaluate.EvalReport side by side, one mode per row, as a Markdown table."""
    cols = ["hit@1", "hit@3", "hit@5", "mrr@10", "answer_accuracy", "wrong_rate", "answered_rate", "declined_rate"]
    lines = ["| mode | " + " | ".join(cols) + " |", "|" + "---|" * (len(cols) + 1)]
    for mode, rep in reports.items():
        lines.append(f"| {mode} | " + " | ".join(f"{rep.metrics[c]:.3f}" for c in cols) + " |")
    return "\n".join(lines)


def table(rows: list[dict], columns: list[str]) -> str:
    """An aligned text table; Chinese characters count as two columns."""
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    cells = [[str(r.get(c) if r.get(c) is not None else "") for c in columns] for r in rows]
    widths = [max([width(c)] + [width(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = []
    for row in [columns] + cells:
        lines.append("  ".join(v + " " * (w - width(v)) for v, w in zip(row, widths)).rstrip())
    return "\n".join(lines)


NOT_FOUND_CELL = "报告中未找到"


def _human(value: float, unit: str | None) -> str:
    """12960000 吨 → 1296万吨: the normalized value, readable."""
    for size, word in ((1e8, "亿"), (1e4, "万")):
        if abs(value) >= size and unit != "%":
            return f"{value / size:.6g}{word}{unit or ''}"
    return f"{value:.6g}{unit or ''}"


def comparison_rows(c) -> list[dict]:
    """A compare.Comparison as flat rows (for the table, CSV and JSON)."""
    rows = []
    for cell in c.cells:
        cit = cell.citation
        rows.append({"place": cell.place, "year": cell.year, "kind": cell.kind,
                     "value": (cell.shown or cell.text) if cell.found else NOT_FOUND_CELL,
                     "qualifier": cell.qualifier,
                     "normalized": _human(cell.value, cell.unit) if cell.found and cell.value is not None else "",
                     "value_number": cell.value if cell.found else None, "unit": cell.unit if cell.found else None,
                     "period_year": cell.period_year, "sentence": cell.sentence,
                     "citation": citation_json(cit) if cit else None})
    return rows


COMPARISON_CSV = ["place", "year", "kind", "value", "qualifier", "value_number", "unit", "sentence", "file", "row",
                  "char_start", "char_end"]


def comparison_csv(c, stream) -> None:
    """The rows as CSV (`ruralqa compare --csv`, the page's download): the year is the figure's own, else the one
    asked."""
    import csv

    writer = csv.writer(stream)
    writer.writerow(COMPARISON_CSV)
    for r in comparison_rows(c):
        cit = r["citation"] or {}
        writer.writerow([r["place"], r["period_year"] or r["year"] or "", r["kind"], r["value"], r["qualifier"],
                         "" if r["value_number"] is None else r["value_number"], r["unit"] or "", r["sentence"],
                         cit.get("file", ""), cit.get("row") or "", cit.get("char_start", ""),
                         cit.get("char_end", "")])


def comparison_text(c) -> str:
    rows = comparison_rows(c)
    shown = [{**r, "n": f"[{i}]" if r["citation"] else ""} for i, r in enumerate(rows, start=1)]
    head = [f"{c.question}", f"({len([r for r in rows if r['citation']])} of {len(rows)} cells found; "
            f"sorted by {c.order}" + (f"; filter {c.value_filter}" if c.value_filter else "") + ")", ""]
    lines = head + [table(shown, ["n", "place", "year", "kind", "value", "normalized"]), ""]
    for i, r in enumerate(rows, start=1):
        if r["citation"]:
            cit = r["citation"]
            where = " · ".join(str(x) for x in (cit["title"] or cit["file"], cit["file"],
                                                 f"row {cit['row']}" if cit["row"] else "",
                                                 f"chars {cit['char_start']}:{cit['char_end']}") if x)
            lines.append(f"[{i}] {where}")
            lines.append(f"    {r['sentence']}")
    return "\n".join(lines)


def comparison_json(c) -> dict:
    return {"question": c.question, "places": list(c.places), "years": list(c.years), "order": c.order,
            "unit": c.unit, "filter": c.value_filter, "rows": comparison_rows(c)}


def comparison_eval_text(report: dict) -> str:
    m = report["metrics"]

    def f(x):
        return "-" if x is None else f"{x:.3f}"

    lines = [f"comparison questions: {m['questions']}   cell precision {f(m['cell_precision'])}   mean precision "
             f"{f(m['precision'])}   mean recall {f(m['recall'])}   absent places kept empty "
             f"{f(m['absent_kept_empty'])}", ""]
    for r in report["questions"]:
        lines.append(f"{r['id']} {r['question']}  cells {r['cells']}  precision {f(r['precision'])}  "
                     f"recall {f(r['recall'])}  absent filled {f(r['absent_filled'])}")
        for label, items in (("wrong", r["wrong"]), ("missed", r["missed"]), ("filled absent", r["filled_absent"])):
            if items:
                lines.append(f"    {label}: {'; '.join(items)}")
    return "\n".join(lines)

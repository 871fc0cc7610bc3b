"""Question set in, metrics out: evidence hit@1/3/5 and MRR@10 (computed with ir-measures), answer accuracy,
abstention, and the same per question kind.

A passage is relevant to a question when it contains one of the question's `evidence` strings (its `answers`
when there is no evidence), compared after normalization, and comes from `source` when one is given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ruralqa.errors import UsageError
from ruralqa.index import Index
from ruralqa.qa import answer_question
from ruralqa.text.normalize import normalize, parse_quantity

K = 10


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    evidence: tuple[str, ...]
    source: str | None
    kind: str | None
    split: str | None = None  # fit or test: the half a question belongs to, for settings fitted on the set

    @property
    def answerable(self) -> bool:
        return bool(self.answers or self.evidence)


def load_questions(path: Path, split: str | None = None) -> list[Question]:
    if not path.is_file():
        raise UsageError(f"question file {path} does not exist")
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            answers = tuple(d.get("answers", []))
            out.append(Question(id=str(d.get("id", f"line{n}")), question=d["question"], answers=answers,
                                evidence=tuple(d.get("evidence") or answers), source=d.get("source"),
                                kind=d.get("kind"), split=d.get("split")))
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
            raise UsageError(f"{path}:{n} is not a question in the shared format ({exc}); "
                             'expected {"id": ..., "question": ..., "answers": [...]}') from None
    if split:
        out = [q for q in out if q.split == split]
    if not out:
        raise UsageError(f"{path} holds no questions" + (f" in split {split!r}" if split else ""))
    return out


def answer_correct(answer_text: str | None, gold: tuple[str, ...]) -> bool:
    """The extracted answer contains a gold answer after normalization (3亿元 = 三亿元 = 300000000元)."""
    if not answer_text:
        return False
    norm = normalize(answer_text)
    got = parse_quantity(answer_text)
    for g in gold:
        if normalize(g) in norm:
            return True
        want = parse_quantity(g)
        if got and want and got == want and any(ch.isdigit() for ch in normalize(g)):
            return True
    return False


def _relevant(q: Question, chunk) -> bool:
    if q.source and chunk.citation.file != q.source:
        return False
    text = normalize(chunk.text)
    return any(normalize(e) in text for e in q.evidence)


@dataclass
class EvalReport:
    mode: str
    metrics: dict
    per_kind: dict
    rows: list[dict] = field(default_factory=list)
    calibration: list[dict] = field(default_factory=list)

    def failures(self) -> list[dict]:
        return [r for r in self.rows if not r["ok"]]


def run(index: Index, questions: list[Question], mode: str = "hybrid", rerank: str | None = None,
        device: str | None = None) -> EvalReport:
    import ir_measures
    from ir_measures import RR, Qrel, ScoredDoc, Success

    chunks = index.all_chunks()
    qrels, scored, rows = [], [], []
    for q in questions:
        result = answer_question(index, q.question, k=K, mode=mode, rerank=rerank, device=device)
        if q.answerable:
            qrels += [Qrel(q.id, _doc_id(c), 1) for c in chunks if _relevant(q, c)]
            scored += [ScoredDoc(q.id, _doc_id(h.chunk), float(K - h.rank + 1)) for h in result.hits]
        rank = next((h.rank for h in result.hits if _relevant(q, h.chunk)), None) if q.answerable else None
        got = result.answer.text if result.answer else None
        correct = answer_correct(got, q.answers) if q.answers else None
        why = []
        if q.answerable and (rank is None or rank > 1):
            why.append("evidence not first" if rank else "evidence not retrieved")
        if q.answers and not correct:
            why.append("wrong answer" if got else "not answered")
        if not q.answerable and got:
            why.append("answered an unanswerable question")
        rows.append({"id": q.id, "question": q.question, "kind": q.kind, "answerable": q.answerable, "rank": rank,
                     "answer": got, "confidence": result.answer.confidence if result.answer else None,
                     "gold": list(q.answers), "answer_correct": correct, "ok": not why, "why": why})
    measures = [Success @ 1, Success @ 3, Success @ 5, RR @ 10]
    per_q = {(m.query_id, str(m.measure)): m.value for m in ir_measures.iter_calc(measures, qrels, scored)}
    for r in rows:
        for name, measure in zip(("hit@1", "hit@3", "hit@5", "mrr@10"), measures):
            r[name] = per_q.get((r["id"], str(measure)), 0.0) if r["answerable"] else None
    metrics = _aggregate(rows)
    kinds = sorted({r["kind"] for r in rows if r["kind"]})
    per_kind = {k: _aggregate([r for r in rows if r["kind"] == k]) for k in kinds}
    return EvalReport(mode=mode, metrics=metrics, per_kind=per_kind, rows=rows, calibration=calibration(rows))


def _doc_id(chunk) -> str:
    """Where the passage is: unique even when two reports share a passage's text (and so its content hash)."""
    return f"{chunk.citation.file}:{chunk.citation.char_start}"


def _aggregate(rows: list[dict]) -> dict:
    ans = [r for r in rows if r["answerable"]]
    with_gold = [r for r in rows if r["answer_correct"] is not None]
    unans = [r for r in rows if not r["answerable"]]

    def mean(xs):
        xs = list(xs)
        return round(sum(xs) / len(xs), 4) if xs else 0.0

    return {
        "questions": len(rows), "n": len(rows), "answerable": len(ans), "unanswerable": len(unans),
        "hit@1": mean(r["hit@1"] for r in ans), "hit@3": mean(r["hit@3"] for r in ans),
        "hit@5": mean(r["hit@5"] for r in ans), "mrr@10": mean(r["mrr@10"] for r in ans),
        "answer_accuracy": mean(bool(r["answer_correct"]) for r in with_gold),
        "wrong_rate": mean(r["answer"] is not None and not r["answer_correct"] for r in with_gold),
        "answered_rate": mean(r["answer"] is not None for r in with_gold),
        "declined_rate": mean(r["answer"] is None for r in unans),
    }


BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.01)


def calibration(rows: list[dict]) -> list[dict]:
    """Accuracy of the answers given, per confidence band (answers to unanswerable questions count as wrong)."""
    given = [r for r in rows if r["answer"] is not None]
    out = []
    for lo, hi in zip(BANDS, BANDS[1:]):
        band = [r for r in given if lo <= r["confidence"] < hi]
        right = sum(bool(r["answer_correct"]) for r in band)
        out.append({"band": f"{lo:.1f}-{min(hi, 1.0):.1f}", "answers": len(band),
                    "accuracy": round(right / len(band), 3) if band else None})
    return out


@dataclass(frozen=True)
class ComparisonQuestion:
    """{"question", "rows": [{"place", "values": [...], "year"?, "source"?}], "absent": [places]}"""

    id: str
    question: str
    rows: tuple[dict, ...]
    absent: tuple[str, ...]


def load_comparisons(path: Path) -> list[ComparisonQuestion]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if line.strip():
            try:
                d = json.loads(line)
                out.append(ComparisonQuestion(str(d.get("id", f"line{n}")), d["question"], tuple(d["rows"]),
                                              tuple(d.get("absent", []))))
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise UsageError(f"{path}:{n} is not a comparison question ({exc}); expected "
                                 '{"question": ..., "rows": [{"place": ..., "values": [...]}], "absent": [...]}') from None
    return out


def is_comparison_set(path: Path) -> bool:
    first = next((x for x in path.read_text(encoding="utf-8-sig").splitlines() if x.strip()), "")
    try:
        return "rows" in json.loads(first)
    except json.JSONDecodeError:
        return False


def run_comparisons(index: Index, questions: list[ComparisonQuestion], embedder) -> dict:
    """Per question: precision of the cells returned for places the gold speaks of (value right for its place and
    year), recall of the gold rows, and how many places the gold marks absent got a cell anyway."""
    from ruralqa.compare import compare, same_place

    rows_out = []
    for q in questions:
        result = compare(index, q.question, embedder)
        found = [c for c in result.cells if c.found]

        def gold_for(cell):
            return [g for g in q.rows if same_place(g["place"], cell.place)
                    and (g.get("year") is None or g.get("year") == cell.year)]

        scored = [c for c in found if gold_for(c) or any(same_place(a, c.place) for a in q.absent)]
        right = [c for c in scored if any(answer_correct(c.text, tuple(g["values"])) for g in gold_for(c))]
        recalled = [g for g in q.rows if any(same_place(g["place"], c.place) and (g.get("year") in (None, c.year))
                                             and answer_correct(c.text, tuple(g["values"])) for c in found)]
        filled = [a for a in q.absent if any(same_place(a, c.place) for c in found)]
        rows_out.append({
            "id": q.id, "question": q.question, "cells": len(found), "scored": len(scored),
            "precision": round(len(right) / len(scored), 4) if scored else None,
            "recall": round(len(recalled) / len(q.rows), 4) if q.rows else None,
            "absent_filled": round(len(filled) / len(q.absent), 4) if q.absent else None,
            "wrong": [f"{c.place} {c.year or ''} {c.text}" for c in scored if c not in right],
            "missed": [f"{g['place']} {g.get('year') or ''} {g['values'][0]}" for g in q.rows if g not in recalled],
            "filled_absent": filled,
        })

    def mean(key):
        xs = [r[key] for r in rows_out if r[key] is not None]
        return round(sum(xs) / len(xs), 4) if xs else None

    cells_right = sum(round((r["precision"] or 0) * r["scored"]) for r in rows_out)
    cells_scored = sum(r["scored"] for r in rows_out)
    absent_total = sum(len(q.absent) for q in questions)
    absent_filled = sum(len(r["filled_absent"]) for r in rows_out)
    metrics = {"questions": len(rows_out), "precision": mean("precision"), "recall": mean("recall"),
               "cell_precision": round(cells_right / cells_scored, 4) if cells_scored else None,
               "absent_kept_empty": round(1 - absent_filled / absent_total, 4) if absent_total else None}
    return {"metrics": metrics, "questions": rows_out}

"""Fit an answer model (eval/answer_model.json) on the fit halves of the development sets, and compare it with the
hand-set score on both halves.

For every question, the passages are retrieved as `ruralqa ask` retrieves them, the candidate with the best
hand-set score is taken, and it is labelled right or wrong against the question's gold answers (a question the
reports do not answer has only wrong ones). A logistic regression over that candidate's features
(ruralqa.answer.FEATURES) is fitted on the fit half: the probability that the answer is right, which `ruralqa ask`
reports as the confidence and declines below a threshold. The threshold is the one that maximizes, on the fit half,
right answers minus twice the wrong ones (a wrong figure with a citation is worse than saying 报告中未找到; a cost of 3 declined too many right answers). The
test half is reported, never fitted on. (Ranking the candidates by the model itself was tried and was worse on the
test halves than the hand-set ranking; see the README.)

    python eval/fit_answer_model.py eval/questions.jsonl:WS_SEEDS eval/realworld/provincial.jsonl:WS_PROV ...

Each WS is a folder with corpus/ and an index built by `ruralqa index` (the default model).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRONG_COST = 2.0


def split_of(q, position: int) -> str:
    return q.split or ("fit" if position % 2 == 0 else "test")


def collect(questions_file: Path, workspace: Path) -> list[dict]:
    from ruralqa.answer import best_candidate, candidates
    from ruralqa.config import AnswerParams, RetrievalParams
    from ruralqa.embed import get_embedder
    from ruralqa.evaluate import answer_correct, load_questions
    from ruralqa.index import Index
    from ruralqa.query import Query
    from ruralqa.search import search

    index = Index.open(workspace / "index")
    embedder = get_embedder(index.model_id)
    params = RetrievalParams()
    out = []
    for position, q in enumerate(load_questions(questions_file), start=1):
        query = Query.parse(q.question, index)
        hits = search(index, query, embedder, k=max(5, params.answer_pool), params=params)
        cands = []
        scored = candidates(query, hits)
        if scored:
            s = best_candidate(scored, AnswerParams())
            span = s.hit.chunk.text[s.cand.start:s.cand.end]
            cands.append((s.features, int(bool(q.answers) and answer_correct(span, q.answers))))
        out.append({"set": questions_file.name, "id": q.id, "split": split_of(q, position),
                    "answerable": bool(q.answers), "candidates": cands})
    return out


def outcomes(questions: list[dict], score) -> tuple[int, int, int, int]:
    """(right, wrong, answerable, unanswerable answered) when each question is answered by its best candidate."""
    right = wrong = answerable = false_answers = 0
    for q in questions:
        answerable += q["answerable"]
        if not q["candidates"]:
            continue
        (_, ok), label = max(((score(f), label) for f, label in q["candidates"]), key=lambda t: t[0][0])
        if not ok:
            continue
        if label:
            right += 1
        elif q["answerable"]:
            wrong += 1
        else:
            false_answers += 1
    return right, wrong, answerable, false_answers


def report(name: str, questions: list[dict], score) -> str:
    right, wrong, answerable, false_answers = outcomes(questions, score)
    unanswerable = sum(not q["answerable"] for q in questions)
    declined = 1 - false_answers / unanswerable if unanswerable else 1.0
    return (f"{name:<28} n={len(questions):<4} accuracy {right / answerable:.3f}  wrong {wrong / answerable:.3f}  "
            f"declined (unanswerable) {declined:.3f}")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    from ruralqa.answer import FEATURES, heuristic
    from ruralqa.answer_model import AnswerModel, fit
    from ruralqa.config import AnswerParams

    if not argv:
        print(__doc__)
        return 2
    questions = []
    for arg in argv:
        qfile, _, ws = arg.rpartition(":")
        print(f"collecting candidates: {qfile} on {ws}", file=sys.stderr)
        questions += collect(Path(qfile), Path(ws))
    fit_qs = [q for q in questions if q["split"] == "fit"]
    rows = [f for q in fit_qs for f, _ in q["candidates"]]
    labels = [label for q in fit_qs for _, label in q["candidates"]]
    weights, bias = fit(rows, labels, FEATURES)
    best = None
    for t in [i / 100 for i in range(5, 96)]:
        model = AnswerModel(weights, bias, t)
        right, wrong, _, false_answers = outcomes(fit_qs, lambda f, m=model: (m.probability(f),
                                                                               m.probability(f) >= m.threshold))
        gain = right - WRONG_COST * (wrong + false_answers)
        if best is None or gain > best[0]:
            best = (gain, t)
    model = AnswerModel(weights, bias, best[1])
    out = Path(__file__).with_name("answer_model.json")
    model.save(out)
    print(f"wrote {out}: threshold {model.threshold}, weights {weights}, bias {bias}")
    params = AnswerParams()

    def fitted(f):
        p = model.probability(f)
        return p, p >= model.threshold

    def hand_set(f):
        return heuristic(f, params)

    for split in ("fit", "test"):
        for name in sorted({q["set"] for q in questions}):
            part = [q for q in questions if q["split"] == split and q["set"] == name]
            print(report(f"{split} {name} model", part, fitted))
            print(report(f"{split} {name} hand-set", part, hand_set))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

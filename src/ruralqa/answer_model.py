"""The fitted answer model: a logistic regression over the features of an answer candidate (answer.FEATURES)
that gives the probability that the candidate is a right answer, and the probability below which ruralqa declines.

Fitted by `python eval/fit_answer_model.py` on the fit halves of the development sets (eval/answer_model.json).
It is not the default: on the test halves it declined right answers to name questions that the hand-set checks
give, and lowered the wrong-answer rate only on the county set (README, "Measuring"). A package that ships
data/answer_model.json uses it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

DEFAULT = Path(__file__).with_name("data") / "answer_model.json"


@dataclass(frozen=True)
class AnswerModel:
    weights: dict[str, float]
    bias: float
    threshold: float  # decline when the best candidate's probability is below this

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path) -> None:
        body = {"weights": self.weights, "bias": self.bias, "threshold": self.threshold}
        path.write_text(json.dumps(body, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> AnswerModel:
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(weights={k: float(v) for k, v in d["weights"].items()}, bias=float(d["bias"]),
                   threshold=float(d["threshold"]))


@lru_cache(maxsize=1)
def default_model() -> AnswerModel | None:
    """The model shipped with ruralqa, or None when there is none (the hand-set score is used then)."""
    return AnswerModel.load(DEFAULT) if DEFAULT.is_file() else None


def fit(rows: list[dict[str, float]], labels: list[int], names: tuple[str, ...], l2: float = 1.0,
        iterations: int = 50) -> tuple[dict[str, float], float]:
    """Logistic regression by Newton's method (iteratively reweighted least squares) with an L2 penalty on the
    weights (not the bias). Returns (weights by feature name, bias)."""
    x = np.array([[r.get(n, 0.0) for n in names] + [1.0] for r in rows], dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        grad = x.T @ (p - y) + penalty * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + np.diag(penalty) + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return {n: round(float(v), 4) for n, v in zip(names, w[:-1])}, round(float(w[-1]), 4)

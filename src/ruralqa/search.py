"""Retrieval: normalized question → dense (FAISS) and BM25 candidates → fusion → place-aware ranking."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ruralqa import store
from ruralqa.embed import Embedder
from ruralqa.errors import UsageError
from ruralqa.normalize import normalize
from ruralqa.types import Hit

MODES = ("hybrid", "dense", "bm25")
CANDIDATES = 50  # per retriever, before fusion
RRF_K = 60


@dataclass(frozen=True)
class Query:
    text: str  # as asked
    normalized: str
    places: tuple[str, ...]  # known regions or place names the question names


_QUESTION_CHARS = re.compile(r"多少|什么|哪|几|是否|怎|如何|有|共|和|与|的|在")


def parse_query(question: str, regions: list[str], known_places: list[str] = ()) -> Query:
    question = (question or "").strip()
    if not question:
        raise UsageError("the question is empty; ask something, e.g. ruralqa ask \"万荣县香菇产值是多少\"")
    norm = normalize(question)
    places = []
    for region in regions:
        short = region[:-1] if len(region) >= 3 else region  # 万荣 names 万荣县
        if region in norm or short in norm:
            places.append(region)
    from ruralqa.catalog import PLACE, _NOT_PLACE_START

    for name in known_places:
        if name in norm and not any(name in p or p in name for p in places):
            places.append(name)
    # A county or district the corpus never mentions still names the place asked about: nothing may answer it.
    for m in PLACE.finditer(norm):
        name = m.group(0)
        if (name[-1] in "县区市" and name[0] not in _NOT_PLACE_START and not _QUESTION_CHARS.search(name)
                and not any(name in p or p in name for p in places)):
            places.append(name)
    return Query(text=question, normalized=norm, places=tuple(places))


def _dense(index: store.Index, q: Query, embedder: Embedder, n: int) -> dict[int, float]:
    vec = embedder.embed_queries([q.normalized])[0]
    return dict(store.search_vectors(index, vec, n))


def _bm25(index: store.Index, q: Query, n: int) -> dict[int, float]:
    return dict(index.bm25.search(q.normalized, n))


def rrf(rankings: list[dict[int, float]], weights: list[float] | None = None) -> dict[int, float]:
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, row in enumerate(sorted(ranking, key=ranking.get, reverse=True)):
            fused[row] = fused.get(row, 0.0) + w / (RRF_K + rank + 1)
    return fused


def convex(dense: dict[int, float], lexical: dict[int, float], alpha: float) -> dict[int, float]:
    """alpha·dense + (1-alpha)·bm25, each min-max normalized over its candidates (absent = 0)."""
    def scaled(scores: dict[int, float]) -> dict[int, float]:
        if not scores:
            return {}
        lo, hi = min(scores.values()), max(scores.values())
        return {r: (s - lo) / (hi - lo) if hi > lo else 1.0 for r, s in scores.items()}

    d, b = scaled(dense), scaled(lexical)
    return {r: alpha * d.get(r, 0.0) + (1 - alpha) * b.get(r, 0.0) for r in set(d) | set(b)}


FUSION = {"method": "convex", "alpha": 0.6}  # best of rrf and alpha 0.3-0.7 on both halves of eval/questions.jsonl
PLACE_MISMATCH = 0.5  # a passage about another place keeps half its score


def _place_factor(q: Query, chunk, regions: set[str]) -> float:
    if not q.places:
        return 1.0
    c = chunk.citation
    for place in q.places:
        if place == c.region or place in chunk.text or place in c.title:
            return 1.0
    # Another known region's passage, when the question names a place: demote it.
    return PLACE_MISMATCH if c.region in regions else 1.0


def search(index: store.Index, question: str, embedder: Embedder | None, mode: str = "hybrid",
           k: int = 5, candidates: int = CANDIDATES) -> list[Hit]:
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if k < 1:
        raise UsageError(f"k must be at least 1, got {k}")
    regions = index.manifest.get("regions", [])
    q = parse_query(question, regions, index.manifest.get("places", []))
    dense = _dense(index, q, embedder, candidates) if mode in ("hybrid", "dense") else {}
    lexical = _bm25(index, q, candidates) if mode in ("hybrid", "bm25") else {}
    if mode == "dense":
        fused = dense
    elif mode == "bm25":
        fused = lexical
    elif FUSION["method"] == "rrf":
        fused = rrf([dense, lexical])
    else:
        fused = convex(dense, lexical, FUSION["alpha"])
    rows = sorted(fused, key=fused.get, reverse=True)[: max(k, candidates)]
    chunks = index.chunks(rows)
    region_set = set(regions)
    scored = [(fused[r] * _place_factor(q, c, region_set), r, c) for r, c in zip(rows, chunks)]
    scored.sort(key=lambda t: -t[0])
    return [Hit(chunk=c, score=round(float(s), 6), rank=i + 1, dense_score=dense.get(r), bm25_score=lexical.get(r))
            for i, (s, r, c) in enumerate(scored)][:k]

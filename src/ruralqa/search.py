"""Retrieval: a parsed question → dense (FAISS) and BM25 candidates → fusion → place-aware ranking."""

from __future__ import annotations

from dataclasses import replace

from ruralqa.config import RetrievalParams
from ruralqa.embed import Embedder
from ruralqa.errors import UsageError
from ruralqa.index import Index
from ruralqa.query import Query
from ruralqa.text.places import passage_is_about
from ruralqa.types import Chunk, Hit

MODES = ("hybrid", "dense", "bm25")


def rrf(rankings: list[dict[int, float]], k: int = 60, weights: list[float] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion: each ranking adds w / (k + rank)."""
    weights = weights or [1.0] * len(rankings)
    fused: dict[int, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, row in enumerate(sorted(ranking, key=ranking.get, reverse=True)):
            fused[row] = fused.get(row, 0.0) + w / (k + rank + 1)
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


def fuse(dense: dict[int, float], lexical: dict[int, float], mode: str, params: RetrievalParams) -> dict[int, float]:
    if mode == "dense":
        return dense
    if mode == "bm25":
        return lexical
    if params.fusion == "rrf":
        return rrf([dense, lexical], k=params.rrf_k)
    return convex(dense, lexical, params.alpha)


def fuse_by_place(dense: dict[int, float], lexical: dict[int, float], dense_in: dict[int, float],
                  lexical_in: dict[int, float], mode: str, params: RetrievalParams) -> dict[int, float]:
    """Fused scores of all candidates, those of the place named (`*_in`) fused among themselves: other places'
    higher BM25 scores (their reports name the year and words asked too) must not scale the place's best lexical
    match down below its passages that are only near in meaning."""
    fused = fuse(dense, lexical, mode, params)
    if dense_in or lexical_in:
        fused.update(fuse(dense_in, lexical_in, mode, params))
    return fused


def place_factor(query: Query, chunk: Chunk, regions: set[str], mismatch: float) -> float:
    """1 when the question names no place or the passage is about one it names; `mismatch` for a passage cited
    under another indexed region (passages of unknown region keep their score)."""
    if not query.places:
        return 1.0
    if passage_is_about(query.places, chunk):
        return 1.0
    return mismatch if chunk.citation.region in regions else 1.0


def period_factor(query: Query, chunk: Chunk, params: RetrievalParams) -> float:
    """Demote passages about another year than the one asked, and targets for results (or the reverse)."""
    factor = 1.0
    # a passage that names the year asked speaks of it, whatever its section's year (2015年…出栏90万头 in a 2011 plan)
    if query.years and chunk.period_year and chunk.period_year not in query.years and \
            not any(f"{y}年" in chunk.text for y in query.years):
        factor *= params.year_mismatch
    if chunk.period_kind and (chunk.period_kind == "target") != query.wants_target:
        factor *= params.kind_mismatch
    return factor


def search(index: Index, query: Query, embedder: Embedder | None, mode: str = "hybrid", k: int = 5,
           params: RetrievalParams = RetrievalParams()) -> list[Hit]:
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if k < 1:
        raise UsageError(f"k must be at least 1, got {k}")
    n = params.candidates
    # A place the question names that reports are filed under: its passages are searched on their own too, so
    # that they are candidates however many other places' passages score higher; those keep place_mismatch.
    named = [p for p in query.places if p in set(index.regions)] if params.place_filter else []
    allowed = named or None
    dense, lexical, dense_in, lexical_in = {}, {}, {}, {}
    only = allowed is not None and params.place_only
    if mode in ("hybrid", "dense"):
        vector = embedder.embed_queries([query.normalized])[0]
        dense = {} if only else dict(index.search_dense(vector, n))
        if allowed is not None:
            dense_in = dict(index.search_dense(vector, n, allowed))
    if mode in ("hybrid", "bm25"):
        lexical = {} if only else dict(index.search_lexical(list(query.tokens), n))
        if allowed is not None:
            lexical_in = dict(index.search_lexical(list(query.tokens), n, allowed))
    fused = fuse_by_place(dense, lexical, dense_in, lexical_in, mode, params)
    dense, lexical = {**dense, **dense_in}, {**lexical, **lexical_in}
    rows = sorted(fused, key=fused.get, reverse=True)[: max(k, n)]
    regions = set(index.regions)
    scored = [(fused[r] * place_factor(query, c, regions, params.place_mismatch) * period_factor(query, c, params),
               r, c) for r, c in zip(rows, index.chunks(rows))]
    scored.sort(key=lambda t: -t[0])
    def hit(s: float, r: int, c: Chunk) -> Hit:
        return Hit(chunk=c, score=round(float(s), 6), rank=0, dense_score=dense.get(r), bm25_score=lexical.get(r))

    hits = collapse([hit(s, r, c) for s, r, c in scored])[:k]
    # The passage that says the question's words best is among those returned however its vector scores: a table
    # row or list item of a few words says them all, and its vector little (户均宅基地面积（平方米） | 422.18).
    words = lexical_in or lexical
    best = max(words, key=words.get, default=None)
    if mode == "hybrid" and best is not None and k > 1:
        s, r, c = next((t for t in scored if t[1] == best), (0.0, best, index.chunks([best])[0]))
        if not any(h.chunk.id == c.id for h in hits):
            hits = hits[:k - 1] + [hit(s, r, c)]
    return hits


def collapse(hits: list[Hit]) -> list[Hit]:
    """One hit per passage text: a text a report repeats (or two reports share) is listed once, with the other
    places it stands as `also`; ranks are numbered afresh."""
    first: dict[str, int] = {}
    out: list[Hit] = []
    for h in hits:
        if h.chunk.text in first:
            i = first[h.chunk.text]
            out[i] = replace(out[i], also=out[i].also + (h.chunk.citation,))
        else:
            first[h.chunk.text] = len(out)
            out.append(h)
    return [replace(h, rank=i + 1) for i, h in enumerate(out)]

"""One question, end to end: parse it once, retrieve passages, optionally rerank them, extract the answer."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ruralqa.answer import extract
from ruralqa.answer_model import AnswerModel, default_model
from ruralqa.config import AnswerParams, RetrievalParams
from ruralqa.embed import Embedder, get_embedder
from ruralqa.index import Index
from ruralqa.query import Query
from ruralqa.search import search
from ruralqa.text.places import short_name
from ruralqa.types import QAResult


@lru_cache(maxsize=4)
def _embedder(model_id: str, device: str | None) -> Embedder:
    return get_embedder(model_id, device)


@lru_cache(maxsize=2)
def _reranker(name: str, device: str | None):
    from ruralqa.rerank import CrossEncoderReranker

    return CrossEncoderReranker(name, device)


def answer_question(index: Index, question: str, k: int = 5, mode: str = "hybrid", rerank: str | None = None,
                    device: str | None = None, embedder: Embedder | None = None,
                    retrieval: RetrievalParams = RetrievalParams(),
                    answering: AnswerParams = AnswerParams(), model: AnswerModel | None | str = "default",
                    places: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> QAResult:
    """`places`, `years`: filters (ask --place/--year, the page's choices): only passages of those places, and of
    those years or of reports of them, answer or are listed; what they exclude is said in `notices`. `model`: the
    fitted answer model ("default": the one shipped, if any; None: the hand-set score)."""
    query = Query.parse(question, index, places=tuple(places), years=tuple(years))
    embedder = embedder or (_embedder(index.model_id, device) if mode != "bm25" else None)
    pool = max(k, retrieval.answer_pool) if not rerank else retrieval.candidates // 2
    notices = list(query.notices)
    regions = set(index.regions)
    if places:
        unknown = [p for p in places if not any(r == p or short_name(r) == p or r.startswith(p) for r in regions)]
        if unknown:
            notices.append(f"the index has no reports of {'、'.join(unknown)}; places: {'、'.join(sorted(regions))}")
            return QAResult(question=query.text, mode=mode, hits=[], answer=None, model=index.model_id,
                            reranker=rerank, notices=tuple(notices), terms=query.terms)
        retrieval = replace(retrieval, place_only=True)
    hits = search(index, query, embedder, mode=mode, k=pool, params=retrieval)
    if places:
        hits = [h for h in hits if h.chunk.citation.region in query.places]
    if years:
        kept = [h for h in hits if _of_years(h.chunk, years)]
        if len(kept) < len(hits):
            notices.append(f"{len(hits) - len(kept)} passages of other years, or of no known year, left out")
        hits = kept
    if rerank:
        hits = _reranker(rerank, device).rerank(query.text, hits)
    fitted = default_model() if model == "default" else model
    answer = extract(query, hits, answering, fitted)
    per_place = ()
    if query.kind == "quantity" and sum(p in regions for p in query.places) >= 2:
        # 河南和山东的粮食产量: each place answered from its own passages, as `ruralqa compare` does a cell
        place_only = replace(retrieval, place_only=True)
        per_place = tuple((p, extract(one, search(index, one, embedder, mode=mode, k=pool, params=place_only),
                                      answering, fitted))
                          for p in sorted((p for p in query.places if p in regions), key=lambda p: _at(query, p))
                          for one in [replace(query, places=(p,))])
        answer = next((a for _, a in per_place if a is not None), None)
    return QAResult(question=query.text, mode=mode, hits=hits[:k], answer=answer, model=index.model_id,
                    reranker=rerank, notices=tuple(notices), terms=query.terms, per_place=per_place)


def _at(query: Query, place: str) -> int:
    """Where the question names a place (by full or short name), to answer in the order asked."""
    found = [i for i in (query.normalized.find(place), query.normalized.find(short_name(place))) if i >= 0]
    return min(found, default=len(query.normalized))


def _of_years(chunk, years: tuple[int, ...]) -> bool:
    """A passage of one of `years`: its period says so, or, saying none, its report is of that year or the next
    (a work report reviews the year before its own)."""
    if chunk.period_year:
        return chunk.period_year in years
    return chunk.citation.year is not None and any(chunk.citation.year in (y, y + 1) for y in years)

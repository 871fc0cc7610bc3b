"""One question, end to end: parse it once, retrieve passages, optionally rerank them, extract the answer."""

from __future__ import annotations

from functools import lru_cache

from ruralqa.answer import extract
from ruralqa.answer_model import AnswerModel, default_model
from ruralqa.config import AnswerParams, RetrievalParams
from ruralqa.embed import Embedder, get_embedder
from ruralqa.index import Index
from ruralqa.query import Query
from ruralqa.search import search
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
    """`places`, `years`: filters, as if the question named them. `model`: the fitted answer model ("default":
    the one shipped, if any; None: the hand-set score)."""
    query = Query.parse(question, index, places=tuple(places), years=tuple(years))
    embedder = embedder or (_embedder(index.model_id, device) if mode != "bm25" else None)
    pool = max(k, retrieval.answer_pool) if not rerank else retrieval.candidates // 2
    hits = search(index, query, embedder, mode=mode, k=pool, params=retrieval)
    if rerank:
        hits = _reranker(rerank, device).rerank(query.text, hits)
    answer = extract(query, hits, answering, default_model() if model == "default" else model)
    return QAResult(question=query.text, mode=mode, hits=hits[:k], answer=answer, model=index.model_id,
                    reranker=rerank, notices=query.notices, terms=query.terms)

"""One question, end to end: retrieve passages, optionally rerank them, extract the answer, format the result."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ruralqa import answer as answers
from ruralqa import store
from ruralqa.embed import Embedder, get_embedder
from ruralqa.search import CANDIDATES, parse_query, search
from ruralqa.types import Answer, Hit

NOT_FOUND = "报告中未找到"


@dataclass
class QAResult:
    question: str
    mode: str
    hits: list[Hit]
    answer: Answer | None
    model: str
    reranker: str | None = None

    def as_json(self) -> dict:
        ans = None
        if self.answer:
            a = self.answer
            ans = {"text": a.text, "value": a.value, "unit": a.unit, "sentence": a.sentence,
                   "confidence": a.confidence, "citation": answers.citation_dict(a.citation),
                   "sentence_citation": answers.citation_dict(a.sentence_citation)}
        return {
            "question": self.question, "mode": self.mode, "model": self.model, "reranker": self.reranker,
            "answer": ans,
            "passages": [{"rank": h.rank, "score": h.score, "text": h.chunk.text, "heading": h.chunk.heading,
                          "id": h.chunk.id, "citation": answers.citation_dict(h.chunk.citation)}
                         for h in self.hits],
        }

    def as_text(self) -> str:
        lines = []
        a = self.answer
        if a:
            value = ""
            if a.value is not None and f"{a.value}{a.unit}" != a.text:
                value = f"  (= {a.value:,} {a.unit})".replace(",", "")
            lines += [f"答案: {a.text}{value}", f"  原句: {a.sentence}", f"  出处: {a.citation.label()}", ""]
        else:
            lines += [f"答案: {NOT_FOUND} (no passage states it; the closest passages follow)", ""]
        for h in self.hits:
            lines.append(f"[{h.rank}] {h.score:.3f}  {h.chunk.citation.label()}")
            lines.append(f"    {h.chunk.text}")
        return "\n".join(lines)


@lru_cache(maxsize=4)
def _embedder(model_id: str, device: str | None) -> Embedder:
    return get_embedder(model_id, device)


@lru_cache(maxsize=2)
def _reranker(name: str, device: str | None):
    from ruralqa.rerank import CrossEncoderReranker

    return CrossEncoderReranker(name, device)


def answer_question(index: store.Index, question: str, k: int = 5, mode: str = "hybrid",
                    rerank: str | None = None, device: str | None = None,
                    embedder: Embedder | None = None) -> QAResult:
    embedder = embedder or (_embedder(index.model_id, device) if mode != "bm25" else None)
    pool = max(k, 10)
    hits = search(index, question, embedder, mode=mode, k=pool if not rerank else CANDIDATES // 2)
    if rerank:
        hits = _reranker(rerank, device).rerank(question, hits)
    q = parse_query(question, index.manifest.get("regions", []), index.manifest.get("places", []))
    bm25 = index.bm25
    ans = answers.extract(question, hits, q.places, bm25.tokenizer.tokens,
                          lambda terms: _idf(terms, bm25))
    return QAResult(question=question, mode=mode, hits=hits[:k], answer=ans, model=index.model_id,
                    reranker=rerank)


def _idf(terms: list[str], bm25) -> dict[str, float]:
    from ruralqa.lexical import idf_weights

    return idf_weights(terms, bm25)

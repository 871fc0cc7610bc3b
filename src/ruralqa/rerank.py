"""Optional cross-encoder reranking through sentence-transformers, loaded only when asked for."""

from __future__ import annotations

from dataclasses import replace

from ruralqa.embed import check_available
from ruralqa.errors import ModelError
from ruralqa.types import Hit


class CrossEncoderReranker:
    def __init__(self, name: str, device: str | None = None):
        check_available(name, "reranker", "or drop --rerank")
        try:
            from sentence_transformers import CrossEncoder
        except ImportError as exc:
            raise ModelError("reranking needs sentence-transformers; run `pip install sentence-transformers`") from exc
        try:
            self.model = CrossEncoder(name, device=device, trust_remote_code=False)
        except Exception as exc:
            raise ModelError(f"cannot load reranker {name!r}: {str(exc).splitlines()[0][:200]}; "
                             "pass a local cross-encoder folder, or drop --rerank") from None
        self.name = name

    def rerank(self, question: str, hits: list[Hit]) -> list[Hit]:
        if not hits:
            return hits
        scores = self.model.predict([(question, h.chunk.embed_text) for h in hits], show_progress_bar=False)
        order = sorted(range(len(hits)), key=lambda i: -float(scores[i]))
        return [replace(hits[i], score=round(float(scores[i]), 6), rank=r + 1) for r, i in enumerate(order)]

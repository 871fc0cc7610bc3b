"""What both stores (the local `Index` and `MilvusIndex`) answer the same way: from their manifest and lexicon,
and as context managers. Each store supplies `manifest`, `lexicon` and `close()`."""

from __future__ import annotations

from typing import Self

from ruralqa.index.manifest import Manifest


class ManifestView:
    manifest: Manifest

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        raise NotImplementedError

    @property
    def model_id(self) -> str:
        return self.manifest.model_id

    @property
    def size(self) -> int:
        return self.manifest.chunks

    @property
    def regions(self) -> list[str]:
        return self.manifest.regions

    @property
    def places(self) -> list[str]:
        return self.manifest.places

    def tokens(self, text: str) -> list[str]:
        """Tokens of a question, cut with the corpus's own dictionary."""
        return self.lexicon.tokens(text)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return self.lexicon.idf(tokens)

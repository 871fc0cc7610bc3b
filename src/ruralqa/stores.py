"""Which store an index lives in, and opening it: the local FAISS folder (the default) or a Milvus collection
(`--store`, RURALQA_STORE, `store =` in ruralqa.toml). Both answer the same reading methods."""

from __future__ import annotations

from contextlib import AbstractContextManager

from ruralqa.config import Settings
from ruralqa.index import Index
from ruralqa.index.layout import writer_lock
from ruralqa.index.milvus import MilvusIndex, MilvusTarget, parse_store, store_lock

AnyIndex = Index | MilvusIndex


def target(settings: Settings) -> MilvusTarget | None:
    """The Milvus collection the settings name, or None for the local index folder."""
    return parse_store(settings.store)


def describe(settings: Settings) -> str:
    """Where the index lives, for messages."""
    t = target(settings)
    return str(t) if t else str(settings.index_dir)


def open_index(settings: Settings, model_id: str | None = None, chunking: dict | None = None,
               verify: bool = True) -> AnyIndex:
    """The live index of either store; raises IndexMissing, IndexMismatch, IndexCorrupt, StoreUnavailable."""
    t = target(settings)
    if t is not None:
        return MilvusIndex.open(t, model_id=model_id, chunking=chunking, verify=verify)
    return Index.open(settings.index_dir, model_id=model_id, chunking=chunking, verify=verify)


def writable(settings: Settings) -> AbstractContextManager[None]:
    """The store's writer lock (held briefly, it proves the index can be written before anything else is done)."""
    t = target(settings)
    return store_lock(t) if t is not None else writer_lock(settings.index_dir)

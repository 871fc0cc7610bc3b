"""The library's own exceptions. Every message says what to do about the problem."""


class RuralQAError(Exception):
    """Base class; the CLI turns these into one-line errors with a non-zero exit."""


class UsageError(RuralQAError):
    """The request itself is malformed (empty question, bad option value)."""


class CorpusError(RuralQAError):
    """The corpus folder is missing, empty or otherwise unusable."""


class ReportError(RuralQAError):
    """One report cannot be read; `path` names it."""

    def __init__(self, path: str, reason: str):
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ModelError(RuralQAError):
    """An embedding or reranking model cannot be loaded or used."""


class IndexMissing(RuralQAError):
    """No index has been built yet."""


class IndexMismatch(RuralQAError):
    """The index was built with other settings (model, chunking, schema)."""


class IndexCorrupt(RuralQAError):
    """An index file is missing, truncated or altered."""


class IndexLocked(RuralQAError):
    """Another process is updating the index."""


class ForeignIndexDir(RuralQAError):
    """The index folder holds something that is not a ruralqa index."""


class IndexUnwritable(RuralQAError):
    """The index folder cannot be written (permissions, a read-only disk)."""


class StoreUnavailable(RuralQAError):
    """The Milvus store cannot be reached or its client is not installed."""

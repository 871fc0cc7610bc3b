import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"
WANRONG = "000_15376a063cec32eb.txt"
YUNGANG = "001_86d69c937c8640dc.txt"


class CountingEmbedder:
    """A fast, deterministic stand-in for a model: character-bigram hashing. Counts what it embeds."""

    model_id = "test-counting"
    dim = 64

    def __init__(self):
        self.embedded: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for a, b in zip(text, text[1:] + " "):
            v[int(hashlib.md5((a + b).encode()).hexdigest(), 16) % self.dim] += 1
        return v / (np.linalg.norm(v) or 1)

    def embed_queries(self, texts):
        return np.stack([self._vec(t) for t in texts])

    def embed_passages(self, texts, progress=None):
        self.embedded.extend(texts)
        for i in range(len(texts)):
            if progress:
                progress(i + 1, len(texts))
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    for var in ("RURALQA_CORPUS", "RURALQA_INDEX", "RURALQA_MODEL", "RURALQA_DEVICE", "RURALQA_CHUNK_SIZE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def workspace(tmp_path) -> Path:
    """A folder with a copy of the shipped corpus, as a user's working directory."""
    shutil.copytree(SEED_CORPUS, tmp_path / "corpus")
    return tmp_path


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The shipped corpus indexed once with the real bundled model; tests must not modify it."""
    from ruralqa.config import resolve
    from ruralqa.build import update_index

    ws = tmp_path_factory.mktemp("built")
    shutil.copytree(SEED_CORPUS, ws / "corpus")
    update_index(resolve(cwd=ws))
    return ws

import hashlib
import shutil
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEED_CORPUS = ROOT / "corpus"
WANRONG = "000_15376a063cec32eb.txt"
YUNGANG = "001_86d69c937c8640dc.txt"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@contextmanager
def running(app):
    """`app` served by uvicorn on a free loopback port in a thread, as `ruralqa serve` runs it; yields the port."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", http="h11",
                                        access_log=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield port
    finally:
        srv.should_exit = True
        thread.join(10)


@contextmanager
def chromium():
    """Debian's chromium driven by Playwright; the test is skipped, with the reason, where either is missing."""
    if not CHROMIUM:
        pytest.skip("no chromium installed (apt-get install chromium); .ci/run installs it")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (test extra) is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            yield browser
        finally:
            browser.close()


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


def indexed(folder: Path, reports: dict[str, str]) -> Path:
    """`folder` as a workspace whose corpus holds `reports` (file name → text), indexed with CountingEmbedder."""
    from ruralqa.build import update_index
    from ruralqa.config import resolve

    (folder / "corpus").mkdir()
    for name, text in reports.items():
        (folder / "corpus" / name).write_text(text, encoding="utf-8")
    update_index(resolve(cwd=folder), embedder=CountingEmbedder())
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The shipped corpus indexed once with the real bundled model; tests must not modify it."""
    from ruralqa.config import resolve
    from ruralqa.build import update_index

    ws = tmp_path_factory.mktemp("built")
    shutil.copytree(SEED_CORPUS, ws / "corpus")
    update_index(resolve(cwd=ws))
    return ws


class WordsVocab:
    """A Vocabulary as a small index gives it: jieba's search-mode words, each one the reports use (idf `known`, or as
    `idf` maps it) except those in `never`, which no report uses."""

    def __init__(self, regions=("甘肃省",), never=(), known=1.0, idf=None):
        self.regions, self.places = list(regions), []
        self._never, self._known, self._idf = set(never) | {"\x00"}, known, idf or {}

    def tokens(self, text):
        import jieba
        return [w for w in jieba.lcut_for_search(text) if w.strip()]

    def idf(self, tokens):
        return {t: 9.0 if t in self._never else self._idf.get(t, self._known) for t in tokens}

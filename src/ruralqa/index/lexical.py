"""The BM25 part of a generation: bm25s's saved index under bm25/ and the query-time jieba dictionary
(jieba_vocab.txt, the corpus vocabulary). The only code that writes or reads either.

bm25s builds and saves the score matrix (`BM25.save`). Questions are scored from the saved arrays with numpy
instead of `BM25.load`, because importing bm25s (and scipy with it) costs ~0.2 s on every `ruralqa ask`; the sum
is the one bm25s computes (a test checks the scores against bm25s's own). The file names read here are the ones
bm25s's save writes.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from ruralqa.text.tokenize import USER_FREQ, Tokenizer, is_quantity_token

BM25_DIR = "bm25"
DICT_NAME = "jieba_vocab.txt"


def write(folder: Path, texts: list[str], words: set[str]) -> None:
    """Tokenize `texts` (with `words` kept whole), index them with bm25s and save the arrays and the query-time
    dictionary into `folder`."""
    tok = Tokenizer(words)
    write_tokens(folder, [tok.tokens(t) or [""] for t in texts], words, tok)


def write_tokens(folder: Path, corpus_tokens: list[list[str]], words: set[str], tok: Tokenizer) -> None:
    """As `write`, from passages already tokenized by `tok`."""
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(folder / BM25_DIR), show_progress=False)
    vocab = {t for doc in corpus_tokens for t in doc if t and not is_quantity_token(t)}
    entries = {w: USER_FREQ if w in words else tok.word_freq(w) for w in vocab | words}
    (folder / DICT_NAME).write_text(dictionary_text(entries), encoding="utf-8")


def dictionary_text(entries: dict[str, int]) -> str:
    """A jieba dictionary file's text: one `word frequency` line per word (words with spaces cannot be listed)."""
    return "".join(f"{w} {f}\n" for w, f in sorted(entries.items()) if " " not in w)


def bm25_idf(df: int, num_docs: int) -> float:
    """A token's rarity as bm25s's lucene variant weighs it; unknown tokens (df 0) weigh most."""
    return math.log(1 + (num_docs - df + 0.5) / (df + 0.5))


class Bm25Store:
    """Query side of the saved bm25s index: memory-mapped arrays, summed per query token as bm25s does."""

    def __init__(self, folder: Path):
        d = folder / BM25_DIR
        self.data = np.load(d / "data.csc.index.npy", mmap_mode="r")
        self.indices = np.load(d / "indices.csc.index.npy", mmap_mode="r")
        self.indptr = np.load(d / "indptr.csc.index.npy", mmap_mode="r")
        self.vocab = json.loads((d / "vocab.index.json").read_text(encoding="utf-8"))
        self.num_docs = int(json.loads((d / "params.index.json").read_text(encoding="utf-8"))["num_docs"])
        self._dict = folder / DICT_NAME

    def tokens(self, text: str) -> list[str]:
        """Tokens of a question, cut with the corpus's own dictionary."""
        return _query_tokenizer(str(self._dict)).tokens(text)

    def scores(self, tokens: list[str]) -> np.ndarray:
        scores = np.zeros(self.num_docs, dtype=np.float32)
        for i in (self.vocab[t] for t in tokens if t in self.vocab):
            a, b = int(self.indptr[i]), int(self.indptr[i + 1])
            scores += np.bincount(self.indices[a:b], weights=self.data[a:b], minlength=self.num_docs).astype(
                np.float32)
        return scores

    def search(self, tokens: list[str], k: int, rows: list[int] | None = None) -> list[tuple[int, float]]:
        """(row, BM25 score) of the best k passages with a positive score, among `rows` when given."""
        scores = self.scores(tokens)
        if rows is not None:
            keep = np.zeros(len(scores), dtype=bool)
            keep[np.asarray(rows, dtype=np.int64)] = True
            scores[~keep] = 0
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """Rarity of each token in the corpus; unknown tokens weigh most (they are specific)."""
        out = {}
        for t in tokens:
            i = self.vocab.get(t)
            df = int(self.indptr[i + 1] - self.indptr[i]) if i is not None else 0
            out[t] = bm25_idf(df, self.num_docs)
        return out


class Lexicon:
    """The query side of the lexicon without the score arrays: the dictionary (word → jieba frequency) and each
    token's document frequency (a Milvus store keeps these with its collection; Milvus scores BM25 itself)."""

    def __init__(self, dictionary: dict[str, int], df: dict[str, int], num_docs: int):
        self.df, self.num_docs = df, num_docs
        self._dictionary = dictionary
        self._path: Path | None = None

    def _dict_file(self) -> Path:
        """The dictionary as a jieba dictionary file, cached by content (jieba reads dictionaries from files)."""
        if self._path is None:
            lines = dictionary_text(self._dictionary)
            digest = hashlib.sha256(lines.encode()).hexdigest()[:16]
            folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ruralqa"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"dictionary-{digest}.txt"
            if not path.exists():
                tmp = path.with_suffix(f".{os.getpid()}.tmp")
                tmp.write_text(lines, encoding="utf-8")
                os.replace(tmp, path)
            self._path = path
        return self._path

    def tokens(self, text: str) -> list[str]:
        return _query_tokenizer(str(self._dict_file())).tokens(text)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        return {t: bm25_idf(self.df.get(t, 0), self.num_docs) for t in tokens}


@lru_cache(maxsize=4)
def _query_tokenizer(dictionary: str) -> Tokenizer:
    return Tokenizer(dictionary=Path(dictionary))

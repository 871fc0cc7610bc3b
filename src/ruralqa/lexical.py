"""BM25 over jieba tokens.

Indexing uses jieba with its full dictionary plus a user dictionary derived from the corpus and the catalog
(place and organisation names stay whole), keeps numbers with their units as single tokens (8298.12万元), and
builds the BM25 score matrix with bm25s. The index folder keeps bm25s's saved arrays and a jieba dictionary
restricted to the corpus vocabulary: a query token outside that vocabulary cannot score anyway, and loading the
small dictionary takes milliseconds where jieba's full one takes ~0.7 s on every question.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from ruralqa.catalog import places_in
from ruralqa.normalize import QUANTITY, normalize

ORG = re.compile(r"[\u4e00-\u9fff]{2,8}?(?:农商行|银行|支行|公司|合作社|服务中心|乡村振兴局|领导小组)")
_TOKEN_OK = re.compile(r"[\w%]", re.UNICODE)
STOPWORDS = set("""的 了 和 与 及 等 是 在 为 对 把 被 将 从 以 于 也 都 而 并 其 之 这 那 有 个 中 上 下 到 由 让 使 就 又
    多少 什么 哪些 哪个 哪里 哪 几 几个 如何 怎么 怎样 是否 吗 呢 啊 请问 请 一下 有没有 是不是 多大 多高 多长 情况 方面""".split())
BM25_DIR = "bm25"
DICT_NAME = "jieba_vocab.txt"
USER_FREQ = 2_000_000  # high enough that jieba never splits a user word


def user_words(texts: Iterable[str], regions: Iterable[str]) -> set[str]:
    """Place and organisation names found in the corpus, plus the catalog's regions."""
    words = {r for r in regions if r}
    for text in texts:
        words |= places_in(text)
        words.update(m.group(0) for m in ORG.finditer(text))
    return words


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tags of dictionary words (index time only: it loads the full dictionary)."""
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    jieba.posseg.dt.tokenizer.check_initialized()
    return jieba.posseg.dt.word_tag_tab


class Tokenizer:
    """jieba search-mode tokens of normalized text, with numbers and their units kept whole."""

    def __init__(self, words: Iterable[str] = (), dictionary: Path | None = None):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer(dictionary=str(dictionary)) if dictionary else jieba.Tokenizer()
        for w in words:
            self._jieba.add_word(w, freq=USER_FREQ)

    def tokens(self, text: str) -> list[str]:
        text = normalize(text).lower()
        out, last = [], 0
        for m in QUANTITY.finditer(text):
            if m.group(2) or m.group(3) or m.group(4):  # a bare year or index number is left to jieba
                out.extend(self._words(text[last:m.start()]))
                out.append(m.group(0))
                last = m.end()
        out.extend(self._words(text[last:]))
        return out

    def _words(self, text: str) -> list[str]:
        return [w for w in self._jieba.cut_for_search(text, HMM=True)
                if w.strip() and w not in STOPWORDS and _TOKEN_OK.search(w)]

    def word_freq(self, word: str) -> int:
        self._jieba.check_initialized()
        return self._jieba.FREQ.get(word) or 1


def build(texts: list[str], words: set[str], folder: Path) -> None:
    """Tokenize, index with bm25s and save the arrays plus the query-time dictionary into `folder`."""
    tok = Tokenizer(words)
    build_from_tokens([tok.tokens(t) or [""] for t in texts], words, folder, tok)


def build_from_tokens(corpus_tokens: list[list[str]], words: set[str], folder: Path, tok: Tokenizer) -> None:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(corpus_tokens, show_progress=False)
    retriever.save(str(folder / BM25_DIR), show_progress=False)
    vocab = {t for doc in corpus_tokens for t in doc if t and not QUANTITY.fullmatch(t)}
    with open(folder / DICT_NAME, "w", encoding="utf-8") as f:
        for w in sorted(vocab | words):
            if " " not in w:
                f.write(f"{w} {USER_FREQ if w in words else tok.word_freq(w)}\n")


class Bm25Index:
    """Query side of the saved bm25s index: memory-mapped arrays, summed per query token as bm25s does."""

    def __init__(self, folder: Path):
        d = folder / BM25_DIR
        self.data = np.load(d / "data.csc.index.npy", mmap_mode="r")
        self.indices = np.load(d / "indices.csc.index.npy", mmap_mode="r")
        self.indptr = np.load(d / "indptr.csc.index.npy", mmap_mode="r")
        self.vocab = json.loads((d / "vocab.index.json").read_text(encoding="utf-8"))
        self.num_docs = int(json.loads((d / "params.index.json").read_text(encoding="utf-8"))["num_docs"])
        self._dict = folder / DICT_NAME

    @property
    def tokenizer(self) -> Tokenizer:
        return _query_tokenizer(str(self._dict))

    def scores(self, query: str) -> np.ndarray:
        ids = [self.vocab[t] for t in self.tokenizer.tokens(query) if t in self.vocab]
        scores = np.zeros(self.num_docs, dtype=np.float32)
        for i in ids:
            a, b = int(self.indptr[i]), int(self.indptr[i + 1])
            scores += np.bincount(self.indices[a:b], weights=self.data[a:b], minlength=self.num_docs).astype(
                np.float32)
        return scores

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        scores = self.scores(query)
        k = min(k, len(scores))
        if k == 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


@lru_cache(maxsize=4)
def _query_tokenizer(dictionary: str) -> Tokenizer:
    return Tokenizer(dictionary=Path(dictionary))


def idf_weights(tokens: list[str], index: Bm25Index) -> dict[str, float]:
    """Rarity of each query token in the corpus; unknown tokens weigh most (they are specific)."""
    out = {}
    for t in tokens:
        i = index.vocab.get(t)
        df = int(index.indptr[i + 1] - index.indptr[i]) if i is not None else 0
        out[t] = math.log(1 + (index.num_docs - df + 0.5) / (df + 0.5))
    return out

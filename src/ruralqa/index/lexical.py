"""The BM25 part of an index: term postings per segment (bm25/ in each segment folder) and the query-time jieba
dictionary of the whole generation (jieba_vocab.txt, the corpus vocabulary). The only code that writes or reads
either.

A segment stores raw term frequencies and passage lengths, not finished scores, so that passages appended later
in segments of their own are scored with the idf and average length of the whole live index: a generation's
BM25 scores are the ones one index over all its live passages would give. The formula is bm25s's default (lucene
idf, k1 1.5, b 0.75); a test checks a one-segment index's scores against bm25s's own. bm25s itself is not used
to build: its saved matrix bakes in one corpus's idf and cannot take passages appended or removed later.
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
K1, B = 1.5, 0.75


def tokenize(texts: list[str], tok: Tokenizer) -> list[list[str]]:
    """Tokens of each passage (an empty one gets one empty token, as bm25s gives it)."""
    return [tok.tokens(t) or [""] for t in texts]


def write_postings(folder: Path, corpus_tokens: list[list[str]]) -> int:
    """Save the term postings of a segment's passages into `folder`/bm25; returns the passages' total length."""
    vocab: dict[str, int] = {}
    term_ids = np.fromiter((vocab.setdefault(t, len(vocab)) for doc in corpus_tokens for t in doc), dtype=np.int64)
    lengths = np.fromiter((len(doc) for doc in corpus_tokens), dtype=np.int64, count=len(corpus_tokens))
    docs = np.repeat(np.arange(len(corpus_tokens), dtype=np.int64), lengths)
    n = max(len(corpus_tokens), 1)
    keys, tf = np.unique(term_ids * n + docs, return_counts=True)  # sorted by term, then passage
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // n, minlength=len(vocab)), out=indptr[1:])
    d = folder / BM25_DIR
    d.mkdir(parents=True, exist_ok=True)
    np.save(d / "indptr.npy", indptr)
    np.save(d / "docs.npy", (keys % n).astype(np.int32))
    np.save(d / "tf.npy", tf.astype(np.float32))
    np.save(d / "lengths.npy", lengths.astype(np.float32))
    (d / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    return int(lengths.sum())


def dictionary_entries(corpus_tokens: list[list[str]], words: set[str], tok: Tokenizer) -> dict[str, int]:
    """jieba dictionary entries (word → frequency) for the vocabulary of `corpus_tokens` and the user `words`."""
    vocab = {t for doc in corpus_tokens for t in doc if t and not is_quantity_token(t)}
    return {w: USER_FREQ if w in words else tok.word_freq(w) for w in vocab | words}


def write_dictionary(folder: Path, entries: dict[str, int]) -> None:
    (folder / DICT_NAME).write_text(dictionary_text(entries), encoding="utf-8")


def read_dictionary(folder: Path) -> dict[str, int]:
    out = {}
    for line in (folder / DICT_NAME).read_text(encoding="utf-8").splitlines():
        word, _, freq = line.rpartition(" ")
        if word:
            out[word] = int(freq)
    return out


def user_words_of(entries: dict[str, int]) -> set[str]:
    """The place and organisation names a dictionary was given (they carry USER_FREQ)."""
    return {w for w, f in entries.items() if f == USER_FREQ}


def dictionary_text(entries: dict[str, int]) -> str:
    """A jieba dictionary file's text: one `word frequency` line per word (words with spaces cannot be listed)."""
    return "".join(f"{w} {f}\n" for w, f in sorted(entries.items()) if " " not in w)


def bm25_idf(df: int, num_docs: int) -> float:
    """A token's rarity as bm25s's lucene variant weighs it; unknown tokens (df 0) weigh most."""
    return math.log(1 + (num_docs - df + 0.5) / (df + 0.5))


class Postings:
    """One segment's saved postings, memory-mapped."""

    def __init__(self, folder: Path):
        d = folder / BM25_DIR
        self.indptr = np.load(d / "indptr.npy", mmap_mode="r")
        self.docs = np.load(d / "docs.npy", mmap_mode="r")
        self.tf = np.load(d / "tf.npy", mmap_mode="r")
        self.lengths = np.load(d / "lengths.npy", mmap_mode="r")
        self.vocab = json.loads((d / "vocab.json").read_text(encoding="utf-8"))

    def of(self, token: str) -> tuple[np.ndarray, np.ndarray] | None:
        """(passage rows, term frequencies) of a token, or None when no passage has it."""
        i = self.vocab.get(token)
        if i is None:
            return None
        a, b = int(self.indptr[i]), int(self.indptr[i + 1])
        return self.docs[a:b], self.tf[a:b]


class Bm25:
    """The query side over all segments of a generation: idf and average length of the live passages.
    `parts`: (postings, deleted-row mask or None) per segment, in segment order. A generation never changes, so
    each token's document frequency and each segment's length norms are computed once."""

    def __init__(self, folder: Path, parts: list[tuple[Postings, np.ndarray | None]], num_docs: int,
                 total_length: int):
        self.parts, self.num_docs = parts, num_docs
        self.avgdl = total_length / num_docs if num_docs else 1.0
        self._dict = folder / DICT_NAME
        self._df: dict[str, int] = {}
        self._norms: dict[int, np.ndarray] = {}

    def tokens(self, text: str) -> list[str]:
        """Tokens of a question, cut with the corpus's own dictionary."""
        return _query_tokenizer(str(self._dict)).tokens(text)

    def df(self, token: str) -> int:
        """How many live passages have the token."""
        if token not in self._df:
            n = 0
            for postings, deleted in self.parts:
                hit = postings.of(token)
                if hit is not None:
                    n += len(hit[0]) - (int(deleted[hit[0]].sum()) if deleted is not None else 0)
            self._df[token] = n
        return self._df[token]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """Rarity of each token in the corpus; unknown tokens weigh most (they are specific)."""
        return {t: bm25_idf(self.df(t), self.num_docs) for t in tokens}

    def scores(self, tokens: list[str], part: int, idf: dict[str, float] | None = None) -> np.ndarray:
        """BM25 score of every passage of segment `part`; 0 for those marked deleted."""
        postings, deleted = self.parts[part]
        idf = idf if idf is not None else self.idf(tokens)
        scores = np.zeros(len(postings.lengths), dtype=np.float32)
        for t in tokens:
            hit = postings.of(t)
            if hit is None:
                continue
            if part not in self._norms:
                self._norms[part] = length_norm(np.asarray(postings.lengths), self.avgdl)
            rows, tf = hit
            scores += np.bincount(rows, weights=np.float32(idf[t]) * tf / (tf + self._norms[part][rows]),
                                  minlength=len(scores)).astype(np.float32)
        if deleted is not None:
            scores[deleted] = 0
        return scores


def length_norm(length, avgdl: float):
    """The length part of a BM25 term's denominator, tf + K1·(1 − B + B·length/avgdl), for one passage or an
    array of them."""
    return K1 * (1 - B + B * length / avgdl)


def top_k(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """(row, score) of the k best positive scores, best first."""
    k = min(k, len(scores))
    if k == 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


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

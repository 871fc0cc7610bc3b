"""Tokens for BM25 and for matching questions to passages: jieba search-mode words of normalized text.

Numbers keep their units as one token (8298.12万元); place and organisation names found in the corpus are added
to jieba's dictionary so they stay whole. At query time the index's own small dictionary (the corpus vocabulary)
is used instead of jieba's full one: a token outside the vocabulary cannot score anyway, and jieba is handed only the
entries of the question's own pieces (see Tokenizer), not a prefix table of the whole vocabulary (the full
dictionary's takes ~0.7 s to load, the vocabulary's of the 62 reports 0.08 s; reading the vocabulary's lines, a
hundredth of a second).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterable
from pathlib import Path

from ruralqa.text.normalize import QUANTITY, normalize
from ruralqa.text.orgs import orgs_in
from ruralqa.text.places import places_in
from ruralqa.text.words import STOPWORDS

_TOKEN_OK = re.compile(r"[\w%]", re.UNICODE)
USER_FREQ = 2_000_000  # high enough that jieba never splits a user word


def user_words(texts: Iterable[str], regions: Iterable[str]) -> set[str]:
    """Place and organisation names found in the corpus, plus the catalog's regions."""
    words = {r for r in regions if r}
    for text in texts:
        words |= places_in(text)
        words |= orgs_in(text)
    return words


def is_quantity_token(token: str) -> bool:
    return bool(QUANTITY.fullmatch(token))


class Tokenizer:
    """jieba search-mode tokens of normalized text, with numbers and their units kept whole.

    With a `dictionary` (the index's vocabulary, as a jieba dictionary file) the words are read once, and jieba is
    given, for each text, only the entries its cut looks up: the text's pieces that are words or begin one. That
    cuts exactly as jieba with the whole dictionary loaded does (its DAG walks a text's pieces only while they begin
    a word), without building or unmarshalling a prefix table of the whole vocabulary in every new process (a
    tenth of a second of a fresh `ruralqa ask` on the 62-report index)."""

    def __init__(self, words: Iterable[str] = (), dictionary: Path | None = None):
        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._lines: list[str] | None = None
        if dictionary:
            # `word frequency` lines in the words' order (a space sorts before any character of a word), and their sum
            text = Path(dictionary).read_text(encoding="utf-8")
            self._lines = sorted(line for line in text.splitlines() if line.strip())
            self._total = sum(map(int, _FREQUENCY.findall(text)))
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
        return [w for w in self._cutter(text).cut_for_search(text, HMM=True)
                if w.strip() and w not in STOPWORDS and _TOKEN_OK.search(w)]

    def _cutter(self, text: str):
        """The jieba tokenizer to cut `text` with: for a dictionary, a fresh one holding the entries of its pieces
        (one per call, so that threads of `ruralqa serve` never share one)."""
        if self._lines is None:
            return self._jieba
        import jieba

        cutter = jieba.Tokenizer()
        cutter.FREQ, cutter.total, cutter.initialized = self._pieces(text), self._total, True
        return cutter

    def _pieces(self, text: str) -> dict[str, int]:
        """The entries of jieba's prefix table for `text`'s pieces: a word's frequency, 0 for a piece that only begins
        one (as jieba's gen_pfdict makes them); a piece never spans white space, which jieba's cut never looks up."""
        freq: dict[str, int] = {}
        for k in range(len(text)):
            for i in range(k + 1, len(text) + 1):
                entry = None if text[i - 1].isspace() else self._entry(text[k:i])
                if entry is None:
                    break
                freq[text[k:i]] = entry
        return freq

    def _entry(self, piece: str) -> int | None:
        """The piece's frequency if it is a word, 0 if it only begins one, None if it begins none. One lookup: the
        first line at or after the piece is its own (`piece 12`: a space sorts first) or another word it begins."""
        at = bisect_left(self._lines, piece)
        line = self._lines[at] if at < len(self._lines) else ""
        if not line.startswith(piece):
            return None
        return int(line[len(piece) + 1:].split(" ")[0]) if line.startswith(piece + " ") else 0

    def word_freq(self, word: str) -> int:
        if self._lines is not None:
            return self._entry(word) or 1
        self._jieba.check_initialized()
        return self._jieba.FREQ.get(word) or 1


_FREQUENCY = re.compile(r"^\S+ (\d+)", re.M)  # a dictionary line's frequency, after its word

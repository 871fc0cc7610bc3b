import json
import multiprocessing
import os
import subprocess
import sys

import pytest

from ruralqa.index import Index, current_generation, writer_lock
from ruralqa.index.dense import build_faiss
from ruralqa.config import resolve
from ruralqa.errors import IndexCorrupt, IndexLocked, IndexMismatch
from ruralqa.build import update_index
from ruralqa.qa import answer_question
from conftest import CountingEmbedder, WANRONG, YUNGANG


def build(ws, emb, **kw):
    return update_index(resolve(cwd=ws), embedder=emb, **kw)


def test_incremental_cases_embed_only_new_content(workspace):
    emb = CountingEmbedder()
    s = build(workspace, emb)
    first = len(emb.embedded)
    assert s.reports_added == [WANRONG, YUNGANG] and s.chunks_embedded == first == s.chunks_total

    emb.embedded.clear()  # no-op
    s = build(workspace, emb)
    assert s.up_to_date and emb.embedded == [] and s.chunks_reused == s.chunks_total

    (workspace / "corpus" / "new.txt").write_text("新绛县乡村振兴\n新绛县蔬菜年产值达4亿元。\n", encoding="gb18030")
    s = build(workspace, emb)
    assert s.reports_added == ["new.txt"] and len(emb.embedded) == 1 and "4亿元" in emb.embedded[0]

    emb.embedded.clear()  # change one paragraph of one report: only its chunk is embedded
    path = workspace / "corpus" / YUNGANG
    path.write_text(path.read_text(encoding="utf-8").replace("625.8万元", "626.8万元"), encoding="utf-8")
    s = build(workspace, emb)
    assert s.reports_changed == [YUNGANG] and len(emb.embedded) == 1 and "626.8万元" in emb.embedded[0]
    assert s.chunks_removed == 1

    os.remove(workspace / "corpus" / "new.txt")
    s = build(workspace, emb)
    assert s.reports_removed == ["new.txt"] and s.chunks_removed == 1
    index = Index.open(workspace / "index")
    assert all(c.citation.file != "new.txt" for c in index.all_chunks())

    emb.embedded.clear()
    s = build(workspace, emb, full=True)
    assert len(emb.embedded) == s.chunks_total


def test_bad_report_keeps_the_rest_and_its_old_passages(workspace):
    emb = CountingEmbedder()
    build(workspace, emb)
    before = {c.id for c in Index.open(workspace / "index").all_chunks()}
    (workspace / "corpus" / YUNGANG).write_bytes(b"\x00\x01 binary now")
    (workspace / "corpus" / "ok.md").write_text("# 闻喜县\n闻喜县花馍产值达2亿元。\n", encoding="utf-8")
    (workspace / "corpus" / "empty.txt").write_bytes(b"")
    s = build(workspace, emb)
    assert set(s.failed) == {YUNGANG, "empty.txt"} and s.reports_added == ["ok.md"]
    after = {c.id for c in Index.open(workspace / "index").all_chunks()}
    assert before < after  # every good passage kept, the new one added


def test_model_or_chunking_mismatch_is_refused(workspace):
    build(workspace, CountingEmbedder())
    with pytest.raises(IndexMismatch, match="--full"):
        Index.open(workspace / "index", model_id="other")
    with pytest.raises(IndexMismatch, match="--full"):
        update_index(resolve(cwd=workspace, chunk_size=120), embedder=CountingEmbedder())
    s = update_index(resolve(cwd=workspace, chunk_size=120), embedder=CountingEmbedder(), full=True)
    assert s.chunks_total > 0


def test_altered_file_detected_and_check_reports_it(workspace):
    from ruralqa.maintenance import check_index

    build(workspace, CountingEmbedder())
    assert check_index(resolve(cwd=workspace)).ok
    gen = current_generation(workspace / "index")
    data = bytearray((gen / "seg-000001" / "chunks.sqlite").read_bytes())
    data[-10] ^= 0xFF
    (gen / "seg-000001" / "chunks.sqlite").write_bytes(bytes(data))
    with pytest.raises(IndexCorrupt, match="ruralqa index --repair"):
        Index.open(workspace / "index")
    result = check_index(resolve(cwd=workspace))
    assert not result.ok and "chunks.sqlite" in result.problems[0]


def _hold_lock(root, ready, release):
    with writer_lock(root):
        ready.set()
        release.wait(10)


def test_second_writer_is_told_and_stale_lock_recovers(workspace):
    root = workspace / "index"
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(root, ready, release))
    holder.start()
    ready.wait(10)
    with pytest.raises(IndexLocked, match="being updated"):
        build(workspace, CountingEmbedder())
    holder.kill()  # dies holding the lock: the kernel releases it
    holder.join()
    assert build(workspace, CountingEmbedder()).chunks_total > 0


SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from conftest import CountingEmbedder
from ruralqa import faults
from ruralqa.config import resolve
from ruralqa.build import update_index
faults.install(lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == {point!r} else None)
update_index(resolve(cwd={ws!r}), embedder=CountingEmbedder())
"""


@pytest.mark.parametrize("point", ["before-embed", "mid-embed", "write:vectors", "write:faiss", "write:chunks",
                                   "write:bm25", "write:manifest", "before-swap"])
def test_killed_update_leaves_previous_index_usable(workspace, point):
    build(workspace, CountingEmbedder())
    old_gen = current_generation(workspace / "index").name
    (workspace / "corpus" / "new.txt").write_text("新绛县乡村振兴\n新绛县蔬菜年产值达4亿元。\n新绛县还有别的。\n",
                                                  encoding="utf-8")
    script = SCRIPT.format(tests=os.path.dirname(__file__), ws=str(workspace), point=point)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr  # killed at that point
    index = Index.open(workspace / "index")
    assert index.folder.name == old_gen
    result = answer_question(index, "云冈区共有多少个行政村", embedder=CountingEmbedder())
    assert result.hits and all(h.chunk.citation.file != "new.txt" for h in result.hits)
    s = build(workspace, CountingEmbedder())  # the next run completes the work
    assert s.reports_added == ["new.txt"]
    assert not list((workspace / "index").glob(".tmp-*"))


def test_large_index_type_finds_what_exact_search_finds():
    import numpy as np

    rng = np.random.default_rng(1)  # clustered, as embeddings of related passages are
    centers = rng.standard_normal((60, 48)).astype("float32")
    x = centers[rng.integers(0, 60, 6000)] + 0.3 * rng.standard_normal((6000, 48)).astype("float32")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ivf, params = build_faiss(x, kind="ivf")
    flat, _ = build_faiss(x, kind="flat")
    ivf.nprobe = params["nprobe"]
    q = x[:50] + 0.05 * rng.standard_normal((50, 48)).astype("float32")
    _, a = ivf.search(q, 10)
    _, b = flat.search(q, 10)
    recall = np.mean([len(set(i) & set(j)) / 10 for i, j in zip(a, b)])
    assert params["type"] == "ivf" and recall >= 0.95


def test_filtered_ivf_search_keeps_its_recall(tmp_path):
    """A region filter or deleted rows pass FAISS a selector; the IVF index must still probe as many lists."""
    import faiss
    import numpy as np

    from ruralqa.index.dense import FAISS, DenseStore

    rng = np.random.default_rng(2)
    centers = rng.standard_normal((200, 32)).astype("float32")
    x = centers[rng.integers(0, 200, 20000)] + 0.4 * rng.standard_normal((20000, 32)).astype("float32")
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ivf, params = build_faiss(x, kind="ivf")
    faiss.write_index(ivf, str(tmp_path / FAISS))
    store = DenseStore(tmp_path, params, len(x))
    exact = faiss.IndexFlatIP(32)
    exact.add(x)
    q = x[:40] + 0.05 * rng.standard_normal((40, 32)).astype("float32")
    deleted = np.arange(0, 20000, 7)
    recall = []
    for v in q:
        _, ids = exact.search(v[None, :], 200)
        want = [i for i in ids[0] if i % 7][:10]
        got = [r for r, _ in store.search(v, 10, exclude=deleted)]
        assert not any(r % 7 == 0 for r in got)
        recall.append(len(set(got) & set(want)) / 10)
    assert np.mean(recall) >= 0.95


def test_readers_during_updates_see_a_whole_index(workspace):
    import threading

    build(workspace, CountingEmbedder())
    stop, seen, errors = threading.Event(), set(), []

    def read():
        while not stop.is_set():
            try:
                index = Index.open(workspace / "index")
                assert index.verify(full=False) == [] and len(index.vectors()) == index.size
                seen.add(index.size)
                index.close()
            except AssertionError as exc:
                errors.append(exc)

    reader = threading.Thread(target=read)
    reader.start()
    for i in range(6):
        (workspace / "corpus" / f"n{i}.txt").write_text(f"第{i}号报告\n临猗县苹果产量达{i + 1}万吨。\n", encoding="utf-8")
        build(workspace, CountingEmbedder())
    stop.set()
    reader.join()
    assert not errors and len(seen) >= 2

"""A large index is updated by appending a segment: the appended generation must answer exactly as an index built
afresh from the same corpus would (BM25 with the whole index's idf, deleted passages never found), survive a
kill, merge its appended segments, and be rewritten whole by `index --optimize`. The size threshold is lowered
so that the seed corpus takes the path a million-passage index takes."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from ruralqa import build, index as index_pkg
from ruralqa.build import update_index
from ruralqa.config import resolve
from ruralqa.index import Index, current_generation
from ruralqa.maintenance import check_index
from ruralqa.qa import answer_question
from conftest import CountingEmbedder, YUNGANG

QUESTIONS = ["云冈区共有多少个行政村", "万荣县香菇产值是多少", "新绛县蔬菜年产值", "闻喜县花馍", "苹果产量"]


@pytest.fixture
def appending(monkeypatch):
    monkeypatch.setattr(build, "APPEND_MIN_ROWS", 0)


def _same_as_fresh(ws, tmp_path):
    """Every retrieval of the appended index equals that of an index built afresh from the same corpus."""
    fresh_ws = tmp_path / "fresh"
    shutil.rmtree(fresh_ws, ignore_errors=True)
    shutil.copytree(ws / "corpus", fresh_ws / "corpus")
    update_index(resolve(cwd=fresh_ws), embedder=CountingEmbedder(), full=True)
    emb = CountingEmbedder()
    with Index.open(ws / "index") as ours, Index.open(fresh_ws / "index") as theirs:
        assert ours.size == theirs.size and ours.verify() == [] and sorted(ours.regions) == sorted(theirs.regions)
        assert sorted(c.id for c in ours.all_chunks()) == sorted(c.id for c in theirs.all_chunks())
        for q in QUESTIONS:
            tokens = theirs.tokens(q)
            for regions in (None, ["云冈区"]):
                a = [(c.id, round(s, 4)) for c, (_, s) in zip(
                    ours.chunks([r for r, _ in ours.search_lexical(tokens, 10, regions)]),
                    ours.search_lexical(tokens, 10, regions))]
                b = [(c.id, round(s, 4)) for c, (_, s) in zip(
                    theirs.chunks([r for r, _ in theirs.search_lexical(tokens, 10, regions)]),
                    theirs.search_lexical(tokens, 10, regions))]
                assert sorted(a) == sorted(b), q
                v = emb.embed_queries([q])[0]
                da = {ours.chunks([r])[0].id: round(s, 5) for r, s in ours.search_dense(v, 10, regions)}
                db = {theirs.chunks([r])[0].id: round(s, 5) for r, s in theirs.search_dense(v, 10, regions)}
                assert da == db, q
            ra, rb = answer_question(ours, q, embedder=emb), answer_question(theirs, q, embedder=emb)
            assert (ra.answer and ra.answer.text) == (rb.answer and rb.answer.text)


def test_appended_index_answers_as_a_fresh_build(workspace, tmp_path, appending):
    emb = CountingEmbedder()
    update_index(resolve(cwd=workspace), embedder=emb)
    corpus = workspace / "corpus"
    (corpus / "new.txt").write_text("新绛县乡村振兴\n新绛县蔬菜年产值达4亿元。\n", encoding="utf-8")
    emb.embedded.clear()
    s = update_index(resolve(cwd=workspace), embedder=emb)
    assert s.reports_added == ["new.txt"] and len(emb.embedded) == 1
    with Index.open(workspace / "index") as index:
        assert [r.name for r in index.manifest.segments] == ["seg-000001", "seg-000002"]
    _same_as_fresh(workspace, tmp_path)

    path = corpus / YUNGANG  # one figure changed: the report's old passages are marked deleted, only one embedded
    path.write_text(path.read_text(encoding="utf-8").replace("625.8万元", "626.8万元"), encoding="utf-8")
    emb.embedded.clear()
    s = update_index(resolve(cwd=workspace), embedder=emb)
    assert s.reports_changed == [YUNGANG] and len(emb.embedded) == 1 and s.chunks_removed > 1
    with Index.open(workspace / "index") as index:
        assert index.manifest.deleted == s.chunks_removed and index.size == s.chunks_total
        assert not any("625.8万元" in c.text for c in index.all_chunks())
        for q in ("625.8万元", "626.8万元"):
            hits = index.chunks([r for r, _ in index.search_lexical(index.tokens(q), 50)])
            assert all("625.8万元" not in c.text for c in hits)
    _same_as_fresh(workspace, tmp_path)

    (corpus / "ok.md").write_text("# 闻喜县\n闻喜县花馍产值达2亿元。\n", encoding="utf-8")
    os.remove(corpus / "new.txt")  # a report removed: its place goes from the index's regions
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert s.reports_removed == ["new.txt"] and s.reports_added == ["ok.md"]
    _same_as_fresh(workspace, tmp_path)
    assert check_index(resolve(cwd=workspace)).ok


def test_appended_segments_merge_and_optimize_rewrites_one(workspace, tmp_path, appending, monkeypatch):
    monkeypatch.setattr(index_pkg, "MAX_APPENDED", 2)
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    counts = []
    for i in range(4):
        (workspace / "corpus" / f"n{i}.txt").write_text(f"第{i}号报告\n临猗县苹果产量达{i + 1}万吨。\n",
                                                       encoding="utf-8")
        emb = CountingEmbedder()
        update_index(resolve(cwd=workspace), embedder=emb)
        assert len(emb.embedded) == 1  # merged passages keep their vectors
        with Index.open(workspace / "index") as index:
            counts.append(len(index.manifest.segments))
    assert max(counts) <= 3 and counts[2] == 2  # the third update merged the two appended segments
    _same_as_fresh(workspace, tmp_path)
    emb = CountingEmbedder()
    s = update_index(resolve(cwd=workspace), embedder=emb, optimize=True)
    assert emb.embedded == [] and not s.up_to_date
    with Index.open(workspace / "index") as index:
        assert len(index.manifest.segments) == 1 and index.manifest.deleted == 0
    _same_as_fresh(workspace, tmp_path)


SCRIPT = """
import os, signal, sys
sys.path.insert(0, {tests!r})
from conftest import CountingEmbedder
from ruralqa import build, faults
from ruralqa.config import resolve
build.APPEND_MIN_ROWS = 0
faults.install(lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == {point!r} else None)
build.update_index(resolve(cwd={ws!r}), embedder=CountingEmbedder())
"""


@pytest.mark.parametrize("point", ["mid-embed", "write:bm25", "write:manifest", "before-swap"])
def test_killed_append_leaves_previous_index_usable(workspace, point):
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    old_gen = current_generation(workspace / "index").name
    (workspace / "corpus" / "new.txt").write_text("新绛县乡村振兴\n新绛县蔬菜年产值达4亿元。\n新绛县还有别的。\n",
                                                  encoding="utf-8")
    script = SCRIPT.format(tests=os.path.dirname(__file__), ws=str(workspace), point=point)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr
    with Index.open(workspace / "index") as index:
        assert index.folder.name == old_gen and index.verify() == []
    assert check_index(resolve(cwd=workspace)).ok
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert s.reports_added == ["new.txt"] and not list((workspace / "index").glob(".tmp-*"))


def test_appending_links_unchanged_segments(workspace, appending):
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    first = current_generation(workspace / "index")
    (workspace / "corpus" / "new.txt").write_text("新绛县乡村振兴\n新绛县蔬菜年产值达4亿元。\n", encoding="utf-8")
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    second = current_generation(workspace / "index")
    for name in ("vectors.npy", "faiss.index", "chunks.sqlite"):  # the same file, not a copy
        assert os.path.samefile(first / "seg-000001" / name, second / "seg-000001" / name)
    assert np.load(second / "seg-000002" / "vectors.npy").shape[0] == 1

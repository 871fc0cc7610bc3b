"""Faults that once crashed or leaked (one test per case of the robustness issue): each now gives one clear line
that names the file and the fix, a non-zero exit where it failed, no traceback, and nothing half-done."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ruralqa.build import update_index
from ruralqa.config import resolve
from ruralqa.index import Index, current_generation
from conftest import WANRONG, YUNGANG, CountingEmbedder
from test_cli import run

TESTS = os.path.dirname(__file__)


def _copy(built, tmp_path) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(built / "corpus", ws / "corpus")
    shutil.copytree(built / "index", ws / "index")
    return ws


def _tree(ws: Path) -> dict[str, bytes]:
    return {p.relative_to(ws).as_posix(): p.read_bytes() for p in sorted(ws.rglob("*")) if p.is_file()}


def _as_other_user(script: str, ws: Path) -> subprocess.CompletedProcess:
    """Run `script` without root's override of file permissions: as root, with the capabilities that bypass them
    (dac_override, dac_read_search) dropped by setpriv."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv (util-linux), so permissions cannot be enforced")
        prefix = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([TESTS, str(Path(TESTS).parent / "src")]))
    return subprocess.run([*prefix, sys.executable, "-c", textwrap.dedent(script)], cwd=ws, env=env,
                          capture_output=True, text=True, timeout=120)


BUILD = """
from conftest import CountingEmbedder
from ruralqa.build import update_index
from ruralqa.config import resolve
s = update_index(resolve(), embedder=CountingEmbedder())
print(dict(s.failed))
"""


def test_unreadable_report_is_named_and_the_rest_indexed(workspace):
    (workspace / "corpus" / "secret.txt").write_text("闻喜县花馍产值达2亿元。\n", encoding="utf-8")
    os.chmod(workspace / "corpus" / "secret.txt", 0)
    proc = _as_other_user(BUILD, workspace)
    assert proc.returncode == 0, proc.stderr
    assert "secret.txt" in proc.stdout and "check its permissions" in proc.stdout
    assert "Traceback" not in proc.stderr


ADD_READ_ONLY = """
import os, sys
from click.testing import CliRunner
from ruralqa.cli import cli
os.chmod("index", 0o555)
for gen in os.listdir("index"):
    if gen.startswith("gen-"):
        os.chmod(os.path.join("index", gen), 0o555)
r = CliRunner().invoke(cli, sys.argv[1:] if len(sys.argv) > 1 else ["add", "new.txt"])
print(r.exit_code, r.output)
"""


@pytest.mark.parametrize("args", [["add", "new.txt"], ["index", "--full"]])
def test_read_only_index_is_one_line_and_add_changes_nothing(built, tmp_path, args):
    ws = _copy(built, tmp_path)
    (ws / "new.txt").write_text("闻喜县乡村振兴\n闻喜县花馍产值达2亿元。\n", encoding="utf-8")
    before = {k: v for k, v in _tree(ws).items() if k.startswith("corpus/")}
    script = ADD_READ_ONLY.replace('sys.argv[1:] if len(sys.argv) > 1 else ["add", "new.txt"]', repr(args))
    proc = _as_other_user(script, ws)
    assert proc.returncode == 0, proc.stderr
    code, _, output = proc.stdout.partition(" ")
    assert code != "0" and "cannot write to the index folder" in output and "Traceback" not in output
    assert {k: v for k, v in _tree(ws).items() if k.startswith("corpus/")} == before  # nothing half-done


def test_binary_current_pointer_is_one_line(built, tmp_path):
    ws = _copy(built, tmp_path)
    (ws / "index" / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    for args in (["ask", "问题"], ["index"]):
        r = run(args, ws)
        assert r.exit_code != 0 and "CURRENT" in r.output and "Traceback" not in r.output


def test_repair_after_a_damaged_pointer_embeds_nothing(workspace):
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    (workspace / "index" / "CURRENT").write_bytes(b"\xff\xfe\x00garbage")
    emb = CountingEmbedder()
    update_index(resolve(cwd=workspace), embedder=emb, repair=True)
    assert emb.embedded == [] and Index.open(workspace / "index").size > 0


def test_lost_current_pointer_recovers_without_re_embedding(built, tmp_path):
    ws = _copy(built, tmp_path)
    (ws / "index" / "CURRENT").unlink()
    out = json.loads(run(["ask", "万荣县香菇产值是多少", "--json"], ws).stdout)
    assert out["answer"]["text"] == "3亿元"
    index = Index.open(ws / "index")
    emb = CountingEmbedder()
    emb.model_id = index.model_id  # the stored vectors are reused, whatever model made them
    update_index(resolve(cwd=ws), embedder=emb)
    assert emb.embedded == [] and (ws / "index" / "CURRENT").exists()


def test_same_name_after_removal_is_a_new_report(built, tmp_path):
    ws = _copy(built, tmp_path)
    first = tmp_path / "闻喜县报告.txt"
    first.write_text("闻喜县乡村振兴工作报告\n闻喜县花馍产业年产值达2.5亿元。\n", encoding="utf-8")
    assert run(["add", str(first)], ws).exit_code == 0
    assert run(["remove", "闻喜县报告.txt"], ws).exit_code == 0
    second = tmp_path / "other" / "闻喜县报告.txt"
    second.parent.mkdir()
    second.write_text("新绛县蔬菜产业报告\n新绛县设施蔬菜大棚达3.2万座。\n", encoding="utf-8")
    assert run(["add", str(second)], ws).exit_code == 0
    listed = {r["file"]: r for r in json.loads(run(["reports", "--json"], ws).stdout)}["闻喜县报告.txt"]
    assert listed["title"] == "新绛县蔬菜产业报告" and listed["place"] == "新绛县"


def test_one_title_for_several_files_is_refused(built, tmp_path):
    ws = _copy(built, tmp_path)
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("某县报告\n内容。\n", encoding="utf-8")
    before = _tree(ws)
    r = run(["add", "--title", "T", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")], ws)
    assert r.exit_code != 0 and "one at a time" in r.output and _tree(ws) == before


@pytest.mark.parametrize("args, message", [
    (["ask", "问题", "--rerank", "no/such-reranker"], "reranker 'no/such-reranker' is not a local folder"),
    (["index", "--full", "--model", "no/such-model"], "'no/such-model' is not a local folder"),
    (["index", "--device", "gpu0"], "unknown device"),
])
def test_unknown_models_and_devices_fail_at_once(built, tmp_path, args, message):
    ws = _copy(built, tmp_path)
    r = run(args, ws)
    assert r.exit_code != 0 and message in r.output and "new passages" not in r.output


def test_stray_byte_is_named_and_can_be_replaced(workspace):
    path = workspace / "corpus" / "stray.txt"
    path.write_bytes("闻喜县乡村振兴\n闻喜县花馍产值达2亿元。".encode() + b"\xff\n")
    r = run(["index"], workspace)
    assert r.exit_code != 0 and "byte 56 (line 2: 0xff)" in r.output and "--encoding-errors replace" in r.output
    assert "re-save it as UTF-8" not in r.output
    r = run(["index", "--full", "--encoding-errors", "replace"], workspace)
    assert r.exit_code == 0 and "warning stray.txt" in r.output


def test_truncated_pdf_is_one_line_without_library_noise(built, tmp_path, capfd):
    ws = _copy(built, tmp_path)
    (ws / "corpus" / "cut.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n")
    r = run(["index"], ws)
    err = capfd.readouterr().err
    assert r.exit_code != 0 and "cut.pdf" in r.output and "not a readable PDF" in r.output
    assert "EOF marker" not in err + r.output


def test_failed_file_summary_is_consistent(built, tmp_path):
    ws = _copy(built, tmp_path)
    (ws / "corpus" / "broken.docx").write_bytes(b"PK\x03\x04 truncated")
    r = run(["index"], ws)
    assert r.exit_code != 0 and "up to date" not in r.output
    assert r.output.count("broken.docx") == 1 and "took 0.0 s" not in r.output


def test_corpus_naming_a_file(built, tmp_path):
    ws = _copy(built, tmp_path)
    r = run(["--corpus", f"corpus/{WANRONG}", "index"], ws)
    assert r.exit_code != 0 and "is a file, not a folder" in r.output


def test_unsupported_files_and_bad_links_are_listed_as_skipped(workspace):
    corpus = workspace / "corpus"
    (corpus / "sheet.et").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus / "slides.dps").write_bytes(b"\xd0\xcf\x11\xe0")
    (corpus / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")  # read through a converter, but damaged
    (corpus / "book.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    os.symlink(corpus / "nowhere.txt", corpus / "dangling.txt")
    (corpus / "sub").mkdir()
    os.symlink(corpus / "sub", corpus / "sub" / "loop")
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert set(s.skipped) == {"sheet.et", "slides.dps", "dangling.txt"}
    assert "save it as .xlsx" in s.skipped["sheet.et"] and ".pdf" in s.skipped["slides.dps"]
    assert "does not exist" in s.skipped["dangling.txt"]
    assert set(s.failed) == {"old.doc", "book.xls"}
    assert ".docx" in s.failed["old.doc"] and "re-save it" in s.failed["book.xls"]
    assert s.reports_added == [WANRONG, YUNGANG]


def test_long_question_is_cut_with_a_notice(built):
    question = "万荣县香菇产值是多少" + "。" * 10_000
    r = run(["ask", question, "--json"], built)
    out = json.loads(r.stdout)
    assert out["answer"]["text"] == "3亿元" and "cut to its first 200" in out["notices"][0]
    assert "cut to its first 200" in r.stderr


def test_control_characters_do_not_break_a_question(built):
    out = json.loads(run(["ask", "万荣县\x00香菇\x07产值\u200b是多少\x1b", "--json"], built).stdout)
    assert out["answer"]["text"] == "3亿元"


def test_repeated_text_fills_one_rank_not_three(built, tmp_path):
    ws = _copy(built, tmp_path)
    (ws / "corpus" / "repeat.txt").write_text("闻喜县花馍年产值达2亿元。\n" * 50, encoding="utf-8")
    update_index(resolve(cwd=ws))
    out = json.loads(run(["ask", "闻喜县花馍产值是多少", "--json", "-k", "3"], ws).stdout)
    texts = [p["text"] for p in out["passages"]]
    assert len(texts) == len(set(texts)) and len(out["passages"][0]["also_cited"]) == 49


def test_old_generations_and_temporary_folders_are_cleaned(workspace):
    for i in range(4):
        (workspace / "corpus" / f"n{i}.txt").write_text(f"第{i}号报告\n临猗县苹果产量达{i + 1}万吨。\n", encoding="utf-8")
        (workspace / "index").mkdir(exist_ok=True)
        (workspace / "index" / f".tmp-left{i}").mkdir()
        update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    gens = sorted(p.name for p in (workspace / "index").glob("gen-*"))
    assert len(gens) == 2 and current_generation(workspace / "index").name == gens[-1]
    assert not list((workspace / "index").glob(".tmp-*"))


def test_python_version_matches_what_the_code_needs():
    import tomllib

    project = tomllib.loads((Path(TESTS).parent / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11"  # config.py reads ruralqa.toml with tomllib (3.11+)


def _flip(path: Path, offset: int = -40) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def test_damaged_vectors_are_never_carried_into_a_new_generation(workspace, monkeypatch):
    from ruralqa.index import layout
    from ruralqa.maintenance import check_index

    monkeypatch.setattr(layout, "FULL_HASH_LIMIT", 0)  # as above 64 MB: loading checks sizes only
    emb = CountingEmbedder()
    update_index(resolve(cwd=workspace), embedder=emb)
    _flip(current_generation(workspace / "index") / "seg-000001" / "vectors.npy")  # a byte of the last row's block
    (workspace / "corpus" / "new.txt").write_text("新绛县乡村振兴\n新绛县蔬菜年产值达4亿元。\n", encoding="utf-8")
    emb.embedded.clear()
    s = update_index(resolve(cwd=workspace), embedder=emb)
    assert "vectors.npy" in s.warnings and len(emb.embedded) > 1  # the damaged block is embedded again
    assert check_index(resolve(cwd=workspace)).ok
    index = Index.open(workspace / "index")
    fresh = {c.id: v for c, v in zip(index.all_chunks(), index.vectors())}
    assert all(abs(float((fresh[c.id] - emb._vec(c.embed_text)) @ (fresh[c.id] - emb._vec(c.embed_text)))) < 1e-9
               for c in index.all_chunks())


def test_repair_rebuilds_from_intact_vectors_without_embedding(workspace):
    from ruralqa.maintenance import check_index

    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    gen = current_generation(workspace / "index")
    _flip(gen / "seg-000001" / "faiss.index")
    r = run(["ask", "问题"], workspace)
    assert r.exit_code != 0 and "--repair" in r.output
    emb = CountingEmbedder()
    update_index(resolve(cwd=workspace), embedder=emb, repair=True)
    assert check_index(resolve(cwd=workspace)).ok and emb.embedded == []  # rebuilt from the stored vectors


def test_every_phase_of_an_update_reports_progress(workspace):
    r = run(["index"], workspace)
    assert r.exit_code == 0
    for phase in ("reading reports: 2/2", "embedding passages: 53/53", "writing vectors and FAISS: 53/53",
                  "writing passage metadata: 53/53", "writing BM25: 53/53"):
        assert phase in r.stderr, phase
    assert run(["-q", "index", "--full"], workspace).stderr == ""

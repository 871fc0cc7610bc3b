"""What a newcomer's attack broke (issue: safe with any folder and any input): links out of the corpus, raw bytes
in URLs, response headers and Host checks. Each case once leaked or crashed; now it is refused in one line."""

import json
import socket
from pathlib import Path

import pytest

from ruralqa.build import update_index
from ruralqa.config import resolve
from conftest import CountingEmbedder, running
from test_cli import run

SECRET = "外部文件的口令是橙子七号。\n"


@pytest.fixture
def linked(workspace, tmp_path):
    """The seed corpus with links out of it (a file and a folder) and links that stay inside it."""
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.txt").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "inner.txt").write_text(SECRET, encoding="utf-8")
    corpus = workspace / "corpus"
    (corpus / "secret.txt").symlink_to(outside / "secret.txt")
    (corpus / "ext").symlink_to(outside / "folder")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "own.txt").write_text("稷山县板枣种植面积达12万亩。\n", encoding="utf-8")
    (corpus / "alias.txt").symlink_to(corpus / "sub" / "own.txt")  # inside: still a report
    (corpus / "subalias").symlink_to(corpus / "sub")  # a folder link inside: walked once
    return workspace


def test_links_out_of_the_corpus_are_skipped_and_never_indexed(linked):
    s = update_index(resolve(cwd=linked), embedder=CountingEmbedder())
    assert set(s.skipped) == {"secret.txt", "ext"}
    assert all("outside the corpus folder" in why for why in s.skipped.values())
    assert "alias.txt" in s.reports_added and "sub/own.txt" in s.reports_added
    assert not any("ext/" in name for name in s.reports_added)
    statuses = {r["file"]: r for r in json.loads(run(["reports", "--json"], linked).stdout)}
    assert statuses["secret.txt"]["status"] == "skipped" and statuses["ext"]["status"] == "skipped"


def test_cli_index_add_and_show_never_read_through_an_outside_link(linked, tmp_path):
    r = run(["index", "--json"], linked)
    out = json.loads(r.stdout)
    assert "secret.txt" in out["skipped"] and "secret.txt" not in out["reports_added"]
    new = tmp_path / "new.txt"
    new.write_text("闻喜县花馍产值达2亿元。\n", encoding="utf-8")
    r = run(["add", str(new), "--json"], linked)
    assert r.exit_code == 0, r.output
    assert "secret.txt" not in json.loads(r.stdout)["reports_added"]
    for citation in ("secret.txt:0-5", "ext/inner.txt:0-5", "../outside/secret.txt:0-5"):
        r = run(["show", citation], linked)
        assert r.exit_code != 0 and "橙子" not in r.output and "Traceback" not in r.output
    r = run(["ask", "外部文件的口令是什么", "--json"], linked)
    assert "橙子" not in r.stdout


def test_remove_refuses_names_outside_the_corpus(linked):
    (linked / "victim.txt").write_text("keep me\n", encoding="utf-8")
    r = run(["remove", "../victim.txt"], linked)
    assert r.exit_code != 0 and (linked / "victim.txt").exists()


def test_serve_routes_never_return_an_outside_file(linked):
    from starlette.testclient import TestClient

    from ruralqa.server import create_app

    update_index(resolve(cwd=linked), embedder=CountingEmbedder())
    client = TestClient(create_app(resolve(cwd=linked)))
    for path in ("/api/reports/secret.txt", "/api/reports/ext/inner.txt", "/api/reports/secret.txt?start=0&end=4"):
        r = client.get(path)
        assert r.status_code == 404 and "橙子" not in r.text
    listed = {r["file"]: r["status"] for r in client.get("/api/reports").json()["reports"]}
    assert listed["secret.txt"] == "skipped" and listed["alias.txt"] == "indexed"
    assert "橙子" not in client.get("/api/ask", params={"q": "外部文件的口令是什么", "mode": "bm25"}).text


def test_an_index_built_before_the_fix_still_cannot_serve_the_link(linked):
    """A report indexed through a link (by an older version) is not read from disk through it any more."""
    from ruralqa.errors import UsageError
    from ruralqa.maintenance import report_text

    with pytest.raises(UsageError):
        report_text(resolve(cwd=linked), "secret.txt")


# ------------------------------------------------------------------------------------------- the server itself


@pytest.fixture(scope="module")
def live(built):
    from ruralqa.server import LOOPBACK_NAMES, _accept_raw_utf8_targets, create_app

    _accept_raw_utf8_targets()
    with running(create_app(resolve(cwd=built), {*LOOPBACK_NAMES})) as port:
        yield port


def _raw(port: int, target: bytes, host: bytes = b"127.0.0.1") -> tuple[bytes, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


@pytest.mark.parametrize("target", ["/api/reports/万荣.txt".encode(), b"/api/reports/\xff\xfe.txt", b"/\xe4\xb8",
                                    b"/api/ask?q=\xff\xfe", "/静态/x".encode()])
def test_any_bytes_in_the_url_get_an_answer_not_a_dropped_connection(live, target, capfd):
    head, body = _raw(live, target)
    assert head.startswith((b"HTTP/1.1 200", b"HTTP/1.1 400", b"HTTP/1.1 404")), head
    assert "Traceback" not in capfd.readouterr().err


def test_raw_chinese_query_still_answers(live):
    head, body = _raw(live, "/api/ask?q=万荣县香菇产值是多少".encode())
    assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["answer"]["text"] == "3亿元"


@pytest.mark.parametrize("target", [b"/", b"/api/reports", b"/static/app.js", b"/api/reports/nope.txt"])
def test_security_headers_on_every_response(live, target):
    head, _ = _raw(live, target)
    headers = head.decode("latin-1").lower()
    for name in ("content-security-policy:", "frame-ancestors 'none'", "x-content-type-options: nosniff",
                 "x-frame-options: deny", "referrer-policy: no-referrer"):
        assert name in headers, (target, name)


@pytest.mark.parametrize("host, ok", [(b"127.0.0.1:8000", True), (b"localhost", True), (b"[::1]:8000", True),
                                      (b"evil.example", False), (b"evil.example:8000", False)])
def test_loopback_server_refuses_other_host_names(live, host, ok):
    head, body = _raw(live, b"/api/reports", host=host)
    assert head.startswith(b"HTTP/1.1 200" if ok else b"HTTP/1.1 421"), head
    if not ok:
        assert "--allow-host" in json.loads(body)["error"]


def test_allowed_hosts_follow_the_bound_address():
    from ruralqa.server import loopback

    assert loopback("127.0.0.1") and loopback("::1") and loopback("localhost")
    assert not loopback("0.0.0.0") and not loopback("192.168.1.5")


# ------------------------------------------------------------------------------- input that crashed or was lost


def test_question_typed_in_a_gbk_terminal(built):
    import subprocess
    import sys

    gbk = "万荣县香菇产值是多少".encode("gbk")
    proc = subprocess.run([sys.executable, "-m", "ruralqa", "ask", gbk, "--json"], cwd=built, capture_output=True,
                          env={**__import__("os").environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["answer"]["text"] == "3亿元"
    assert "read it as GBK" in proc.stderr.decode() or "read as GBK" in proc.stderr.decode()
    proc = subprocess.run([sys.executable, "-m", "ruralqa", "ask", b"\xff\xff\xff"], cwd=built, capture_output=True,
                          env={**__import__("os").environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}, timeout=120)
    err = proc.stderr.decode()
    assert proc.returncode != 0 and "not valid UTF-8" in err and "Traceback" not in err


def test_full_disk_is_one_line_naming_the_folder_and_the_space(workspace, monkeypatch):
    import errno

    from ruralqa.errors import IndexUnwritable
    from ruralqa.index import segment

    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    before = (workspace / "index" / "CURRENT").read_bytes()
    (workspace / "corpus" / "new.txt").write_text("稷山县板枣种植面积达12万亩。\n", encoding="utf-8")

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(segment, "write", full)
    with pytest.raises(IndexUnwritable) as exc:
        update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    message = str(exc.value)
    assert str(workspace / "index") in message and "MB" in message and "needs about" in message
    assert (workspace / "index" / "CURRENT").read_bytes() == before  # the previous index is live
    assert not list((workspace / "index").glob(".tmp-*"))


def test_a_report_over_the_size_limit_is_named_and_the_rest_indexed(workspace):
    (workspace / "corpus" / "huge.txt").write_text("香菇" * 3000 + "\n", encoding="utf-8")
    s = update_index(resolve(cwd=workspace, max_report_chars=5000), embedder=CountingEmbedder())
    assert "huge.txt" in s.failed and "--max-report-chars" in s.failed["huge.txt"] and "6,001" in s.failed["huge.txt"]
    assert len(s.reports_added) == 2
    s = update_index(resolve(cwd=workspace, max_report_chars=10_000), embedder=CountingEmbedder())
    assert s.reports_added == ["huge.txt"] and not s.failed
    r = run(["index", "--max-report-chars", "12"], workspace)
    assert r.exit_code != 0 and "x>=1000" in r.output


def test_three_first_asks_at_once_all_answer(workspace):
    import subprocess
    import sys

    procs = [subprocess.Popen([sys.executable, "-m", "ruralqa", "ask", "万荣县香菇产值是多少", "--json", "--mode", "bm25"],
                              cwd=workspace, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
        assert json.loads(out)["answer"]["text"] == "3亿元"
    assert any("waiting for it" in err.decode() for _, err in outs)


# ------------------------------------------------------------------------- spreadsheets of reports, other inputs

BAODING = Path(__file__).resolve().parents[1] / "../shared/realworld/county2/baodingcounties_2003-2025_govreports.xlsx"
LONG = "，".join(["全县农村居民人均可支配收入稳步增长"] * 15) + "。"


def _sheet_reports(ws):
    rows = json.loads(run(["reports", "--json"], ws).stdout)
    return {r["file"]: r for r in rows}


@pytest.mark.skipif(not BAODING.exists(), reason="../shared/realworld/county2 is not here")
def test_county_spreadsheet_rows_are_reports_with_their_own_place_year_and_title(workspace):
    import shutil

    from ruralqa.qa import answer_question
    from ruralqa.stores import open_index

    first = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    shutil.copy(BAODING, workspace / "corpus" / "baoding.xlsx")
    embedder = CountingEmbedder()
    s = update_index(resolve(cwd=workspace), embedder=embedder)
    assert s.reports_added == ["baoding.xlsx"] and not s.failed  # no --text-column needed
    assert sorted(s.reports_unchanged) == sorted(first.reports_added)
    assert all("盐湖" not in t and "云冈" not in t for t in embedder.embedded)  # nothing else re-embedded
    rows = {f: r for f, r in _sheet_reports(workspace).items() if f.startswith("baoding.xlsx@")}
    assert len(rows) == 76 and all(r["status"] == "indexed" for r in rows.values())
    by = {(r["place"], r["year"]) for r in rows.values()}
    assert {("满城区", 2020), ("清苑区", 2013), ("高唐县", 2021), ("米易县", 2023), ("安国市", 2022)} <= by
    gaotang = next(r for r in rows.values() if r["place"] == "高唐县")
    assert "唐县" in gaotang["reason"] and "uncertain" in gaotang["reason"]
    with open_index(resolve(cwd=workspace)) as index:
        result = answer_question(index, "2012年清苑县粮食总产量是多少", mode="bm25", embedder=embedder)
    assert result.hits[0].chunk.citation.region == "清苑区" and result.hits[0].chunk.citation.row == 17
    assert "\\r\\n" not in result.hits[0].chunk.text  # the export's escaped line breaks are line breaks again
    # --text-column is no longer part of the whole index's settings: the spreadsheet alone is read again
    embedder = CountingEmbedder()
    s = update_index(resolve(cwd=workspace, text_column="报告全文"), embedder=embedder)
    assert s.reports_changed == ["baoding.xlsx"] and s.chunks_embedded == 0


def _xlsx(path, sheets):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)


def test_every_sheet_with_report_text_is_read_and_cited(workspace):
    _xlsx(workspace / "corpus" / "book.xlsx", {
        "2023": [["year", "county", "body"], [2023, "万荣县", "万荣县苹果种植面积达到30万亩。" + LONG]],
        "2024": [["年", "县", "文"], [2024, "稷山县", "稷山县板枣种植面积达12万亩。" + LONG]],
        "figures": [["指标", "数值"], ["粮食", 12.5]]})
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert "book.xlsx" in s.reports_added and "figures" in s.warnings["book.xlsx"]
    rows = _sheet_reports(workspace)
    assert rows["book.xlsx@1"]["place"] == "万荣县" and rows["book.xlsx@1"]["year"] == 2023
    assert rows["book.xlsx@2"]["place"] == "稷山县" and "sheet 2024" in rows["book.xlsx@2"]["reason"]
    r = run(["show", "book.xlsx@2:0-14"], workspace)
    assert r.exit_code == 0 and "稷山县板枣种植面积达12万亩" in r.output


def test_one_bad_jsonl_line_is_skipped_with_its_number(workspace):
    good = json.dumps({"title": "万荣县2024年工作总结", "text": "万荣县苹果种植面积达到30万亩。" + LONG}, ensure_ascii=False)
    (workspace / "corpus" / "r.jsonl").write_text(good + "\n{broken\n" + good.replace("2024", "2023") + "\n",
                                                  encoding="utf-8")
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert "r.jsonl" in s.reports_added and "line(s) 2" in s.warnings["r.jsonl"]
    assert {r["year"] for f, r in _sheet_reports(workspace).items() if f.startswith("r.jsonl@")} == {2024, 2023}


def test_utf16_without_a_byte_order_mark_is_read(workspace):
    (workspace / "corpus" / "u16.txt").write_bytes("稷山县板枣种植面积达12万亩。\n".encode("utf-16-le"))
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert "u16.txt" in s.reports_added and not s.failed


def test_the_catalog_names_a_spreadsheets_text_column(workspace):
    import csv

    with open(workspace / "corpus" / "two.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["notes", "report"])
        w.writerow([LONG + LONG, "稷山县板枣种植面积达12万亩。" + LONG])
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert "稷山" not in run(["show", "two.csv@1:0-14"], workspace).output  # the longer column, found by content
    (workspace / "corpus" / "catalog.json").write_text(json.dumps(
        {"reports": {**json.loads((workspace / "corpus" / "catalog.json").read_text(encoding="utf-8"))["reports"],
                     "two.csv": {"columns": {"text": "report"}}}}, ensure_ascii=False), encoding="utf-8")
    s = update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert s.reports_changed == ["two.csv"]
    r = run(["show", "two.csv@1:0-14"], workspace)
    assert "稷山县板枣种植面积达12万亩" in r.output


def test_markdown_front_matter_is_title_and_date(workspace):
    (workspace / "corpus" / "fm.md").write_text(
        "---\ntitle: 闻喜县2024年乡村振兴工作总结\ndate: 2024-12-30\n---\n\n"
        "发展各具特色的县域经济，从贫困县到示范县。\n\n闻喜县花馍产值达2亿元。\n", encoding="utf-8")
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    r = _sheet_reports(workspace)["fm.md"]
    assert r["title"] == "闻喜县2024年乡村振兴工作总结" and r["year"] == 2024 and r["place"] == "闻喜县"


@pytest.mark.parametrize("text, place", [
    ("大同市新荣区2023年乡村振兴工作情况\n新荣区围绕创建乡村振兴先行示范区，新荣区杏儿沟村发展文旅。新荣区粮食产量稳定。\n", "新荣区"),
    ("运城日报 第3版\n夏县、闻喜县两地联合举办农民丰收节。闻喜县香菇产业园今年扩建，闻喜县香菇产值达3亿元，"
     "闻喜县花馍走向全国，闻喜县东镇镇建成冷库。\n", "闻喜县"),
    ("乡村振兴工作总结\n全面推进乡村振兴，发展各具特色的县域经济，巩固拓展脱贫攻坚成果。\n", ""),
])
def test_place_without_a_catalog_entry_comes_from_the_gazetteer_by_weight(workspace, text, place):
    (workspace / "corpus" / "page.txt").write_text(text, encoding="utf-8")
    update_index(resolve(cwd=workspace), embedder=CountingEmbedder())
    assert _sheet_reports(workspace)["page.txt"]["place"] == place

"""`ruralqa serve`: the JSON API (Starlette's TestClient) and the page in a real browser (Debian's chromium driven
by Playwright; skipped with the reason when no browser is installed)."""

import json
import shutil
import socket
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="ruralqa serve needs starlette")
from starlette.testclient import TestClient  # noqa: E402

from ruralqa.config import resolve  # noqa: E402
from ruralqa.server import create_app  # noqa: E402
from conftest import WANRONG, chromium, running  # noqa: E402
from test_cli import run  # noqa: E402


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """A copy of the built seed workspace with one report that tries to run script in the page."""
    ws = tmp_path_factory.mktemp("site")
    shutil.copytree(built / "corpus", ws / "corpus")
    shutil.copytree(built / "index", ws / "index")
    (ws / "corpus" / "xss.txt").write_text("闻喜县<script>alert(1)</script>报告\n闻喜县<img src=x onerror=alert(2)>花馍产值达2亿元。\n",
                                           encoding="utf-8")
    from ruralqa.build import update_index

    update_index(resolve(cwd=ws))
    return ws


@pytest.fixture(scope="module")
def client(site):
    return TestClient(create_app(resolve(cwd=site)))


def test_ask_api_returns_what_the_cli_prints(client, site):
    api = client.get("/api/ask", params={"q": "万荣县香菇产值是多少"}).json()
    cli = json.loads(run(["ask", "万荣县香菇产值是多少", "--json"], site).stdout)
    assert api == cli and api["answer"]["text"] == "3亿元"


@pytest.mark.parametrize("params, status, message", [
    ({"q": " "}, 400, "empty"),
    ({}, 400, "empty"),
    ({"q": "x" * 1001}, 413, "at most 1000"),
    ({"q": "香菇", "k": "abc"}, 400, "whole number"),
    ({"q": "香菇", "k": "1000"}, 400, "between 1 and 50"),
    ({"q": "香菇", "year": "12"}, 400, "between 1949 and 2100"),
])
def test_bad_requests_are_json_errors(client, params, status, message):
    r = client.get("/api/ask", params=params)
    assert r.status_code == status and message in r.json()["error"]


def test_reports_and_report_text(client, site):
    listing = client.get("/api/reports").json()
    assert WANRONG in {r["file"] for r in listing["reports"]} and "万荣县" in listing["places"]
    text = (site / "corpus" / WANRONG).read_text(encoding="utf-8")
    r = client.get(f"/api/reports/{WANRONG}", params={"start": 4035, "end": 4038}).json()
    assert r["passage"] == text[4035:4038] == "3亿元" and r["title"].startswith("走出万荣")
    assert client.get(f"/api/reports/{WANRONG}").json()["text"] == text


@pytest.mark.parametrize("path", ["../pyproject.toml", "..%2F..%2Fetc%2Fpasswd", "/etc/passwd", "%2Fetc%2Fpasswd",
                                  "catalog.json", "nope.txt"])
def test_no_path_outside_the_index_can_be_read(client, path):
    r = client.get("/api/reports/" + path)
    assert r.status_code == 404 and "root:" not in r.text


def test_symlink_out_of_the_corpus_is_not_served(site, tmp_path):
    (site / "corpus" / "link.txt").symlink_to("/etc/hostname")
    try:
        r = TestClient(create_app(resolve(cwd=site))).get("/api/reports/link.txt")
        assert r.status_code == 404  # not in the index, so not served
    finally:
        (site / "corpus" / "link.txt").unlink()


def test_healthz_and_api_doc(client):
    h = client.get("/healthz").json()
    assert h["ok"] and h["generation"].startswith("gen-") and h["passages"] > 0
    assert "GET /api/ask?q=&k=&place=&year=&mode=" in client.get("/api").json()["routes"]


def test_no_index_is_503(tmp_path):
    (tmp_path / "corpus").mkdir()
    r = TestClient(create_app(resolve(cwd=tmp_path))).get("/api/ask", params={"q": "香菇"})
    assert r.status_code == 503 and "ruralqa index" in r.json()["error"]


def test_compare_api(client):
    out = client.get("/api/compare", params={"q": "万荣县和盐湖区的香菇产值"}).json()
    assert {r["place"]: r["value"] for r in out["rows"]}["万荣县"] == "3亿元"


def test_switches_to_a_new_generation_without_restart(site):
    c = TestClient(create_app(resolve(cwd=site)))
    before = c.get("/healthz").json()["generation"]
    (site / "corpus" / "new.txt").write_text("稷山县乡村振兴\n稷山县板枣种植面积达12万亩。\n", encoding="utf-8")
    try:
        from ruralqa.build import update_index

        update_index(resolve(cwd=site))
        assert c.get("/healthz").json()["generation"] != before
        assert c.get("/api/ask", params={"q": "稷山县板枣种植面积有多少亩"}).json()["answer"]["text"] == "12万亩"
    finally:
        (site / "corpus" / "new.txt").unlink()


# ---------------------------------------------------------------- a real server: curl and the page in a browser


@pytest.fixture(scope="module")
def server(site):
    from ruralqa.server import _accept_raw_utf8_targets

    _accept_raw_utf8_targets()  # as `ruralqa serve` does
    with running(create_app(resolve(cwd=site))) as port:
        yield f"http://127.0.0.1:{port}"


def test_curl_with_raw_chinese_in_the_url(server):
    """curl 'http://127.0.0.1:8000/api/ask?q=万荣县香菇产值是多少' sends the Chinese unencoded."""
    host, port = server.rsplit(":", 1)
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as s:
        s.sendall("GET /api/ask?q=万荣县香菇产值是多少 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["answer"]["text"] == "3亿元"


@pytest.fixture(scope="module")
def page(server):
    with chromium() as browser:
        yield browser.new_page(viewport={"width": 390, "height": 800})  # a phone-width screen


def test_page_answers_and_the_citation_opens_the_report(page, server, site):
    page.goto(server + "/")
    page.fill("#q", "万荣县香菇产值是多少")
    page.press("#q", "Enter")
    page.wait_for_selector("#answer:not([hidden])")
    assert page.inner_text("#answer-text") == "3亿元"
    assert page.inner_text("#answer-sentence mark") == "3亿元"
    Path(site / "shot-answer.png").write_bytes(page.screenshot(full_page=True))
    first = page.locator("#passages li a").first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_selector("#report:not([hidden]) #hit")
    params = dict(p.split("=") for p in href.split("?", 1)[1].split("&"))
    text = (site / "corpus" / WANRONG).read_text(encoding="utf-8")
    assert page.inner_text("#hit") == text[int(params["start"]):int(params["end"])]
    Path(site / "shot-report.png").write_bytes(page.screenshot(full_page=True))


def test_deep_link_shows_the_answer_on_load(page, server):
    page.goto(server + "/?q=" + "万荣县香菇产值是多少")
    page.wait_for_selector("#answer:not([hidden])")
    assert page.inner_text("#answer-text") == "3亿元"


def test_report_text_with_script_shows_as_text(page, server):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/?q=闻喜县花馍产值是多少")
    page.wait_for_selector("#passages li")
    html = page.inner_html("#passages")
    assert "<script>" not in html and "&lt;script&gt;" in html or "&lt;img" in html
    assert "<script>alert(1)</script>" in page.inner_text("#passages") or "<img src=x" in page.inner_text("#passages")
    page.wait_for_timeout(300)
    assert dialogs == []


def test_comparison_view_lists_every_place(page, server):
    page.goto(server + "/?q=各区县香菇产值&view=compare")
    page.wait_for_selector("#compare:not([hidden]) tbody tr")
    rows = page.locator("#compare tbody tr").all_inner_texts()
    assert any("万荣县" in r and "3亿元" in r for r in rows) and any("报告中未找到" in r for r in rows)

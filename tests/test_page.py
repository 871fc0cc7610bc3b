"""The page an analyst keeps open all day, in a real browser (Debian's chromium driven by Playwright; skipped with
the reason when no browser is installed): late responses, what kind of answer it is, filters that filter, the
comparison view on a phone, shared links and Back, Markdown, the first screen, language and accessibility, JSON
links. Screenshots go to docs/ when RURALQA_SCREENSHOTS=1."""

import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

pytest.importorskip("starlette", reason="ruralqa serve needs starlette")

from ruralqa.config import resolve  # noqa: E402
from conftest import chromium  # noqa: E402
from test_server import server  # noqa: E402,F401  (the fixture: a live server over `site`)

DOCS = Path(__file__).resolve().parent.parent / "docs"
MD_REPORT = """# 溧水区乡村振兴工作报告（2024年）

## 一、2024年工作回顾

**产业兴旺**：溧水区全年农业总产值达**58亿元**。

| 指标 | 数值 |
|---|---|
| 村集体经济收入 | 130万元 |

---

- 村集体经济收入130万元
"""


@pytest.fixture(scope="module")
def site(built, tmp_path_factory):
    """The built seed workspace plus a Markdown report."""
    ws = tmp_path_factory.mktemp("page")
    shutil.copytree(built / "corpus", ws / "corpus")
    shutil.copytree(built / "index", ws / "index")
    (ws / "corpus" / "lishui.md").write_text(MD_REPORT, encoding="utf-8")
    from ruralqa.build import update_index

    update_index(resolve(cwd=ws))
    return ws


@pytest.fixture()
def page(server):
    with chromium() as browser:  # a fresh context for each test: no state carried between them
        yield browser.new_context(viewport={"width": 390, "height": 800}).new_page()


def _shot(page, name):
    if os.environ.get("RURALQA_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        (DOCS / name).write_bytes(page.screenshot(full_page=True))


def _answered(page):
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('找到答案') || "
                           "document.getElementById('status').textContent.startsWith('报告中未找到')")


# 1 -------------------------------------------------------------------------------------------- late responses

def test_a_late_response_never_replaces_the_newer_answer(page, server):
    # Every response to the first question arrives 1.5 s late; the second question is asked 15 ms after it.
    page.add_init_script("""
        const realFetch = window.fetch;
        window.fetch = (url, opts) => realFetch(url, opts).then((r) =>
            String(url).includes(encodeURIComponent('盐湖区')) ? new Promise((ok) => setTimeout(() => ok(r), 1500)) : r);
    """)
    page.goto(server + "/")
    page.fill("#q", "盐湖区农村居民人均可支配收入是多少")
    page.press("#q", "Enter")
    page.wait_for_timeout(15)
    page.fill("#q", "万荣县香菇产值是多少")
    page.press("#q", "Enter")
    _answered(page)
    page.wait_for_timeout(2000)  # the first question's response has arrived by now
    assert page.inner_text("#answer-text") == "3亿元"
    assert "万荣县香菇产值是多少" in unquote(page.url) and "万荣县香菇产值是多少" in page.title()


# 2 ------------------------------------------------------------------------ what kind of answer, and how sure

def test_the_answer_says_what_kind_it_is_and_how_sure(page, server):
    page.goto(server + "/?q=万荣县香菇产值是多少")
    _answered(page)
    assert page.inner_text("#answer-form") == "数值"
    assert page.inner_text("#answer-confidence").startswith("把握 ")
    assert "指标：年产值" in page.inner_text("#answer-norm")
    assert page.inner_text("#status").startswith("找到答案：3亿元")  # announced, not emptied
    _shot(page, "page-answer.png")


# 3 ----------------------------------------------------------------------------------- filters that filter

def test_filters_list_what_the_index_holds_and_filter(page, server):
    page.goto(server + "/")
    page.wait_for_function("() => document.getElementById('year').options.length > 1")
    years = page.eval_on_selector_all("#year option", "os => os.map(o => o.value).filter(Boolean)")
    places = page.eval_on_selector_all("#place option", "os => os.map(o => o.value).filter(Boolean)")
    assert years and {"万荣县", "盐湖区", "云冈区"} <= set(places)
    page.goto(server + "/?q=香菇产值是多少&place=盐湖区")
    _answered(page)
    cites = page.locator("#passages li a").all_inner_texts()
    assert all("盐湖" in c or "万荣" not in c for c in cites)
    assert page.locator("#answer").is_hidden()  # 盐湖区 states no mushroom output; 万荣县's is filtered out
    page.goto(server + "/?q=香菇产值是多少&place=北京")
    _answered(page)
    assert "索引中没有“北京”的报告" in page.inner_text("#status")
    page.goto(server + "/?q=万荣县香菇产值是多少&year=1999")
    _answered(page)
    assert "已排除" in page.inner_text("#status") and page.locator("#answer").is_hidden()


# 4 ------------------------------------------------------------------------- the comparison view on a phone

def test_comparison_view_fits_a_phone_and_shows_its_sentences(page, server):
    page.goto(server + "/?q=各区县香菇产值&view=compare")
    page.wait_for_selector("#compare:not([hidden]) tbody tr")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390  # no horizontal overflow at 390 px
    row = page.locator("#compare tbody tr", has_text="万荣县")
    assert "3亿元" in row.inner_text() and row.locator(".sentence").is_visible()  # the sentence, not a tooltip
    assert row.locator("a").inner_text().startswith("出处")
    width = page.eval_on_selector("#compare td.place", "e => e.getBoundingClientRect().width")
    assert width > 30  # 万荣县 on one line, not one character per line
    csv = page.get_attribute("#compare-csv", "href")
    body = page.request.get(server + csv)
    assert body.headers["content-type"].startswith("text/csv") and "万荣县" in body.text()
    _shot(page, "page-compare-390.png")


# 5 ------------------------------------------------------------------------------- shared links and Back

def test_a_shared_report_link_opened_fresh_and_back(page, server, site):
    page.goto(server + "/?q=万荣县香菇产值是多少")
    _answered(page)
    href = page.get_attribute("#answer-cite", "href")
    page.goto(server + "/")  # a fresh start: the link opened as someone else would
    page.goto(server + href)
    page.wait_for_selector("#report:not([hidden]) #hit")
    assert page.input_value("#q") == "万荣县香菇产值是多少"
    assert page.inner_text("#hit") == "3亿元" and page.title() != "ruralqa · 乡村振兴报告问答"
    page.click("#back")
    _answered(page)
    assert page.url.startswith(server) and page.inner_text("#answer-text") == "3亿元"
    page.go_back()
    page.wait_for_selector("#report:not([hidden])")
    assert page.evaluate("() => document.activeElement !== document.body")  # focus lands in the view, not on <body>
    page.goto(server + "/")
    page.goto(server + "/?q=万荣县香菇产值是多少")
    _answered(page)
    page.go_back()
    page.wait_for_selector("#intro:not([hidden])")
    assert page.locator("#answer").is_hidden()  # Back to / leaves no old answer on screen


# 6 ------------------------------------------------------------------------------------- Markdown rendered

def test_markdown_is_shown_as_formatting(page, server):
    page.goto(server + "/?q=溧水区村集体经济收入是多少")
    page.wait_for_selector("#passages li")
    shown = page.inner_text("#passages")
    assert "**" not in shown and "|" not in shown and "##" not in shown and "---" not in shown
    page.goto(server + "/?view=report&file=lishui.md")
    page.wait_for_selector("#report:not([hidden]) .md-h")
    report = page.inner_text("#report-text")
    assert "**" not in report and "|" not in report and "58亿元" in report
    assert page.locator("#report-text strong", has_text="58亿元").count() == 1
    _shot(page, "page-markdown.png")


# 7 ------------------------------------------------------------------------------------ the first screen

def test_the_first_screen_says_what_is_indexed_and_offers_questions(page, server):
    page.goto(server + "/")
    page.wait_for_function("() => document.getElementById('summary').textContent.includes('已索引')")
    assert page.locator("h1").count() == 1 and "对比" in page.inner_text("#intro")
    page.wait_for_selector("#examples li a")
    page.locator("#examples li a").first.click()
    _answered(page)  # an example question is answered by the reports it was made from
    assert page.locator("#answer").is_visible()
    page.goto(server + "/")
    page.click("#intro summary")
    page.locator("#report-list a", has_text="溧水区").click()
    page.wait_for_selector("#report:not([hidden]) .md-h")  # a whole report, opened from the list
    page.goto(server + "/")
    page.wait_for_selector("#examples li a")
    _shot(page, "page-first-screen.png")


# 8, 9 ----------------------------------------------------------- language, screen readers, focus, JSON links

def test_chinese_messages_live_status_focus_ring_and_json_links(page, server):
    page.goto(server + "/?q=" + "问" * 1200)
    page.wait_for_function("() => document.getElementById('status').textContent.includes('问题太长')")
    assert page.get_attribute("#status", "aria-live") == "polite"
    page.goto(server + "/?q=万荣县香菇产值是多少")
    _answered(page)
    json_href = page.get_attribute("#answer-json", "href")
    assert page.request.get(server + json_href).json()["answer"]["text"] == "3亿元"
    page.focus("#q")
    color = page.eval_on_selector("#q", "e => getComputedStyle(e).outlineColor")
    assert _contrast(color, "rgb(250, 250, 250)") >= 3 and _contrast(color, "rgb(255, 255, 255)") >= 3
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.click("#copy-link")  # the clipboard answers asynchronously: a busy machine may take a moment
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('链接已复制')")


def _contrast(a: str, b: str) -> float:
    def lum(rgb):
        vals = [int(x) / 255 for x in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
        vals = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in vals]
        return 0.2126 * vals[0] + 0.7152 * vals[1] + 0.0722 * vals[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)

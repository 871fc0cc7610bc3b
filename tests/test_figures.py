"""Figure records (ruralqa.figures), the answers they check (ruralqa.records) and their export (`ruralqa facts`)."""

import csv
import io
import json
import sqlite3

import pytest

from ruralqa.build import update_index
from ruralqa.config import resolve
from ruralqa.figures import figures
from ruralqa.types import Chunk, Citation
from conftest import CountingEmbedder
from test_cli import run


def _chunk(text, region="甘肃省", year=2024, kind="achieved"):
    return Chunk(id="x", text=text, heading="", kind="body", citation=Citation("f.txt", "T", region, 1, 1, 1, 0,
                                                                               len(text)),
                 period_year=year, period_kind=kind)


def _records(text, **kw):
    return [(f.metric, f.subgroup, f.shown, f.unit, f.qualifier, f.year) for f in figures(_chunk(text, **kw))]


def test_each_figure_knows_what_it_measures():
    got = _records("2024年，全省粮食产量259.2亿斤，城镇、农村居民人均可支配收入分别增长4.3%、5.7%。")
    assert got == [("粮食产量", "", "259.2亿斤", "吨", "exact", 2024),
                   ("城镇居民人均可支配收入", "城镇", "+4.3%", "%", "change", 2024),
                   ("农村居民人均可支配收入", "农村", "+5.7%", "%", "change", 2024)]


def test_from_a_to_b_gives_a_record_per_year():
    got = _records("农村居民人均可支配收入从2021年的16935元提高到2025年的23184元，年均增长8.2%。", year=2025)
    assert got[:2] == [("农村居民人均可支配收入", "农村", "16935元", "元", "exact", 2021),
                       ("农村居民人均可支配收入", "农村", "23184元", "元", "exact", 2025)]
    assert got[2][4] == "average"


def test_bounds_ratios_kilometres_and_spans():
    got = _records("粮食产量稳定在1300万吨以上，新改建农村公路3200公里，城乡居民收入比缩小到1.81∶1。", kind="target")
    assert got[0][2:5] == ("≥1300万吨", "吨", "bound")
    assert got[1][0] == "新改建农村公路" and got[1][3] == "公里" and got[1][1] == ""  # 农村公路 is no subgroup
    assert got[2][0] == "城乡居民收入比" and got[2][2:4] == ("1.81∶1", "比")
    [f] = figures(_chunk("“十四五”期间累计建成高标准农田1100万亩。", year=2025))
    assert (f.year_from, f.year, f.qualifier) == (2021, 2025, "cumulative")


def test_citations_slice_the_figure_and_its_sentence():
    text = "一、回顾\n粮食产量259.2亿斤，创历史新高。农民收入增长6%。"
    chunk = Chunk(id="x", text=text, heading="", kind="body",
                  citation=Citation("f.txt", "T", "甘肃省", 1, 1, 2, 100, 100 + len(text)))
    report = " " * 100 + text
    f = figures(chunk)[0]
    assert report[f.char_start:f.char_end] == "259.2亿斤"
    assert report[f.sentence_start:f.sentence_end] == "粮食产量259.2亿斤，创历史新高。"


REPORT = """2025年河南省政府工作报告
一、2024年工作回顾
全省粮食总产量1344亿斤，其中小麦产量750亿斤。
地区生产总值5.2万亿元，农村居民人均可支配收入20793元，城镇居民人均可支配收入41000元。
全省高标准农田累计达到8585万亩。
二、2025年重点工作
粮食产量稳定在1300亿斤以上。
"""


@pytest.fixture
def henan(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "henan.txt").write_text(REPORT, encoding="utf-8")
    update_index(resolve(cwd=tmp_path), embedder=CountingEmbedder())
    return tmp_path


def _ask(ws, question):
    from ruralqa.qa import answer_question
    from ruralqa.stores import open_index

    with open_index(resolve(cwd=ws)) as index:
        a = answer_question(index, question, mode="bm25", embedder=CountingEmbedder()).answer
    return (a.shown or a.text) if a else None


@pytest.mark.parametrize("question, expected", [
    ("河南2024年粮食总产量是多少", "1344亿斤"),
    ("河南2024年小麦产量是多少", "750亿斤"),
    ("河南农村居民人均可支配收入是多少", "20793元"),
    ("河南城镇居民人均可支配收入是多少", "41000元"),
    ("河南2025年粮食产量目标是多少", "≥1300亿斤"),
    ("河南玉米产量是多少", None),  # 玉米 is stated nowhere: grain or wheat must not answer it
    ("河南油菜籽产量是多少", None),
    ("河南2023年粮食总产量是多少", None),  # another year
])
def test_a_figure_answers_only_what_it_measures(henan, question, expected):
    assert _ask(henan, question) == expected


def test_facts_export_as_csv_json_and_sqlite(henan):
    r = run(["facts", "--place", "河南", "--year", "2024", "--csv"], henan)
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    by_metric = {row["metric"]: row for row in rows}
    assert by_metric["小麦产量"]["value_text"] == "750亿斤" and by_metric["小麦产量"]["kind"] == "achieved"
    text = (henan / "corpus" / "henan.txt").read_text(encoding="utf-8")
    for row in rows:
        assert text[int(row["char_start"]):int(row["char_end"])] == row["value_text"]
        assert text[int(row["sentence_start"]):int(row["sentence_end"])] == row["sentence"]
    assert all(row["year"] == "2024" for row in rows)
    targets = json.loads(run(["facts", "--kind", "target", "--json"], henan).stdout)
    assert [(t["metric"], t["shown"], t["qualifier"]) for t in targets] == [("粮食产量", "≥1300亿斤", "bound")]
    r = run(["facts", "--metric", "收入", "--sqlite", str(henan / "f.sqlite")], henan)
    assert r.exit_code == 0
    db = sqlite3.connect(henan / "f.sqlite")
    got = db.execute("SELECT subgroup, value FROM figures WHERE metric LIKE '%可支配收入' ORDER BY value").fetchall()
    assert got == [("农村", 20793), ("城镇", 41000)]

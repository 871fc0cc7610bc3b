"""ruralqa compare: scope parsing, cells checked like answers, CSV/JSON, and the comparison eval."""

import csv
import io
import json

import pytest

from ruralqa.compare import YEAR_RANGE, parse_filter, same_place
from ruralqa.text.normalize import normalize
from test_cli import run


@pytest.mark.parametrize("text, flt", [
    ("哪些省份2025年农村居民人均可支配收入增长超过6%", (">", 6.0, "%")),
    ("粮食产量低于500亿斤的省份", ("<", 25000000.0, "吨")),
    ("各省粮食产量", None),
])
def test_value_filters(text, flt):
    assert parse_filter(normalize(text)) == flt


def test_year_range_and_place_names():
    m = YEAR_RANGE.search("万荣县2021—2025年苹果产值")
    assert (m.group(1), m.group(2)) == ("2021", "2025")
    assert same_place("甘肃", "甘肃省") and same_place("溧水", "溧水区") and not same_place("山西", "陕西省")


def test_compare_lists_every_place_and_never_fills_a_gap(built):
    out = json.loads(run(["compare", "万荣县和盐湖区的香菇产值", "--json"], built).stdout)
    by_place = {r["place"]: r for r in out["rows"]}
    assert by_place["万荣县"]["value"] == "3亿元" and by_place["万荣县"]["value_number"] == 300000000
    assert by_place["盐湖区"]["value"] == "报告中未找到" and by_place["盐湖区"]["citation"] is None
    c = by_place["万荣县"]["citation"]
    text = (built / "corpus" / c["file"]).read_text(encoding="utf-8")
    assert text[c["char_start"]:c["char_end"]] == "3亿元"


def test_compare_csv_and_text(built):
    rows = list(csv.DictReader(io.StringIO(run(["compare", "各区县香菇产值", "--csv"], built).stdout)))
    assert {r["place"] for r in rows} == {"万荣县", "盐湖区", "云冈区"}
    text = run(["compare", "各区县香菇产值"], built).stdout
    assert "报告中未找到" in text and "[1]" in text


def test_comparison_eval(built):
    qs = built / "c.jsonl"
    qs.write_text(json.dumps({"id": "c1", "question": "各区县香菇产值", "rows": [
        {"place": "万荣", "values": ["3亿元"]}], "absent": ["盐湖区"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = json.loads(run(["eval", str(qs), "--json"], built).stdout)
    assert out["metrics"]["cell_precision"] == 1.0 and out["metrics"]["recall"] == 1.0
    assert out["metrics"]["absent_kept_empty"] == 1.0


def test_chart_is_drawn(built, tmp_path):
    pytest.importorskip("matplotlib", reason="the chart needs matplotlib (test extra)")
    from ruralqa.chart import _cjk_font

    png = tmp_path / "c.png"
    r = run(["compare", "各区县香菇产值", "--chart", str(png)], built)
    assert r.exit_code == 0 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if _cjk_font() is None:
        assert "no CJK font" in r.stderr

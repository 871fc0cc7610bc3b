"""Document context: spreadsheets of reports, places from the gazetteer, report years, sections and periods, table
rows and list items, web-page furniture, and no line of a report silently left out of every passage."""

import io
import json
from pathlib import Path

import pytest

from ruralqa.corpus.chunk import chunk_report
from ruralqa.corpus.context import period, place_of, report_articles, year_of
from ruralqa.corpus.ingest import read_reports
from ruralqa.errors import ReportError
from ruralqa.text import gazetteer
from ruralqa.types import Article, Report
from conftest import SEED_CORPUS

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
needs_realworld = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is not here")

REPORT_CSV = ("province,year,title,publish_date,full_text\n"
              '甘肃省,2026,2026年甘肃省政府工作报告,2026-02-10,"下载\n打印\n【字号：\n加大\n还原\n减小\n】\n'
              '2026年甘肃省政府工作报告\n来源：甘肃日报\n各位代表：\n一、2025年工作回顾\n粮食总产量突破1300万吨，创历史新高。\n'
              '二、2026年重点工作\n粮食产量稳定在1300万吨以上。"\n')


def _chunks(report: Report):
    return chunk_report(report, report_articles(report, None))


def test_csv_of_reports_reads_the_text_cell_and_its_columns(tmp_path):
    (tmp_path / "gov.csv").write_text(REPORT_CSV, encoding="utf-8-sig")
    [report] = read_reports(tmp_path / "gov.csv", tmp_path)
    assert report.row == 1 and report.title == "2026年甘肃省政府工作报告" and report.place == "甘肃省"
    assert report.text.startswith("下载\n打印")
    chunks = _chunks(report)
    texts = [c.text for c in chunks]
    assert not any(t in ("下载", "打印", "加大", "】") or t.startswith("来源") for t in texts)  # furniture left out
    grain = next(c for c in chunks if "突破1300万吨" in c.text)
    c = grain.citation
    assert report.text[c.char_start:c.char_end] == grain.text and c.row == 1 and c.region == "甘肃省"
    assert (grain.period_year, grain.period_kind) == (2025, "achieved")
    goal = next(c for c in chunks if "稳定在1300万吨以上" in c.text)
    assert (goal.period_year, goal.period_kind) == (2026, "target")
    assert "甘肃省" in grain.embed_text and "2025年" in grain.embed_text


@pytest.mark.parametrize("suffix, writer", [
    (".tsv", lambda p: p.write_text("标题\t正文\n报告甲\t万荣县香菇产值达3亿元。\n报告乙\t盐湖区苹果产量20万吨。\n",
                                    encoding="utf-8")),
    (".jsonl", lambda p: p.write_text('{"title": "报告甲", "content": "万荣县香菇产值达3亿元。"}\n'
                                      '{"title": "报告乙", "content": "盐湖区苹果产量20万吨。"}\n', encoding="utf-8")),
])
def test_tsv_and_jsonl_rows_are_reports(tmp_path, suffix, writer):
    path = tmp_path / f"reports{suffix}"
    writer(path)
    reports = read_reports(path, tmp_path)
    assert [(r.row, r.title) for r in reports] == [(1, "报告甲"), (2, "报告乙")]
    assert reports[1].text == "盐湖区苹果产量20万吨。"


def test_xlsx_rows_are_reports(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["title", "text", "date"])
    book.active.append(["报告甲", "万荣县香菇产值达3亿元。", "2024-05-01"])
    book.save(tmp_path / "r.xlsx")
    [report] = read_reports(tmp_path / "r.xlsx", tmp_path)
    assert report.text == "万荣县香菇产值达3亿元。" and report.date == "2024-05-01"


def test_spreadsheet_without_a_text_column_is_refused(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReportError, match="no column of report text"):
        read_reports(tmp_path / "x.csv", tmp_path)


@pytest.mark.parametrize("text, place", [
    ("2025年甘肃省政府工作报告", "甘肃省"), ("2025年广西政府工作报告", "广西壮族自治区"),
    ("2025年内蒙古自治区政府工作报告", "内蒙古自治区"), ("江苏南京溧水区：以三多合一改革为途径", "溧水区"),
    ("福建省漳州市东山县：城乡融合一体发展", "东山县"), ("走出万荣特色乡村振兴之路", ""),  # 振兴 is no 振兴区
])
def test_places_come_from_the_gazetteer(text, place):
    assert place_of(text) == place


def test_gazetteer_short_names():
    assert gazetteer.short_name("新疆维吾尔自治区") == "新疆" and gazetteer.short_name("溧水区") == "溧水"
    assert [d.name for d in gazetteer.find("新疆伊吾县")] == ["伊吾县", "新疆维吾尔自治区"]


def test_years_and_periods():
    assert year_of("", "——二〇二六年一月", "gov2026_x.csv") == 2026
    report = Article("2025年甘肃省政府工作报告", "甘肃省", 1, 10, year=2025)
    assert period("一、2024年工作回顾", "粮食产量259.2亿斤。", report) == (2024, "achieved")
    assert period("二、2025年工作总体要求和预期目标", "粮食产量稳定在252亿斤以上。", report) == (2025, "target")
    assert period("“十四五”时期工作回顾", "x", Article("2026年甘肃省政府工作报告", "", 1, 2, year=2026)) == (2025, "achieved")
    assert period("", "全县新建大棚300座。", Article("某县简报", "", 1, 2)) == (None, "")


def test_table_rows_and_list_items_become_passages(tmp_path):
    text = ("# 台安县绿色发展\n\n## 推进种植业\n\n| 指标 | 数值 |\n|------|------|\n| 家庭农场 | **421家** |\n"
            "| 设施农业小区 | **81个** |\n\n- 培育乡村振兴带头人1150名\n- 建成养殖小区700余个\n")
    report = Report(path="t.md", text=text, sha256="x", format="md", encoding="utf-8")
    chunks = _chunks(report)
    rows = [c for c in chunks if c.kind == "row"]
    assert [c.text for c in rows] == ["| 家庭农场 | **421家** |", "| 设施农业小区 | **81个** |"]
    assert "| 指标 | 数值 |" in rows[0].heading and "推进种植业" in rows[0].embed_text
    assert [c.text for c in chunks if c.kind == "item"] == ["- 培育乡村振兴带头人1150名", "- 建成养殖小区700余个"]
    assert all(text[c.citation.char_start:c.citation.char_end] == c.text for c in chunks)


def _reports_under(folder: Path):
    for path in sorted(folder.iterdir()):
        if path.suffix in (".txt", ".md", ".docx", ".csv"):
            yield from read_reports(path, folder)


def _lost_lines(report: Report) -> list[str]:
    """Lines of a report that are in no passage and serve as no context (heading, title, table header) either."""
    chunks = _chunks(report)
    covered = set()
    for c in chunks:
        covered.update(range(c.citation.line_start, c.citation.line_end + 1))
    context = {c.heading for c in chunks} | {c.section for c in chunks} | {c.citation.title for c in chunks}
    context_text = " ".join(context)
    lost = []
    for number, line in enumerate(report.text.split("\n"), start=1):
        bare = line.strip().lstrip("#").strip().strip("*").strip()
        if bare and number not in covered and bare not in context_text and not _is_furniture(bare):
            lost.append(line)
    return lost


def _is_furniture(line: str) -> bool:
    from ruralqa.corpus.context import FURNITURE
    from ruralqa.corpus.chunk import RULE

    return bool(FURNITURE.fullmatch(line) or RULE.fullmatch(line))


def test_no_line_of_the_shipped_corpus_is_left_out():
    for report in _reports_under(SEED_CORPUS):
        assert _lost_lines(report) == [], report.path


@needs_realworld
@pytest.mark.parametrize("folder", ["corpus", "county"])
def test_no_line_of_the_real_corpora_is_left_out(folder):
    lost = {r.path: _lost_lines(r) for r in _reports_under(REALWORLD / folder)}
    assert {k: v[:3] for k, v in lost.items() if v} == {}


def test_text_column_is_found_by_content_or_named(tmp_path):
    (tmp_path / "r.csv").write_text("标题,报告全文\n报告甲,万荣县香菇产值达3亿元。\n", encoding="utf-8")
    [report] = read_reports(tmp_path / "r.csv", tmp_path)  # no name needed: the column of sentences
    assert report.text == "万荣县香菇产值达3亿元。" and report.title == "报告甲"
    [report] = read_reports(tmp_path / "r.csv", tmp_path, text_column="标题")
    assert report.text == "报告甲"
    with pytest.raises(ReportError, match="--text-column"):
        read_reports(tmp_path / "r.csv", tmp_path, text_column="正文")


def test_a_work_report_plans_its_own_year():
    report = Article("2026年海南省政府工作报告", "海南省", 1, 10, year=2026)
    assert period("三、2026年主要工作", "建设高标准农田25万亩。", report) == (2026, "target")
    assert period("一、2025年主要工作", "粮食产量稳定。", report) == (2025, "achieved")
    assert period("一、2026年工作回顾", "x", Article("2026年某县工作总结", "", 1, 2, year=2026)) == (2026, "achieved")


def test_title_column_by_its_header_never_a_web_address(tmp_path):
    (tmp_path / "r.csv").write_text(
        "province,year,title,source_url,full_text\n"
        "海南省,2026,2026年海南省政府工作报告,https://example.gov.cn/2026/t20260202_4021318.html,\"政府工作报告\n"
        "各位代表：\n" + "过去一年，全省经济运行稳中有进，农业农村发展取得新成效。" * 8 +
        "\n三、2026年主要工作\n建设高标准农田25万亩。\"\n", encoding="utf-8")
    [report] = read_reports(tmp_path / "r.csv", tmp_path)
    assert report.title == "2026年海南省政府工作报告"
    target = [c for c in _chunks(report) if "25万亩" in c.text]
    assert [(c.period_year, c.period_kind) for c in target] == [(2026, "target")]


def test_relative_years_in_a_work_report():
    report = Article("2025年甘肃省政府工作报告", "甘肃省", 1, 10, year=2025)
    assert period("", "过去一年，全省粮食产量259.2亿斤。", report) == (2024, "achieved")
    assert period("", "今年主要预期目标是粮食产量252亿斤以上。", report) == (2025, "target")


def test_a_provinces_report_stays_the_provinces():
    from ruralqa.corpus.context import place_in

    body = ("辽宁全面振兴新突破三年行动取得重要成果。沈阳、大连经济总量稳步提升，沈阳都市圈建设加快，"
            "振兴新突破取得实效。" * 3)
    assert place_in("2025年辽宁省政府工作报告", body)[0] == "辽宁省"  # 振兴 in 全面振兴 is no 振兴区
    assert place_in("2026年吉林省政府工作报告", "吉林日报讯 吉林大地春潮涌动。长春市、吉林市协同发展。")[0] == "吉林省"
    fujian = "福建日报讯。" + "福建省经济稳步增长，福州、厦门、泉州协同发展。厦门航空运力提升。" * 4
    assert place_in("2025年福建省政府工作报告", fujian)[0] == "福建省"
    # a city's newspaper page about one of its counties is still the county's
    page = "运城日报 第3版\n闻喜县香菇产业园今年扩建，闻喜县香菇产值达3亿元，闻喜县花馍走向全国，闻喜县东镇镇建成冷库。"
    assert place_in("运城日报 第3版", page)[0] == "闻喜县"


@pytest.mark.parametrize("question, places", [
    ("重庆2024年新创建农业产业强镇多少个", ("重庆市",)),  # 产业强镇 is a kind of town, not one
    ("云南2025年建成多少个乡村振兴示范村", ("云南省",)),  # 振兴 of 乡村振兴 is no 振兴区
    ("新丝路村已经多少年没出过刑事案子了", ("新丝路村",)),  # a village at the question's start
    ("后江石沽村村集体经济收入是多少", ("后江石沽村",)),
])
def test_places_a_question_names(question, places):
    from ruralqa.text.normalize import normalize
    from ruralqa.text.places import places_in_question

    regions = ["重庆市", "云南省", "振兴区", "伊吾县"]
    assert places_in_question(normalize(question), regions, ["产业强镇", "重点村"]) == places


def test_a_colon_line_above_a_table_captions_its_rows_not_a_lists_items(tmp_path):
    text = ("# 伊吾县示范村\n\n## 坚持内外兼修\n\n**克尔赛村基础设施成效**：\n| 指标 | 数值 |\n|------|------|\n"
            "| 新铺设柏油路 | **3.9公里** |\n\n依托毗邻国家4A级胡杨林景区：\n\n- 年接待游客**2万人次**\n")
    report = Report(path="t.md", text=text, sha256="x", format="md", encoding="utf-8")
    chunks = _chunks(report)
    [row] = [c for c in chunks if c.kind == "row"]
    assert "克尔赛村基础设施成效" in row.heading and "**" not in row.heading and "| 指标 | 数值 |" in row.heading
    [item] = [c for c in chunks if c.kind == "item"]
    assert "胡杨林" not in item.heading  # an item says more of itself; its lead line stays a passage of its own
    assert any(c.text == "依托毗邻国家4A级胡杨林景区：" for c in chunks)


def test_a_place_column_the_text_never_names_gives_way_to_the_county_it_names():
    from ruralqa.corpus.context import place_in

    body = ("一、2023年工作回顾\n" + "新安县地区生产总值增长6%。" * 3 + "洛阳市下达的任务全面完成。"
            + "新安县粮食总产4.6亿斤。" * 3)
    place, note = place_in("安新县2024年政府工作报告", body, "安新 保定 河北")
    assert place == "新安县" and "安新县" in note and "never" in note
    # a row whose text names its own county keeps it, however often it names another
    own = "安新县全年完成任务。" + body
    assert place_in("安新县2024年政府工作报告", own, "安新 保定 河北")[0] == "安新县"


def test_a_title_counts_only_for_a_place_related_to_the_reports_own():
    from ruralqa.text.places import is_about

    assert not is_about(("安新县",), "新安县", "安新县2024年政府工作报告", "新安县粮食总产4.6亿斤")
    assert is_about(("运城",), "闻喜县", "运城日报 第3版", "")  # the prefecture of the page's county
    assert is_about(("甘肃",), "甘肃省", "2025年甘肃省政府工作报告", "")


def test_a_goal_met_is_a_result_and_a_goal_to_meet_a_plan():
    report = Article("2021年涞源县政府工作报告", "", 1, 2, year=2021)
    # the words of a goal met (超额完成…目标任务) make no passage a plan; the goal words of a plan still do
    met = "全部财政收入完成11.27亿元，超额完成市核目标任务；城乡居民人均可支配收入分别达到30283元和10324元。"
    assert period("", met, report)[1] != "target"
    assert period("", "坚决完成“六清”目标任务，力争增长5%左右。", report) == (2021, "target")
    assert period("", "确保完成全年目标任务，力争增长5%左右。", report) == (2021, "target")


def test_a_section_named_by_an_earlier_year_reviews_that_year():
    report = Article("2015年徐水县政府工作报告", "徐水区", 1, 9, year=2015)
    assert period("一、关于2014年政府工作", "全县生猪出栏70.6万头。", report) == (2014, "achieved")
    assert period("二、2015年工作安排", "生猪出栏75万头。", report) == (2015, "target")
    assert period("", "过去的一年，全县生猪出栏70.6万头。", report) == (2014, "achieved")


def test_headings_titled_as_the_top_sections_are_top_sections():
    from ruralqa.types import Report

    text = ("站在新起点：2012年工作回顾\n农民人均纯收入完成3262元。\n"
            "开启新征程：确保五年稳定脱贫强势开局\n年内新建生猪标准化规模场20个。\n")
    report = Report(path="f.txt", text=text, sha256="x", format="txt", encoding="utf-8")
    chunks = chunk_report(report, [Article("2013年阜平县政府工作报告", "阜平县", 1, 4, year=2013)])
    assert [(c.period_year, c.period_kind) for c in chunks] == [(2012, "achieved"), (2013, "target")]


def test_a_section_of_achievements_and_goals_reviews_in_its_paragraph_opening_on_the_years_past():
    report = Article("2026年广西壮族自治区政府工作报告", "", 1, 2, year=2026)
    section = "二、“十四五”时期发展成就和“十五五”时期主要目标任务"
    assert period(section, "过去五年，我们牢记嘱托……城乡居民收入倍差从2.42缩小至2.12。", report) == (2025, "achieved")
    assert period(section, "根据建议，“十五五”时期主要目标是：经济保持合理增长。", report) == (2026, "target")

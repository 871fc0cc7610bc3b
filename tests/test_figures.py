"""Figure records (ruralqa.figures), the answers they check (ruralqa.records) and their export (`ruralqa facts`)."""

import csv
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from ruralqa.config import resolve
from ruralqa.figures import figures
from ruralqa.types import Chunk, Citation
from conftest import CountingEmbedder, indexed
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


def test_terms_of_a_formula_are_no_figures_and_a_counted_noun_ends_whole():
    got = _records("安排“1名县领导＋1个县直单位＋1名驻村干部”挂钩帮扶，共30名县处级领导\n")
    assert got == [("县处级领导", "", "30名", "名", "exact", 2024)]
    assert [r[3] for r in _records("农村居民人均可支配收入38110元（+5.3%）")] == ["元", "%"]  # a sign, not a sum


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
全年处理畜禽粪便量4000万吨，化肥使用量下降5%。
二、2025年重点工作
粮食产量稳定在1300亿斤以上。
"""


@pytest.fixture
def henan(tmp_path):
    return indexed(tmp_path, {"henan.txt": REPORT})


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
    ("河南2025年粮食产量要稳定在多少", "≥1300亿斤"),  # 要 before what is to be done asks a goal
    ("河南玉米产量是多少", None),  # 玉米 is stated nowhere: grain or wheat must not answer it
    ("河南油菜籽产量是多少", None),
    ("河南2023年粮食总产量是多少", None),  # another year
    # everyday words no report uses (牲口, 掉, 少用): the record holding every word the reports do use answers
    ("河南一年能处理掉多少牲口和家禽的粪便", "4000万吨"),
    ("河南化肥比以前少用了多少", "-5%"),
    # …but a word no report uses that names the thing (榴莲) leaves only the unit's word (产量): nothing answers
    ("河南榴莲产量是多少", None),
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


@pytest.mark.parametrize("text, expected", [
    # each 分别 list gives only the values joined to it; a later clause keeps its own measure
    ("进出口下降5.4%，城镇居民、农村居民人均可支配收入分别增长4.5%、5.7%，城镇调查失业率4.7%。",
     [("进出口", "-5.4%"), ("城镇居民人均可支配收入", "+4.5%"), ("农村居民人均可支配收入", "+5.7%"),
      ("城镇调查失业率", "4.7%")]),
    ("城乡居民人均可支配收入分别达6.9万元、3.4万元，增长4.2%、5.3%。",
     [("城镇居民人均可支配收入", "6.9万元"), ("农村居民人均可支配收入", "3.4万元"),
      ("城镇居民人均可支配收入", "+4.2%"), ("农村居民人均可支配收入", "+5.3%")]),
    # 和/与/及 join items only between words: 普及率 is one word, and a long item is a measure of its own
    ("农村自来水普及率、规模化供水工程覆盖率分别达98%和92%。",
     [("农村自来水普及率", "98%"), ("规模化供水工程覆盖率", "92%")]),
    # what a measure word counts: the noun after it, up to its verb; not a verb
    ("邀请专家学者对全县61个行政村进行逐个把脉。", [("邀请专家学者对全县行政村", "61个")]),
    ("国家级农业产业化龙头企业122家培育农民合作社20.3万家。",
     [("国家级农业产业化龙头企业", "122家"), ("培育农民合作社", "20.3万家")]),
    # a verb-only clause measures what the figure before it measured
    ("建设增发国债高标准农田1040万亩，累计建成近1.2亿亩。",
     [("建设增发国债高标准农田", "1040万亩"), ("累计建成（建设增发国债高标准农田）", "≈1.2亿亩")]),
    # two values of a 城乡 measure are its two parts with 分别 or without; a 分别 opening the next clause goes
    # through them again
    ("城乡居民人均可支配收入完成2.57万元和1.68万元，分别增长9%和9.8%。",
     [("城镇居民人均可支配收入", "2.57万元"), ("农村居民人均可支配收入", "1.68万元"),
      ("城镇居民人均可支配收入", "+9%"), ("农村居民人均可支配收入", "+9.8%")]),
    # a value that opens a clause counts the noun after it, a verb used as a noun within it (not the clause before)
    ("确权登记颁证工作基本完成，53万亩粮食生产功能区划定工作基本结束，3万亩节水小麦示范推广项目全部完成。",
     [("粮食生产功能区划", "53万亩"), ("节水小麦", "3万亩")]),
    # the year (2018年度) and that it was done (实现) are no part of what is measured
    ("2018年度实现脱贫退出495户963人。", [("脱贫退出", "495户"), ("脱贫退出", "963人")]),  # not the value before in its metric
    # labels, Markdown table rows, ranges, 逾
    ("- 省级示范村：15个\n| 高素质农民 | 1,423名 |\n| 早稻计划种植面积 | 逾14万亩 |\n育秧周期缩短5至7天",
     [("省级示范村", "15个"), ("高素质农民", "1,423名"), ("早稻计划种植面积", "≥14万亩"), ("育秧周期缩短", "5至7天")]),
])
def test_what_each_figure_measures_in_harder_sentences(text, expected):
    assert [(f.metric, f.shown) for f in figures(_chunk(text))] == expected


def test_sustained_levels_plans_and_relative_years():
    [held] = figures(_chunk("粮食产量稳定在760亿斤以上。", kind="achieved"))
    assert held.qualifier == "sustained"  # held over years: no one year's figure
    [goal] = figures(_chunk("确保粮食产量稳定在1300亿斤以上。", kind="target"))
    assert (goal.qualifier, goal.kind) == ("bound", "target")
    chunk = Chunk(id="x", text="去年粮食产量12万吨，今年力争达到13万吨。", heading="", kind="body",
                  citation=Citation("f.txt", "2025年某县政府工作报告", "某县", 1, 1, 1, 0, 21, year=2025))
    assert [(f.metric, f.year, f.kind) for f in figures(chunk)] == [("粮食产量", 2024, ""),
                                                                     ("粮食产量", 2025, "target")]
    plan = Chunk(id="x", text="高标准农田达到3050万亩。", heading="二、“十五五”时期总体要求和目标任务", kind="body",
                 citation=Citation("f.txt", "T", "山西省", 1, 1, 1, 0, 13), period_year=2026, period_kind="target")
    [f] = figures(plan)
    assert (f.year_from, f.year) == (2026, 2030)  # a five-year plan's goal, not 2026's
    this_year = replace(plan, text="今年主要预期目标是：粮食产量513万吨以上。")
    [f] = figures(this_year)
    assert (f.year_from, f.year) == (None, 2026)  # the passage speaks of this year, whatever its section opens


def test_counts_in_chinese_numerals_and_ordinals():
    # a small count written in Chinese numerals is a figure as 4条 is; 一 (一条龙) is none
    got = _records("一条龙服务，全村建成五座桥、十二个自然村。")
    assert [r[2:4] for r in got] == [("五座", "座"), ("十二个", "个")] and got[0][0].endswith("桥")
    # which one (第七届, 第5批) is no amount of it: an ordinal of the thing named after it
    got = _records("荣获第七届全国文明村镇，入选第5批传统村落名录。")
    assert [(r[0], r[2], r[4]) for r in got] == [("全国文明村镇", "第七届", "ordinal"), ("传统村落名录", "第5批", "ordinal")]


def test_an_amount_of_what_follows_it_is_no_change():
    [f] = figures(_chunk("新建和改造提升112万亩高标准农田，耕地总量净增加。"))
    assert (f.metric, f.qualifier, f.shown) == ("新建和改造高标准农田", "exact", "112万亩")
    [f] = figures(_chunk("粮食产量提高12亿斤，创历史新高。"))
    assert (f.qualifier, f.shown) == ("change", "+12亿斤")


@pytest.mark.parametrize("question, text, why", [
    ("北京2025年粮食产量目标是多少", "持续提升粮食单产，蔬菜产量稳定在200万吨左右。", "metric"),  # vegetables, not grain
    ("甘肃2024年新建高标准农田多少万亩", "全省高标准农田达到1100万亩。", "level"),  # a level, not what was added
    ("甘肃2024年粮食产量是多少", "“十四五”期间粮食产量累计增加30亿斤。", "span"),
    ("甘肃2024年粮食产量是多少", "力争粮食产量达到260亿斤。", "target"),
    # the measure named right before 是多少 is no other measure of the same people, however many words they share
    ("甘肃2024年农村居民人均消费支出是多少", "农村居民人均可支配收入达到13131元。", "measure"),
    # 产量 said by 吨 alone, and nothing in the metric or clause names the 粮食 it is asked of
    ("甘肃2024年粮食总产量是多少", "粮食生产保持稳定，清运城乡垃圾10万余吨。", "unit-alone"),
    # 多少粮食 asks an amount of 粮食: a figure whose metric and clause do not name it is of something else
    ("甘肃2024年能打多少粮食", "粮食总产13.8万吨，食用菌种植规模6600万棒。", "thing"),
    # the words of another figure of the sentence in that unit are its own (粮食生产功能区 is not 节水小麦's)
    ("甘肃划定了多少亩粮食生产功能区", "53万亩粮食生产功能区划定工作基本结束，3万亩节水小麦示范推广项目全部完成。", "metric"),
    # 耕地 and 宅基地 are other kinds of land than the 草地 and 园地 asked, though each ends in 地
    ("甘肃草地面积是多少", "全省耕地面积85.2公顷。", "metric"),
    ("甘肃园地面积是多少", "全省宅基地面积13.31公顷。", "metric"),
    # a total is no share per household or head, whatever land it measures
    ("甘肃户均宅基地面积是多少", "全省宅基地面积13.72公顷。", "total"),
    # an ordinal answers 第几, not 几届 or 多少批
    ("甘肃获得过几届全国文明城市称号", "荣获第七届全国文明城市称号。", "ordinal"),
    ("甘肃第几批入选传统村落名录", "全省共有12个村入选传统村落名录。", "ordinal"),
    # the share of 建设用地 asked is not the one of 农业用地, though 用地 says both
    ("甘肃建设用地占土地总面积的比例是多少", "土地总面积2352.89公顷，其中，农业用地1960.70公顷，占比达83.33%。", "share"),
])
def test_records_that_measure_something_else_do_not_answer(question, text, why):
    from ruralqa import records
    from ruralqa.query import Query

    class Vocab:
        regions, places = ["甘肃省", "北京市"], []

        def tokens(self, t):
            import jieba
            return [w for w in jieba.lcut_for_search(t) if w.strip()]

        def idf(self, tokens):  # every word is one the reports use (the last is no word: ruralqa.query._NEVER)
            return {t: 9.0 if t == "\x00" else 1.0 for t in tokens}

    kind = "target" if "目标" in question else "achieved"
    chunk = _chunk(text, year=2024 if kind == "achieved" else 2025, kind=kind if "力争" not in text else "")
    q = Query.parse(question, Vocab())
    f = figures(chunk)[-1]
    assert records.why_not(q, f, chunk).startswith(why)


NINGXIA = """2025年宁夏回族自治区政府工作报告
一、2024年工作回顾
户籍制度实行“四个放开”，新增1.8万农业转移人口在城镇安家落户。
3000吨级超级反应器刷新世界纪录。
粮食总产量再上新台阶，突破76亿斤大关。
78万农牧户发展庭院经济。
银川机场航空货邮达到4.2万吨。
农产品加工总产值160亿元。
农村劳动力省外务工稳定在60万人左右，高校毕业生去向落实率85%。
脱贫人口人均纯收入增长12.5%以上。
全区共有94个行政村，全部实现通公交车。
小麦年产量96.5万吨。
现代果业43万亩。
"""


@pytest.fixture
def ningxia(tmp_path):
    return indexed(tmp_path, {"ningxia.txt": NINGXIA})


@pytest.mark.parametrize("question, expected", [
    ("宁夏2024年有多少农民进城落了户", None),  # 四个放开 is no record of anything counted; 1.8万 counts 农业转移人口
    ("宁夏2024年大豆产量是多少", None),  # not 3000吨级 (a size class) nor 76亿斤 (a milestone of all grain)
    ("宁夏2024年粮食总产量是多少", "≥76亿斤"),
    ("宁夏2024年有多少农牧户发展庭院经济", "78万"),  # a bare 万 counts what it names
    ("宁夏2024年油菜产量是多少", None),  # 航空货邮4.2万吨 is in 吨 but names no 油菜
    ("宁夏2024年地区生产总值是多少", None),  # 产 of 生产总值 is no part of 农产品加工总产值
    ("宁夏有多少农村劳力去外省打工", "≈60万人"),  # an amount of people, never the 85% beside it
    ("宁夏2024年脱贫群众的收入涨了多少", "+12.5%"),  # 脱贫群众 asks of 脱贫人口; 涨 asks a change
    ("宁夏通公交的村子有多少个", "94个"),  # what is counted is said after it
    ("宁夏小麦亩产是多少", None),  # 96.5万吨 is a harvest, not a yield per 亩
    ("宁夏种果树的地有多大面积", "43万亩"),  # 面积 is answered by 亩
])
def test_figures_answer_in_the_askers_words_and_only_what_they_measure(ningxia, question, expected):
    assert _ask(ningxia, question) == expected


def test_a_table_cell_answers_a_name_its_label_asks(tmp_path):
    ws = indexed(tmp_path, {"village.md": "# 后江石沽村\n\n| 类别 | 内容 |\n|---|---|\n"
                                         "| 国家级荣誉 | 第七届全国文明村镇（2025年） |\n| 特色产业 | 稻蟹共生 |\n"})
    assert _ask(ws, "后江石沽村获得了什么国家级荣誉") == "第七届全国文明村镇（2025年）"


PINGLUO = """平罗县乡村振兴工作报告
平罗县年种植粮食62万亩以上、年产量20万吨以上。
平罗县形成5500座菇棚，带动153个村7800余人增收。
平罗县2023年农村集体经济总收入8298.12万元。其中，82个村达到30万元以上。
平罗县公交公司投入运营车辆367辆。
平罗县人口规模预测为1681人。
平罗县农村劳动力转移就业3.2万人，落实永久基本农田面积为81.43公顷。
平罗县组织干部出去学习，打工经济、人力资源、农村电商、劳务品牌、城乡融合同步发展。
"""


@pytest.mark.parametrize("question, expected", [
    ("平罗县一年能打多少粮食", "≥20万吨"),  # an amount of grain, not the land it is grown on (62万亩)
    ("平罗县种香菇的棚子有多少个", None),  # 153个 counts 村, not 棚子
    ("平罗县2022年村集体一共收入了多少钱", None),  # 其中… is of 2023, as the sentence it continues
    ("平罗县有多少辆出租车在跑", None),  # 车 of 出租车 inside 车辆 is half a word
    ("平罗县现在的人口有多少", None),  # a forecast is a plan's figure, not a result
    ("平罗县有多少农村劳力出去打工", "3.2万人"),  # 劳力, a word no report uses, is 劳动力 shortened
    ("平罗县农村劳力有多少人出去挣钱", "3.2万人"),
])
def test_amounts_counts_and_parts_are_of_what_was_asked(tmp_path, question, expected):
    assert _ask(indexed(tmp_path, {"pingluo.txt": PINGLUO}), question) == expected


def test_an_adverb_that_names_a_thing_is_a_word_asked(tmp_path):
    from ruralqa.query import Query
    from ruralqa.stores import open_index

    with open_index(resolve(cwd=indexed(tmp_path, {"pingluo.txt": PINGLUO}))) as index:
        assert "永久" in Query.parse("平罗县永久基本农田面积是多少", index).terms  # 永久基本农田, not 永久 as 'for ever'
        assert "真正" not in Query.parse("平罗县真正住在村里的有多少人", index).terms  # an adverb of a verb
        assert "通上" not in Query.parse("平罗县家里通上自来水的比例", index).terms  # no report says it


LINYI = """临猗县乡村振兴工作报告
临猗县村集体经济收入50万元以上村31个，100万元以上村14个。
临猗县和美乡村建设有序推进，目前已建成245个。
| 驻村书记 | 37名 |
"""


@pytest.mark.parametrize("question, expected", [
    ("临猗县集体收入超过五十万的村有多少个", "31个"),  # a value in the metric names which villages: 五十万 is 50万
    ("临猗县集体收入过百万的村有几个", "14个"),
    ("临猗县集体收入超过30万的村有多少个", None),  # a value the reports do not count by
    ("临猗县已建成多少个和美乡村", "245个"),  # 目前已 says when, not another thing built
    ("临猗县派到村里当书记的干部有多少人", "37名"),  # 名 counts people
])
def test_values_and_words_before_the_measure(tmp_path, question, expected):
    assert _ask(indexed(tmp_path, {"linyi.txt": LINYI}), question) == expected


@pytest.mark.parametrize("question, expected", [
    ("临猗县选了多少个90后干部去村里当第一书记", "58名"),  # 个 asked, 名 written: the thing counted decides
    ("临猗县种香菇的棚子有多少个", None),  # 3500万棒 is followed by the question's 香菇, but counts no 棚子
])
def test_a_count_in_another_measure_word_counts_the_thing_asked(tmp_path, question, expected):
    text = "临猗县乡村振兴工作报告\n临猗县择优选派**58名**“90后”干部担任驻村第一书记。全县发展香菇3500万棒香菇。\n"
    assert _ask(indexed(tmp_path, {"linyi.txt": text}), question) == expected


def test_how_long_asks_a_length(tmp_path):
    text = "临猗县乡村振兴工作报告\n临猗县新铺柏油路投资260万元，新铺设柏油路3.9公里。\n"
    ws = indexed(tmp_path, {"linyi.txt": text})
    assert _ask(ws, "临猗县新铺了多长的柏油路") == "3.9公里"  # not the money spent on the same road


def test_a_share_is_of_the_thing_the_question_names(tmp_path):
    both = "临猗县土地总面积2000公顷，其中，农业用地1600公顷，占比达80%；林地面积在土地总面积中的占比达15%。\n"
    only_other = "临猗县土地总面积2000公顷，其中，农业用地1600公顷，占比达80%；建设用地100公顷，占比达5%。\n"
    question = "临猗县的林地占了全县土地的多大比例"
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    assert _ask(indexed(tmp_path / "a", {"a.txt": "临猗县土地利用报告\n" + both}), question) == "15%"
    assert _ask(indexed(tmp_path / "b", {"b.txt": "临猗县土地利用报告\n" + only_other}), question) is None


GUYUAN = """固原市乡村振兴工作报告
固原市粮食作物播种面积80万亩，蔬菜播种面积20万亩。
固原市果品产量12万吨，蔬菜产量30万吨。
"""


@pytest.mark.parametrize("question, expected", [
    ("固原市庄稼种了多少亩", "80万亩"),  # 庄稼, a word no report uses, means 粮食作物 (同义词词林)
    ("固原市烟叶产量是多少", None),  # no synonym of 烟叶 is in the reports: no other crop's output answers
])
def test_a_word_no_report_uses_matches_through_its_synonyms(tmp_path, question, expected):
    assert _ask(indexed(tmp_path, {"guyuan.txt": GUYUAN}), question) == expected


def test_synonyms_are_those_the_reports_use(tmp_path):
    from ruralqa.query import Query
    from ruralqa.stores import open_index

    with open_index(resolve(cwd=indexed(tmp_path, {"guyuan.txt": GUYUAN}))) as index:
        assert dict(Query.parse("固原市水果产量是多少", index).synonyms) == {"水果": ("果品",)}  # not 鲜果: no report
        assert not Query.parse("固原市果品产量是多少", index).synonyms  # the reports' own words need none


def test_a_one_character_attribute_names_no_measure(tmp_path):
    # 种 of 种了多少亩 is inside 播种 by chance: 完成粮食播种 is no measure of another thing than the 粮食 asked
    ws = indexed(tmp_path, {"boye.txt": "博野县工作报告\n完成粮食播种36.1万亩，粮食产量3亿斤。\n"})
    assert _ask(ws, "博野县种了多少亩粮食") == "36.1万亩"
    assert _ask(ws, "博野县种了多少亩蔬菜") is None


def test_a_sentence_naming_the_year_asked_answers_in_a_report_of_another_year(tmp_path):
    # a 2021 report's plan: the passage speaks of 2021, its sentence of 2025; 突破 is how, not what, is measured
    ws = indexed(tmp_path, {"fuping.txt": "2021年阜平县政府工作报告\n二、“十四五”时期主要目标任务\n"
                                          "到2025年，食用菌总产值突破12亿元，林果总产值达到10亿元。\n"})
    assert _ask(ws, "阜平县到2025年食用菌总产值要突破多少") == "≥12亿元"
    assert _ask(ws, "阜平县到2025年茶叶总产值要突破多少") is None


def test_a_list_of_names_of_the_kind_asked_answers_whole(tmp_path):
    ws = indexed(tmp_path, {"gaoyang.txt": "高阳县2018年政府工作报告\n一、2017年工作回顾\n"
                                           "龙化乡北龙化村和小王果庄乡李果庄村入围2017年中国淘宝村。\n"})
    assert _ask(ws, "高阳县2017年哪些村入围了中国淘宝村") == "龙化乡北龙化村和小王果庄乡李果庄村"  # not 和小王果庄乡李果庄村


@pytest.mark.parametrize("question, expected", [
    # 总产 says the 产量 asked: 粮食 before it is its word, not only its rivals' (粮食增产, 粮食单产)
    ("新疆2024年粮食产量是多少", "466亿斤"),
    # 下达 is no 达 of a level reached: the task given is what was asked
    ("新疆2024年接到的农村气代煤改造任务是多少户", "2万户"),
    ("新疆2024年外贸出口总额是多少", "2.99亿美元"),  # 美元 is a unit, not part of nothing
])
def test_rivals_links_and_currencies(tmp_path, question, expected):
    ws = indexed(tmp_path, {"xinjiang.txt": "新疆维吾尔自治区2025年政府工作报告\n一、2024年工作回顾\n"
                                            "全疆粮食播种面积4440万亩，粮食增产42.2亿斤，总产466亿斤，粮食单产1050斤。\n"
                                            "自治区给我区下达了2万户的农村气代煤改造任务，保障了2.4万余户百姓清洁取暖。\n"
                                            "全区外贸出口总额达到2.99亿美元，同比增长12.9%。\n"})
    assert _ask(ws, question) == expected


def test_records_stored_by_another_extraction_are_read_again(henan):
    # an index written before the way figures are read changed: `facts` must agree with the answers
    [db_file] = (henan / "index").rglob("chunks.sqlite")
    db = sqlite3.connect(db_file)
    db.execute("UPDATE figures SET metric = '旧的读法' WHERE metric = '小麦产量'")
    db.commit()
    assert any(row["metric"] == "旧的读法" for row in
               json.loads(run(["facts", "--place", "河南", "--json"], henan).stdout))  # same version: stored
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    rows = json.loads(run(["facts", "--place", "河南", "--json"], henan).stdout)
    assert "小麦产量" in {row["metric"] for row in rows} and "旧的读法" not in {row["metric"] for row in rows}


def test_no_year_asked_answers_with_the_newest_year_of_the_same_measure(tmp_path):
    ws = indexed(tmp_path, {
        "laishui_2011.txt": "涞水县2011年政府工作报告\n一、2010年工作回顾\n全县粮食总产13.8万吨，蔬菜产量20万吨。\n",
        "laishui_2021.txt": "涞水县2021年政府工作报告\n一、2020年工作回顾\n粮食总产量稳定在12万吨左右。\n",
        "gaoyang_2017.txt": "高阳县2017年政府工作报告\n一、过去五年主要工作\n新改建农村公路196.9公里。\n",
        "gaoyang_2018.txt": "高阳县2018年政府工作报告\n一、2017年工作回顾\n新改建农村公路43.7公里。\n"})
    assert _ask(ws, "涞水县粮食总产量是多少") in ("≈12万吨", "12万吨左右")  # now, not 2010
    assert _ask(ws, "涞水县2010年粮食总产是多少") == "13.8万吨"  # a year asked is that year
    assert _ask(ws, "高阳县过去五年新改建了多少公里农村公路") == "196.9公里"  # a span asked is no "now"


def test_a_measure_said_by_its_unit_alone_must_be_of_the_thing_asked(tmp_path):
    ws = indexed(tmp_path, {"hlj.txt": "黑龙江省2025年政府工作报告\n一、2024年工作回顾\n"
                                       "粮食总产量再上新台阶，突破1600亿斤大关。全年清运城乡垃圾10万余吨。\n"})
    assert _ask(ws, "黑龙江2024年粮食产量是多少") == "≥1600亿斤"  # its clause says only 突破: the one before names it
    assert _ask(ws, "黑龙江2024年玉米产量是多少") is None  # no tonnage of 玉米 is stated


def test_what_a_measure_word_counts_is_a_word_asked(tmp_path):
    # 树 of 多少亩树 is the thing counted (jieba tags it a verb): it stays a word of the question
    ws = indexed(tmp_path, {"gaoyang.txt": "高阳县2019年政府工作报告\n一、2018年工作回顾\n"
                                           "整改违法占地660多亩。2018年植树2万余亩，空气质量进一步改善。\n"})
    assert _ask(ws, "高阳县2018年种了多少亩树") == "≥2万余亩"
    assert _ask(ws, "高阳县2018年种了多少亩花") is None
    (tmp_path / "quyang").mkdir()
    ws = indexed(tmp_path / "quyang", {"quyang.txt": "曲阳县2022年政府工作报告\n一、2021年工作回顾\n"
                                                     "完成人工造林3.1万亩，义务植树80万株。\n"})
    assert _ask(ws, "曲阳县2021年种了多少株树") == "80万株"  # 株树, one word to jieba, is two


def test_a_thing_no_report_names_is_not_answered_by_a_figure_of_another():
    from ruralqa import records
    from ruralqa.query import Query

    from conftest import WordsVocab

    # the reports never name a bank (银行), nor any word of its meaning; 村里 and 钱 as rare as in a county's few reports
    bankless = ("银行", "钱庄", "银号", "储蓄所", "存储点")
    Vocab = lambda: WordsVocab(regions=("伊吾县",), never=bankless, known=7.5)  # noqa: E731
    q = Query.parse("伊吾县银行给村里贷了多少钱", Vocab())
    assert "银行" in q.unknown
    income = _chunk("村集体经济收入130万元。", region="伊吾县")
    assert records.why_not(q, figures(income)[-1], income) == "unnamed"
    # a figure that says part of the thing (烤烟 of 烟叶) is still looked at by the other checks
    tobacco = Query.parse("伊吾县种了多少亩烟叶", WordsVocab(regions=("伊吾县",), never=("烟叶",)))
    crop = _chunk("烤烟种植60亩。", region="伊吾县")
    assert records.why_not(tobacco, figures(crop)[-1], crop) != "unnamed"


def test_a_ratio_without_its_one_and_a_group_named_by_a_verb():
    assert _records("城乡收入比缩小至2.12，新改建农村公路4.2万公里。")[0][:4] == ("城乡收入比", "", "2.12", "比")
    assert all(r[3] != "比" for r in _records("比上年增长5%，占比达35%，同比增长2.5%。"))  # 比 of 比上年, 占比, 同比
    # 108.6万名脱贫劳动力: 脱贫 is a verb, 脱贫劳动力 a group of people, the thing counted
    [*_, last] = _records("6.1万户14.2万名防返贫监测对象稳定消除风险，108.6万名脱贫劳动力实现就业。")
    assert last[:3] == ("脱贫劳动力", "脱贫劳动力", "108.6万名")


def test_the_same_measure_said_shorter_where_its_sentence_says_the_rest():
    from ruralqa import records

    older = figures(_chunk("农村规模化供水率达到95%。", year=2024))[0]
    newer = figures(_chunk("农村供水全部实现县域统管，规模化供水率达到97%。", year=2025))[0]
    assert older.metric != newer.metric and records.same_measure(older, newer)
    other = figures(_chunk("城市规模化供水率达到99%。", year=2025))[0]
    assert not records.same_measure(older, other)  # 农村 is not said there


def test_values_listed_together_count_what_follows_and_households_answer_only_households():
    from ruralqa import records
    from ruralqa.query import Query

    got = _records("聚焦两不愁三保障，2932户、5029人建档立卡贫困户全面稳定脱贫。")
    assert [(r[0][:7], r[2]) for r in got] == [("建档立卡贫困户", "2932户"), ("建档立卡贫困户", "5029人")]
    assert [(r[0], r[2]) for r in _records("全县剩余贫困人口322户、677人脱贫出列。")] == \
        [("剩余贫困人口", "322户"), ("剩余贫困人口", "677人")]  # not the value before in the second's metric

    from conftest import WordsVocab as Vocab

    chunk = _chunk("全县剩余贫困人口322户、677人脱贫出列。")
    homes, people = figures(chunk)
    q = Query.parse("甘肃2024年剩余多少贫困人口脱贫出列", Vocab())
    assert records.why_not(q, homes, chunk) == "unit" and records.why_not(q, people, chunk) == ""
    assert records.why_not(Query.parse("甘肃2024年剩余多少户贫困户脱贫出列", Vocab()), homes, chunk) == ""


def test_values_after_a_list_of_items_are_theirs_in_order_without_fenbie():
    assert [(r[0], r[2]) for r in _records("城镇、农村居民收入增长4.3%、5.7%。")] == \
        [("城镇居民收入", "+4.3%"), ("农村居民收入", "+5.7%")]
    assert [r[0] for r in _records("粮食播种面积、产量稳定在35万亩、15万吨左右。")] == ["粮食播种面积", "产量"]
    # no list before the first value: each keeps its own words
    assert [r[0] for r in _records("培育省级龙头企业120家、家庭农场5万家。")] == ["培育省级龙头企业", "家庭农场"]


def test_a_passage_that_opens_on_five_years_speaks_of_them_throughout():
    text = ("这五年，我们在攻坚克难中拉开了快速发展框架。面对困扰多年的交通瓶颈，新建和改建主干路14.8公里、"
            "农村公路157.5公里，城市环路实现闭合。")
    assert [(f.year_from, f.year) for f in figures(_chunk(text, year=2020))] == [(2016, 2020), (2016, 2020)]
    one_year = "一年来，我们全面推进城乡统筹。投资2100万元完成了25.4公里农村公路建设。"
    assert all(f.year_from is None for f in figures(_chunk(one_year, year=2020)))


def test_an_aside_inside_a_noun_and_a_count_of_another_thing():
    from ruralqa import records
    from ruralqa.query import Query

    got = _records("建成4所乡镇卫生院“国医堂”，村卫生所（室）达到344所，卫生、计生服务能力持续增强。")
    assert [(r[0], r[2]) for r in got] == [("乡镇卫生院", "4所"), ("村卫生所（室）", "344所")]

    from conftest import WordsVocab as Vocab

    q = Query.parse("甘肃2024年给村里请了多少个打扫卫生的人", Vocab())
    villages = _chunk("建设美丽庭院1.3万户，省级美丽乡村达到29个。")
    assert records._count_of_another(q, figures(villages)[-1], villages)
    built = _chunk("整县域梯次推进和美乡村建设，目前已建成245个。")
    q2 = Query.parse("甘肃2024年已建成多少个和美乡村", Vocab())
    assert not records._count_of_another(q2, figures(built)[-1], built)  # its sentence names what it refers back to


def test_people_of_a_group_of_households_are_that_group_s_people():
    from ruralqa import records
    from ruralqa.query import Query
    from conftest import WordsVocab

    # the group ends the noun counted though words of its own come first (建档立卡) and a verb phrase follows
    [households, people] = figures(_chunk("巩固脱贫成果，843户1864名建档立卡脱贫户无一返贫。"))
    assert (people.metric, people.subgroup, people.shown) == ("建档立卡脱贫户", "脱贫户", "1864名")
    # 1864名 of 脱贫户 are 脱贫人口; 843户, households, are not
    q = Query.parse("有多少建档立卡脱贫人口无一返贫", WordsVocab())
    assert records.why_not(q, people) == "" and records.why_not(q, households) != ""



def test_where_a_measure_began_a_per_unit_word_and_a_ratio_said_as_beicha():
    from ruralqa import records
    from ruralqa.query import Query
    from conftest import WordsVocab

    # 从A缩小至B with no year of A's own: A is where it began (a start), not a level of the year; with a year it is
    # that year's (从2021年的A)
    got = _records("城乡居民收入比从2.50:1缩小至2.27:1，收入从2021年的16935元提高到2025年的23184元。", year=2025)
    assert [(r[2], r[4], r[5]) for r in got] == [("2.50:1", "start", 2025), ("2.27:1", "exact", 2025),
                                                 ("16935元", "exact", 2021), ("23184元", "exact", 2025)]
    start, *_ = figures(_chunk("城乡居民收入比从2.50:1缩小至2.27:1。", year=2025))
    vocab = WordsVocab()
    assert records.why_not(Query.parse("城乡居民收入比缩小到了多少", vocab), start) == "start"
    assert records.why_not(Query.parse("城乡居民收入比从多少缩小到2.27", vocab), start) != "start"
    # 每月 belongs to the unit: the two values are the 城乡 measure's two parts
    assert [(r[0], r[2]) for r in _records("城乡低保标准提高到每月815元和615元。")] == \
        [("城镇低保标准", "815元"), ("农村低保标准", "615元")]
    # 倍差 is a ratio said without its ∶1
    assert _records("城乡居民收入倍差缩小至1.83。")[0][:4] == ("城乡居民收入倍差", "城乡", "1.83", "比")


def test_how_a_figure_is_meant_is_no_item_of_a_list():
    # 预计 says how the figures are meant: the 城乡 measure's two values are still its 城镇 and 农村 parts
    got = _records("全年生产总值同比增长7.2%，预计城乡居民人均可支配收入分别增长9%和11%。", year=2021)
    assert [(r[0], r[1], r[2]) for r in got[1:]] == [("城镇居民人均可支配收入", "城镇", "+9%"),
                                                     ("农村居民人均可支配收入", "农村", "+11%")]


def test_full_width_figures_a_change_beside_its_level_and_a_total_of_what_the_clause_before_names():
    from ruralqa import records
    from ruralqa.answer import _quantity_candidates
    from ruralqa.query import Query
    from conftest import WordsVocab

    # ５．８％ and 90％ are figures, cited at the characters as written
    text = "农村卫生厕所普及率超过90％，增长５．８％。"
    chunk = _chunk(text)
    got = [(f.metric, f.shown, f.qualifier, text[f.char_start:f.char_end]) for f in figures(chunk)]
    assert got == [("农村卫生厕所普及率", "≥90%", "bound", "90％"), ("农村卫生厕所普及率", "+5.8%", "change", "５．８％")]
    assert [text[c.start:c.end] for c in _quantity_candidates(chunk)] == ["90％", "５．８％"]
    # 新增 right before a value of the measure named before is its change; before a counted noun, how many new ones
    area = "全疆粮食播种面积4440万亩、新增202.9万亩。"
    assert [r[2:5] for r in _records(area)] == [("4440万亩", "亩", "exact"), ("+202.9万亩", "亩", "change")]
    assert _records("新增3个国家现代农业产业园。")[0][4] == "exact"
    # a question asking the change is not answered by the level stated beside it; 增加到多少 asks the level
    vocab = WordsVocab()
    level, change = figures(_chunk(area))
    q = Query.parse("2024年粮食播种面积新增了多少", vocab)
    assert records.why_not(q, level, _chunk(area)) == "level" and records.why_not(q, change, _chunk(area)) == ""
    assert records.why_not(Query.parse("2024年粮食播种面积增加到多少", vocab), level, _chunk(area)) != "level"
    # 总产 alone names no thing: its clause speaks of what the clause before names (粮食)
    harvest = "粮食生产再获丰收，总产达到557亿斤。"
    [total] = figures(_chunk(harvest))
    q = Query.parse("2024年地里一共打了多少粮食", vocab)
    assert not records._not_of_the_thing(q, total, _chunk(harvest))
    assert records._not_of_the_thing(q, total, _chunk("蔬菜生产再获丰收，总产达到557万吨。"))


def test_the_reports_old_names_parts_of_a_from_to_and_the_other_side_of_town_and_country():
    from ruralqa import records
    from ruralqa.query import Query
    from conftest import WordsVocab

    vocab = WordsVocab(regions=("清苑县",))
    # 农民人均纯收入, the measure's name until 2013, is read as the question is (农民人均 → 农村居民人均)
    income = "农民人均纯收入达到4551元，增长8.6%。"
    level, _ = figures(_chunk(income, region="清苑县", year=2007))
    q = Query.parse("清苑县2007年农民人均纯收入是多少", vocab)
    assert records.why_not(q, level, _chunk(income, region="清苑县", year=2007)) == ""
    # 总产 is how the report says 产量: 粮食总产 is a measure of another thing than the 小麦 asked
    [grain] = figures(_chunk("全县粮食总产达到40.55万吨。", region="清苑县", year=2007))
    assert records.why_not(Query.parse("清苑县2007年小麦产量是多少", vocab), grain) == "metric"
    # 由人均68元提高到72元: 68元 is where it began (人均 is the unit's "per"); the clause naming only 农村 is the
    # rural part of the measure the clause before names for 城镇
    text = "逐步提高城乡低保标准，城镇低保补差额由人均68元提高到72元，农村由人均13元提高到18元。"
    got = _records(text, region="清苑县", year=2007)
    assert [(r[0], r[2], r[4]) for r in got] == [("城镇低保补差额", "68元", "start"), ("城镇低保补差额", "72元", "exact"),
                                                 ("农村低保补差额", "13元", "start"), ("农村低保补差额", "18元", "exact")]
    # the town's figure does not answer a question about the country
    town = figures(_chunk(text, region="清苑县", year=2007))[1]
    assert records.why_not(Query.parse("清苑县2007年农村低保标准提高到了多少", vocab), town) == "subgroup"


def test_more_than_before_its_multiplier_a_change_asked_in_per_cent_and_words_of_an_earlier_figure():
    from ruralqa import records
    from ruralqa.query import Query, expected_units
    from conftest import WordsVocab

    # 30多万 (多 before 万) is 300000 of what follows, as 3.5万余人 is 35000 people
    text = "脱贫攻坚成果巩固拓展，30多万监测对象稳定消除返贫致贫风险。"
    [f] = figures(_chunk(text))
    assert (f.value_text, f.value, f.subgroup, f.qualifier) == ("30多万", 300000, "监测对象", "bound")
    # 提高多少 of an income asks its change in per cent as well as in 元
    assert {"元", "%"} <= expected_units("农民的工资性收入提高了多少")
    # the words of a figure of an earlier sentence are its own: a later figure in the same unit does not borrow
    # them; 农民 before the measure's name earlier in its sentence makes 工资性收入 a rural figure
    passage = "实施农民工资性收入提升行动，工资性收入提高20％以上。深入实施“十百千万”工程，行政村清洁覆盖率保持100％。"
    wages, cleaning = figures(_chunk(passage))
    q = Query.parse("2024年农民的工资性收入提高了多少", WordsVocab())
    assert records.why_not(q, wages, _chunk(passage)) == ""
    assert records.why_not(q, cleaning, _chunk(passage)) != ""


def test_values_after_fenbie_in_turn_a_rival_named_by_the_question_and_the_head_of_what_is_counted():
    from ruralqa import records
    from ruralqa.query import Query
    from conftest import WordsVocab

    # A达X元，B达Y元，同比分别增长p、q: p and q are A's and B's changes, in turn
    got = _records("城镇居民人均可支配收入达21560元，农村居民人均纯收入达9173元，同比分别增长12.1%、17.2%。", year=2012)
    assert [(r[0], r[1], r[2]) for r in got[2:]] == [("城镇居民人均可支配收入", "城镇", "+12.1%"),
                                                     ("农村居民人均纯收入", "农村", "+17.2%")]
    # 大棚 is said by the other figure of the sentence, not by 品牌西瓜种植面积, and outweighs the 种植 that one lacks
    # (as the index weighs them): that one is asked
    text = "品牌西瓜种植面积9万亩，其中大棚西瓜突破1万亩。"
    brand, greenhouse = figures(_chunk(text, year=2004))
    q = Query.parse("2004年大棚西瓜种植面积有多大", WordsVocab(idf={"大棚": 6.8, "种植": 5.0}))
    assert records.why_not(q, brand, _chunk(text, year=2004)) == "rival"
    assert records.why_not(q, greenhouse, _chunk(text, year=2004)) == ""
    # 多少粮农直补资金 asks an amount of 资金 (粮农直补 says which): 发放直补资金726万元 is one
    assert records.amount_of(Query.parse("2004年发放了多少粮农直补资金", WordsVocab())) == "资金"


def test_spaced_digits_the_end_of_a_move_over_years_examples_and_a_word_the_passages_say_whole():
    from dataclasses import replace as with_
    from ruralqa import records
    from ruralqa.query import Query, expected_units
    from ruralqa.text import gazetteer
    from conftest import WordsVocab

    # 4 3 %: a PDF's text spaced the digits of 43%; its last digit is no figure of its own
    values = [f.value_text for f in figures(_chunk("完成人工造林35.95万亩，森林覆盖率达到 4 3 %，提高了6个百分点。"))]
    assert values == ["35.95万亩", "6个百分点"]
    # the value a measure reached over the five years reviewed is its level at their end, not a span's figure
    text = "这五年，我们连续实施民生工程，居民人均可支配收入从27136元增长到36439元。"
    start, end = figures(_chunk(text, year=2025))
    assert (start.qualifier, end.qualifier, end.year, end.year_from) == ("start", "exact", 2025, None)
    assert records.why_not(Query.parse("2025年居民人均可支配收入是多少", WordsVocab()), end, _chunk(text, year=2025)) == ""
    # 范县 inside 示范县 is no place; 多少…人口 counts people whatever words (低收入) say which; 递增 asks a change
    assert [d.name for d in gazetteer.find("湖北有多少个县市获批创建国家乡村振兴示范县")] == ["湖北省"]
    assert expected_units("有多少贫困和低收入人口脱贫") >= {"人", "名"}
    assert expected_units("农民人均纯收入年均递增的目标是多少") == {"%", "倍"}
    assert Query.parse("近几年粮食产量稳定在多少", WordsVocab()).units == {"吨"}  # no count of years
    # the names before 等 are examples of what is counted, no words of the measure
    text = "罗田、钟祥2个县市获批创建国家现代农业产业园，赤壁、恩施等14个县市获批创建国家乡村振兴示范县。"
    two, fourteen = figures(_chunk(text))
    q = Query.parse("有多少个县市获批创建国家乡村振兴示范县", WordsVocab())
    assert records.metric_precision(q, fourteen) == records.metric_precision(q, two) == 1.0
    # 食 of 粮食 is half of 食糖 only where the passages looked at never say 食糖 whole; where they do, 粮食产量
    # measures another thing
    text = "粮食产量280.76亿斤。食糖产量连续33个榨季排全国第一。"
    [grain] = [f for f in figures(_chunk(text)) if f.unit == "吨"]
    q = Query.parse("2024年食糖产量是多少吨", WordsVocab(idf={"食糖": 8.2, "产量": 3.8}))
    assert records.metric_cover(q, grain, _chunk(text)) > 0.45
    assert records.metric_cover(with_(q, said_whole=frozenset({"食糖"})), grain, _chunk(text)) < 0.45
    from ruralqa.answer import _words_said, extract
    from ruralqa.config import AnswerParams
    from ruralqa.types import Hit
    hits = [Hit(chunk=_chunk(text), score=1.0, rank=1)]
    assert _words_said(q, hits, AnswerParams()).said_whole == {"食糖"}
    assert extract(q, hits) is None
    # 粪便 said whole beside another measure (畜禽粪便量) leaves 粪污 half of it
    q = Query.parse("台安县牲口家禽的粪便有多大比例被重新利用了", WordsVocab())
    assert _words_said(q, [Hit(chunk=_chunk("年处理畜禽粪便量40万吨以上。粪污利用率80.7%。"), score=1.0, rank=1)],
                       AnswerParams()).said_whole == frozenset()


def test_a_group_named_by_two_words_and_parts_of_a_sentence_joined_by_semicolons():
    # 6000名贫困和低收入人口: one group, named by two words (a question naming 低收入 is of it)
    [f] = figures(_chunk("深入实施“四大扶贫工程”，6000名贫困和低收入人口顺利脱贫。", year=2007))
    assert (f.metric, f.subgroup) == ("贫困和低收入", "低收入")
    # goals a ；joins to the sentence that opens them: of its year, and goals (not results of the review around them)
    text = "新一届政府的奋斗目标是：到2007年，国内生产总值比2002年翻一番；城镇居民人均可支配收入年均递增6%；农民人均纯收入年均递增4%；"
    got = [(f.value_text, f.year, f.kind) for f in figures(_chunk(text, year=2002)) if f.unit == "%"]
    assert got == [("6%", 2007, "target"), ("4%", 2007, "target")]
    # a line of its own is not joined to the one before
    lines = "主要预期目标是：到2007年国内生产总值翻一番；\n财政收入增长9%；"
    assert [(f.year, f.kind) for f in figures(_chunk(lines, year=2003)) if f.unit == "%"] == [(2003, "achieved")]
    # …but not a year a from-to starts at (从2015年的87.55亿元), which is no year of its end nor of the clauses after
    text = "全县生产总值从2015年的87.55亿元增长到118.32亿元，年均增长5.02%；城乡居民人均可支配收入分别达到29508元、11308元。"
    assert [f.year for f in figures(_chunk(text, year=2020)) if f.unit == "元"] == [2015, 2020, 2020, 2020]


def test_a_conjunction_inside_the_last_item_of_a_fenbie_list():
    # two values, two items by 、: 与 joins within the last one, which does not make three
    text = "中小企业商业价值信用贷款、农村信用贷款与抵押贷款改革试点分别发放贷款671亿元、86亿元。"
    assert [(f.metric, f.value_text) for f in figures(_chunk(text))] == [
        ("中小企业商业价值信用贷款", "671亿元"), ("农村信用贷款与抵押贷款改革试点", "86亿元")]
    # a 分别 that opens its clause goes through the items before it: a count they do not divide reads no items
    # (it crashed the index build: an empty list divided the count)
    assert len(figures(_chunk("城镇、农村居民人均可支配收入分别达到3万元、1.5万元，分别增长5%、6%、7%。"))) == 5
    # …where the 与 does make the count, its parts are the items (城镇与农村居民…分别)
    text = "城镇与农村居民人均可支配收入分别增长4.3%、7.1%。"
    assert [f.subgroup for f in figures(_chunk(text))] == ["城镇", "农村"]


def test_a_section_of_the_period_s_goals_and_the_year_s_work_a_ratio_from_to_and_a_place_before_chengxiang():
    from dataclasses import replace as with_
    from ruralqa.text.places import places_in_question

    plans = _chunk("新建改造高标准农田443.9万亩。", region="辽宁省", year=2026, kind="target")
    period_only = with_(plans, heading="二、“十五五”时期目标任务")
    with_year = with_(plans, heading="二、“十五五”时期目标任务和2026年工作安排")
    assert [(f.year, f.year_from) for f in figures(period_only)] == [(2030, 2026)]
    assert [(f.year, f.year_from) for f in figures(with_year)] == [(2026, None)]
    # 倍差从2.42缩小至2.12: the ratio now is 2.12, and where it began is no word of the metric
    assert [(f.metric, f.value_text, f.unit) for f in figures(_chunk("城乡居民收入倍差从2.42缩小至2.12。"))] == [
        ("城乡居民收入倍差", "2.12", "比")]
    # 城乡 after 广西 is no township: what follows a place found must be a name of its own
    assert places_in_question("广西城乡居民收入倍差缩小到了多少", ["广西壮族自治区"], []) == ("广西壮族自治区",)
    assert places_in_question("新丝路村村集体收入有多少", [], []) == ("新丝路村",)


def test_starts_listed_before_fenbie_two_spaced_digits_and_people_counted_without_a_measure_word():
    # 由A和B分别提高到C和D: A and B are where the town's and the country's began, C and D where they are now
    got = _records("城乡低保补差标准由 160元和55元分别提高到253元和150元，低收入群体实现应保尽保。")
    assert [(m, v, q) for m, _g, v, _u, q, _y in got] == [
        ("城镇低保补差标准", "160元", "start"), ("农村低保补差标准", "55元", "start"),
        ("城镇低保补差标准", "253元", "exact"), ("农村低保补差标准", "150元", "exact")]
    # 74 76 元: two digits alone before a space begin a spaced number; its last part is no figure of its own
    assert [f.value_text for f in figures(_chunk("农村居民人均可支配收入达到 74 76 元，年均增长12.56%。"))] == ["12.56%"]
    # 32万农村人口: a value without a measure word that people follow counts people, of the group named
    [f] = figures(_chunk("累计解决了32万农村人口饮水安全问题。"))
    assert (f.unit, f.subgroup, f.qualifier) == ("人", "农村", "cumulative")


def test_a_share_is_of_the_group_named_after_it():
    # 覆盖94%的农村人口: the share is of the rural population, which a question asking of 农村人口 asks
    [f] = figures(_chunk("5G网络实现行政村全覆盖，规模化供水工程覆盖94%的农村人口。"))
    assert (f.value_text, f.subgroup) == ("94%", "农村")
    [f] = figures(_chunk("农村公路优良中等路率达到94%的目标。"))
    assert f.subgroup == ""


def test_four_digits_with_duo_before_nian_are_a_length_of_time():
    # 树龄达1200多年 is an age; 2024年 stays a date
    got = [(f.value_text, f.unit) for f in figures(_chunk("金田村的千年古檀树直径达2.8米，树龄达1200多年。2024年新建村道3公里。"))]
    assert ("1200多年", "年") in got and not any(v.startswith("2024") for v, _u in got)


def _table_records(tmp_path, text):
    from ruralqa.corpus.chunk import chunk_report
    from ruralqa.corpus.context import report_articles
    from ruralqa.corpus.ingest import read_report

    (tmp_path / "金田村村庄规划.md").write_text(text, encoding="utf-8")
    report = read_report(tmp_path / "金田村村庄规划.md", tmp_path)
    rows = [c for c in chunk_report(report, report_articles(report, None)) if c.kind == "row"]
    return report, [f for c in rows for f in figures(c)]


def test_a_table_row_gives_one_record_per_value_under_its_columns(tmp_path):
    report, found = _table_records(tmp_path, (
        "# 金田村村庄规划（2022-2035年）\n\n2022年12月\n\n## 规划指标\n\n"
        "| 规划指标体系 | 2022年 | 2035年 | 属 性 |\n| --- | --- | --- | --- |\n"
        "| 人口规模（人） | 1406 | 1681 | 预期性 |\n| 户均宅基地面积（平方米） | 422.18 | 150 | 预期性 |\n\n"
        "## 设施\n\n单位：公顷\n\n| 序号 | 设施名称 | 空间位置 | 用地 | 占比 |\n| --- | --- | --- | --- | --- |\n"
        "| 1 | 村委会 | 园寨 | 0.07 | **0.01%** |\n"))
    got = [(f.metric, f.shown, f.unit, f.year, f.kind) for f in found]
    # a year column gives its year; a year after the plan's own is its goal; the unit is the row's (（人）)
    assert got[:4] == [("人口规模", "1406人", "人", 2022, "achieved"), ("人口规模", "1681人", "人", 2035, "target"),
                       ("户均宅基地面积", "422.18平方米", "亩", 2022, "achieved"),
                       ("户均宅基地面积", "150平方米", "亩", 2035, "target")]
    # the table's unit (单位：公顷) for a number without its own; 序号 1 is no value; 空间位置 names no measure
    assert [(f.metric, f.shown) for f in found[4:]] == [("村委会用地", "0.07公顷"), ("村委会占比", "0.01%")]
    cited = [report.text[f.char_start:f.char_end] for f in found]  # at the number in the row
    assert cited == ["1406", "1681", "422.18", "150", "0.07", "0.01%"]


def test_a_table_row_of_sentences_is_read_as_sentences(tmp_path):
    _, found = _table_records(tmp_path, "# 金田村成效\n\n| 项目 | 成效 |\n| --- | --- |\n"
                                        "| 道路 | 新建道路12公里，硬化3处 |\n")
    assert [(f.metric.split()[-1], f.shown) for f in found] == [("新建道路", "12公里"), ("硬化", "3处")]


def test_a_placeholder_cell_names_nothing_and_village_units_are_read(tmp_path):
    _, found = _table_records(tmp_path, "# 金田村现状\n\n| 序号 | 类型 | 设施名称 | 是否独立用地 | 用地面积或长度 |\n"
                                        "| --- | --- | --- | --- | --- |\n| 1 | 村道硬化 | / | 是 | 16km |\n"
                                        "| 2 | 环境卫生 | 污水池 | 是 | 800㎡ |\n")
    # / under 设施名称 is no name: the row is 村道硬化's; km and ㎡ are lengths and areas
    assert [(f.metric, f.shown, f.unit) for f in found] == [("村道硬化用地面积或长度", "16km", "公里"),
                                                            ("污水池用地面积或长度", "800㎡", "亩")]


def test_less_than_is_an_upper_bound():
    # 不足 and 不到 bound a figure from above, as 以下 does: never a level stated exactly
    assert [(f.shown, f.qualifier) for f in figures(_chunk("贫困发生率降至不足1%，农村居民人均收入不到1万元。"))] == [
        ("≤1%", "bound"), ("≤1万元", "bound")]


def test_a_thing_that_parts_ways_with_the_one_asked_is_another():
    from ruralqa import records
    from ruralqa.query import Query

    from conftest import WordsVocab

    # 生态用地 begins as 生态林 does and ends in another thing: no 生态林面积; 的 of 创业的人 is no word of the thing
    chunk = _chunk("生态用地面积362.02公顷，其中生态林面积约325.92公顷。", region="金田村")
    q = Query.parse("金田村生态林面积是多少", WordsVocab(regions=("金田村",)))
    assert [records.why_not(q, f, chunk) for f in figures(chunk)] == ["metric", ""]
    chunk = _chunk("培育农村创业带头人121名。", region="东山县")
    q = Query.parse("东山县带头在农村创业的人有多少", WordsVocab(regions=("东山县",)))
    assert records.why_not(q, figures(chunk)[0], chunk) == ""


JINTIAN = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "county" / "village_jintian_status_report.md"


@pytest.mark.skipif(not JINTIAN.exists(), reason="../shared/realworld/county is not here")
def test_of_two_figures_of_one_measure_the_one_whose_words_name_the_thing_asked_answers(tmp_path):
    # two trees' 树龄 (古檀树 1200多年, then 蕈树 550年 in the next passage, which speaks of the 古檀 first): the
    # figure whose sentence names the tree asked answers, not the one whose passage holds more of the question's words
    ws = indexed(tmp_path, {JINTIAN.name: JINTIAN.read_text(encoding="utf-8")})
    assert _ask(ws, "金田村千年古檀树的树龄有多少年？") == "≥1200多年"
    assert _ask(ws, "金田村蕈树的树龄是多少") == "550年"


def test_one_measure_counted_in_名_or_人_and_numbered_in_a_list_is_the_same_measure():
    from ruralqa import records

    # a goal of the 2025 report (③培训乡村医生5000名) and of the 2026 one (培训乡村医生5000人): the newest answers 今年
    listed = figures(_chunk("③培训乡村医生5000名。", year=2025, kind="target"))[0]
    plain = figures(_chunk("培训乡村医生5000人。", year=2026, kind="target"))[0]
    assert records.same_measure(listed, plain)
    assert not records.same_measure(plain, figures(_chunk("培训乡村医生5000户。", year=2026, kind="target"))[0])


def test_a_kind_the_question_names_itself_is_no_other_kind():
    from ruralqa import records
    from ruralqa.query import Query

    from conftest import WordsVocab

    # 农产品 ends in 品 as 食品 does, but the question names 农产品 too: it is the thing asked, not another kind
    chunk = _chunk("认证绿色食品、有机和地理标志农产品总数突破4000个。", region="湖南省")
    q = Query.parse("湖南认证的绿色食品、有机和地理标志农产品总数有多少个", WordsVocab(regions=("湖南省",)))
    assert records.why_not(q, figures(chunk)[0], chunk) == ""

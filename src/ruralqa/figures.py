"""Every stated figure as a cited record: what it measures, of whom, how much, in what sense, when.

A passage such as "2024年，全省粮食产量259.2亿斤，城镇、农村居民人均可支配收入分别增长4.3%、5.7%" holds three figures:
粮食产量 259.2亿斤 (exact, 2024), 城镇居民人均可支配收入 +4.3% (a change), 农村居民人均可支配收入 +5.7%. Each record
keeps the metric as written before its value (the clause's words, stripped of the verb that links them: 达到, 为,
突破 …), the subgroup the metric names (城镇, 农村, 脱贫人口 …), the value as written and normalized in its unit's family
(亿斤 → 斤 … 吨), the qualifier (exact; bound 以上/突破/近/左右; change 增加/提高; average 年均; cumulative 累计;
share, a percentage of a whole), the period (the year the sentence names before the figure, else the passage's; a
span such as 2021—2025年 or "十四五"), whether it reports a result or sets a target, and the offsets of the figure and
of its sentence in the report. "分别" lists and "从A提高到B" give one record per value.

Records are built from a passage alone (text and context), so they are rebuilt with it, and are stored beside the
passages in each segment (`figures` table of chunks.sqlite).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace

from ruralqa.corpus.context import REVIEWS_LAST_YEAR
from ruralqa.text.normalize import MULTIPLIERS, SPACED_DIGITS, UNITS, fold_figures, parse_chinese_number, to_family
from ruralqa.text.words import grammar_tag
from ruralqa.types import Chunk

# A figure as written: digits (1,234.5), an optional 万/亿, 余/多 before or after it (30多万, 3.5万余人), a unit; or a
# ratio 1.81∶1.
# Units a figure may have: those questions are read with (ruralqa.text.normalize.UNITS; not 月 and 周年, which
# date things) and a few more.
UNIT_WORDS = sorted(set(UNITS) - {"月", "周年"} | set("""万人次 羽 万斤 亿斤 千米 千瓦 万千瓦 千瓦时 度 立方米 亿立方米 标准箱 个百分点 百分点 万户 万人
    万元/人 元/亩 蒸吨 兆瓦 ㎡ km""".split()), key=len, reverse=True)  # ㎡, km: as village plans' tables write them
_UNIT = "|".join(re.escape(u) for u in UNIT_WORDS)
FIGURE = re.compile(r"(?<![\d.A-Za-z])" + SPACED_DIGITS + r"(?:\d+(?:\.\d+)?\s?(?:至|到|-|—|~|～)\s?)?"  # a range: 5至7天 (its upper value)
                    r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(?:[余多](?=万亿|亿|万|千))?(万亿|亿|万|千)?(余|多)?(" + _UNIT + r")?"
                    r"(以上|以下|左右|以内)?")
RATIO = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?[:：∶]\s?1(?![\d.])")
# A ratio stated without its ∶1, right after the measure (城乡收入比缩小至2.12): the number is the ratio.
RATIO_BARE = re.compile(r"(?:比|倍差)(?:值)?(?:[从由]\d+(?:\.\d+)?)?(?:缩小|下降|降低|降|扩大|提高|为|是|达到|达)?(?:至|到|为)?\s?(\d+(?:\.\d+)?)(?![\d.%‰]|\s?[万亿千:：∶])")
SENTENCE = re.compile(r"[^。！？；;\n]*[。！？；;\n]?")
CLAUSE_BREAK = re.compile(r"[，,、：:（）()]")  # not quotes: “吨粮田”855万亩 is measured by what they hold
YEAR = re.compile(r"(19[5-9]\d|20\d\d)年")
SPAN = re.compile(r"(19[5-9]\d|20\d\d)\s?[—–\-~至到]\s?(19[5-9]\d|20\d\d)年?|“?十[三四五]五”?(?:时期|期间)?"
                  r"|过去五年|近五年|五年来|这五年")
RELATIVE_YEAR = re.compile(r"(今年|本年|当年|去年|上年|上一年|前年)")
RELATIVE = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "上一年": -1, "前年": -2}
FIVE_YEAR = {"十三五": (2016, 2020), "十四五": (2021, 2025), "十五五": (2026, 2030)}
TARGET = re.compile(r"目标|力争|确保|预期|预测|计划|争取|将达到|要达到|达到.*以上的目标")
# The words that link a metric to its value (粮食产量达到259.2亿斤): not part of what is measured.
MOVES = "缩小|扩大|降低|下降|减少|增加|提高|增长|提升|上升"  # verbs that move a measure from one level to another
COMPARED = "同比|比上年|较上年|比去年"  # what a change is measured against
LINK = re.compile(r"(?:" + COMPARED + r"|比2\d{3}年)?(?:分别)?(?:(?:" + MOVES + r")(?:到|至|为)|达到了?|达|为|是|实现|完成|突破|超过|超|逾|稳定在|保持在|维持在|控制在|不低于|不少于|不超过|不足|不到|"
                  r"提高到|增加到|增长到|提升到|上升到|下降到|减少到|降至|降到|增至|近|约|共|总计|合计|累计|年均|平均|"
                  r"增长了?|增加了?|提高了?|提升了?|下降了?|减少了?|增产|减产|增收|增量|新增|分别|已|就|超出|占)+$")
CHANGE = re.compile(r"(增长|增加|提高|提升|上升|增产|增收|增量|新增|多|扩大)了?$")
DROP = re.compile(r"(下降|减少|降低|减产|缩小)了?$")
BOUND_BEFORE = re.compile(r"(突破|超过|超|逾|不低于|不少于|稳定在|保持在|以上|近|约|接近|不超过|控制在|不足|不到)$")
SCOPE = re.compile(r"^(?:期间|时期|以来|全年|全省|全市|全县|全区|全州|全镇|全乡|全村|我省|我市|我县|我区|本省|全国|其中|同时|此外|另外|今年|去年|"
                   r"上年|当年|一年来|过去一年)+")


@dataclass(frozen=True)
class Figure:
    metric: str  # what is measured, as written before the value (粮食产量, 农村居民人均可支配收入)
    subject: str  # the place: the passage's region
    subgroup: str  # a part of the population or territory the metric names (城镇, 农村, 脱贫人口), or ""
    value_text: str  # as written: 259.2亿斤, 1.81∶1
    value: float | None  # in the family's unit (259.2亿斤 → 12960000 吨); a ratio's first term
    unit: str  # the family's unit (元, 亩, 吨, %, 人 …; "比" for a ratio)
    qualifier: str  # exact, bound, sustained (稳定在…以上), range, change, average, cumulative, share, start (从A…),
    #   ordinal (第七届)
    sign: str  # bound: ≥ ≤ ≈; change: + -; else ""
    year: int | None  # the year the figure is of (a span's last year)
    year_from: int | None  # a span's first year (2021 of 2021—2025年), else None
    kind: str  # achieved, target, or ""
    file: str
    row: int | None
    char_start: int  # the figure in the report's text
    char_end: int
    sentence_start: int  # its sentence
    sentence_end: int
    chunk: str  # the passage's id
    title: str = ""  # of the report or article the passage belongs to
    sentence: str = ""  # the sentence as written

    @property
    def shown(self) -> str:
        """The value as a reader should take it: ≥10亿斤 for 10亿斤以上, +24.2斤 for 提高24.2斤."""
        return f"{self.sign}{re.sub(r'(以上|以下|左右|以内)$', '', self.value_text)}" if self.sign else self.value_text

    def as_dict(self) -> dict:
        return {**asdict(self), "shown": self.shown}


FIELDS = tuple(Figure.__dataclass_fields__)
# Stored with an index's records; raised whenever what a figure is read as changes, so that records stored by an
# earlier version are read again from their passages (`ruralqa facts` then agrees with the answers).
VERSION = 32


def _number(m: re.Match) -> float:
    value = float(m.group(1).replace(",", "") + (m.group(2) or ""))
    return value * MULTIPLIERS.get(m.group(3) or "", 1)


def _family(value: float, unit: str) -> tuple[float, str]:
    for prefix, factor in (("亿", 1e8), ("万", 1e4)):
        if unit.startswith(prefix) and len(unit) > 1 and unit not in ("万千瓦",):
            value, unit = value * factor, unit[1:]
    if unit in ("个百分点", "百分点"):
        return round(value, 6), "百分点"
    return to_family(round(value, 6), unit)


def figures(chunk: Chunk) -> list[Figure]:
    """The figures a passage states, in order (５．８％ read as 5.8%, at the same offsets)."""
    if chunk.table_row and (row := _row_figures(chunk)) is not None:
        return row
    text, out = fold_figures(chunk.text), []
    base = chunk.citation.char_start
    sentence = ""
    for sm in SENTENCE.finditer(text):
        s_a, s_b = sm.start(), sm.end()
        if s_b <= s_a:
            continue
        prev_sentence, sentence = sentence, text[s_a:s_b]
        found = _values(sentence)
        if not found:
            continue
        metrics = _respectively(sentence, found)
        spans = _from_to(sentence, found)
        lead = _lead(text[:s_a])
        sentence_start = base + s_a + len(sentence) - len(sentence.lstrip())
        first = len(out)
        prev_end, prev_metric = 0, ""  # prev_metric: the measure before the previous figure (not what it counts)
        for i, (a, b, value_text, value, unit) in enumerate(found):
            people_after = not unit and PEOPLE_AFTER.match(sentence, b)
            if people_after:
                unit = "人"  # 32万农村人口: a value without a measure word that people follow counts them
            metric, qualifier, sign = _metric(sentence, prev_end, a, b, unit)
            base_metric = metric
            clause_a = max([m.end() for m in re.finditer(r"[，,；;]", sentence[:a])] + [0])  # after the last comma
            borrowed = prev_end and not re.search(r"[\u4e00-\u9fff]{2}", _clause(sentence, prev_end, a))
            if metrics and metrics[i]:
                own = _unmarked(sentence[prev_end:a]).strip("、和及与 ")
                metric = metrics[i]
                if out and prev_end and not own and metrics[i - 1]:
                    qualifier, sign = out[-1].qualifier, out[-1].sign  # A、B分别增长X、Y: Y is a change as X is
            elif metric and prev_metric and found[i - 1][4] == unit and ELLIPSIS.fullmatch(metric):
                metric = f"{metric}（{prev_metric}）"  # 建设高标准农田1040万亩，累计建成近1.2亿亩: of the same thing
            elif spans and i in spans and prev_metric and re.search(r"(到|至)\s*$", _before_year(sentence, a)):
                metric = prev_metric  # 从A提高到B: B is the same measure as A
            elif len(metric) <= 2 or unit in COUNTERS or not unit or people_after:
                # What a measure word counts is the noun right after it (形成5500座菇棚, 对全县61个行政村进行…), not a
                # verb (龙头企业122家培育…); a value without words of its own is of what came before (增长5.2%).
                after = noun_after(sentence, b)
                if borrowed and (unit in COUNTERS or not unit):
                    metric = after  # ，15项做法入选…: its own clause says only what it counts, if anything
                elif after and len(metric) <= 2:
                    metric = after
                else:
                    metric = (metric + after if len(metric) > 2 else after) or metric or prev_metric
                if after and metric.endswith(after) and qualifier == "change" and unit not in LEVELS:
                    qualifier, sign = "exact", ""  # 新增3个国家现代农业产业园: how many new ones, no change of a level
            elif qualifier == "change" and unit not in LEVELS and len(after := noun_after(sentence, b)) >= 2:
                # 改造提升112万亩高标准农田: an amount of the thing named after it, which the verb acts on, not a change
                metric, qualifier, sign = metric + after, "exact", ""
            if value_text.startswith("第"):  # 第七届全国文明村镇: which one of the things named after it, no amount
                metric, qualifier, sign = noun_after(sentence, b) or metric, "ordinal", ""
            if metric in COUNTERPART and prev_metric.startswith(COUNTERPART[metric]):
                metric += prev_metric[len(COUNTERPART[metric]):]  # 农村 after 城镇低保补差额…: 农村低保补差额
            if not metric:  # 人均地区生产总值突破5万关口、达到5.28万元: the words of its clause, links and all
                metric = _unmarked(sentence[clause_a:a]).strip(" 、，,：:")
            # 其中, 82个村达到30万元以上: a part of what the sentence before counts, of its year
            year, year_from = _period((prev_sentence if sentence.lstrip().startswith("其中") else "") + sentence[:a],
                                      chunk, text[:s_a], lead)
            if spans and i in spans:
                year, year_from = spans[i], None
            elif year_from and out and out[-1].qualifier == "start" and out[-1].metric == metric \
                    and out[-1].sentence_start == sentence_start:
                year_from = None  # 从27136元增长到36439元 over the five years reviewed: the level at their end
            # A goal where its own clause or the sentence's opening says so (力争…, 目标是…), not where a word of an
            # earlier clause does (打造…品牌整体形象目标，全区共有无公害农产品34个).
            kind = "target" if TARGET.search(sentence[clause_a:b]) or TARGET.search(sentence.lstrip()[:6]) \
                or TARGET.search(re.split(r"[，,：:]", lead.lstrip())[0]) else chunk.period_kind
            if (year and not year_from and year >= (chunk.citation.year or 9999)
                    and REVIEWS_LAST_YEAR.search(chunk.citation.title)):
                kind = "target"  # a work report given early in its year speaks of that year only in plans
            if qualifier == "sustained" and kind == "target":
                qualifier = "bound"  # 确保粮食产量稳定在1300亿斤以上: a goal's lower bound
            out.append(Figure(
                metric=metric, subject=chunk.citation.region,
                # 覆盖94%的农村人口: a share is of the group named after it
                subgroup=_subgroup(metric) or (_subgroup(sentence[b + 1:b + 9])
                                               if unit == "%" and sentence[b:b + 1] == "的" else ""),
                value_text=value_text, value=value, unit=unit, qualifier=qualifier, sign=sign,
                year=year, year_from=year_from, kind=kind, file=chunk.citation.file, row=chunk.citation.row,
                char_start=base + s_a + a, char_end=base + s_a + b,
                sentence_start=sentence_start,
                sentence_end=base + s_a + len(sentence.rstrip()), chunk=chunk.id, title=chunk.citation.title,
                sentence=sentence.strip()))
            prev_end, prev_metric = b, (base_metric if unit in COUNTERS and base_metric else metric)
        out[first:] = _each_in_turn(sentence, out[first:], base + s_a)
    return out


# A table's unit: in a column's or row's name (面积（公顷）, 人口规模（人）) or on a line above it (单位：公顷).
_NAMED_UNIT = re.compile(r"[（(]\s*(?:单位[:：]\s*)?(" + _UNIT + r")\s*[）)]\s*$")
_TABLE_UNIT = re.compile(r"单位[:：]\s*(" + _UNIT + r")(?![\u4e00-\u9fff])")
_BARE_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_TOTAL_ROW = ("合计", "小计", "总计", "其中")  # a row of these is named by its group too (农业用地合计)
_CHANGE_COLUMN = re.compile(r"增减|增加|减少|变化|变动")
_VALUE_COLUMN = ("数量", "数值", "数据", "指标值", "值")  # a column named as the value adds no word to its row's measure


def _row_figures(chunk: Chunk) -> list[Figure] | None:
    """The figures of a table row read under its header (in the passage's heading: `| 地类 | 2022年 | 2035年 |`):
    each value cell one figure, measured by the row's name and the column's (草地 现状基期年面积), of the column's year
    (2022年), a target in a column of goals (规划目标年) or of a year after the report's; a number without a unit of
    its own takes the unit its row, its column or the table names (人口规模（人）, 面积（公顷）, 单位：公顷), and
    without one is no figure (序号 1). None for a row whose cells say figures in sentences (新建道路12公里，…):
    the sentences' reader reads it."""
    above, head = chunk.heading.split("|", 1)  # the caption and lines above the table; its column names
    header = [c.strip() for c in head.strip().strip("|").split("|")]
    table_unit = _TABLE_UNIT.search(above)
    planned = TARGET.search(f"{chunk.section} {above}")  # a table of plans
    base, line, out, names = chunk.citation.char_start, chunk.text, [], []
    cells = line.strip().strip("|")
    for column, m in enumerate(re.finditer(r"[^|]+", cells)):
        cell = m.group(0).strip().strip("*").strip()  # **421家**: Markdown's emphasis is no part of it
        at = line.index(cells) + m.start() + m.group(0).find(cell)
        if not re.search(r"\w", cell):
            continue  # empty, or a placeholder (/, ——)
        named = header[column] if column < len(header) else ""
        bare = _BARE_NUMBER.fullmatch(cell)
        found = _values(cell) if not bare else []
        own = [v for v in found if v[0] == 0 and v[1] == len(cell)]
        if found and not own:
            return None
        if not bare and not own:
            if not out and (not names or named == names[0][0] or named.endswith("名称")):
                names.append((named, cell))  # the row's name, before its first value: under one column's name
                # (农业用地 | 耕地 under 地类), or under a column of names (项目类型 | 项目名称)
            continue
        if not names:
            continue  # 序号 1: no value before the row's name
        name = next((n for c, n in names if c.endswith("名称")), "") or \
            next((n for _, n in reversed(names) if n not in _TOTAL_ROW), "")
        if names[-1][1] in _TOTAL_ROW:
            name += names[-1][1]
        unit_of = _NAMED_UNIT.search(name) or _NAMED_UNIT.search(named) or table_unit
        if own:
            _, _, value_text, value, unit = own[0]
        elif unit_of:
            value_text = cell + unit_of.group(1)
            value, unit = _family(float(cell), unit_of.group(1))
        else:
            continue
        column_words = _NAMED_UNIT.sub("", YEAR.sub("", named)).strip()
        column_words = "" if column_words in _VALUE_COLUMN else column_words
        said = YEAR.search(named)
        year = int(said.group(1)) if said else (chunk.period_year if not TARGET.search(named) else None)
        report = chunk.citation.year
        # a column of goals (规划目标年) or of a year after the report's (2035年) is a target, one of the report's
        # year or before (2022年 of a plan made in 2022) a result; else the table's section says (实施计划's projects)
        kind = "target" if TARGET.search(named) or (said and report and year > report) \
            else "achieved" if said and report else "target" if planned else chunk.period_kind
        change = _CHANGE_COLUMN.search(column_words) and value is not None
        out.append(Figure(
            metric=_NAMED_UNIT.sub("", name).strip() + column_words, subject=chunk.citation.region, subgroup="",
            value_text=value_text, value=abs(value) if change else value, unit=unit,
            qualifier="change" if change else "exact", sign=("-" if value < 0 else "+") if change else "",
            year=year, year_from=None, kind=kind, file=chunk.citation.file, row=chunk.citation.row,
            char_start=base + at, char_end=base + at + len(cell), sentence_start=base, sentence_end=base + len(line),
            chunk=chunk.id, title=chunk.citation.title, sentence=line.strip()))
    return out


_LINK_ONLY = re.compile(COMPARED)


def _each_in_turn(sentence: str, found: list[Figure], offset: int) -> list[Figure]:
    """A达X元，B达Y元，同比分别增长p、q: the values after 分别, which say no measure of their own, are of the measures
    stated before it, in turn (the last as many of them)."""
    at = sentence.find("分别")
    if at < 0:
        return found
    heads = [f for f in found if f.char_end - offset <= at]
    tail = [i for i, f in enumerate(found) if f.char_start - offset > at]
    if not tail or len(heads) < len(tail) or any(
            re.search(r"[\u4e00-\u9fff]{2}", _LINK_ONLY.sub("", found[i].metric)) for i in tail):
        return found
    out = list(found)
    for i, head in zip(tail, heads[-len(tail):]):
        out[i] = replace(found[i], metric=head.metric, subgroup=head.subgroup)
    return out


_FORMULA_BOUNDS = re.compile(r"[“”\"]|" + CLAUSE_BREAK.pattern)  # a clause break or a quotation mark


def _in_formula(sentence: str, a: int, b: int) -> bool:
    """Whether the value at sentence[a:b] is a term of a sum written as a name (1名县领导＋1个县直单位＋1名驻村干部):
    its stretch between punctuation joins terms by a plus sign, not merely signs a change."""
    start = max([m.end() for m in _FORMULA_BOUNDS.finditer(sentence, 0, a)] + [0])
    end = next((m.start() for m in _FORMULA_BOUNDS.finditer(sentence, b)), len(sentence))
    return bool(re.search(r"\w[+＋]\w", sentence[start:end]))  # not a sign: （+5.3%）


ASIDE = re.compile(r"[（(][^（）()，,。；;\d]{1,6}[）)](?=[\u4e00-\u9fff])")  # 村卫生所（室）达到344所: part of the noun


def _clause(sentence: str, prev_end: int, a: int) -> str:
    """The words between the previous figure's clause break and this value; a short aside inside a noun breaks
    nothing."""
    asides = [range(m.start(), m.end()) for m in ASIDE.finditer(sentence, prev_end, a)]
    start = max([m.end() for m in CLAUSE_BREAK.finditer(sentence, prev_end, a)
                 if not any(m.start() in r for r in asides)] + [prev_end])
    return _unmarked(sentence[start:a])


def _values(sentence: str) -> list[tuple[int, int, str, float | None, str]]:
    out = []
    for m in FIGURE.finditer(sentence):
        unit = m.group(5) or ""
        if not unit and m.group(3) not in ("万", "亿"):
            continue  # a bare number; 78万农牧户 counts what it names, 2024 is a year
        if _in_formula(sentence, m.start(), m.end()):
            continue  # “1名县领导＋1个县直单位”: what each place is given, a formula, not an amount stated
        nxt = sentence[m.end():m.end() + 1]
        if unit in ("年", "天") and ((len(m.group(1)) == 4 and not m.group(4)) or (nxt and nxt in "至—-")):
            continue  # a year or a date, not a figure (1200多年 is a length of time)
        if nxt and nxt in "月日号级":
            continue  # a date; 3000吨级: a size class, not an amount
        value, family = _family(_number(m), unit)
        a = m.start() - (sentence[m.start() - 1:m.start()] == "第")  # 第7届: an ordinal, its 第 part of it
        out.append((a, m.end(), sentence[a:m.end()], value, family))
    for m in WORD_COUNT.finditer(sentence):
        value = parse_chinese_number(m.group(2))
        if value is not None and not any(a <= m.start(2) < b for a, b, *_ in out):
            out.append((m.start(), m.end(), m.group(0), value, m.group(3)))
    for m in RATIO.finditer(sentence):
        if not any(a <= m.start() < b for a, b, *_ in out):
            out.append((m.start(), m.end(), m.group(0), float(m.group(1)), "比"))
    for m in RATIO_BARE.finditer(sentence):
        if not any(a <= m.start(1) < b for a, b, *_ in out):
            out.append((m.start(1), m.end(1), m.group(1), float(m.group(1)), "比"))
    return sorted(out)


def _metric(sentence: str, prev_end: int, a: int, b: int, unit: str) -> tuple[str, str, str]:
    """(metric, qualifier, sign) of the value at sentence[a:b]: the words of its clause before it."""
    words = _clause(sentence, prev_end, a)
    if not words and re.search(r"[：:|]\s*$", _unmarked(sentence[prev_end:a], keep="：:|")):
        # A label and its value (省级示范村：15个, | 高素质农民 | 1,423名 |): the label is the metric.
        label = re.split(r"[，,；;：:|]", _unmarked(sentence[prev_end:a], keep="：:|").rstrip("：:| "))[-1]
        words = label.strip()
    elif not re.search(r"[\u4e00-\u9fff]{2}", words) and prev_end and not re.search(r"[，,；;]", sentence[prev_end:a]):
        # 、5.7% in a list: the clause before names it (not a value that opens a clause of its own: ，3万亩节水小麦…;
        # nor when the clause before is only the value before: 2932户、5029人建档立卡贫困户 count what follows)
        before = sentence[max([m.end() for m in re.finditer(r"[，,；;]", sentence[:prev_end])] + [0]):a]
        named = re.sub("(?:" + FIGURE.pattern + r")\s*、?\s*$", "", before)  # not the value before (剩余贫困人口322户、677人)
        words = named if re.search(r"[\u4e00-\u9fff]{2}", _unmarked(named)) else words
    after = sentence[b - 4:b]
    qualifier, sign = "exact", ""
    link = LINK.search(words)
    linker = link.group(0) if link else ""
    if re.search(r"以上|以内|左右|以下$", after) or BOUND_BEFORE.search(linker.replace("分别", "")) or \
            re.search(r"余|多", sentence[a:b]):
        qualifier = "bound"
        sign = "≈" if re.search(r"左右|近|约|接近", after + linker) else "≤" if re.search(r"以下|以内|不超过|控制在|不足|不到",
                                                                                     after + linker) else "≥"
    if CHANGE.search(linker.replace("分别", "")) or re.search(r"增长|提高|增加", linker):
        if not re.search(r"(到|至)$", linker):
            qualifier, sign = "change", "+"
    if DROP.search(linker.replace("分别", "")) and not re.search(r"(到|至)$", linker):
        qualifier, sign = "change", "-"
    if qualifier == "bound" and re.search(r"稳定在|保持在|维持在", linker):
        qualifier = "sustained"  # 粮食产量稳定在760亿斤以上: held over years, not one year's figure
    if re.match(r"\d+(?:\.\d+)?\s?(?:至|到|-|—|~|～)", sentence[a:b]):
        qualifier, sign = "range", ""
    if re.search(r"年均|平均每年", words):
        qualifier = "average"
    elif re.search(r"累计", words):
        qualifier = "cumulative"
    elif unit == "%" and qualifier == "exact" and re.search(r"占|比重|比例|份额", words):
        qualifier = "share"
    if re.search(r"(?:从|由)\s*" + PER_HEAD + r"?\s*(?:" + _LISTED + r"\s*[和、与]\s*)*$", words) and \
            re.match(r"(?:\s*[和、与]\s*" + _LISTED + r")*\s*(?:[^，,；;。\d]{0,6})(?:" + MOVES + r")?(?:到|至)", sentence[b:]):
        qualifier, sign = "start", ""  # 从2.50:1缩小至2.27:1: where it began, of no year said (从2021年的A is 2021's)
    words = re.sub(r"(?:从|由)\s*(?:(?:19|20)\d\d年)?(?:底|末)?的?\s*" + PER_HEAD + r"?\s*$", "", words)  # 从2021年的A
    words = re.sub(r"(?:(?:19|20)\d\d年)?(?:底|末)?的\s*$", "", words)
    metric = LINK.sub("", PER.sub("", words)).strip()
    metric = re.sub(r"[从由]\s*\d+(?:\.\d+)?$", "", metric)  # 倍差从2.42缩小至2.12: where it began is no word of it
    metric = SCOPE.sub("", re.sub(r"^[\s“”\"]*(?:(?:\d{4}\s?[—–\-~至到]\s?)?\d{4}年(?:底|末|初|度)?|[“\"]?十[三四五]五[”\"]?(?:时期|期间)?)", "", metric))
    # how it is meant or that it was done (力争, 实现) is no part of what is measured: 实现脱贫退出495户
    metric = MEANT.sub("", metric.strip(" ，,、：:“”\""))
    return metric, qualifier, sign


MEANT = re.compile(r"^(?:初步)?(?:力争|确保|争取|计划|预计|预期|目标是?|要|实现|完成)+")  # how it is meant, not what


def _unmarked(text: str, keep: str = "") -> str:
    """Text without Markdown's marks (**, |, list dashes, #), which are no words of a metric."""
    text = re.sub(r"\*\*|__|^\s*(?:[-*+>]|#+|\d+[.、])\s+", " ", text)
    return re.sub("[|]" if "|" not in keep else "(?!)", " ", text).strip()


def _before_year(sentence: str, a: int) -> str:
    """The words before a value, without the year and 的 that name its time (提高到2025年的 → 提高到)."""
    return re.sub(r"\s*(?:(?:19|20)\d\d年)?(?:底|末)?的?\s*$", "", sentence[:a])


# A clause of only a verb (and 累计/共/新) after a figure in the same unit speaks of the same thing: 建设高标准农田1040万亩，
# 累计建成近1.2亿亩.
ELLIPSIS = re.compile(r"(?:累计|共|总共|新|再|已|其中)?(?:建成|建设|新建|改造|完成|实现|达到|创建|培育|认定|打造|覆盖|惠及|"
                      r"带动|实施|种植|推广|治理|整治|开通|发放|落实)?")

# Units of a level or a rate, which no noun after them counts (提高到73%).
LEVELS = frozenset({"%", "比", "倍", "百分点"})

# Measure words: the thing counted is named after the value (5500座菇棚), not before it.
COUNTERS = frozenset("座 个 条 家 辆 头 只 羽 棒 项 次 件 所 批 类 种 套 张 台 栋 间 处 株 棵 箱 支 名".split())
# A count in Chinese numerals, two to ninety-nine, and its measure word (四条干渠, 第七届): reports write small counts so;
# 一 is left alone, being mostly no count (一条龙, 一个中心).
WORD_COUNT = re.compile(r"(?<![一二两三四五六七八九十百千万零〇])(第)?([两二三四五六七八九]|[二三四五六七八九]?十[一二三四五六七八九]?)"
                        r"(" + "|".join(sorted(COUNTERS | {"届", "期", "户", "人"}, key=len, reverse=True)) + r")")


def noun_after(sentence: str, b: int) -> str:
    """The thing a measure word counts, right after the value (5500座菇棚 → 菇棚, 3条“绿色走廊” → 绿色走廊), or after the
    values listed with it (2932户、5029人建档立卡贫困户 → 建档立卡贫困户 for both)."""
    listed = re.match(r"(?:、" + FIGURE.pattern + r")*", sentence[b:])
    m = re.match(r"[“\"「]?([\u4e00-\u9fff]{1,12})", sentence[b + listed.end():])
    if not m:
        return ""
    phrase = m.group(1)
    run = phrase[:8]
    if re.match(r"大关|关口", run):
        return ""  # 突破1600亿斤大关: a milestone passed, not what is measured
    # a group of people named by a verb (脱贫) is a noun whole: 108.6万名脱贫劳动力; after words of its own it ends the
    # noun (1864名建档立卡脱贫户无一返贫)
    group = SUBGROUP.search(phrase)
    if group and group.start() and _noun_end(phrase, 0, group.start()) >= group.start() - (phrase[group.start() - 1]
                                                                                          in "和与及、"):
        return phrase[:group.end()]  # 6000名贫困和低收入人口: one group named by two words
    return run[:_noun_end(run, group.end() if group and not group.start() else 0, len(run))]


def _noun_end(run: str, start: int, end: int) -> int:
    """Where a noun starting run ends: a verb (or preposition…) of two characters ends it; one character at the end
    does not (县处级领导); a verb used as a noun after a noun is part of it (53万亩粮食生产功能区, not 122家培育农民合作社)."""
    return next((i for i in range(start, end) if (len(run[i:i + 2]) == 2 and (grammar_tag(run[i:i + 2]) != "vn" or not i)
                                             and grammar_tag(run[i:i + 2])[:1] in ("v", "p", "d", "c"))
                 or run[i] in "的等在和与及"), end)


SUBGROUP = re.compile(r"(城镇|农村|城乡)(?:常住)?(?:居民|人口|劳动力)|(脱贫人口|脱贫地区|脱贫县|脱贫劳动力|脱贫户|低收入|监测对象|易地搬迁)")


def _subgroup(metric: str) -> str:
    """The part of the population a metric is of (城镇居民 → 城镇; 脱贫人口): not 农村 of 农村公路."""
    m = SUBGROUP.search(metric)
    return (m.group(1) or m.group(2)) if m else ""


# Values in the order of the items before them, 分别 or not: two values of a 城乡 measure (城乡居民人均可支配收入完成2.57万元和
# 1.68万元), or a list of items (粮食播种面积、产量稳定在35万亩、15万吨左右; 城镇、农村居民收入增长4.3%、5.7%).
PER = re.compile(r"每(?:月|年|人|户|亩|天)$")  # 提高到每月815元: the unit's "per", no part of the item or its link
PER_HEAD = r"(?:(?:月|年)?人均|每(?:月|年|人|户|亩|天))"  # 由人均13元: the unit's "per" after 从/由
# 城镇低保补差额由人均68元提高到72元，农村由人均13元提高到18元: the other part's clause names only its part
COUNTERPART = {"农村": "城镇", "城镇": "农村", "乡村": "城市", "城市": "乡村"}
PEOPLE_AFTER = re.compile(r"(?:农村|城镇|城乡|贫困|脱贫)?(?:人口|群众|农民|劳动力)")
_LISTED = r"\d[\d.,]*\s*[万亿]?[^\d，,；;。、和与]{0,3}"  # a value of a list (160元和55元), with its unit
PAIR = re.compile(r"(城乡[\u4e00-\u9fff]{2,16}?|(?:[\u4e00-\u9fff]{1,12}、)+[\u4e00-\u9fff]{1,16}?)"
                  r"\s*\d[\d.,]*\s*[万亿]?[^\d，,；;。、和]{0,3}[和、]\s*\d")


def _respectively(sentence: str, found: list) -> list[str] | None:
    """A、B分别为X、Y: the metric of each value is its item, completed by what the items share
    (城镇、农村居民人均可支配收入 → 城镇居民人均可支配收入, 农村居民人均可支配收入). Each 分别 governs the values after it,
    up to the next; a head that lists nothing (粮肉奶产量分别稳定在…) is the metric of all its values."""
    marks = [m.start() for m in re.finditer("分别", sentence)]
    # two values of a 城乡 measure are its two parts, and values listed after items are theirs, 分别 or not (PAIR)
    marks = sorted(set(marks) | {m.start(1) + len(LINK.sub("", PER.sub("", m.group(1)))) for m in PAIR.finditer(sentence)
                                 if "分别" not in m.group(0)})
    if not marks:
        return None
    out = [""] * len(found)
    items: list[str] = []
    for k, at in enumerate(marks):
        nxt = marks[k + 1] if k + 1 < len(marks) else len(sentence)
        idx = []  # the values the list gives: joined by 、/和, or by a comma and a linking word (，增长4.2%、5.3%)
        for i, f in enumerate(found):
            if not at < f[0] < nxt:
                continue
            gap = sentence[found[idx[-1]][1]:f[0]] if idx else ""
            if idx and not re.fullmatch(r"\s*(?:[、和及与]|[，,]\s*" + LINK.pattern.rstrip("$") + r")\s*", gap):
                break
            idx.append(i)
        head = sentence[:at]
        head = head[max([m.end() for m in re.finditer(r"[，,；;：:]", head)] + [0]):]
        head = MEANT.sub("", SCOPE.sub("", re.sub(r"^\s*\d{4}年", "", head.strip())))  # 预计城乡居民…分别
        head = re.sub(r"[由从]\s*(?:\d.*)?$", "", head)  # 城乡低保补差标准由160元和55元分别提高到…: where they began
        if re.search(r"\d", head):
            continue  # …增长4.5%，分别高于全国: the words before are a figure's, not a list of measures
        # a 分别 that opens its clause (…1.68万元，分别增长9%和9.8%) goes through the items before it again
        listed = [it for it in head.split("、") if it]
        items = [part for it in listed for part in _conjoined(it)] or items
        if not items:
            continue
        if idx and listed and len(idx) % len(items) and not len(idx) % len(listed):
            items = listed  # A、B与C分别X、Y: 与 joins within the last item (农村信用贷款与抵押贷款改革试点)
        if len(items) == 1 and items[0].startswith("城乡"):
            items = ["城镇" + items[0][2:], "农村" + items[0][2:]]
        if len(items) == 1:
            for i in idx:
                out[i] = items[0]
            continue
        if not idx or len(idx) % len(items):
            continue
        last = items[-1]
        # an item at most half the last one's length modifies what the last one measures (城镇、农村居民人均可支配收入);
        # a longer one is a measure of its own (农村自来水普及率、规模化供水工程覆盖率)
        full = [it + last[len(it):] if 2 * len(it) <= len(last) else it for it in items[:-1]] + [last]
        # 城乡居民人均可支配收入分别达6.9万元、3.4万元，增长4.2%、5.3%: each run of values goes through the items again
        for i, metric in zip(idx, full * (len(idx) // len(items))):
            out[i] = metric
    return out if any(out) else None


def _conjoined(item: str) -> list[str]:
    """An item split at 和/与/及 where each part is a word of its own (城镇和农村居民), not inside a word (普及率)."""
    parts = re.split(r"和|与|及", item)
    return parts if all(len(p) >= 2 for p in parts) else [item]


def _from_to(sentence: str, found: list) -> dict[int, int]:
    """从2021年的A提高到2025年的B: the year each value is of, by the year named before it."""
    m = re.search(r"(?:从|由)\s*((?:19|20)\d\d)年?", sentence)
    if not m:
        return {}
    years, since = {}, m.start()
    for i, (a, b, *_rest) in enumerate(found):
        if a < m.end():
            continue
        named = YEAR.findall(sentence[since:a])  # named since the value before: 从2015年的A增长到B leaves B's unsaid
        if named:
            years[i] = int(named[-1])
        since = b
    return years


def _span_of(said: str, year: int | None) -> tuple[int | None, int | None]:
    """(last, first year) of a span said without its years: a named plan period, else the five years up to `year`
    (过去五年 in a report: the five years before its own)."""
    for name, (a, b) in FIVE_YEAR.items():
        if name in said:
            return b, a
    return year, year - 4


# a year that opens a clause as its topic (到2007年，…), not one a from-to or a comparison names (从2015年的, 比2002年)
LEAD_YEAR = re.compile(r"(?:^|[，,：:；;])\s*(?:到|至|在)?(19[5-9]\d|20\d\d)年(?:底|末)?[，,]")


def _lead(earlier: str) -> str:
    """The parts of its sentence that a ；joins before a figure's (奋斗目标是：到2007年，…；农民人均纯收入年均递增4%): its
    opening and its year are theirs."""
    part = earlier[max(earlier.rfind(c) for c in "。！？\n") + 1:]
    return part if part.rstrip().endswith(("；", ";")) else ""


def _period(before: str, chunk: Chunk, earlier: str = "", lead: str = "") -> tuple[int | None, int | None]:
    """(year, first year of a span) the figure is of: named in its sentence before it, else opening a clause of the
    parts of its sentence before (`lead`), else the passage's (`earlier`: the passage's sentences before the
    figure's)."""
    spans = list(SPAN.finditer(before))
    # not the year a from-to starts at where its value stands between (从2015年的87.55亿元增长到118.32亿元: not 2015's)
    named = [m for m in YEAR.finditer(before)
             if not (before[max(0, m.start() - 1):m.start()] in ("从", "由") and re.search(r"\d", before[m.end():]))]
    if named and spans and named[-1].start() >= spans[-1].end():
        spans = []  # “十四五”以来…，2024年达到1.3万亿元: the nearer year is the figure's
    years = [int(m.group(1)) for m in named]
    if spans:
        m = spans[-1]
        if m.group(1):
            return int(m.group(2)), int(m.group(1))
        if chunk.period_year or any(name in m.group(0) for name in FIVE_YEAR):
            return _span_of(m.group(0), chunk.period_year)
    if years:
        return years[-1], None
    relative = RELATIVE_YEAR.findall(before)
    if relative and chunk.citation.year:  # 去年粮食产量…, 今年力争…: years counted from the report's own
        return chunk.citation.year + RELATIVE[relative[-1]], None
    led = LEAD_YEAR.findall(lead)
    if led:
        return int(led[-1]), None
    opening = SPAN.match(earlier.lstrip())
    if opening and not opening.group(1) and chunk.period_year and not named:
        # 这五年，我们在攻坚克难中…。…农村公路157.5公里: a passage that opens on five years speaks of them throughout
        return _span_of(opening.group(0), chunk.period_year)
    heading = SPAN.search(chunk.heading or "")
    # A passage that speaks of this year (今年…主要预期目标是：…) is of it, whatever plan period its section opens.
    # …unless its heading names the year's work too (“十五五”时期目标任务和2026年工作安排): then its figures are that
    # year's, and a figure of the period says so in its own sentence
    if heading and not heading.group(1) and chunk.period_year and not re.search(r"今年|本年", earlier + before) \
            and f"{chunk.period_year}年" not in (chunk.heading or ""):
        # A section setting goals for a plan period that begins now (“十五五”时期…目标任务 in a 2026 report): its figures
        # are the period's. A section reviewing one that has ended (“十四五”成就) reports the year just past.
        for name, (a, b) in FIVE_YEAR.items():
            if name in heading.group(0) and a >= chunk.period_year:
                return b, a
    return chunk.period_year, None

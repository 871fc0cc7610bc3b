"""Whether a figure record answers a question: it must measure what was asked, of the group and year asked, in the
sense asked (a level, not a change or an average, unless one is asked), and be possible for that measure.

This is the check that keeps a figure which "measures something else" from being given with a confident citation
(北京农村居民人均可支配收入 → 5.2万亿元, the GDP; 新疆城镇居民收入 → the rural figure; 河南小麦产量 → all grain). A
question's words count fully where the figure's own metric holds them, partly where its sentence says them before
the figure (万荣县…香菇…年产值达3亿元), and not at all where they name another figure of the sentence (小麦产量750亿斤，
粮食总产量1344亿斤: 小麦 is the first figure's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from ruralqa.config import AnswerParams
from ruralqa.figures import COUNTERS as FIGURE_COUNTERS
from ruralqa.figures import FIGURE, LINK, MOVES, SUBGROUP, UNIT_WORDS, Figure, figures, noun_after
from ruralqa.query import PEOPLE, UNIT_AFTER, YEAR, Query
from ruralqa.text.normalize import NUMERAL_RUN, UNITS, is_han, normalize, unit_family
from ruralqa.text.synonyms import names_a_thing
from ruralqa.text.words import EXPECTED_UNITS, STOPWORDS, VARIANTS, grammar_tag, reworded, shortened
from ruralqa.text.words import forms as word_forms
from ruralqa.types import Chunk

AROUND = 0.8  # credit of a question word said in the figure's sentence before it or its clause, not in its metric
HEADING = 0.6  # …in the passage's heading
EARLIER = 0.5  # …in a sentence of the passage before its own
CHANGE_ASKED = re.compile(r"增长|增加|提高|涨了|上涨|增速|增幅|增产|增收|新增|减少|下降|提升|变化|多了|少了|降低|缩小|扩大|"
                          r"[多少][用产收花卖挣]了|比以前|比过去|比上年|比去年|较上年|同比")
MOVED_TO = re.compile(r"(?:" + MOVES + r")(?:到|至)")  # 提高到多少 asks the level reached, not the change
AVERAGE_ASKED = re.compile(r"年均|平均每年|每年平均")
ORDINAL_ASKED = re.compile(r"第(?:几|多少)")
FARMERS = re.compile(r"农民|村民|农户")  # everyday names of the rural population (农村居民)
PER_PERSON = re.compile(r"人均|户均|每人|每户|一年到手")
NOT_CUMULATIVE, CUMULATIVE_UNASKED = 0.5, 0.8  # a level where 累计 is asked; a running total where it is not
BOUND_UNASKED = 0.9  # a bound (突破2万元) where no bound is asked
BOUND_ASKED = re.compile(r"超过|以上|突破|不低于|不少于|近|约|左右|大约")
YEAR_UNKNOWN = 0.8  # a record of no known year, where the question names one and another record states it
COUNT_NAMED, COUNT_OTHER = 0.75, 0.6  # a count whose metric names what is asked; one counting something else
PER_PERSON_MAX = 1_000_000  # 元: no per-person income, spending or wage in these reports comes near it
PER_AREA = re.compile(r"亩产|单产|每亩")
PER_AREA_MAX = 50  # 吨 per 亩: above the best greenhouse vegetables (a potato record is 6.5); a harvest is in 万吨


@lru_cache(maxsize=256)
def _figures(chunk: Chunk) -> tuple[Figure, ...]:
    return tuple(figures(chunk))


def figures_of(chunk: Chunk) -> tuple[Figure, ...]:
    return _figures(chunk)


def figure_at(chunk: Chunk, start: int, end: int) -> Figure | None:
    """The record of the figure at chunk.text[start:end] (offsets in the passage)."""
    base = chunk.citation.char_start
    for f in _figures(chunk):
        if f.char_start - base <= start < f.char_end - base:
            return f
    return None


def metric_cover(query: Query, figure: Figure, chunk: Chunk | None = None) -> float:
    """The idf-weighted share of the question's words that name what the figure measures: fully in its metric (or
    implied by its unit: 面积 by 亩), AROUND where its clause or sentence says them, HEADING in the passage's heading
    or section titles, EARLIER in the passage's sentences before (and, for a count, its sentence's clauses after),
    nothing where they name another figure of the sentence in the same unit (小麦 of 小麦产量750亿斤 beside
    粮食总产量1344亿斤), and 0 for a measure of another thing (蔬菜产量 for 粮食产量). A word counts by the share of its
    characters found, so a word cut across a measure word (座菇 of 多少座菇棚) still counts, unless it is a piece of a
    longer word of the question (生产 of 生产总值)."""
    return _cover(query, figure, chunk)[0]


def _cover(query: Query, figure: Figure, chunk: Chunk | None) -> tuple[float, bool, bool]:
    """(metric_cover, whether the metric or sentence says at least half of one question word beyond those its unit
    answers: 粮食 of 粮食产量, not only 产量, which any 万吨 answers: 航空货邮420.6万吨, whether a question word names
    another figure of its sentence instead)."""
    weights = dict(query.weights) or {t: 1.0 for t in query.terms}
    weights = {t: w for t, w in weights.items() if t not in UNIT_WORDS} or weights  # 万亩 of 多少万亩 names no measure
    if not weights:
        return 1.0, True, False
    metric = reworded(normalize(figure.metric + figure.subgroup))
    text = chunk.text if chunk else figure.sentence
    base = chunk.citation.char_start if chunk else figure.sentence_start
    a, b = figure.char_start - base, figure.char_end - base
    s_a = max(0, figure.sentence_start - base)
    if text[s_a:s_a + 2] == "其中":  # 其中, 50万元以上村31个: a part of what the sentence before counts
        s_a = max([m.end() for m in re.finditer(r"[。！？；;\n]", text[:max(0, s_a - 1)])] + [0])
    clause_end = _clause_end(text, b)
    attr = normalize(query.attribute)
    # names its own measure; a one-character attribute the question uses as a verb (种 of 种了多少亩: an aspect
    # particle follows it) is no measure: it is inside 播种 by chance (村 of 过百万的村 is one)
    verb = len(attr) == 1 and re.search(re.escape(attr) + "[了过着]", query.normalized)
    said_as = next((f for f in query.forms(attr) if metric.endswith(f)), "") if attr and not verb else ""
    if not said_as and attr and not verb and shortened(attr, metric[-3:]) and metric[-3] == attr[0]:
        said_as = metric[-3:]  # 总值 as 总产值 ends it, shortened as Chinese shortens words (劳力 of 劳动力)
    if not said_as and attr and attr in asking_unit(query, (attr,), figure.unit) and (
            _other_thing(query, figure) or _parts_ways(query, metric.split(attr)[0], attr)):
        return 0.0, False, False
    # A measure of another thing (蔬菜产量, 夏粮产量 for 粮食产量; 粮食总产 for 小麦产量): the words before the measure
    # asked, as the report says it, name a thing the question does not; no sentence around it makes it the measure asked.
    before = metric[:-len(said_as)] if said_as and not GENERIC_MEASURE.fullmatch(metric) else ""
    unasked = _values_asked(query, before)
    if any(m.group(3) or m.group(5) for m in FIGURE.finditer(unasked)):
        return 0.0, False, False  # 100万元以上村 counts other villages than 超过五十万的村 (or than all villages)
    modifier = _BARE_MODIFIER.sub("", unasked)
    if len(modifier) >= 2 and (sum(ch in query.normalized for ch in modifier) * 2 < len(modifier)
                               or (modifier[-2:] not in query.normalized  # the question names that kind too
                                   and any(_another_kind(t, modifier) for t in query.terms if t not in metric))
                               or _parts_ways(query, modifier, said_as)):
        return 0.0, False, False
    around = reworded(normalize(text[s_a:a] + text[a:clause_end]))
    heading = normalize(chunk.heading + " " + chunk.context) if chunk else ""  # its section's titles too
    earlier = normalize(text[:s_a])  # the passage's sentences before it (…解决钱从哪里来的问题。…累计投入25.5亿元)
    # …but not the words of a figure of theirs in the same unit (工资性收入提高20％ two sentences before 覆盖率100％)
    earlier_rivals = [normalize(f.metric) for f in (_figures(chunk) if chunk else ())
                      if f.sentence_start < figure.sentence_start and f.unit == figure.unit]
    if figure.unit in COUNTERS or not figure.unit:  # what a count counts may be said after it: 94个行政村,全部实现通公交车
        s_b = next((m.end() for m in re.finditer(r"[。！？；;\n]", text[b:])), len(text) - b) + b
        earlier += " " + normalize(text[clause_end:s_b])
    # Rivals: figures of the same sentence, in the same unit, of the measure asked (产量 of 小麦产量 and 粮食总产量), or
    # any in that unit where the measure asked names neither (划定 of 多少亩粮食生产功能区); their words are theirs.
    # A figure of another measure (销售收入 beside 产值) only shares the sentence's context.
    asked = counted(query.normalized)  # 在多少个县建设…: 115个县 counts what is asked; the sentence's words are its too
    counts_asked = bool(asked) and normalize(text[b:b + 1]) == asked[0]

    def says_attr(words: str) -> bool:  # 总产 says the 产量 asked
        return any(f in words for f in query.forms(attr))

    siblings = [normalize(f.metric) for f in (_figures(chunk) if chunk else ())
                if f.sentence_start == figure.sentence_start and f.char_start != figure.char_start
                and f.unit == figure.unit]
    others = [o for o in (siblings if not counts_asked else ())
              if not attr or says_attr(o) or not says_attr(metric)]
    implied = asking_unit(query, weights, figure.unit)  # 面积 is answered by 亩, 钱 of 多少钱 by 元
    # Another figure of the sentence in its unit is the one asked where its metric says question words that neither
    # this metric nor this clause says, and they outweigh those this metric says and its does not (品牌西瓜种植面积9万亩，
    # 其中大棚西瓜突破1万亩 for 大棚西瓜种植面积: 大棚 outweighs 种植; not 上海今迈网上销售额 for 三利毛巾…网上: 三利毛巾 outweighs 网上).
    def said(t: str, words: str) -> bool:
        return len(t) >= 2 and t not in implied and any(f in words for f in query.forms(t))

    taken = any(sum(w for t, w in weights.items() if said(t, o) and not said(t, metric) and not said(t, around))
                > sum(w for t, w in weights.items() if said(t, metric) and not said(t, o)) for o in siblings)
    # A piece of a longer word of the question (生产 of 生产总值) counts only whole: 产 in 农产品加工总产值 is no part of it.
    pieces = {t for t in weights if any(len(o) > len(t) and t in o for o in query.tokens)}
    got, named = 0.0, all(t in implied for t in weights)
    for term, w in weights.items():
        forms = query.forms(term)
        if term in implied:
            credit = 1.0
        elif any(f in metric for f in forms):
            # a one-character word no report uses, inside a word of the metric (车 of 出租车 in 车辆), is half a match
            credit = 0.5 if len(term) == 1 and term in query.unknown else 1.0
        elif any(f in o for o in others for f in forms):
            continue  # the word names another figure of the sentence
        elif term in pieces:
            credit = max(AROUND * (term in around), HEADING * (term in heading))
        else:
            part = _whole if term in query.said_whole else _chars
            credit = max(AROUND * part(forms, around), HEADING * part(forms, heading), part(forms, metric),
                         EARLIER * (any(f in earlier for f in forms)
                                    and not any(f in o for o in earlier_rivals for f in forms)))
        got += w * credit
        named = named or (term not in implied and credit >= 0.5)
    return got / sum(weights.values()), named, taken


def _ratio_asked(query: Query) -> bool:
    """收入比, 之比: the question's words ask a ratio (ruralqa.text.words.EXPECTED_UNITS)."""
    return query.units == {"比"}


def _rate_asked(query: Query) -> bool:
    """率, 比例, 占比: the question's words ask a share (not a growth, which a rate or a multiple answers)."""
    return query.units == {"%"}


def _share_of_asked(query: Query, figure: Figure) -> bool:
    """For a question asking what share a thing is of a whole (林地占全村土地的多大比例): whether the figure's sentence
    names that thing, whole, before the share (林地面积在土地总面积中的占比达90%); true for any other question."""
    parts = _share_parts(query.normalized, query.terms)
    if not parts:
        return True
    said = normalize(figure.sentence[:max(0, figure.char_start - figure.sentence_start)])
    return any(all(any(f in said for f in word_forms(t)) for t in part) for part in parts)


@lru_cache(maxsize=64)
def _share_parts(normalized: str, terms: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The question's words for the thing whose share it asks (林地 of 林地占…), with the words right before them that
    name it with them (建设 用地 of 建设用地占…, not only 用地, which 农业用地 says too): once per question."""
    parts = []
    for t in terms:
        m = re.search(re.escape(t) + r"(?:所|共|一共)?占", normalized)
        if not m:
            continue
        part, start = (t,), m.start()
        while before := next((o for o in terms if normalized.endswith(o, 0, start)), ""):
            part, start = (before, *part), start - len(before)
        parts.append(part)
    return tuple(parts)


def _values_asked(query: Query, words: str) -> str:
    """`words` without the values the question states too (50万元以上 of 50万元以上村, asked as 超过五十万的村): those
    name the same thing; a value it does not state (100万元以上村) names another."""
    if not re.search(r"\d", words):
        return words
    stated = _stated_values(query.normalized)
    return FIGURE.sub(lambda m: "" if "".join(filter(None, m.group(1, 2, 3))) in stated else m.group(0), words)


@lru_cache(maxsize=64)
def _stated_values(normalized: str) -> frozenset[str]:
    """The values a question states, in digits as reports write them (超过五十万 → 50万): once per question."""
    return frozenset({f for m in NUMERAL_RUN.finditer(normalized) for f in word_forms(m.group(2))}
                     | set(re.findall(r"\d+(?:\.\d+)?[万亿]?", normalized)))


def asking_unit(query: Query, terms, unit: str | None = None) -> set[str]:
    """Those of `terms` that ask for a unit (`unit`, or any): 面积 (亩), 产量 (吨), 钱 of 多少钱 (元)."""
    return {t for pattern, units in EXPECTED_UNITS if unit is None or unit in units
            for m in pattern.finditer(query.normalized) for t in terms if t in m.group(0) or pattern.search(t)}


def in_everyday_words(query: Query, figure: Figure, chunk: Chunk | None = None,
                      params: AnswerParams = AnswerParams()) -> bool:
    """Whether a record answers a question asked in everyday words (台安县一年能处理掉多少牲口和家禽的粪便 → 年处理畜禽
    粪便量): the only words it lacks are words no report uses (牲口, 掉), which no record could hold; it holds every
    word the reports do use, and one of those names the thing measured, not only the unit asked for (产值 of
    香菇产值 says 元, not what; 香菇 unknown there leaves nothing named)."""
    known = tuple((t, w) for t, w in query.weights if t not in query.unknown)
    if not query.unknown or not known:
        return False
    metric = normalize(figure.metric + figure.subgroup)
    if _names_another(query, figure, metric, [t for t, _ in known]):
        return False  # 种植沙棘 for 种植枸杞多少亩: the word no report uses is the thing, and the metric names another
    asking = asking_unit(query, dict(known)) | set(UNIT_WORDS)
    if not any(len(t) >= 2 and t not in asking and t in metric for t, _ in known):
        return False
    return metric_cover(replace(query, weights=known), figure, chunk) >= params.everyday_cover


def _names_another(query: Query, figure: Figure, metric: str, known: list[str]) -> bool:
    """Whether the metric, less the question's places, the words it shares with the question, the measure its unit
    says (产量 of 粮食总产量 in 吨) and where and when (全省, 全年), names a thing of two characters or more none of whose
    characters the question has (沙棘 of 幻彩园村沙棘种植 for 种植枸杞; not 畜禽 of 处理畜禽粪便量 for 牲口和家禽的粪便,
    nor 使用 of 化肥使用量 for 化肥少用了多少)."""
    for word in (*query.places, *known):
        metric = metric.replace(word, " ")
    for pattern, units in EXPECTED_UNITS:
        metric = pattern.sub(" ", metric) if figure.unit in units else metric
    metric = _SCOPE_WORDS.sub(" ", metric)
    return any(not set(run) & set(query.normalized) for run in re.findall(r"[\u4e00-\u9fff]{2,}", metric))


def _level(figure: Figure) -> bool:
    """Whether the figure's clause states a level reached (达到, 总, 保有), with no verb of what was added (建设, 新增)."""
    clause = re.split(r"[，,；;。]", figure.sentence[:max(0, figure.char_start - figure.sentence_start)])[-1]
    link = LINK.search(clause)  # 达 links a level to its value (达3亿元), not inside a word (下达了2万户的任务)
    return bool(LEVEL_WORDS.search(clause) or (link and "达" in link.group(0))) and not ADDED_WORDS.search(clause)


LEVEL_WORDS = re.compile(r"总|保有|共有|稳定在|保持在")
ADDED_WORDS = re.compile(r"新建|新增|建设|建成|改造|完成|实施|整治|新改建")


def _whole(forms: tuple[str, ...], text: str) -> float:
    return float(any(f in text for f in forms))


def _another_kind(term: str, words: str) -> bool:
    """The words before a measure end in another kind of the thing a two-character question word names: 耕地 or
    宅基地 (面积) for 草地 or 园地 (面积) — its head character after another character than its own."""
    return len(term) == 2 and len(words) >= 2 and words[-1] == term[1] and words[-2] != term[0] \
        and is_han(words[-2])


def _parts_ways(query: Query, modifier: str, measure: str) -> bool:
    """The thing the metric measures begins as the question's does and ends in another one: after the word they share
    (生态, two characters at least), the question's (林 of 生态林面积) and the metric's (用地 of 生态用地面积) have no
    character in common."""
    q = query.normalized
    for place in query.places:
        q = q.replace(place, " ")
    asked = q[:q.find(measure)] if measure in q else ""
    if not modifier or modifier in asked:
        return False
    shared = next((modifier[:n] for n in range(len(modifier) - 1, 1, -1) if modifier[:n] in asked), "")
    if not shared:
        return False
    rest = set(asked[asked.rfind(shared) + len(shared):]) - STOPWORDS  # 的 of 农村创业的人 is no word of the thing
    return bool(rest) and not rest & set(modifier[len(shared):])


def _other_thing(query: Query, figure: Figure) -> bool:
    """For a measure its unit says (面积 by 亩): the metric ends with a word of the question, after words none of whose
    characters the question has (烤烟种植 for 水稻种植面积): it measures another thing the same way."""
    own = EXAMPLES.sub("", _BARE_MODIFIER.sub("", reworded(normalize(figure.metric))))  # 葡萄等现代果业: 现代果业
    end = max((t for t in query.terms if len(t) >= 2 and own.endswith(t)), key=len, default="")
    before = own[:-len(end)] if end else ""
    return len(before) >= 2 and not any(ch in query.normalized for ch in before)


def _chars(forms: tuple[str, ...], text: str) -> float:
    return max(sum(1 for ch in f if ch in text) / len(f) for f in forms) if text else 0.0


GROUP_SAID = 4  # characters before a measure's name that may name its group (农村居民, 农民)


def _group_words(figure: Figure) -> str:
    """Where the figure's group may be said: its metric, and the characters right before the measure's name where its
    sentence names it earlier (实施农民工资性收入提升行动，工资性收入提高20％: 农民); a village's or farmers' figure is a
    rural one (高素质农民, 村民, 克尔赛村年人均收入)."""
    before = figure.sentence[:max(0, figure.char_start - figure.sentence_start)]
    said = normalize(figure.metric) + ("".join(before[max(0, m.start() - GROUP_SAID):m.start()]
                                               for m in re.finditer(re.escape(figure.metric), before))
                                       if len(figure.metric) >= 2 else "")
    return said + ("农村" if FARMERS.search(said) or "村" in figure.metric else "")


URBAN, RURAL = re.compile(r"城镇|城市|城区|城里"), re.compile(r"农村|乡村|" + FARMERS.pattern)


def _other_side(q: str, metric: str) -> bool:
    """The question speaks of one side of the town/country divide only, the metric of the other only."""
    return any(side.search(q) and not other.search(q) and other.search(metric) and not side.search(metric)
               for side, other in ((URBAN, RURAL), (RURAL, URBAN)))


def asked_subgroups(q: str) -> set[str]:
    """The parts of the population a question asks of (农村人均收入, 城镇居民, 农民 → 农村; 脱贫人口)."""
    return ({m.group(1) or m.group(2) for m in SUBGROUP.finditer(q)} | {m.group(1) for m in _BARE_GROUP.finditer(q)}
            | ({"农村"} if FARMERS.search(q) else set()))


_BARE_GROUP = re.compile(r"(城镇|农村)(?=人|劳力|收入|消费)")  # the question's shorthand: 农村人均…, 农村劳力
CUMULATIVE_ASKED = re.compile(r"累计|总共|一共|共计|合计")
# What can stand before the measure asked without naming another thing: when and where (全年, 全省), that it was
# done (目前已建成), and a value the question states (50万元以上村; _values_asked removes it first, and a value it does
# not state names other things).
_BARE_MODIFIER = re.compile(r"^(?:全年|年|全省|全市|全县|全区|目前|当前|现在|现已|已经|已|共|累计)+")
_SCOPE_WORDS = re.compile(_BARE_MODIFIER.pattern[1:])
# A question word with no unit after it: an amount of what follows (多少粮食), or of the measure named right before
# it (人均消费支出是多少; not 人员有多少名)
AMOUNT_OF = re.compile(r"(?:多少|几)(?!" + UNIT_AFTER + ")")
MEASURE_ASKED = re.compile(r"^(?:是|为|有|达到|达|共|一共|总共)?" + AMOUNT_OF.pattern)
# a span's total or change is asked (五年 reads 5年 once normalized; not the 5年 of 2025年)
SPAN_ASKED = re.compile(r"十[三四五]五|(?<!\d)[五5]年|累计|以来|期间")
GENERIC_MEASURE = re.compile(r"(?:其中)?(?:总产量?|总数|总量|总额|数量|规模|总规模|累计|合计|共计|比重|占比)")
FLOW_ASKED = re.compile(r"新建|新增|新改建|改造|当年|全年")  # what one year added
# what follows the measure word: words, led by a number where it is part of their name (90后干部)
_COUNTED = re.compile(r"(?:多少|几)(?:个|家|座|所|处|条|项|名|位|批|支|种|类)(\d*[\u4e00-\u9fff][\u4e00-\u9fff\d]{0,11})")
COUNTERS = frozenset("个 家 座 所 处 条 项 人 支 批 种 类".split())


_COUNTS_NAMED_AFTER = FIGURE_COUNTERS - {"名", "次"}  # measure words whose thing follows them (153个村)


def counted(q: str) -> str:
    """What a count question counts, as it follows the measure word (多少家国家级龙头企业 → 国家级龙头企业, 多少个90后干部
    → 90后干部), or ""."""
    m = _COUNTED.search(q)
    return re.split(r"是|有|在|呢|吗", m.group(1))[0] if m else ""


def match(query: Query, figure: Figure, chunk: Chunk | None = None) -> float:
    """How well a fitting record answers the question, in (0, 1], to rank records that all fit: its metric should
    say little beyond what was asked (消费帮扶 before 消费帮扶聚力行动采购金额 for 消费帮扶金额), a cumulative figure
    answers a question asking 累计 and a level one that does not, a record of the year asked before one of no
    known year, and a count counts what was asked (多少个县 →
    115个县, not 示范片1000个)."""
    q = query.normalized
    score = 0.2 + 0.8 * metric_precision(query, figure)
    if CUMULATIVE_ASKED.search(q) and figure.qualifier != "cumulative":
        score *= NOT_CUMULATIVE
    elif figure.qualifier == "cumulative" and not CUMULATIVE_ASKED.search(q):
        score *= CUMULATIVE_UNASKED
    if figure.qualifier == "bound" and not BOUND_ASKED.search(q):
        score *= BOUND_UNASKED  # 首次突破2万元、达到20793元: the exact figure first
    if query.years and figure.year is None:
        score *= YEAR_UNKNOWN
    asked = counted(q)
    if asked and figure.unit in COUNTERS:
        text = chunk.text if chunk else figure.sentence
        base = chunk.citation.char_start if chunk else figure.sentence_start
        after = normalize(text[figure.char_end - base:figure.char_end - base + 2])
        metric = normalize(figure.metric)
        # Best: the record counts it right after its value as the question does (115个县 for 多少个县); else its
        # metric ends in what is counted (龙头企业122家); else it counts something else.
        score *= 1.0 if after[:1] == asked[0] else COUNT_NAMED if len(metric) >= 2 and metric[-2:] in asked \
            else COUNT_OTHER
    return score


EXAMPLES = re.compile(r"^[\u4e00-\u9fff]{1,8}等(?![级于同])")


def metric_precision(query: Query, figure: Figure) -> float:
    """The share of the metric's characters the question says (itself or its words' variants); the names before 等
    are examples of what is counted (赤壁、恩施等14个县市), no part of the measure."""
    metric = EXAMPLES.sub("", _bare_metric(figure))
    if not metric:
        return 1.0
    said = set(YEAR.sub("", query.normalized))  # 年 of 2024年 says nothing of the measure asked (年营收)
    said |= set("".join(v for t in query.terms for v in VARIANTS.get(t, ())))
    return sum(1 for ch in metric if ch in said) / len(metric)


def fits(query: Query, figure: Figure, chunk: Chunk | None = None, params: AnswerParams = AnswerParams()) -> bool:
    """Whether the record answers the question (see the module's docstring)."""
    return not why_not(query, figure, chunk, params)


def why_not(query: Query, figure: Figure, chunk: Chunk | None = None,
            params: AnswerParams = AnswerParams()) -> str:
    """"" when the record answers the question, else what is wrong with it (for evaluation and the fitting script)."""
    q = query.normalized
    if query.years and figure.year and not any(
            figure.year == y or (figure.year_from and figure.year_from <= y <= figure.year) for y in query.years):
        return "year"
    if figure.year_from and query.years and not SPAN_ASKED.search(q) and not (
            figure.year_from in query.years and figure.year in query.years):
        return "span"  # 2021—2025年累计, the “十五五” goal: not one year's figure (which no year asked may be)
    asked = asked_subgroups(q)
    group = _group(figure)
    # 脱贫群众 asks of 脱贫人口: the question says the group's own word, if not the report's whole name for it
    if group and group not in asked and group[:2] not in q and not (group == "城乡" and _ratio_asked(query)):
        return "subgroup"
    said = _group_words(figure)
    if asked - {"城乡"} and not (asked & {group}) and not any(g in said for g in asked):
        return "subgroup"
    if _other_side(q, normalize(figure.metric)):
        return "subgroup"  # 城镇低保补差额 for 农村低保标准: the other side of the town/country divide
    if figure.kind == "target" and not query.wants_target:
        return "target"  # 稳定在1100亿斤以上 in a plan is no result
    if figure.kind == "achieved" and query.wants_target:
        return "achieved"
    if FLOW_ASKED.search(q) and not CUMULATIVE_ASKED.search(q) and (
            figure.qualifier == "cumulative" or _level(figure)):
        return "level"  # 新建高标准农田 in a year, not the running total (累计建成, 达到1100万亩)
    if figure.qualifier == "sustained" and query.years and not query.wants_target and \
            not re.search(r"稳定|保持|维持", q):
        return "sustained"  # 粮食产量稳定在760亿斤以上 holds over years: no one year's figure
    if figure.qualifier == "start" and not re.search(r"[从由](?:多少|几)", q):
        return "start"  # 从2.50:1缩小至2.27:1: where it began, no level of a year (unless 从多少 is asked)
    if figure.qualifier == "change" and not CHANGE_ASKED.search(q):
        return "change"
    if figure.qualifier in ("exact", "bound") and chunk and CHANGE_ASKED.search(q) and not MOVED_TO.search(q) and any(
            g.qualifier == "change" and g.metric == figure.metric and g.sentence_start == figure.sentence_start
            for g in _figures(chunk)):
        return "level"  # 播种面积4440万亩、新增202.9万亩: the change asked is stated beside the level
    if figure.qualifier == "average" and not AVERAGE_ASKED.search(q):
        return "average"
    if (figure.qualifier == "ordinal") != bool(ORDINAL_ASKED.search(q)):
        return "ordinal"  # 第七届 says which one, not how many; 第几届 asks which
    if figure.unit == "元" and PER_PERSON.search(q) and (figure.value or 0) > PER_PERSON_MAX:
        return "impossible"
    if figure.unit not in ("元", "%", "百分点", "倍", "比") and PER_PERSON.search(q) \
            and not PER_PERSON.search(figure.metric):
        return "total"  # 宅基地面积13.72公顷 is the village's, not 户均宅基地面积: a share per head or household says so
    if figure.unit == "吨" and PER_AREA.search(q) and (figure.value or 0) > PER_AREA_MAX:
        return "impossible"  # 96.5万吨 is a harvest, not a yield per 亩
    if figure.unit == "户" and "户" not in q:
        return "unit"  # 322户、677人: households answer only a question about households, not 多少贫困人口
    if _ratio_asked(query) and figure.unit not in ("比", "倍"):
        return "unit"
    if _rate_asked(query) and figure.unit not in ("%", "百分点"):
        return "unit"
    if figure.qualifier == "share" and not _rate_asked(query):
        return "unit"  # 占现状建设用地规模的17.23% is a part of a whole, which no question asking a size asks
    if figure.unit == "%" and not _share_of_asked(query, figure):
        return "share"  # 农业用地…占比达83.33% is no share of the 林地 asked (林地占全村土地的多大比例)
    if figure.unit in _COUNTS_NAMED_AFTER and chunk is not None:
        counts = noun_after(chunk.text, figure.char_end - chunk.citation.char_start)
        if counts and not any(ch in q for ch in counts):
            return "count"  # 带动153个村 counts 村, not the 棚子 asked
    if figure.metric:
        cover, named, taken = _cover(query, figure, chunk)
        if cover < params.min_metric_cover or not named:
            return "metric"
        if taken:
            return "rival"
        if _another_measure(query, figure):
            return "measure"
        if _not_of_the_thing(query, figure, chunk):
            return "thing"
        if _by_unit_alone(query, figure, chunk):
            return "unit-alone"
        if _unnamed_thing(query, figure, chunk):
            return "unnamed"
    return ""


def _group(figure: Figure) -> str:
    """The figure's part of the population; households counted in people are their members (843户1864名建档立卡脱贫户:
    1864 脱贫人口)."""
    group = figure.subgroup
    return group[:-1] + "人口" if group.endswith("户") and unit_family(figure.unit) in PEOPLE else group


def _unnamed_thing(query: Query, figure: Figure, chunk: Chunk | None) -> bool:
    """The question names things no report names, nor any word of their meaning (银行 of 银行给村里贷了多少钱): a
    figure that says none of them, not even in part (烤烟 says half of 烟叶), measures something else (村集体经济收入)."""
    if not query.unknown or all(t in query.unknown for t, _ in query.weights):
        return False  # reports that use none of the question's words tell nothing of which are theirs
    said = dict(query.synonyms)
    things = [t for t in query.unknown if len(t) >= 2 and not said.get(t) and names_a_thing(t)
              and t not in asking_unit(query, (t,), figure.unit)]  # 面积 is said by 亩
    if not things:
        return False
    words = _clause_words(figure, chunk)
    return not any(_chars((t,), words) >= 0.5 for t in things)


def _by_unit_alone(query: Query, figure: Figure, chunk: Chunk | None) -> bool:
    """The measure asked is said only by the unit (产量 by 吨: 清运城乡垃圾10万余吨) and neither the metric nor the
    figure's clause names the thing it is asked of (粮食 of 粮食总产量): any amount in tonnes would do, so none does."""
    attr = query.attribute
    if not attr or attr not in asking_unit(query, (attr,), figure.unit):
        return False
    forms = query.forms(attr)
    if any(f in normalize(figure.metric) for f in forms):
        return False
    things = [t for t in query.terms if t != attr and t not in forms and attr not in query.forms(t)
              and t not in asking_unit(query, (t,), figure.unit)]
    words = _clause_words(figure, chunk)
    return bool(things) and not any(_says(query, t, words) for t in things)


def _clause_end(text: str, b: int) -> int:
    """Where the clause of a value ending at text[b] ends: its next comma or stop."""
    return next((m.start() for m in re.finditer(r"[，,；;。]", text[b:])), len(text) - b) + b


@lru_cache(maxsize=1024)  # several checks of one figure read them
def _clause_words(figure: Figure, chunk: Chunk | None) -> str:
    """The figure's metric and group, its clause, and its passage's heading (a table row's column names: | 县 | 粮食产量 |)
    (normalized); a clause that says only how it is linked (突破1600亿斤大关) or only a total (总产达到557亿斤) speaks of
    what the clause before names (粮食总产量再上新台阶，; 粮食生产再获丰收，)."""
    text = chunk.text if chunk else figure.sentence
    base = chunk.citation.char_start if chunk else figure.sentence_start
    a, b = figure.char_start - base, figure.char_end - base
    breaks = [m.end() for m in re.finditer(r"[，,；;。]", text[:a])]
    clause_a = max(breaks + [0])
    own = re.sub(r"\W", "", LINK.sub("", text[clause_a:a]))
    if (not own or GENERIC_MEASURE.fullmatch(own)) and text[clause_a - 1:clause_a] in "，,":
        clause_a = max([e for e in breaks if e < clause_a] + [0])
    return normalize(figure.metric + figure.subgroup + text[clause_a:_clause_end(text, b)] + " " + (chunk.heading if chunk else ""))


def _not_of_the_thing(query: Query, figure: Figure, chunk: Chunk | None) -> bool:
    """多少粮食 asks an amount of 粮食: a figure whose metric and clause do not name it (食用菌种植规模6600万棒 in a sentence
    that names 粮食总产 too) is an amount of something else; likewise a count (_count_of_another). A word its unit
    answers (钱 of 多少钱) names no thing."""
    if figure.metric and _count_of_another(query, figure, chunk):
        return True
    thing = amount_of(query)
    if not thing or not figure.metric or thing in asking_unit(query, (thing,), figure.unit):
        return False
    return not any(f in _clause_words(figure, chunk) for f in query.forms(thing))


def _count_of_another(query: Query, figure: Figure, chunk: Chunk | None) -> bool:
    """A count question's figure whose sentence names none of the words of what is counted (省级美丽乡村达到29个 for
    多少个打扫卫生的人); the sentence, not the clause, since a count often refers back (推进和美乡村建设，目前已建成245个)."""
    phrase = counted(query.normalized)
    things = [t for t in query.terms if len(t) >= 2 and t in phrase and t not in UNITS]
    if not things:
        return False
    words = normalize(figure.metric + figure.sentence + " " + (chunk.heading if chunk else ""))
    return not any(_says(query, t, words) for t in things)


def _says(query: Query, term: str, words: str) -> bool:
    """Whether `words` say a question word: one of its forms, or, for a word no report uses, half its characters (as
    in the cover: 种果 of 种果树的地)."""
    forms = query.forms(term)
    return _chars(forms, words) >= 0.5 if term in query.unknown else any(f in words for f in forms)


def amount_of(query: Query) -> str:
    """The thing an amount question asks of: the last word of the run of words right after 多少 (多少粮食 → 粮食,
    多少粮农直补资金 → 资金: the words before it say which), or "" (多少亩, 多少钱 → 钱 is checked by its unit)."""
    m = AMOUNT_OF.search(query.normalized)
    if not m:
        return ""
    thing, at = "", m.end()
    while word := next((t for t in query.terms if query.normalized.startswith(t, at) and t not in UNITS
                        and len(t) >= 2), ""):
        if thing and grammar_tag(word) == "v":
            break  # the phrase ends where a verb begins (多少农村劳力出去打工)
        thing, at = word, at + len(word)
    return thing


def _another_measure(query: Query, figure: Figure) -> bool:
    """The question names its measure right before asking (人均消费支出是多少) and the metric neither holds it nor
    ends in a word the question says: 农村居民人均可支配收入 measures another thing, however many words it shares."""
    attr = query.attribute
    if len(attr) < 2 or attr in query.unknown or not MEASURE_ASKED.search(query.normalized.split(attr)[-1]):
        return False  # a word no report uses is left to the words' cover (牌子值 of 这个牌子值多少钱)
    metric = _bare_metric(figure)
    if len(metric) < 2 or attr in asking_unit(query, (attr,), figure.unit) or \
            any(f in metric for f in query.forms(attr)):
        return False
    return metric[-2:] not in query.normalized and not any(metric[-2:] in f for t in query.terms
                                                           for f in query.forms(t))


def same_measure(a: Figure, b: Figure) -> bool:
    """Whether two records state the same measure of the same place and group (粮食总产, 粮食总产量), whatever year; a
    span's total (过去五年新改建农村公路196.9公里) is not the same measure as one year's. A metric that is the end of the
    other is the same where its own sentence says the rest (农村供水全部实现县域统管，规模化供水率达到97% beside
    农村规模化供水率达到95%)."""
    def measure(f: Figure) -> tuple:
        family = unit_family(f.unit)  # 5000名 and 5000人 count the same people
        return f.subject, f.subgroup, "人" if family in PEOPLE else family, f.kind, bool(f.year_from)
    if measure(a) != measure(b):
        return False
    long, short = sorted((a, b), key=lambda f: -len(_bare_metric(f)))
    ml, ms = (_bare_metric(f).removesuffix("量") for f in (long, short))
    return ml == ms or (len(ms) >= 2 and ml.endswith(ms) and ml[:-len(ms)] in normalize(short.sentence))


def _bare_metric(figure: Figure) -> str:
    """The figure's metric, normalized, its word characters only (not a list's ③ either)."""
    return "".join(ch for ch in normalize(figure.metric) if ch.isalnum() and not (ch.isdigit() and not ch.isascii()))


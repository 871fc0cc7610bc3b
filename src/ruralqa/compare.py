"""One metric across places and years: a table of checked, cited values.

The question names a metric and a scope: every place in the index (各省, 各县, 哪些), a list (河南和山东), a place over
time (历年, 2021—2025年), and perhaps a filter on the value (超过6%). Each cell is the answer ruralqa would give to
the question asked about that one place and year, with the same checks (place, period, kind, unit); a place whose
reports do not state it is listed as not found, never filled with a neighbour's figure or a target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ruralqa.answer import extract
from ruralqa.config import AnswerParams, RetrievalParams
from ruralqa.embed import Embedder
from ruralqa.index import Index
from ruralqa.query import Query, expected_units
from ruralqa.search import search
from ruralqa.text.normalize import MULTIPLIERS, normalize, parse_quantity, to_family
from ruralqa.text.places import short_name
from ruralqa.types import Citation

ALL_PLACES = re.compile(r"各区县|各县区|各县市|各市县|各省区市|各省市|各省份|各省|各地|各市|各县|各区|各个|哪些|哪个省|哪几个|所有|全部|全国")
OVER_TIME = re.compile(r"历年|各年|逐年|每年|多年")
YEAR_RANGE = re.compile(r"(20\d\d|19\d\d)\s*年?\s*(?:—|–|-|~|～|至|到)\s*(20\d\d|19\d\d)\s*年")
# a value filter's words, each read as an operator (超过6% → > 6%)
_OPS = {"超过": ">", "高于": ">", "大于": ">", "多于": ">", "不低于": ">=", "不少于": ">=", "达到": ">=",
        "低于": "<", "少于": "<", "小于": "<", "不到": "<", "不足": "<"}
FILTER = re.compile("(" + "|".join(sorted(_OPS, key=len, reverse=True)) + r")\s*(\d+(?:\.\d+)?)\s*"
                    "(%|" + "|".join(sorted(MULTIPLIERS, key=len, reverse=True)) + r")?([\u4e00-\u9fff]{0,2})")


@dataclass(frozen=True)
class Cell:
    place: str
    year: int | None  # the year asked; the answer's own period is in `period_year`
    found: bool
    text: str = ""  # the value as written
    shown: str = ""  # as a reader should take it: ≥10亿斤 for a bound, +24.2斤 for a change
    qualifier: str = ""  # exact, bound, change, average, cumulative, share
    value: float | None = None  # in the family unit (吨, 亩, 元, %)
    unit: str | None = None
    kind: str = ""  # achieved or target
    period_year: int | None = None
    sentence: str = ""
    citation: Citation | None = None


@dataclass(frozen=True)
class Comparison:
    question: str
    places: tuple[str, ...]
    years: tuple[int | None, ...]
    cells: list[Cell]
    order: str  # value (all found values share a unit) or place
    unit: str | None  # the unit all found values share, if they do
    value_filter: str = ""  # as parsed, e.g. "> 6%"; cells failing it are left out


def parse_filter(normalized: str) -> tuple[str, float, str] | None:
    m = FILTER.search(normalized)
    if not m:
        return None
    value = float(m.group(2)) * MULTIPLIERS.get(m.group(3) or "", 1)
    unit = "%" if m.group(3) == "%" else (m.group(4) or "")
    if unit and unit != "%":
        parsed = parse_quantity(f"{m.group(2)}{m.group(3) or ''}{unit}")
        if parsed:
            value, unit = to_family(*parsed)
    return _OPS[m.group(1)], value, unit


def _passes(cell: Cell, flt: tuple[str, float, str] | None) -> bool:
    if flt is None or not cell.found:
        return True
    op, bound, unit = flt
    if unit and cell.unit and unit != cell.unit:
        return False
    v = cell.value or 0.0
    return {">": v > bound, ">=": v >= bound, "<": v < bound}[op]


def scope(question: str, index: Index, places: tuple[str, ...] = (), years: tuple[int, ...] = ()) -> tuple:
    """(query, places, years, filter) a comparison question asks about."""
    norm = normalize(question)
    flt = parse_filter(norm)
    text = FILTER.sub(" ", norm) if flt else norm  # 超过6% is a filter, not a figure to match
    ranged = YEAR_RANGE.search(text)
    asked_years = tuple(range(int(ranged.group(1)), int(ranged.group(2)) + 1)) if ranged else ()
    text = OVER_TIME.sub(" ", ALL_PLACES.sub(" ", YEAR_RANGE.sub(" ", text)))  # scope words are no metric words
    text = re.sub(r"^(?:对比|比较)|省份|(?:的)?(?:情况|对比|比较)", " ", text)
    query = Query.parse(text, index, places=places, years=years)
    units = frozenset({flt[2]}) if flt and flt[2] else (query.units or expected_units(query.normalized))
    query = replace(query, kind="quantity", units=units)
    regions = set(index.regions)
    named = tuple(p for p in query.places if p in regions)
    if ALL_PLACES.search(norm) or not named:
        named = tuple(sorted(regions))
    wanted_years = tuple(years) or asked_years or query.years
    if not wanted_years and OVER_TIME.search(norm):
        wanted_years = tuple(index.period_years())
    return query, named, wanted_years or (None,), flt


class _OneVector:
    """The question's vector, computed once for every place and year of the comparison."""

    def __init__(self, embedder: Embedder):
        self.inner, self.model_id, self._cache = embedder, embedder.model_id, {}

    def embed_queries(self, texts):
        key = tuple(texts)
        if key not in self._cache:
            self._cache[key] = self.inner.embed_queries(texts)
        return self._cache[key]


def compare(index: Index, question: str, embedder: Embedder, places: tuple[str, ...] = (),
            years: tuple[int, ...] = (), retrieval: RetrievalParams = RetrievalParams(),
            answering: AnswerParams = AnswerParams()) -> Comparison:
    query, named, wanted_years, flt = scope(question, index, tuple(places), tuple(years))
    one = _OneVector(embedder)
    retrieval = replace(retrieval, place_only=True)
    answering = replace(answering, min_sentence_coverage=0.7)  # a cited table: the figure's sentence names the measure
    cells = []
    for place in named:
        for year in wanted_years:
            q = replace(query, places=(place,), years=(year,) if year else ())
            hits = search(index, q, one, k=retrieval.answer_pool, params=retrieval)
            a = extract(q, hits, answering)
            if a is None:
                cells.append(Cell(place=place, year=year, found=False))
            else:
                cells.append(Cell(place=place, year=year, found=True, text=a.text, shown=a.shown or a.text,
                                  qualifier=a.qualifier, value=a.value, unit=a.unit,
                                  kind=a.kind, period_year=a.year, sentence=a.sentence, citation=a.citation))
    cells = [c for c in cells if _passes(c, flt)]
    found_units = {c.unit for c in cells if c.found}
    unit = found_units.pop() if len(found_units) == 1 else None
    if unit is not None and len(wanted_years) == 1:
        order = "value"
        cells.sort(key=lambda c: (not c.found, -(c.value or 0)))
    else:
        order = "place"
    flt_text = f"{flt[0]} {flt[1]:g}{flt[2]}" if flt else ""
    return Comparison(question=question.strip(), places=named, years=wanted_years, cells=cells, order=order,
                      unit=unit, value_filter=flt_text)


def same_place(gold: str, place: str) -> bool:
    """甘肃 names 甘肃省; 溧水 names 溧水区."""
    return gold == place or gold == short_name(place) or short_name(gold) == short_name(place) or gold in place

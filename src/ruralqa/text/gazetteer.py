"""China's administrative divisions (province, prefecture, county level) from the `cpca` package's adcode table,
so that a report's place is a real division with its level, and 甘肃 / 广西 / 溧水 find 甘肃省 / 广西壮族自治区 / 溧水区.

Only the data file is read: importing cpca itself needs pandas and a removed setuptools module, and its matcher
is not needed for titles and questions.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ruralqa.text.normalize import is_han
from ruralqa.text.words import grammar_tag

LEVELS = {0: "province", 1: "city", 2: "county"}
# Longest first: 新疆维吾尔自治区 → 新疆, 黔东南苗族侗族自治州 → 黔东南.
_SUFFIXES = sorted(["壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市", "自治州", "自治县",
                    "地区", "盟", "县", "区", "旗"], key=len, reverse=True)
_PEOPLES = ("蒙古族", "回族", "藏族", "苗族", "侗族", "土家族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "白族", "哈尼族",
            "傣族", "傈僳族", "佤族", "拉祜族", "纳西族", "景颇族", "羌族", "黎族", "畲族", "瑶族", "仡佬族", "哈萨克族",
            "柯尔克孜族", "土族", "撒拉族", "各族")


@dataclass(frozen=True)
class Division:
    name: str  # 甘肃省, 南京市, 溧水区
    code: str  # 12-digit adcode; its first 2/4 digits are the province/prefecture
    level: str  # province, city, county

    @property
    def short(self) -> str:
        return _short(self.name)

    @property
    def province_code(self) -> str:
        return self.code[:2]


def short_name(name: str) -> str:
    """The name as people shorten it: 甘肃省 → 甘肃, 广西壮族自治区 → 广西, 溧水区 → 溧水; two characters stay."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            for people in _PEOPLES if "族" in stem else ():  # 黔东南苗族侗族 → 黔东南
                stem = stem.replace(people, "") if len(stem.replace(people, "")) >= 2 else stem
            return stem
    return name


@lru_cache(maxsize=None)
def _short(name: str) -> str:
    return short_name(name)


def _table() -> Path | None:
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """All divisions, or none when the cpca package is not installed (places then come from titles' suffixes)."""
    path = _table()
    if path is None:
        return ()
    out = []
    with open(path, encoding="utf-8") as f:
        rows = csv.reader(f)
        columns = next(rows)
        at_code, at_name = columns.index("adcode"), columns.index("name")
        for row in rows:  # a plain reader: DictReader's dict per row is a tenth of a fresh ask's parse
            code = row[at_code]
            level = 0 if code.endswith("0" * 10) else 1 if code.endswith("0" * 8) else 2
            out.append(Division(row[at_name], code, LEVELS[level]))
    return tuple(out)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, list[Division]]:
    names: dict[str, list[Division]] = {}
    for d in divisions():
        names.setdefault(d.name, []).append(d)
        if d.short != d.name:
            names.setdefault(d.short, []).append(d)
    return names


def named(name: str) -> list[Division]:
    """The divisions a cell names exactly, by full or short name (满城 → 满城区; 河北 → 河北省)."""
    return list(_by_name().get(name.strip(), ()))


def parent(d: Division, level: str) -> Division | None:
    """The province (or prefecture) a division belongs to."""
    code = d.code[:2] + "0" * 10 if level == "province" else d.code[:4] + "0" * 8
    return next((x for x in divisions() if x.code == code), None)


def find(text: str) -> list[Division]:
    """Divisions named in `text` (full or short names), most specific first. A county's short name (溧水), or a
    name several divisions share (东山县), counts only when its province or prefecture is named too (江苏南京溧水,
    福建东山县): 振兴 in 乡村振兴 is no 振兴区."""
    rank = {"county": 0, "city": 1, "province": 2}
    first: dict[str, tuple[int, Division]] = {}
    for i, d in mentions(text):
        first.setdefault(d.code, (i, d))
    return [d for i, d in sorted(first.values(), key=lambda t: (rank[t[1].level], t[0]))]


def mentions(text: str) -> list[tuple[int, Division]]:
    """Every place in `text` where a division is named, as (offset, division), under the rules of `find`: the
    longest name wins where names overlap (唐县 inside 高唐县 is no mention of 唐县)."""
    names = _by_name()
    candidates = []
    for size in range(min(12, len(text)), 1, -1):
        for i in range(len(text) - size + 1):
            word = text[i:i + size]
            if word in names:
                candidates.append((i, word, names[word]))
    covered = [False] * len(text)
    taken = []
    for i, word, options in sorted(candidates, key=lambda c: (-len(c[1]), c[0])):
        if any(covered[i:i + len(word)]):
            continue  # part of a longer name already taken (南京市 inside 江苏南京市溧水区 is fine; 京市 is not)
        covered[i:i + len(word)] = [True] * len(word)
        taken += [(i, d, word != d.name) for d in options]
    ends = {i + len(d.name if not by_short else d.short) for i, d, by_short in taken}
    out = []
    for i, d, by_short in taken:
        rivals = [x for j, x, _ in taken if j == i and x.code != d.code]
        if any(contains(x, d) for x in rivals):
            continue  # 吉林 is 吉林省 before 吉林市: a name shared with the division containing it is that division
        if rivals or (by_short and d.level == "county"):
            ancestors = {d.code[:2] + "0" * 10, d.code[:4] + "0" * 8} - {d.code}
            others = {x.code for j, x, _ in taken if j != i}
            if not ancestors & others:
                continue  # ambiguous and nothing else in the text resolves it
            if by_short and not _stands_alone(text, i, ends):
                continue  # 振兴 in 全面振兴, 安新 in 雄安新区: a county's short name inside a word is no mention
        if i and i not in ends and grammar_tag(text[i - 1:i + 1]):
            continue  # 范县 in 示范县: its first character ends a word (示范) begun before it
        out.append((i, d))
    return sorted(out, key=lambda t: t[0])


_BEFORE_A_PLACE = set("在和与及同跟对至到、，,;；:：（(“\"《 \n")


def _stands_alone(text: str, i: int, ends: set[int]) -> bool:
    """Whether a name starting at i stands where a place name stands: at the start, after punctuation or a
    connective (在, 和), right after another place (江苏南京溧水), or after a year (2024年溧水)."""
    if i == 0 or i in ends:
        return True
    before = text[i - 1]
    return (before in _BEFORE_A_PLACE or not is_han(before)
            or (before == "年" and i >= 2 and text[i - 2].isdigit()))


def written(text: str, i: int, d: Division) -> str:
    """The name of division `d` as `text` writes it at `i` (a mention: its full or short name), or ""."""
    return next((n for n in (d.name, d.short) if text.startswith(n, i)), "")


def contains(outer: Division, inner: Division) -> bool:
    """Whether `inner` lies within `outer` (or is it): 甘肃省 contains 兰州市 and 榆中县."""
    prefix = {"province": 2, "city": 4, "county": 12}[outer.level]
    return inner.code[:prefix] == outer.code[:prefix]


def related(a: Division, b: Division) -> bool:
    """Whether one of two divisions lies within the other: 运城市 and 闻喜县, not 安新县 and 新安县."""
    return contains(a, b) or contains(b, a)

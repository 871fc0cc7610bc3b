"""Place names: how they are found in titles, running text and questions, and when a passage is about one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from ruralqa.text import gazetteer
from ruralqa.text.normalize import is_han, normalize
from ruralqa.text.words import QUESTION_CHARS, is_function_word

# A place name: two to six Chinese characters ending in an administrative suffix.
PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:自治州|自治县|省|市|县|区|旗|乡|镇|村)")
# In running text, a place starts after punctuation or after the larger place that contains it (盐湖区常平村).
PLACE_IN_TEXT = re.compile(
    r"(?:(?<=[^\u4e00-\u9fff])|(?<=^)|(?<=[县区市乡镇]))([\u4e00-\u9fff]{2,3}?(?:县|区|市|旗|乡|镇|村))")
# First characters that make a suffix-ending run a phrase, not a name (全县, 该区, 城乡, 两镇).
NOT_PLACE_START = frozenset("全该本各每城乡村县区市镇省农我其此新老社小大同两一二三四五六七八九十百千万亿")
_NEVER_FIRST = frozenset("全该本各每我其此这那")  # 全县, 该村: a pronoun or 全 never begins a name
_NOT_IN_PLACE = frozenset("各所全该本每个行政农城和的了在与对把将等为是有以")


@lru_cache(maxsize=1 << 16)  # every question checks every region of the index: thousands in a national corpus
def short_name(place: str) -> str:
    """The name as people write it (万荣县 → 万荣, 广西壮族自治区 → 广西); two-character names stay whole."""
    short = gazetteer.short_name(place)
    if short != place:
        return short
    return place[:-1] if len(place) >= 3 else place


def places_in(text: str) -> set[str]:
    """Village, township and county names in running text (常平村, 王显乡, 云冈区)."""
    found = set()
    for m in PLACE_IN_TEXT.finditer(text):
        name = m.group(1)
        stem = name[:-1]
        if is_function_word(text[m.end(1) - 1:m.end(1) + 1], "nvad"):
            continue  # 乡村, 乡邻, 村民: the suffix begins a word, so this is no place name
        if (set(stem) & _NOT_IN_PLACE or name[0] in NOT_PLACE_START or is_function_word(stem)
                or is_function_word(stem[:2]) or is_function_word(stem[:1], "pv")):
            continue  # 推动乡村, 实现乡村: a verb before 乡/村 is not a place
        found.add(name)
    return found


def guess_region(text: str) -> str:
    """The first county/district-level place named in the text, e.g. 万荣县 or 云冈区."""
    for m in PLACE.finditer(text):
        name = m.group(0)
        if name[0] not in NOT_PLACE_START and name[-1] in "县区市旗州":
            return name
    return ""


NATIONAL = ("全国", "中国", "我国")  # the whole country: only a national report is about it, not any text naming it


def places_in_question(normalized: str, regions: list[str], known: list[str]) -> tuple[str, ...]:
    """The places a normalized question names: the index's regions (also by short name), other places the corpus
    mentions, and any county or district name, even one the corpus never mentions (then nothing may answer it)."""
    places = []
    for region in regions:
        short = short_name(region)
        if region in normalized or (short in normalized and (
                _province(region) or any(_stands_alone(normalized, m.start()) for m in re.finditer(re.escape(short), normalized)))):
            places.append(region)
    # Names the corpus merely ends in a place suffix (产业强镇, 重点村) count only where a place name stands.
    for name in known:
        if (name in normalized and not any(name in p or p in name for p in places)
                and any(_stands_alone(normalized, m.start(), places) for m in re.finditer(re.escape(name), normalized))):
            places.append(name)
    # A county the gazetteer may lack (or has under an old name), or a village. 区, 市, 村 … end common nouns too
    # (设施农业小区, 城市): those count only where a question names its place, at its start or after its year
    # (云冈区区域公用品牌, 后江石沽村村集体经济收入).
    leading = PLACE.match(re.sub(r"^\d{4}年", "", normalized))
    names = [m.group(0) for m in PLACE.finditer(normalized) if m.group(0)[-1] == "县"]
    # after a place already found (广西), what is left must be a name of two characters or more and its suffix:
    # 城乡 of 广西城乡居民 is none
    rest = leading and next((leading.group(0)[len(n):] for p in places for n in (p, short_name(p))
                             if leading.group(0).startswith(n)), leading.group(0))
    names += [leading.group(0)] if leading and leading.group(0)[-1] in "区市村镇乡" and len(rest) >= 3 else []
    for name in names:
        lead = leading is not None and name == leading.group(0)  # 新丝路村… at the question's start is a name
        # …or ends in one the corpus names (流经石桥村: 石桥村), what is before it being the asker's words
        name = max((k for k in known if name.endswith(k) and len(k) >= 3), key=len, default=name)
        if (len(name) <= 5 and (name[0] not in NOT_PLACE_START or (lead and name[0] not in _NEVER_FIRST))
                and not QUESTION_CHARS.search(name)
                and not any(name in p or p in name for p in places)):
            places.append(name)
    places += [n for n in NATIONAL[:1] if any(w in normalized for w in NATIONAL) and not places]
    # Any other division the gazetteer knows (台湾, 闻喜县): asked about, so only its own passages may answer.
    for d in gazetteer.find(normalized):
        if not any(d.name in p or p in d.name or d.short in p for p in places):
            places.append(d.name)
    return tuple(places)


def _province(name: str) -> bool:
    """A province-level name, told by its form (loading the gazetteer costs a question 0.1 s)."""
    return name.endswith(("省", "自治区", "特别行政区")) or name in ("北京市", "天津市", "上海市", "重庆市")


def _stands_alone(text: str, i: int, after: list[str] = ()) -> bool:
    """A name at i stands where a question puts a place: at its start, after its year, a punctuation mark, a
    connective (在, 和) or another place (盐湖区常平村); 振兴 in 乡村振兴示范村 and 产业强镇 in 农业产业强镇 do not."""
    if i == 0:
        return True
    before = text[i - 1]
    return (before in "在和与及同跟对、，,;；:：（(“\" " or not is_han(before)
            or (before == "年" and i >= 2 and text[i - 2].isdigit())
            or any(text[:i].endswith(p) or text[:i].endswith(short_name(p)) for p in after))


def passage_is_about(places: tuple[str, ...], chunk) -> bool:
    """is_about for a passage (ruralqa.types.Chunk): its heading counts as its text (a table under 幻彩园村：骆驼+沙棘双产业
    is about 幻彩园村 though no row names it)."""
    c = chunk.citation
    return is_about(places, c.region, c.title, f"{chunk.heading}\n{chunk.text}")


def is_about(places: tuple[str, ...], region: str, title: str, text: str) -> bool:
    """A passage is about one of `places` when it is its region, or its title or text names it (the whole country
    only by region or title: 居全国第4位 is no national figure). A title counts only for a place related to the
    region: a report placed against its title (a spreadsheet row titled 安新县… holding 新安县's report) is not
    about the place its title names."""
    return any(p == region or (p in title and _related(p, region)) or (p not in NATIONAL and p in text)
               for p in places)


@lru_cache(maxsize=1 << 12)
def _related(place: str, region: str) -> bool:
    """Whether one of the two divisions contains the other (True when either is no division the gazetteer knows)."""
    a, b = gazetteer.find(normalize(place)), gazetteer.find(normalize(region)) if region else []
    return not a or not b or gazetteer.related(a[0], b[0])


# The levels of divisions by the suffix a name ends in, highest first; below the county's the gazetteer has none.
DIVISION_LEVELS = (("省", "自治区", "特别行政区"), ("市", "自治州", "地区", "盟", "州"), ("区", "县", "旗", "自治县"),
          ("镇", "乡", "街道", "苏木"), ("村", "社区", "嘎查"))
SUFFIXES = frozenset(s for suffixes in DIVISION_LEVELS for s in suffixes)


def level(name: str) -> int | None:
    """The level of a place by its suffix (0 province … 4 village), None for no division's suffix."""
    return next((i for i, suffixes in enumerate(DIVISION_LEVELS) if name.endswith(suffixes)), None)


def addresses(text: str, place: str) -> Iterator[list[tuple[int, int]]]:
    """For each address written in full of `place`, the divisions it says the place lies in, as offsets in `text`,
    highest first: 天津市宁河区
    苗庄镇后江石沽村 → 天津市, 宁河区, 苗庄镇; 金田村隶属广东省梅州市平远县泗水镇 → 广东省 … 泗水镇. Before the place, the
    divisions are the gazetteer's, and at most one below the county's right after them (苗庄镇 after 宁河区): a run that
    names no known division before (走进苗庄镇) is no address; after it, a word that places it (位于, 隶属) comes first."""
    for m in re.finditer(re.escape(place), text):
        start = m.start()
        while start and is_han(text[start - 1]) and m.start() - start < 24:
            start -= 1
        found = _chain(text, start, m.start(), anchored=False)
        if not found and (link := _PLACED.match(text, m.end())):
            found = _chain(text, link.end(), min(len(text), link.end() + 24), anchored=True)
        if found:
            yield found


_PLACED = re.compile(r"位于|隶属于?|属于|地处|坐落于|坐落在")
_TOWN = re.compile(r"[\u4e00-\u9fff]{2,4}?(?:镇|乡|街道)")


def _chain(text: str, a: int, b: int, anchored: bool) -> list[tuple[int, int]]:
    """The divisions named one after another in text[a:b], and a town right after the last of them: ending at b (the
    place follows), or, `anchored`, beginning at a (a word that places it comes before)."""
    run = text[a:b]
    chain, end = [], 0
    for i, d in gazetteer.mentions(run):
        name = gazetteer.written(run, i, d)
        if (chain and i != end) or (anchored and not chain and i):
            break  # the chain is broken by other words
        chain.append((a + i, a + i + len(name)))
        end = i + len(name)
    if anchored:
        town = _TOWN.match(run, end)
        return chain + [(a + town.start(), a + town.end())] if town and not set(town.group(0)) & _NOT_IN_PLACE \
            else chain
    rest = run[end:]
    if not chain or (rest and not (level(rest) == 3 and 2 <= len(rest) <= 5 and not set(rest[:-1]) & _NOT_IN_PLACE)):
        return []  # no known division, or words between the divisions and the place: no address
    return chain + ([(a + end, b)] if rest else [])

"""Document context: a report's title, year, its articles and the place each one is about, and the period each
passage speaks of (the year, and whether it reports results or sets targets).

Inferred from what the file gives, in this order: the catalog (always wins), spreadsheet columns, Markdown front
matter or docx properties, the title line, the file name. A place is always a division the gazetteer knows
(甘肃省, 溧水区), weighed by where it is named (a place column, the title, the first lines, how often in the text);
a phrase that merely ends in 县 or 区 (从贫困县, 示范区) is none. When two unrelated places weigh nearly the same,
the report's place carries a note saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

from ruralqa.corpus.catalog import ReportEntry
from ruralqa.text import gazetteer
from ruralqa.text.normalize import normalize
from ruralqa.types import Article, Report

YEAR = re.compile(r"(19[5-9]\d|20\d\d)")
# A work report reviews the year before it was delivered (一、2024年工作回顾) and sets goals for its own year.
REVIEW = re.compile(r"回顾|过去|成效|成绩|成就|进展|主要工作|工作总结|完成情况|基本情况|现状")
# Section words that can only look back (主要工作 and 基本情况 head a year's plans as well as its review).
LOOKS_BACK = re.compile(r"回顾|过去|成效|成绩|成就|进展|总结|完成情况")
PLAN = re.compile(r"目标|重点工作|工作安排|总体要求|工作打算|工作部署|工作思路|重点任务|主要任务")
TARGET_WORDS = re.compile(r"预期目标|主要目标|目标是|目标任务|力争|确保.{0,30}(以上|以内|左右)|左右|以上|以内")
REVIEWS_LAST_YEAR = re.compile(r"工作报告")
OPENS_REVIEW = re.compile(r"(?:过去|这|近)五年|五年来|“?十[三四五]五”?(?:时期|期间|以来)")
# a goal met (超额完成市核目标任务), said in words only a past event takes; not one to meet (确保完成全年目标任务,
# 坚决完成“六清”目标任务)
MET = re.compile(r"(?:(?:超额|圆满|如期|提前|顺利|已经?)完成|完成了|实现了)[^，,。；;]{0,8}?目标(?:任务)?")
# Lines scraped with a web page that are no part of the report (download/print buttons, font-size controls,
# source and time stamps), and Markdown rules (---, |---|---|).
FURNITURE = re.compile(r"(下载|打印|全屏|收藏|分享|关闭|返回顶部|加大|还原|减小|[【】]|【?字号[:：].{0,20}"
                       r"|(来源|时间|作者|责任编辑|编辑|发布时间|发布机构|原文链接|日期)[:：].{0,80}"
                       r"|>\s*\*\*.{1,12}\*\*\s*[:：]?.{0,120})")


def place_of(*texts: str) -> str:
    """The most specific division a title (or a place column) names."""
    for text in texts:
        if text:
            found = gazetteer.find(normalize(text))
            if found:
                return found[0].name
    return ""


# How much a mention weighs by where it stands; a mention in the running text weighs little, and together at most
# BODY_CAP, so a report naming its counties often is still its province's.
GIVEN, TITLE, HEAD, BODY, BODY_CAP = 4.0, 3.0, 2.0, 0.5, 3.0
HEAD_CHARS, BODY_CHARS = 300, 6000
REPORT_TITLE = re.compile(r"报告|公报|总结|规划|方案|计划|情况")
DESCEND = 0.6  # a division within the chosen one weighing this share of it is chosen instead (see place_in)
MISLABEL_MENTIONS = 5  # a county a row's text names this often, its place column never: the row is mislabelled
UNSURE = 0.7  # a rival place (not within the chosen one, nor containing it) weighing this share of it: say so


def place_in(title: str, text: str, given: str = "") -> tuple[str, str]:
    """(place, note) of a report or article: the division with the most weight from a place column (`given`), its
    title, its first lines and the text; the note says why it is uncertain ("" when it is not)."""
    weight: dict[str, float] = {}
    divisions: dict[str, gazetteer.Division] = {}

    def add(source: str, w: float, cap: float | None = None, once: bool = True) -> None:
        got: dict[str, float] = {}
        for _, d in gazetteer.mentions(normalize(source)):
            divisions[d.code] = d
            got[d.code] = w if once else got.get(d.code, 0.0) + w
        for code, v in got.items():
            weight[code] = weight.get(code, 0.0) + (min(v, cap) if cap else v)
    add(given, GIVEN)
    add(title, TITLE)
    add(text[:HEAD_CHARS], HEAD)
    add(text[:BODY_CHARS], BODY, BODY_CAP, once=False)
    counts: dict[str, int] = {}  # mentions in the text, uncapped: what a page names most is what it is about
    for _, d in gazetteer.mentions(normalize(text[:BODY_CHARS])):
        counts[d.code] = counts.get(d.code, 0) + 1
    if not weight:
        return "", ""

    def support(code: str) -> float:  # a county also gains a little from its prefecture and province being named
        d = divisions[code]
        return weight[code] + 0.3 * sum(w for c, w in weight.items() if c != code and
                                        gazetteer.contains(divisions[c], d))
    ranked = sorted(weight, key=lambda c: (-support(c), -len(divisions[c].code.rstrip("0"))))
    # A report's own title naming its place (2025年辽宁省政府工作报告, 盐湖区2023年乡村振兴工作总结) settles it, however
    # often the text names its cities; a masthead (运城日报) or a headline does not.
    titled = [d for _, d in gazetteer.mentions(normalize(title))] if REPORT_TITLE.search(normalize(title)) else []
    if titled and not given:
        top = max(titled, key=lambda d: len(d.code.rstrip("0")))
        ranked.remove(top.code)
        ranked.insert(0, top.code)
    best = divisions[ranked[0]]
    # A page of a city's newspaper (运城日报) about one of its counties is the county's: a division within the
    # chosen one that weighs nearly as much, far more than any other within it, and is named at least as often, is
    # what the text is about (a province's report naming its capital in passing is still the province's).
    inner = sorted((c for c in weight if c != best.code and gazetteer.contains(best, divisions[c])),
                   key=lambda c: -weight[c])
    if inner and not (titled and not given) and weight[inner[0]] >= DESCEND * weight[best.code] and counts[inner[0]] >= counts[best.code] and (
            len(inner) == 1 or weight[inner[0]] >= 1.5 * weight[inner[1]]):
        best = divisions[inner[0]]
        ranked.remove(best.code)
        ranked.insert(0, best.code)
    if weight[ranked[0]] < HEAD and not given and title:  # named only in passing: not what the report is about
        return "", ""
    rivals = [divisions[c] for c in ranked[1:] if not gazetteer.related(divisions[c], best)
              and support(c) >= UNSURE * support(ranked[0])]
    note = ""
    if rivals:
        note = f"place uncertain: {best.name} or {rivals[0].name}"
    given_found = gazetteer.find(normalize(given)) if given else []
    if given_found and not gazetteer.related(given_found[0], best):
        return best.name, f"place uncertain: the place column says {given_found[0].name}, the report {best.name}"
    named = _named_instead(given_found[0], text) if given_found else None
    if named:
        return named[0].name, (f"place uncertain: the place column says {given_found[0].name}, which the text never "
                               f"names; it names {named[0].name} {named[1]} times")
    return best.name, note


def _named_instead(label: gazetteer.Division, text: str) -> tuple[gazetteer.Division, int] | None:
    """The county a spreadsheet row's text is about when its place column is a label the text never names (a row
    labelled 安新 holding 新安县's report): a county, unrelated to the label, named at least MISLABEL_MENTIONS
    times along with its prefecture or province (what a report of that county says of itself)."""
    found = [d for _, d in gazetteer.mentions(normalize(text))]
    if any(gazetteer.related(label, d) and d.level == label.level for d in found):
        return None
    counts: dict[str, int] = {}
    by_code = {d.code: d for d in found}
    for d in found:
        counts[d.code] = counts.get(d.code, 0) + 1
    counties = sorted((c for c in counts if by_code[c].level == "county" and not gazetteer.related(label, by_code[c])),
                      key=lambda c: -counts[c])
    if not counties or counts[counties[0]] < MISLABEL_MENTIONS:
        return None
    county = by_code[counties[0]]
    if not any(d.level != "county" and gazetteer.contains(d, county) for d in found):
        return None
    return county, counts[county.code]


def year_of(*texts: str) -> int | None:
    """The first year named by a date column, a title or a file name (二〇二六年 too)."""
    for text in texts:
        m = YEAR.search(normalize(text or "").replace("〇", "0"))
        if m:
            return int(m.group(1))
    return None


def period(section: str, text: str, article: Article, after_review: bool = False) -> tuple[int | None, str]:
    """(year, kind) a passage speaks of: kind is achieved (results) or target (goals), "" when nothing says.
    `after_review`: the passage's top section follows the report's review (a work report reviews, then plans)."""
    named = year_of(section)
    work_report = bool(article.year and REVIEWS_LAST_YEAR.search(article.title))
    if section and REVIEW.search(section) and not PLAN.search(section):
        if work_report and named and named >= article.year and not LOOKS_BACK.search(section):
            return named, "target"  # 三、2026年主要工作 in the report of 2026: that year's work is still to be done
        return named or (article.year - 1 if work_report else None), "achieved"
    if section and PLAN.search(section):
        if LOOKS_BACK.search(section) and OPENS_REVIEW.match(text.lstrip()):
            # “十四五”时期发展成就和“十五五”时期主要目标任务: its paragraph opening on the years past reviews them
            return (article.year - 1 if work_report else named), "achieved"
        return named or article.year, "target"
    if section and work_report and named and named < article.year:
        return named, "achieved"  # 一、关于2014年政府工作 in the report of 2015: that year's results
    if after_review and work_report:
        return article.year, "target"  # 二、牢记历史使命… after 一、2024年工作回顾: the year's plans
    plans = MET.sub("", text)  # 超额完成市核目标任务 reports a goal met: a result
    if TARGET_WORDS.search(plans) and re.search(r"目标|力争|预期", plans):
        return year_of(text) or article.year, "target"
    # Years relative to the report: 今年 sets goals for its year, 过去一年/去年/上年 review the year before.
    if article.year and re.search(r"今年", text) and re.search(r"目标|力争|预期|计划", plans):
        return article.year, "target"
    if work_report and re.search(r"过去的?一年|去年|上年|上一年", text):
        return article.year - 1, "achieved"
    return None, ""


def articles_for(text: str, entry: ReportEntry | None, fallback_title: str, place: str = "",
                 year: int | None = None, title_given: bool = True) -> list[Article]:
    """Split a report's lines into articles using the catalog; without an entry the report is one article.
    `title_given`: the fallback title is the report's own (a title line, a column), not its file name."""
    lines = text.split("\n")
    n = len(lines)
    specs = entry.articles if entry and entry.articles else [{}]
    starts = []
    for spec in specs:
        anchor = spec.get("starts_at", "")
        line = next((i + 1 for i, x in enumerate(lines) if anchor and x.strip().startswith(anchor)), None)
        starts.append(1 if line is None or not starts else line)
    articles = []
    order = sorted(range(len(specs)), key=lambda i: starts[i])
    for pos, i in enumerate(order):
        end = starts[order[pos + 1]] - 1 if pos + 1 < len(order) else n
        spec = specs[i]
        body = "\n".join(lines[starts[i] - 1:end])
        title = spec.get("title") or fallback_title
        region, note = spec.get("region"), ""
        if not region:
            region, note = place_in(title if spec.get("title") or title_given else "", body, place)
        articles.append(Article(title=title, region=region, start_line=starts[i], end_line=end,
                                year=spec.get("year") or year_of(title) or year, place_note=note))
    return articles


def report_articles(report: Report, entry: ReportEntry | None) -> list[Article]:
    """The articles of a report, titled from the catalog, else the file's own title (column, front matter,
    properties), else its first line, else its file name; placed and dated likewise."""
    meta = front_matter(report.text) if report.format == "md" else {}
    own = report.title or meta.get("title", "") or first_title(report.text)
    title = own or Path(report.path).stem
    date = report.date or meta.get("date", "")
    return articles_for(report.text, entry, title, report.place, year_of(date, own, report.path),
                        title_given=bool(own))


def entry_from_text(file_name: str, title: str | None = None, region: str | None = None) -> ReportEntry | None:
    """What `ruralqa add` records for a new report: the title and region given, and nothing it could infer (the
    index infers those each time, so a better inference is never hidden behind a recorded guess)."""
    if not title and not region:
        return None
    return ReportEntry(articles=[{k: v for k, v in (("title", title), ("region", region or place_of(title or "")))
                                  if v}])


_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def front_matter(text: str) -> dict[str, str]:
    """A Markdown file's front matter (title: …, date: …) as {key: value}; {} when it has none. Only the flat
    `key: value` lines reports use are read (quotes stripped)."""
    m = _FRONT.match(text)
    if not m:
        return {}
    out = {}
    for line in m.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not key.startswith((" ", "\t", "-", "#")):
            out[key.strip().lower()] = value.strip().strip("\"'")
    return out


def first_title(text: str) -> str:
    """The report's first line, when it is short enough to be a title (front matter and web-page furniture
    skipped)."""
    m = _FRONT.match(text)
    for line in text[m.end() if m else 0:].split("\n"):
        line = line.strip().lstrip("#").strip().strip("*").strip()
        if line and not FURNITURE.fullmatch(line) and not re.fullmatch(r"[-=_*\s]+", line):
            return line if len(line) <= 60 and not line.endswith(("。", "！", "？")) else ""
    return ""

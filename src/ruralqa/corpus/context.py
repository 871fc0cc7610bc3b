"""Document context: a report's title, year, its articles and the place each one is about, and the period each
passage speaks of (the year, and whether it reports results or sets targets).

Inferred from what the file gives, in this order: the catalog (always wins), spreadsheet columns or docx
properties, the title line, the file name. Places are divisions of the gazetteer (甘肃省, 溧水区), else a
county-like name from the title (万荣县).
"""

from __future__ import annotations

import re
from pathlib import Path

from ruralqa.corpus.catalog import ReportEntry
from ruralqa.text import gazetteer
from ruralqa.text.normalize import normalize
from ruralqa.text.places import guess_region
from ruralqa.types import Article, Report

YEAR = re.compile(r"(19[5-9]\d|20\d\d)")
# A work report reviews the year before it was delivered (一、2024年工作回顾) and sets goals for its own year.
REVIEW = re.compile(r"回顾|过去|成效|成绩|成就|进展|主要工作|工作总结|完成情况|基本情况|现状")
PLAN = re.compile(r"目标|重点工作|工作安排|总体要求|工作打算|工作部署")
TARGET_WORDS = re.compile(r"预期目标|主要目标|目标是|目标任务|力争|确保.{0,30}(以上|以内|左右)|左右|以上|以内")
REVIEWS_LAST_YEAR = re.compile(r"工作报告")
# Lines scraped with a web page that are no part of the report (download/print buttons, font-size controls,
# source and time stamps), and Markdown rules (---, |---|---|).
FURNITURE = re.compile(r"(下载|打印|全屏|收藏|分享|关闭|返回顶部|加大|还原|减小|[【】]|【?字号[:：].{0,20}"
                       r"|(来源|时间|作者|责任编辑|编辑|发布时间|发布机构|原文链接|日期)[:：].{0,80}"
                       r"|>\s*\*\*.{1,12}\*\*\s*[:：]?.{0,120})")


def place_of(*texts: str) -> str:
    """The most specific division a title (or a place column) names, else a county-like name in it."""
    for text in texts:
        if text:
            found = gazetteer.find(normalize(text))
            if found:
                return found[0].name
    return next((guess_region(t) for t in texts if t and guess_region(t)), "")


def year_of(*texts: str) -> int | None:
    """The first year named by a date column, a title or a file name (二〇二六年 too)."""
    for text in texts:
        m = YEAR.search(normalize(text or "").replace("〇", "0"))
        if m:
            return int(m.group(1))
    return None


def period(section: str, text: str, article: Article) -> tuple[int | None, str]:
    """(year, kind) a passage speaks of: kind is achieved (results) or target (goals), "" when nothing says."""
    named = year_of(section)
    if section and REVIEW.search(section) and not PLAN.search(section):
        last = article.year - 1 if article.year and REVIEWS_LAST_YEAR.search(article.title) else None
        return named or last, "achieved"
    if section and PLAN.search(section):
        return named or article.year, "target"
    if TARGET_WORDS.search(text) and re.search(r"目标|力争|预期", text):
        return year_of(text) or article.year, "target"
    # Years relative to the report: 今年 sets goals for its year, 过去一年/去年/上年 review the year before.
    if article.year and re.search(r"今年", text) and re.search(r"目标|力争|预期|计划", text):
        return article.year, "target"
    if article.year and REVIEWS_LAST_YEAR.search(article.title) and re.search(r"过去一年|去年|上年|上一年", text):
        return article.year - 1, "achieved"
    return None, ""


def articles_for(text: str, entry: ReportEntry | None, fallback_title: str, place: str = "",
                 year: int | None = None) -> list[Article]:
    """Split a report's lines into articles using the catalog; without an entry the report is one article."""
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
        region = spec.get("region") or place_of(place, title) or guess_region(body[:500])
        articles.append(Article(title=title, region=region, start_line=starts[i], end_line=end,
                                year=spec.get("year") or year_of(title) or year))
    return articles


def report_articles(report: Report, entry: ReportEntry | None) -> list[Article]:
    """The articles of a report, titled from the catalog, else the file's own title (column, properties), else
    its first line, else its file name; placed and dated likewise."""
    title = report.title or first_title(report.text) or Path(report.path).stem
    return articles_for(report.text, entry, title, report.place, year_of(report.date, title, report.path))


def entry_from_text(text: str, file_name: str, title: str | None = None, region: str | None = None) -> ReportEntry:
    """What `ruralqa add` records for a new report: its title (given, or the first short line) and region (given,
    or guessed from the title, or from the text's beginning when no title was given)."""
    found_title = first_title(text) or Path(file_name).stem
    found_region = place_of(found_title) or guess_region(text[:500])
    if title:
        found_title = title
    if region or title:
        found_region = region or place_of(title) or found_region
    return ReportEntry(articles=[{"title": found_title, "region": found_region}])


def first_title(text: str) -> str:
    """The report's first line, when it is short enough to be a title (web-page furniture skipped)."""
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip().strip("*").strip()
        if line and not FURNITURE.fullmatch(line):
            return line if len(line) <= 60 and not line.endswith(("。", "！", "？")) else ""
    return ""

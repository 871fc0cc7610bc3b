"""A pure, sentence-aware Chinese chunker.

A paragraph is one non-empty line. Short lines without a sentence end are headings: they are not passages
themselves but give context to the passages below. Long paragraphs are cut at sentence ends (then at commas,
then anywhere) into passages of at most `max_chars`. A passage never crosses a paragraph, so a photo caption or a
fragment left by the page layout stays its own passage. Every chunk's offsets satisfy
`report.text[char_start:char_end] == chunk.text`.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace

from ruralqa.config import ChunkSettings
from ruralqa.corpus.context import FURNITURE, REVIEW, period
from ruralqa.types import Article, Chunk, Citation, Report

# Raise when a change here, in corpus/context.py or in text/ changes a report's passages or their tokens:
# `ruralqa index` then re-reads every report (reusing the vectors of passages that did not change).
# 17: 一亿五千万 reads 1.5亿, not 100005000万; 16: a spreadsheet's title column by its header (never a web address),
# 2026年主要工作 in the report of 2026 is a plan, 今年 in a passage outweighs its section's plan period, an amount of
# what follows it is no change (提升112万亩高标准农田);
# 15: 预测 marks a plan, 其中 keeps its sentence's year; 14: bare 万 counts are records, 3000吨级 and 突破…大关 are
# not; 13: 分别 items split at 和/与/及 only between words (普及率 is one); 7: places by weight, spreadsheet rows, figure
# records; 8: places named as places; 9: record metrics (ellipsis, counted nouns), plan-period sections, 头只; 10:
# sections after a work report's review are its plans; 11: 分别 lists bounded, 增量; 12: 其中 stays with its sentence,
# report titles settle places, relative years; 19-26: a colon line above a table captions its rows,
# a place column the text never names gives way to the county it names; 27-32: the records' VERSION 8-11 (a group ends
# the noun counted, 从 a start, per-unit words, 预计 in lists) and a goal met is no plan; 33: a work report's section
# named by an earlier year (一、关于2014年政府工作) reviews that year, 过去的一年; 34: 余/多 before 万 (30多万) in tokens
# and records; 35: headings titled as the top sections are (站在新起点：…, 开启新征程：…) are top sections, 分别 after
# values stated in turn; 38-45: HTML tables in Markdown reports are read as Markdown tables (one passage per row)
CHUNKER_VERSION = 45
SENTENCE_END = re.compile(r"[。！？!?；;…]+[”’」』）)\"']*")
CLAUSE_END = re.compile(r"[，,、：:]")
_HEADING_STOPS = ("。", "！", "？", "!", "?", "；", ";", "…", "，", ",", "、", "：", ":")


def content_id(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _lines(text: str) -> Iterable[tuple[int, int, int]]:
    """(line number, start, end) of each non-blank line, trimmed of surrounding whitespace."""
    pos = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped:
            start = pos + (len(line) - len(line.lstrip()))
            yield number, start, start + len(stripped)
        pos += len(line) + 1


def _pieces(text: str, start: int, end: int, pattern: re.Pattern, max_chars: int) -> list[tuple[int, int]]:
    """Cut text[start:end] after each match of `pattern`; pieces still too long are cut finer."""
    cuts, last = [], start
    for m in pattern.finditer(text, start, end):
        if m.end() > last:
            cuts.append((last, m.end()))
            last = m.end()
    if last < end:
        cuts.append((last, end))
    out = []
    for a, b in cuts:
        if b - a <= max_chars:
            out.append((a, b))
        elif pattern is SENTENCE_END:
            out.extend(_pieces(text, a, b, CLAUSE_END, max_chars))
        else:
            out.extend((i, min(i + max_chars, b)) for i in range(a, b, max_chars))
    return out


def _pack(pieces: list[tuple[int, int]], max_chars: int) -> list[tuple[int, int]]:
    """Join consecutive pieces into spans of balanced size, none longer than max_chars."""
    if not pieces:
        return []
    total = pieces[-1][1] - pieces[0][0]
    target = -(-total // -(-total // max_chars))  # ceil(total / number of spans needed)
    spans, cur = [], None
    for a, b in pieces:
        if cur and b - cur[0] <= max_chars and cur[1] - cur[0] < target:
            cur = (cur[0], b)
        else:
            if cur:
                spans.append(cur)
            cur = (a, b)
    spans.append(cur)
    return spans


CONTINUES = ("其中",)


def split_paragraph(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Spans of one paragraph, trimmed of whitespace; they tile the paragraph apart from that whitespace."""
    spans = []
    pieces: list[tuple[int, int]] = []
    for a, b in _pieces(text, start, end, SENTENCE_END, max_chars):
        if pieces and text[a:b].lstrip().startswith(CONTINUES) and b - pieces[-1][0] <= max_chars:
            pieces[-1] = (pieces[-1][0], b)  # 其中，…: a sentence that goes on from the one before stays with it
        else:
            pieces.append((a, b))
    for a, b in _pack(pieces, max_chars):
        piece = text[a:b]
        a2 = a + len(piece) - len(piece.lstrip())
        b2 = b - (len(piece) - len(piece.rstrip()))
        if b2 > a2:
            spans.append((a2, b2))
    return spans


def _is_heading(line: str, settings: ChunkSettings) -> bool:
    if line.startswith("#"):
        return True
    return len(line) <= settings.heading_max_chars and not line.endswith(_HEADING_STOPS)


def chunk_report(
    report: Report,
    articles: list[Article],
    settings: ChunkSettings = ChunkSettings(),
    captions: Iterable[str] = (),
) -> list[Chunk]:
    text = report.text
    captions = {c.strip() for c in captions}
    titles = {a.title.strip() for a in articles}
    lines = list(_lines(text))
    kinds = [_kind(text[s:e], settings, captions, titles) for _, s, e in lines]
    for i, kind in enumerate(kinds):
        nxt = kinds[i + 1] if i + 1 < len(kinds) else ""
        if kind == "heading" and nxt in ("caption", "title"):
            kinds[i] = "body"  # a short line broken off by a caption or a title is a fragment of a paragraph
        elif kind == "row" and nxt == "rule" and "|" in text[lines[i + 1][1]:lines[i + 1][2]]:
            kinds[i] = "header"  # a Markdown table's header row names the columns of the rows below
    for i, kind in enumerate(kinds):
        if kind != "heading":
            continue
        j = next((j for j in range(i + 1, len(kinds)) if kinds[j] not in ("furniture", "rule", "title")), None)
        if j is None or (kinds[j] == "heading" and _level(text[lines[j][1]:lines[j][2]])
                         <= _level(text[lines[i][1]:lines[i][2]])):
            kinds[i] = "body"  # the next heading replaces it before any passage: index it itself
    leads = _leads(text, lines, kinds, settings)
    chunks, heading, sections, header, lead, article_i = [], "", [], "", "", -1
    reviewed = after_review = False  # a top section reviewing the past has been read; one after it has begun
    shape = None  # how the article's top sections are titled (站在新起点：2012年工作回顾: a 5-character lead and a colon)
    for paragraph, ((number, s, e), kind) in enumerate(zip(lines, kinds), start=1):
        art = _article_at(articles, number)
        if art != article_i:
            article_i, heading, sections = art, "", []
            reviewed = after_review = False
            shape = None
        article = articles[art] if articles else Article("", "", 1, number)
        line = text[s:e]
        if kind in ("title", "furniture", "rule"):
            continue
        if kind == "header":
            header = line
            continue
        if kind != "row":  # a table's header and caption hold for its rows only
            header, lead = "", leads.get(paragraph - 1, "")
        if kind == "heading":
            heading = line.lstrip("#").strip().strip("*").strip()
            # a heading titled as the top sections are (开启新征程：… after 站在新起点：…回顾) is one of them
            if is_section(line) or (shape is not None and _shape(heading) == shape):
                level = _level(line) if is_section(line) else 1
                if level == 1 and shape is None and not _SECTION.match(line):  # titled, not numbered
                    shape = _shape(heading)
                sections = [(lv, h) for lv, h in sections if lv < level] + [(level, heading)]
                if level == 1:
                    after_review = reviewed and not REVIEW.search(heading)
                    reviewed = reviewed or bool(REVIEW.search(heading))
            continue
        section = " › ".join(h for _, h in sections)
        year, period_kind = period(section, line, article, after_review)
        for a, b in split_paragraph(text, s, e, settings.max_chars):
            citation = Citation(
                file=report.path, title=article.title, region=article.region, paragraph=paragraph,
                line_start=number, line_end=number, char_start=a, char_end=b, page=_page(report, a),
                row=report.row, year=article.year,
            )
            context = heading if kind != "caption" else ""
            if kind == "row" and lead:
                context = f"{context} {lead}".strip()
            if kind == "row" and header:
                context = f"{context} {header}".strip()
            chunk = Chunk(id="", text=text[a:b], heading=context, kind=kind, citation=citation,
                          section=section if kind != "caption" else "", period_year=year, period_kind=period_kind)
            chunks.append(replace(chunk, id=content_id(chunk.embed_text)))
    return chunks


def _leads(text: str, lines: list, kinds: list[str], settings: ChunkSettings) -> dict[int, str]:
    """Short lines ending in a colon right above a table (克尔赛村基础设施成效：), by line position: the caption of the
    rows below, which name neither the place nor the thing they give figures of. (Not above a list: its items say
    more of themselves, and the lead sentence is often the answer they would crowd out.)"""
    out = {}
    for i, kind in enumerate(kinds):
        line = text[lines[i][1]:lines[i][2]].replace("**", "").strip().lstrip("#").strip()
        if kind != "body" or not line.endswith(("：", ":")):
            continue
        lead = line.rstrip("：:").strip()
        j = next((j for j in range(i + 1, len(kinds)) if kinds[j] not in ("furniture", "rule")), None)
        if lead and len(lead) <= settings.heading_max_chars and j is not None and kinds[j] in ("header", "row"):
            out[i] = lead
    return out


RULE = re.compile(r"[-=*_]{3,}|\|?(\s*:?-{3,}:?\s*\|)+\s*:?-*:?\s*")
_ITEM = re.compile(r"([-*+•·]\s|\d{1,2}[.、)）]\s?|[（(]\d{1,2}[)）])")
_SECTION = re.compile(r"#{1,2}\s|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+[部分章]")
_SECTION_WORDS = re.compile(r"回顾|目标任务|主要目标|预期目标|重点工作|主要工作|工作安排|总体要求|发展成就")
_SUBHEADING = re.compile(r"[（(]|[一二三四五六七八九十]+是")


def _shape(heading: str) -> int | None:
    """Where a titled heading's lead ends (its colon, within the first few characters), else None."""
    at = min((heading.find(c) for c in "：:" if c in heading), default=-1)
    return at if 2 <= at <= 8 else None


def _level(heading: str) -> int:
    """1 for 一、/# , 2 for ##, …; 99 for a heading that is no section (it nests under all of them)."""
    return (len(heading) - len(heading.lstrip("#")) or 1) if is_section(heading) else 99


def is_section(line: str) -> bool:
    """A top-level heading: 一、2024年工作回顾, ## 概述, or a titled part of a work report (2026年重点工作)."""
    return bool(_SECTION.match(line) or (_SECTION_WORDS.search(line) and not _SUBHEADING.match(line)))


def _kind(line: str, settings: ChunkSettings, captions: set[str], titles: set[str]) -> str:
    if line in titles or line.lstrip("#").strip().strip("*").strip() in titles:
        return "title"
    if line in captions:
        return "caption"
    if FURNITURE.fullmatch(line):
        return "furniture"
    if RULE.fullmatch(line):
        return "rule"
    if line.startswith("|") or " | " in line:
        return "row"  # a table row (Markdown, or a docx/html row joined with " | ")
    if _ITEM.match(line):
        return "item"
    return "heading" if _is_heading(line, settings) else "body"


def _article_at(articles: list[Article], line: int) -> int:
    for i, art in enumerate(articles):
        if art.start_line <= line <= art.end_line:
            return i
    return 0


def _page(report: Report, offset: int) -> int | None:
    if not report.pages:
        return None
    return bisect.bisect_right(report.pages, offset)

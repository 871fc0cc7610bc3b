"""The corpus catalog (corpus/catalog.json): titles, regions, article boundaries and captions of each report.

Reports are never rewritten, so what the layout of a page does not say (where a second article starts, which
line is a photo caption) is said here, keyed by the report's file name:

    {"reports": {"page.txt": {"articles": [{"title": "...", "region": "盐湖区", "starts_at": "first words"}],
                              "captions": ["盐湖区常平村忠义街"]}}}
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ruralqa.errors import CorpusError
from ruralqa.types import Article

CATALOG_NAME = "catalog.json"
# A place name: two to six Chinese characters ending in an administrative suffix.
PLACE = re.compile(r"[\u4e00-\u9fff]{2,6}?(?:自治州|自治县|省|市|县|区|旗|乡|镇|村)")
# In running text, a place starts after punctuation or after the larger place that contains it (盐湖区常平村).
PLACE_IN_TEXT = re.compile(
    r"(?:(?<=[^\u4e00-\u9fff])|(?<=^)|(?<=[县区市乡镇]))([\u4e00-\u9fff]{2,3}?(?:县|区|市|旗|乡|镇|村))")
_NOT_PLACE_START = set("全该本各每城乡村县区市镇省农我其此新老社小大同两一二三四五六七八九十百千万亿")
_NOT_IN_PLACE = set("各所全该本每个行政农城和的了在与对把将等为是有以")


@dataclass
class ReportEntry:
    articles: list[dict] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)


def load(corpus_dir: Path) -> dict[str, ReportEntry]:
    path = corpus_dir / CATALOG_NAME
    if not path.exists():
        return {}
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        reports = raw.get("reports", {})
        return {name: ReportEntry(list(v.get("articles", [])), list(v.get("captions", [])))
                for name, v in reports.items()}
    except (json.JSONDecodeError, UnicodeDecodeError, AttributeError, TypeError) as exc:
        raise CorpusError(f"{path} is not a valid catalog ({exc}); fix its JSON or remove it") from None


def save(corpus_dir: Path, entries: dict[str, ReportEntry]) -> None:
    path = corpus_dir / CATALOG_NAME
    body = {"reports": {name: {"articles": e.articles, "captions": e.captions}
                        for name, e in sorted(entries.items())}}
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def places_in(text: str) -> set[str]:
    """Village, township and county names in running text (常平村, 王显乡, 云冈区)."""
    found = set()
    for m in PLACE_IN_TEXT.finditer(text):
        name = m.group(1)
        stem = name[:-1]
        if _function_word(text[m.end(1) - 1:m.end(1) + 1], "nvad"):
            continue  # 乡村, 乡邻, 村民: the suffix begins a word, so this is no place name
        if (set(stem) & _NOT_IN_PLACE or name[0] in _NOT_PLACE_START or _function_word(stem)
                or _function_word(stem[:2]) or _function_word(stem[:1], "pv")):
            continue  # 推动乡村, 实现乡村: a verb before 乡/村 is not a place
        found.add(name)
    return found


def _function_word(word: str, tags: str = "vpdcrau") -> bool:
    """True for verbs, prepositions, adverbs and the like according to jieba's tagged dictionary."""
    from ruralqa.lexical import word_tags

    tag = word_tags().get(word, "")
    return bool(tag) and tag[0] in tags


def guess_region(text: str) -> str:
    """The first county/district-level place named in the text, e.g. 万荣县 or 云冈区."""
    for m in PLACE.finditer(text):
        name = m.group(0)
        if name[0] not in _NOT_PLACE_START and name[-1] in "县区市旗州":
            return name
    return ""


def articles_for(text: str, entry: ReportEntry | None, fallback_title: str) -> list[Article]:
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
        region = spec.get("region") or guess_region(title) or guess_region(body[:500])
        articles.append(Article(title=title, region=region, start_line=starts[i], end_line=end))
    return articles


def entry_from_text(text: str, file_name: str) -> ReportEntry:
    """What `ruralqa add` records for a new report: its title (first short line) and region."""
    title = first_title(text) or Path(file_name).stem
    return ReportEntry(articles=[{"title": title, "region": guess_region(title) or guess_region(text[:500])}])


def first_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 60 and not line.endswith(("。", "！", "？")) else ""
    return ""

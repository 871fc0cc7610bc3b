"""Document context: a report's title, its articles and the region each one is about, from the text and the catalog."""

from __future__ import annotations

from pathlib import Path

from ruralqa.corpus.catalog import ReportEntry
from ruralqa.text.places import guess_region
from ruralqa.types import Article


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


def report_articles(text: str, path: str, entry: ReportEntry | None) -> list[Article]:
    """The articles of a report, titled from the catalog, else its first line, else its file name."""
    return articles_for(text, entry, first_title(text) or Path(path).stem)


def entry_from_text(text: str, file_name: str, title: str | None = None, region: str | None = None) -> ReportEntry:
    """What `ruralqa add` records for a new report: its title (given, or the first short line) and region (given,
    or guessed from the title, or from the text's beginning when no title was given)."""
    found_title = first_title(text) or Path(file_name).stem
    found_region = guess_region(found_title) or guess_region(text[:500])
    if title:
        found_title = title
    if region or title:
        found_region = region or guess_region(title) or found_region
    return ReportEntry(articles=[{"title": found_title, "region": found_region}])


def first_title(text: str) -> str:
    for line in text.split("\n"):
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line) <= 60 and not line.endswith(("。", "！", "？")) else ""
    return ""

"""Plain frozen dataclasses passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Report:
    """A report's text as ruralqa reads it; every citation offset points into `text`."""

    path: str  # relative to the corpus folder, with forward slashes
    text: str  # decoded (txt/md) or extracted (html/docx/pdf) text
    sha256: str  # of the file's bytes
    format: str  # txt, md, html, docx, pdf
    encoding: str  # how the bytes were decoded, or the extractor used
    pages: tuple[int, ...] = ()  # pdf: offset in `text` where each page starts
    row: int | None = None  # spreadsheets of reports: the 1-based data row (over all sheets) whose cell `text` is
    title: str = ""  # what the file itself says: a title column, docx core properties
    place: str = ""  # a place column
    date: str = ""  # a date or year column, docx creation date
    sheet: str = ""  # workbooks: the sheet the row is on
    warning: str = ""  # what of the file was not read (bad lines of a .jsonl), said once for the file


@dataclass(frozen=True)
class Article:
    """A titled part of a report; a newspaper page may hold several."""

    title: str
    region: str
    start_line: int  # 1-based, inclusive
    end_line: int  # 1-based, inclusive
    year: int | None = None  # the year the report was delivered or published
    place_note: str = ""  # why `region` is uncertain ("" when the report says it plainly)


@dataclass(frozen=True)
class Citation:
    file: str
    title: str
    region: str
    paragraph: int  # 1-based count of non-empty lines in the file's text
    line_start: int  # 1-based
    line_end: int
    char_start: int  # text[char_start:char_end] == chunk text
    char_end: int
    page: int | None = None  # pdf only, 1-based
    row: int | None = None  # spreadsheets of reports: the data row; offsets are inside that row's text cell
    year: int | None = None  # the year the report was delivered or published

    def label(self) -> str:
        lines = f"L{self.line_start}" if self.line_start == self.line_end else f"L{self.line_start}-{self.line_end}"
        parts = [self.title or self.file, self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.page is not None:
            parts.append(f"p.{self.page}")
        parts += [f"¶{self.paragraph}", lines, f"chars {self.char_start}:{self.char_end}"]
        return " · ".join(parts)


@dataclass(frozen=True)
class Chunk:
    id: str  # content hash of what gets embedded
    text: str
    heading: str  # nearest heading above (a table's caption and column names for a table row); "" if none
    kind: str  # body, caption, row (of a table) or item (of a list)
    citation: Citation
    section: str = ""  # the top-level section heading above (一、2024年工作回顾)
    period_year: int | None = None  # the year the passage speaks of
    period_kind: str = ""  # achieved (results reported) or target (goals set); "" when unknown

    @property
    def context(self) -> str:
        """Place, period and section path: what the passage does not say about itself (甘肃省 2024年 一、2024年工作回顾)."""
        year = f"{self.period_year}年" if self.period_year and f"{self.period_year}年" not in self.section else ""
        parts = [self.citation.region, year, self.section, self.heading if self.heading not in self.section else ""]
        return " ".join(p for p in parts if p)

    @property
    def table_row(self) -> bool:
        """A table row under its header (the column names end its heading: `| 地类 | 2022年 | 2035年 |`)."""
        return self.kind == "row" and "|" in self.heading

    @property
    def embed_text(self) -> str:
        """What the encoders and BM25 see: region and heading give the passage its context."""
        return f"{self.context}：{self.text}" if self.context else self.text


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    dense_score: float | None = None
    bm25_score: float | None = None
    also: tuple[Citation, ...] = ()  # other places that say exactly the same text (collapsed into this hit)


@dataclass(frozen=True)
class Answer:
    text: str  # the span as written in the report
    sentence: str
    citation: Citation  # offsets of the span itself
    sentence_citation: Citation
    confidence: float
    value: float | None = None  # normalized quantity, e.g. 300000000
    unit: str | None = None  # e.g. 元
    place: str = ""  # the place of the passage's report or article
    year: int | None = None  # the year the passage speaks of
    kind: str = ""  # achieved or target; "" when the report does not say
    checks: tuple[str, ...] = ()  # the checks the answer passed (place, period, kind, unit, record)
    shown: str = ""  # as a reader should take it: ≥10亿斤 for a bound, +24.2斤 for a change
    qualifier: str = ""  # a figure's: exact, bound, change, average, cumulative, share
    metric: str = ""  # what the figure measures, as its sentence says
    form: str = "figure"  # figure, name, or sentence (no whole name of the kind asked stands: the sentence says it)


@dataclass(frozen=True)
class QAResult:
    """One question answered: the passages found and the answer extracted from them (None: the reports do not say)."""

    question: str
    mode: str
    hits: list[Hit]
    answer: Answer | None
    model: str
    reranker: str | None = None
    notices: tuple[str, ...] = ()  # what was done to the question (cut to length)
    terms: tuple[str, ...] = ()  # the question's content words, as matched (the page highlights them)
    per_place: tuple[tuple[str, Answer | None], ...] = ()  # a question naming several places: each one's answer


@dataclass
class IndexSummary:
    """What `ruralqa index` did; printed as a summary or as JSON."""

    reports_added: list[str] = field(default_factory=list)
    reports_changed: list[str] = field(default_factory=list)
    reports_removed: list[str] = field(default_factory=list)
    reports_unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # files in the corpus folder that are no reports ruralqa reads
    warnings: dict[str, str] = field(default_factory=dict)  # reports read, but not exactly as written
    chunks_embedded: int = 0
    chunks_reused: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    seconds: float = 0.0
    index_type: str = ""
    up_to_date: bool = False

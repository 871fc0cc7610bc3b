"""Spreadsheets of reports (.csv, .tsv, .xlsx, .xls, .jsonl): every row a report of its own.

The columns are found the way a person reading the sheet would find them, by what their cells hold, not by their
names: the text is the column of long cells, the year a column of years, the place columns of division names
(province, prefecture, county: 河北 / 保定 / 满城), the title a column of short distinct names that the rows' texts
begin with. The catalog can name any of them for one file ({"columns": {"text": "报告全文"}}), and
--text-column names the text column for every spreadsheet. Every sheet of a workbook that has a text column is read.

A report's `row` is its data row counted over the file's sheets in order (header rows not counted), so that
row N of a one-sheet file is the N-th row below its header; rows without text are counted but give no report.
"""

from __future__ import annotations

import io
import re
import statistics
from dataclasses import dataclass, field

from ruralqa.errors import ReportError
from ruralqa.types import Report

_YEAR_CELL = re.compile(r"\s*(19[5-9]\d|20\d\d)(?:\s*年|[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?:[ T][\d:.]+)?)?\s*")
_NUMBER = re.compile(r"\s*[-+]?[\d,]+(?:\.\d+)?\s*%?\s*")
_LINK = re.compile(r"\s*(?:https?://|www\.)\S*\s*")  # a web address: where a report came from, never its title
# A header that says its column holds titles (title, 标题, 题名, 报告名称).
_TITLE_HEADER = re.compile(r"(?i)\s*(?:title|name|(?:报告|文件|文章)?(?:标题|题目|题名|名称))\s*")
LONG_TEXT = 200  # a text column has cells this long (a title or place never has), or holds sentences


@dataclass
class Sheet:
    name: str
    header: list[str]
    rows: list[dict[str, str]]


@dataclass(frozen=True)
class Columns:
    text: str
    title: str | None = None
    places: tuple[str, ...] = ()  # largest division first
    year: str | None = None


@dataclass
class Read:
    """What a spreadsheet gave: its reports, how it was decoded, and what was skipped (one line, or "")."""

    reports: list[Report] = field(default_factory=list)
    encoding: str = ""
    warning: str = ""


def read_sheets(data: bytes | str, fmt: str, name: str) -> tuple[list[Sheet], list[int]]:
    """The sheets of a file (one for csv/tsv/jsonl) and, for jsonl, the numbers of lines that are not a JSON
    object (skipped)."""
    if fmt in ("csv", "tsv"):
        import csv

        csv.field_size_limit(1 << 30)
        reader = csv.DictReader(io.StringIO(data, newline=""), delimiter="," if fmt == "csv" else "\t")
        try:
            rows = [{(k or "").strip(): v or "" for k, v in row.items()} for row in reader]
        except csv.Error as exc:
            raise ReportError(name, f"is not a readable {fmt.upper()} file ({exc}); re-export it") from None
        return [Sheet("", [(h or "").strip() for h in reader.fieldnames or []], rows)], []
    if fmt == "jsonl":
        import json

        rows, bad, header = [], [], {}
        for n, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                obj = None
            if not isinstance(obj, dict):
                bad.append(n)
                continue
            row = {str(k): "" if v is None else str(v) for k, v in obj.items()}
            header.update(dict.fromkeys(row))
            rows.append(row)
        return [Sheet("", list(header), rows)], bad
    if fmt == "xls":
        return _xls_sheets(data, name), []
    try:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zip, XML and its own errors for damaged files
        raise ReportError(name, f"is not a readable .xlsx ({type(exc).__name__}); re-save it") from None
    sheets = []
    for ws in book.worksheets:
        values = list(ws.iter_rows(values_only=True))
        if not values:
            continue
        header = [_cell(h).strip() for h in values[0]]
        rows = [{h: _cell(v) for h, v in zip(header, row) if h} for row in values[1:]]
        sheets.append(Sheet(ws.title, [h for h in header if h], rows))
    return sheets, []


def _xls_sheets(data: bytes, name: str) -> list[Sheet]:
    """An Excel 97–2003 workbook (.xls), read with xlrd; dates are given as dates, as for .xlsx."""
    try:
        import xlrd
    except ImportError:
        raise ReportError(name, "is an .xls workbook, which needs xlrd: pip install xlrd (or save it as .xlsx)") \
            from None
    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:  # xlrd raises its own XLRDError and struct/compound-document errors for damaged files
        raise ReportError(name, f"is not a readable .xls ({type(exc).__name__}); re-save it") from None
    sheets = []
    for ws in book.sheets():
        values = [[_xls_cell(ws.cell(r, c), book.datemode) for c in range(ws.ncols)] for r in range(ws.nrows)]
        if not values:
            continue
        header = [h.strip() for h in values[0]]
        rows = [{h: v for h, v in zip(header, row) if h} for row in values[1:]]
        sheets.append(Sheet(ws.name, [h for h in header if h], rows))
    return sheets


def _xls_cell(cell, datemode: int) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return _cell(xlrd.xldate.xldate_as_datetime(cell.value, datemode).date())
    return _cell(cell.value) if cell.ctype != xlrd.XL_CELL_EMPTY else ""


def _cell(value) -> str:
    """A cell as text: 2024.0 → 2024, a date → 2024-03-05."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def find_columns(sheet: Sheet, named: dict | None = None) -> Columns | None:
    """The sheet's columns by role, those `named` (catalog, --text-column) first; None when no column holds long
    text (a sheet of figures, not of reports)."""
    named = named or {}
    cells = {h: [r.get(h, "").strip() for r in sheet.rows] for h in sheet.header}
    filled = {h: [c for c in v if c] for h, v in cells.items()}
    for role in ("text", "title", "year"):
        if named.get(role) and named[role] not in cells:
            raise ValueError(f"has no column {named[role]!r} (columns: {', '.join(sheet.header)})")
    text = named.get("text") or _text_column(filled)
    if text is None:
        return None
    rest = [h for h in sheet.header if h != text and filled[h]]
    year = named.get("year") or _best(rest, filled, _year_share, 0.8)
    places = tuple(named["place"]) if isinstance(named.get("place"), list) else (
        (named["place"],) if named.get("place") else _place_columns([h for h in rest if h != year], filled))
    title = named.get("title") or _title_column([h for h in rest if h != year and h not in places], cells,
                                                cells[text])
    return Columns(text=text, title=title, places=places, year=year)


def _text_column(filled: dict[str, list[str]]) -> str | None:
    """The column of long text: the largest median cell, if its longest cells are as long as a report's, or
    (a sheet of short items) it holds sentences, twice as long as any other column's."""
    words = {h: v for h, v in filled.items() if v and _year_share(v) < 0.8 and not _numbers(v)}
    scored = sorted(((statistics.median(len(c) for c in v), h) for h, v in words.items()), reverse=True)
    if not scored:
        return None
    median, h = scored[0]
    if max(len(c) for c in filled[h]) >= LONG_TEXT:
        return h
    sentences = sum(1 for c in filled[h] if re.search(r"[。；！？]", c)) >= 0.5 * len(filled[h])
    longer = len(scored) == 1 or median >= 2 * scored[1][0]
    return h if sentences and longer else None


def _numbers(values: list[str]) -> bool:
    return sum(1 for v in values if _NUMBER.fullmatch(v)) > 0.8 * len(values)


def _best(headers: list[str], filled: dict[str, list[str]], share, threshold: float) -> str | None:
    scored = [(share(filled[h]), h) for h in headers]
    scored = [(s, h) for s, h in scored if s >= threshold]
    return max(scored)[1] if scored else None


def _year_share(values: list[str]) -> float:
    return sum(1 for v in values if _YEAR_CELL.fullmatch(v)) / len(values)


def _place_columns(headers: list[str], filled: dict[str, list[str]]) -> tuple[str, ...]:
    """Columns whose cells are mostly names of divisions, the largest division first."""
    from ruralqa.text import gazetteer

    level = {"province": 0, "city": 1, "county": 2}
    out = []
    for h in headers:
        values = filled[h]
        found = [gazetteer.named(v) for v in values]
        hits = [f for f in found if f]
        if len(hits) >= 0.6 * len(values):
            levels = [min(level[d.level] for d in f) for f in hits]
            out.append((statistics.median(levels), h))
    return tuple(h for _, h in sorted(out))


def _title_column(headers: list[str], cells: dict[str, list[str]], texts: list[str]) -> str | None:
    """A column of short, mostly distinct names (not web addresses or dates); one whose header says so, else the one the
    rows' texts begin with (or name) most often."""
    best = None
    for h in headers:
        values = [v for v in cells[h] if v]
        if not values or sum(1 for v in values if _NUMBER.fullmatch(v) or _LINK.fullmatch(v)
                             or _YEAR_CELL.fullmatch(v)) > 0.2 * len(values):
            continue
        median = statistics.median(len(v) for v in values)
        distinct = len(set(values)) / len(values)
        if not 2 <= median <= 100 or distinct < 0.5:
            continue
        named = sum(1 for v, t in zip(cells[h], texts) if v and t and v[:12] in t[:1000]) / len(values)
        score = (bool(_TITLE_HEADER.fullmatch(h)), named, distinct, median)
        if best is None or score > best[0]:
            best = (score, h)
    return best[1] if best else None


_ESCAPED_BREAKS = re.compile(r"\\r\\n|\\n|\\r")


def cell_text(value: str) -> str:
    """A text cell as the report's text: line breaks that an export wrote as the characters \\r\\n become line
    breaks (the report's paragraphs), only where the cell has no real ones."""
    if "\n" not in value.strip() and _ESCAPED_BREAKS.search(value):
        return _ESCAPED_BREAKS.sub("\n", value)
    return value


def reports(data: bytes | str, rel: str, fmt: str, digest: str, encoding: str, text_column: str | None = None,
            named: dict | None = None) -> Read:
    """The reports in a spreadsheet, one per row with text. Raises ReportError naming the file and the fix."""
    named = dict(named or {})
    if text_column and not named.get("text"):
        named["text"] = text_column
    sheets, bad = read_sheets(data, fmt, rel)
    if fmt == "jsonl" and not any(s.rows for s in sheets):
        raise ReportError(rel, f"has no line that is a JSON object (line {bad[0]} is not)"
                               "; write one report object per line" if bad else "has no rows; put one report per line")
    if not any(s.rows for s in sheets):
        raise ReportError(rel, "has a header but no rows; put one report per row")
    out, row, skipped_sheets = Read(encoding=encoding), 0, []
    for sheet in sheets:
        try:
            cols = find_columns(sheet, named)
        except ValueError as exc:
            raise ReportError(rel, f"{exc}; name the column that holds the report's text with --text-column "
                                   "or in the catalog") from None
        if cols is None:
            skipped_sheets.append(sheet.name)
            row += len(sheet.rows)
            continue
        for r in sheet.rows:
            row += 1
            text = cell_text(r.get(cols.text, ""))
            if not text.strip():
                continue
            out.reports.append(Report(
                path=rel, text=text, sha256=digest, format=fmt, encoding=encoding, row=row, sheet=sheet.name,
                title=r.get(cols.title, "").strip() if cols.title else "",
                place=" ".join(r.get(h, "").strip() for h in cols.places),
                date=r.get(cols.year, "").strip() if cols.year else ""))
    if not out.reports:
        where = "its sheets" if len(sheets) > 1 else "it"
        raise ReportError(rel, f"has no column of report text in {where} (no cells of {LONG_TEXT}+ characters; "
                               f"columns: {', '.join(sheets[0].header)}); name the text column with --text-column "
                               "or in the catalog")
    notes = []
    if bad:
        notes.append(f"line(s) {', '.join(map(str, bad[:10]))}{' …' if len(bad) > 10 else ''} are not JSON objects "
                     "and were skipped; fix them and index again")
    if skipped_sheets and len(sheets) > 1:
        notes.append(f"sheet(s) {', '.join(skipped_sheets)} have no column of report text and were not read")
    out.warning = "; ".join(notes)
    return out

"""Text extraction for report formats that are not plain text: HTML, Word (.docx; .doc and .wps through a
converter), and PDF.

Each returns text with one paragraph per line, which the chunker then cites into.
"""

from __future__ import annotations

import contextvars
import io
import logging
import re
import warnings
import zipfile
from contextlib import contextmanager

from ruralqa.errors import ReportError

_BLOCKS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "pre", "blockquote", "dd", "dt",
           "figcaption", "caption"]
_NOISE = ["script", "style", "nav", "header", "footer", "aside", "noscript", "form", "iframe", "svg", "button",
          "template"]
_SPACES = re.compile(r"[ \t\r\f\v\u3000\xa0]+")
_SENTENCE_END = "。！？；!?;：:”」』)）"


def _clean(line: str) -> str:
    return _SPACES.sub(" ", line).strip()


def html_text(raw: str) -> str:
    """Main text of a web page: navigation, scripts and page furniture are dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup.find_all(_NOISE):
        tag.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    lines = []
    for el in root.find_all(_BLOCKS):
        if el.find(_BLOCKS):  # an outer block: its inner blocks give the lines
            continue
        line = _clean(el.get_text(""))
        if line:
            lines.append(line)
    if not lines:
        lines = [_clean(x) for x in root.get_text("\n").splitlines() if _clean(x)]
    return "\n".join(lines) + "\n" if lines else ""


_HTML_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_NUMBER_CELL = re.compile(r"[-+]?\d[\d,.]*\s*%?")
HEADER_ROWS_MAX = 3  # a table's header spans at most these rows (地类 | 现状基期年 above 面积 | 比重)


def markdown_text(text: str) -> str:
    """A Markdown report with the HTML tables PDF converters write into it (MinerU: <table><tr><td rowspan=…>) as
    Markdown tables: one line per row, its header rows merged into one above a rule, so that the chunker reads each
    row as a passage under its column names, as it reads a table written in Markdown."""
    return _HTML_TABLE.sub(lambda m: "\n" + "\n".join(html_table_lines(m.group(0))) + "\n", text)


def html_table_lines(html: str) -> list[str]:
    """An HTML table as Markdown lines. A cell spanning rows is repeated in each (农业用地 beside each land it
    divides); one spanning columns is repeated across them in the header (现状基期年 over 面积 and 比重), said once
    in a row."""
    from bs4 import BeautifulSoup

    grid: list[list[str]] = []
    below: dict[tuple[int, int], str] = {}  # (row, column) a cell spanning rows fills
    for r, tr in enumerate(BeautifulSoup(html, "html.parser").find_all("tr")):
        row: list[str] = []
        for cell in tr.find_all(["td", "th"]):
            while (r, len(row)) in below:
                row.append(below.pop((r, len(row))))
            text = _clean(cell.get_text(" ")).replace("|", "｜")
            rows, cols = _span(cell, "rowspan"), _span(cell, "colspan")
            for c in range(cols):
                for k in range(1, rows):
                    below[(r + k, len(row))] = text
                row.append(text if c == 0 or r == 0 else f"\x00{text}")  # marked: a header's, or said once
        while (r, len(row)) in below:
            row.append(below.pop((r, len(row))))
        grid.append(row)
    grid = [row for row in grid if any(row)]
    if not grid:
        return []
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    heads = 1  # leading rows without a number are the header (a year names a column: 2022年 is no number)
    while heads < min(len(grid) - 1, HEADER_ROWS_MAX) and not any(_NUMBER_CELL.fullmatch(c) for c in grid[heads]):
        heads += 1
    header = ["".join(dict.fromkeys(grid[i][j].lstrip("\x00") for i in range(heads) if grid[i][j].lstrip("\x00")))
              for j in range(width)]
    rows = [[c if not c.startswith("\x00") else "" for c in row] for row in grid[heads:]]
    return ["| " + " | ".join(cells) + " |" for cells in [header, ["---"] * width, *rows]]


def _span(cell, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name, 1)), 100))
    except (TypeError, ValueError):
        return 1


def docx_text(data: bytes, name: str) -> str:
    """Paragraphs and tables of a Word file, in document order; a table row becomes one line."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReportError(name, f"is not a readable .docx (truncated or damaged: {exc}); re-save it from Word") from None
    except Exception as exc:  # python-docx raises assorted lxml/package errors for damaged files
        raise ReportError(name, f"is not a readable .docx ({type(exc).__name__}); re-save it from Word") from None
    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            line = _clean(Paragraph(child, document).text)
            if line:
                lines.append(line)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells = [_clean(c.text) for c in row.cells]
                if any(cells):
                    lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n" if lines else ""


# Converters for Word 97–2003 (.doc) and WPS (.wps) files, tried in order: Debian's antiword and catdoc, then
# LibreOffice where installed. Each prints (or writes) plain text, one paragraph per line.
OLD_WORD_TOOLS = (
    ("antiword", ["antiword", "-m", "UTF-8.txt", "-w", "0", "{file}"]),
    ("catdoc", ["catdoc", "-d", "utf-8", "-w", "{file}"]),
    ("soffice", ["soffice", "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", "{out}", "{file}"]),
)
CONVERT_TIMEOUT = 120  # seconds one converter may take on one file
_BINARY = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def old_word_text(data: bytes, name: str, suffix: str) -> tuple[str, str]:
    """Text of a Word 97–2003 or WPS file through the first converter installed that reads it; (text, encoding
    note naming the converter)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    found = [(tool, argv) for tool, argv in OLD_WORD_TOOLS if shutil.which(argv[0])]
    if not found:
        raise ReportError(name, f"is an old Word/WPS file ({suffix}); install a converter (apt install antiword "
                                "catdoc, or LibreOffice) or save it as .docx")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"report{suffix}"
        src.write_bytes(data)
        for tool, argv in found:
            cmd = [a.format(file=src, out=tmp) for a in argv]
            try:
                done = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, cwd=tmp)
            except subprocess.TimeoutExpired:
                problems.append(f"{tool} took over {CONVERT_TIMEOUT} s")
                continue
            raw = (Path(tmp) / "report.txt").read_bytes() if tool == "soffice" and (Path(tmp) / "report.txt").exists() \
                else done.stdout
            text = raw.decode("utf-8", "replace")
            lines = [_clean(x) for x in text.splitlines()]
            lines = [x for x in lines if x and not x.startswith("[pic]")]
            # catdoc prints a file it cannot parse as it is: control characters mean it was no document
            if done.returncode == 0 and not _BINARY.search(text) and any(re.search(r"[\u4e00-\u9fff\w]", x)
                                                                         for x in lines):
                return "\n".join(lines) + "\n", f"doc/{tool}"
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()
            problems.append(f"{tool}: {said[-1] if said else 'no text'}")
    raise ReportError(name, f"could not be read as {suffix} ({'; '.join(problems)}); open it and save it as .docx")


def _unwrap(page_text: str) -> list[str]:
    """Join a PDF page's visual lines into paragraphs: a line ending a sentence, or a short line, ends one."""
    raw = [_clean(x) for x in page_text.splitlines()]
    raw = [x for x in raw if x]
    if not raw:
        return []
    width = max(len(x) for x in raw)
    paragraphs, current = [], ""
    for line in raw:
        current += line if not current or not (current[-1].isascii() and line[0].isascii()) else " " + line
        if line.endswith(tuple(_SENTENCE_END)) or len(line) < 0.7 * width:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


_GARBAGE = re.compile(r"\(cid:\d+\)")  # glyphs without a Unicode mapping: a text layer that cannot be read


def pdf_text(data: bytes, name: str) -> tuple[str, tuple[int, ...], str, bool]:
    """Text of a PDF, one paragraph per line, the offset where each page begins, a warning ("" if none), and
    whether any page's text was recognized by OCR.
    Pages with no text layer, or one of unmapped glyphs, are recognized by OCR when the `ocr` extra is installed
    (decided page by page: a text PDF never pays for it); without it they are named in the warning, and a PDF with
    no readable page at all is refused in one line saying what to install."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with _quiet("pypdf"):  # pypdf logs its own complaints ("EOF marker not found"); ruralqa's message says it
            reader = PdfReader(io.BytesIO(data))
            page_texts = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ReportError(name, f"is not a readable PDF (damaged: {exc}); re-export it") from None
    blank = [i for i, t in enumerate(page_texts) if not t.strip() or len(_GARBAGE.findall(t)) * 8 > len(t)]
    recognized: list[int] = []
    if blank:
        ocr = _ocr_engine()
        if ocr is None and len(blank) == len(page_texts):
            raise ReportError(name, f"is a scanned PDF: {_pages(blank)} have no text layer; install OCR "
                                    "(pip install \"ruralqa[ocr]\") or run OCR on it first (ocrmypdf -l chi_sim)")
        if ocr is not None:
            for i, text in zip(blank, ocr_pages(data, blank, ocr)):
                page_texts[i] = text
                recognized.append(i)
    tables = pdf_tables(data, [i for i in range(len(page_texts)) if i not in recognized])
    text, starts = "", []
    for i, page_text in enumerate(page_texts):
        starts.append(len(text))
        outside, rows = tables.get(i, (page_text, []))
        for paragraph in [*_unwrap(outside), *rows]:
            text += paragraph + "\n"
    if recognized and not text.strip():
        raise ReportError(name, f"is a scanned PDF: {_pages(recognized)} have no text layer and OCR recognized no "
                                "text on them; check that the scan holds the report")
    if recognized:
        warning = (f"{_pages(recognized)} had no text layer; their text was recognized by OCR (RapidOCR), so check "
                   "a figure against the page")
    elif blank:
        warning = (f"{_pages(blank)} have no text layer and were left out; pip install \"ruralqa[ocr]\" to "
                   "recognize them")
    else:
        warning = ""
    return text, tuple(starts), warning, bool(recognized)


def pdf_tables(data: bytes, indexes: list[int]) -> dict[int, tuple[str, list[str]]]:
    """For each given page holding a ruled table (pdfplumber): (its text outside the tables, the tables' lines, a
    Markdown header and rule, then one line per row). A table that goes on from the page before, with its header
    repeated or not, keeps that header, so every row is read with its columns' names."""
    try:
        import pdfplumber
    except ImportError:
        return {}
    out: dict[int, tuple[str, list[str]]] = {}
    header: list[str] | None = None  # of the table the previous page ended with
    try:
        with _quiet("pdfminer"), pdfplumber.open(io.BytesIO(data)) as pdf:
            for i in indexes:
                page = pdf.pages[i]
                found = page.find_tables()
                if not found:
                    header = None
                    continue
                outside, lines = page, []
                for n, table in enumerate(found):
                    outside = outside.outside_bbox(table.bbox)
                    rows = [[_clean((c or "").replace("\n", "")) for c in row] for row in table.extract()]
                    rows = [r for r in rows if any(r)]
                    if not rows:
                        continue
                    goes_on = n == 0 and header is not None and len(rows[0]) == len(header)
                    if not goes_on or rows[0] == header:
                        header, rows = rows[0], rows[1:]
                    lines += [_row(header), "|" + "---|" * len(header), *(_row(r) for r in rows)]
                # the next page's first table goes on from this one only if this page ends with it
                ends_with_table = found[-1].bbox[3] >= 0.8 * page.height
                header = header if ends_with_table else None
                out[i] = (outside.extract_text() or "", lines)
    except Exception:  # a table the parser cannot read leaves the page to its text layer
        return out
    return out


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _pages(indexes: list[int]) -> str:
    nums = [i + 1 for i in indexes]
    return ("page " if len(nums) == 1 else "pages ") + ", ".join(str(n) for n in nums[:20]) + \
        (f" and {len(nums) - 20} more" if len(nums) > 20 else "")


OCR_DPI = 200  # rendering resolution for recognition: small CJK print needs about this
# Called with (pages recognized, pages to recognize) after each page: `ruralqa index` shows it as progress.
ocr_progress: contextvars.ContextVar = contextvars.ContextVar("ocr_progress", default=None)


def _ocr_engine():
    """RapidOCR (PP-OCR models inside its wheel, onnxruntime: offline), or None when the extra is not installed."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError:
        return None
    return RapidOCR()


def ocr_pages(data: bytes, indexes: list[int], engine) -> list[str]:
    """The recognized text of the given pages, lines in reading order (top to bottom, then left to right)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out = []
    for i in indexes:
        image = pdf[i].render(scale=OCR_DPI / 72).to_numpy()
        found, _ = engine(image)
        boxes = sorted(found or [], key=lambda r: (round(min(p[1] for p in r[0]) / 12), min(p[0] for p in r[0])))
        out.append("\n".join(text for _, text, _score in boxes))
        report = ocr_progress.get()
        if report:
            report(len(out), len(indexes))
    return out


@contextmanager
def _quiet(logger: str):
    log = logging.getLogger(logger)
    level = log.level
    log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        log.setLevel(level)


def docx_properties(data: bytes) -> dict[str, str]:
    """Title and creation date from a Word file's core properties ("" where absent or unreadable)."""
    try:
        import docx

        props = docx.Document(io.BytesIO(data)).core_properties
        return {"title": (props.title or "").strip(), "date": props.created.date().isoformat() if props.created else ""}
    except Exception:  # the text extraction reports a damaged file; properties are optional
        return {"title": "", "date": ""}

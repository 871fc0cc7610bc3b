"""Text extraction for report formats that are not plain text: HTML, Word (.docx) and PDF.

Each returns text with one paragraph per line, which the chunker then cites into.
"""

from __future__ import annotations

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


def pdf_text(data: bytes, name: str) -> tuple[str, tuple[int, ...]]:
    """Text layer of a PDF, one paragraph per line, and the offset where each page begins."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        with _quiet("pypdf"):  # pypdf logs its own complaints ("EOF marker not found"); ruralqa's message says it
            reader = PdfReader(io.BytesIO(data))
            page_texts = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise ReportError(name, f"is not a readable PDF (damaged: {exc}); re-export it") from None
    if not any(t.strip() for t in page_texts):
        raise ReportError(name, "is a PDF without a text layer (scanned images); run OCR on it first, "
                                "e.g. `ocrmypdf -l chi_sim in.pdf out.pdf`")
    text, starts = "", []
    for page_text in page_texts:
        starts.append(len(text))
        for paragraph in _unwrap(page_text):
            text += paragraph + "\n"
    return text, tuple(starts)


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

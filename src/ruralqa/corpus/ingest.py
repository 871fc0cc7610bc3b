"""Read reports of every supported format and encoding into text that citations can point into.

For .txt/.md the text is the file's decoded content (a UTF-8 or UTF-16 byte-order mark is not part of it), so
slicing it at a citation's offsets gives the passage. For .html/.docx/.doc/.pdf it is the extracted text, which the
index keeps beside its manifest so a citation can always be shown.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import replace
from pathlib import Path

from ruralqa.errors import ReportError
from ruralqa.text.normalize import is_han
from ruralqa.types import Report

TEXT_SUFFIXES = {".txt": "txt", ".md": "md", ".markdown": "md"}
HTML_SUFFIXES = {".html": "html", ".htm": "html"}
TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".xlsx": "xlsx", ".xls": "xls", ".jsonl": "jsonl"}
SUFFIXES = {**TEXT_SUFFIXES, **HTML_SUFFIXES, ".docx": "docx", ".doc": "doc", ".wps": "doc", ".pdf": "pdf",
            **TABLE_SUFFIXES}

# Characters a real Chinese report is made of; a decoding that yields much else is mojibake.
_PLAUSIBLE = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2000-\u206f\u00a0-\u00ff"
    r"\u2e80-\u2fdf\u31c0-\u31ef\ufe30-\ufe4f\s\x20-\x7e]"
)


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False


def _plausible(text: str) -> bool:
    """Real Chinese text is made of common characters; other bytes decoded as GB18030 give rare ones."""
    if not text:
        return True
    good = sum(1 for _ in _PLAUSIBLE.finditer(text))
    wide = [ch for ch in text if ord(ch) > 0x7F]
    common = sum(1 for ch in wide if _in_gb2312(ch))
    return good / len(text) >= 0.97 and (not wide or common / len(wide) >= 0.9)


def decode(data: bytes, name: str, errors: str = "strict") -> tuple[str, str]:
    """Return (text, encoding). Never guesses silently: mojibake is refused, not produced. With errors="replace"
    a UTF-8 file with a few bad bytes is read with U+FFFD in their place (the caller warns)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise ReportError(name, "looks like a binary file, not text (if it is UTF-16 text without a byte-order "
                                "mark, re-save it as UTF-8); convert it to UTF-8 text or remove it")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        bad = exc
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _plausible(text):
        return text, "gb18030"
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:  # Chinese-only UTF-16 has no zero bytes, and need not fail UTF-8 and GB18030 loudly
        return utf16
    if _mostly_utf8(data):
        if errors == "replace":
            return data.decode("utf-8", errors="replace"), "utf-8 (bad bytes replaced)"
        line = data.count(b"\n", 0, bad.start) + 1
        more = _bad_bytes(data) - 1
        raise ReportError(name, f"is UTF-8 except for byte {bad.start} (line {line}: 0x{data[bad.start]:02x})"
                                + (f" and {more} more" if more > 0 else "") + "; fix it, or pass "
                                "--encoding-errors replace to read it with the bad bytes replaced")
    raise ReportError(
        name, "cannot be decoded as UTF-8, UTF-16 (with BOM) or GB18030/GBK; re-save it as UTF-8"
    )


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte-order mark: the byte order whose decoding reads as Chinese text."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.strip() and _plausible(text) and any(map(is_han, text)):
            return text, encoding
    return None


def _bad_bytes(data: bytes) -> int:
    return data.decode("utf-8", errors="replace").count("\ufffd") - data.decode("utf-8", "ignore").count("\ufffd")


def _mostly_utf8(data: bytes) -> bool:
    """A UTF-8 file with a few stray bytes (not a file in another encoding): one, or 1 in 1,000."""
    return _bad_bytes(data) <= max(1, len(data) // 1000)


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReportError(name, f"has a {encoding} byte-order mark but invalid {encoding} at byte {exc.start}; "
                                "re-save it as UTF-8") from None


def read_report(path: Path, corpus_dir: Path) -> Report:
    """Read one report (the first, for a spreadsheet of reports); raises ReportError naming the file and the fix."""
    return read_reports(path, corpus_dir)[0]


def read_reports(path: Path, corpus_dir: Path, text_column: str | None = None,
                 encoding_errors: str = "strict", columns: dict | None = None) -> list[Report]:
    """The reports in one file: one, or one per row of a spreadsheet of reports (`columns`: the catalog's names
    for its columns by role). Raises ReportError naming the file and the fix."""
    rel = path.relative_to(corpus_dir).as_posix()
    if not inside(corpus_dir, path):
        raise ReportError(rel, OUTSIDE.format(target=path.resolve()))
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ReportError(rel, f"unsupported format {path.suffix!r}; use one of {', '.join(sorted(SUFFIXES))}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(rel, f"cannot be read ({exc.strerror}); check its permissions") from None
    if not data.strip():
        raise ReportError(rel, "is empty; add text to it or remove it")
    digest = hashlib.sha256(data).hexdigest()
    if fmt in TABLE_SUFFIXES.values():
        return _table_reports(data, rel, fmt, digest, text_column, encoding_errors, columns)
    pages: tuple[int, ...] = ()
    meta = {}
    if fmt in ("txt", "md"):
        text, encoding = decode(data, rel, encoding_errors)
        if fmt == "md" and "<table" in text.lower():
            from ruralqa.corpus.formats import markdown_text

            text = markdown_text(text)
    elif fmt == "html":
        from ruralqa.corpus.formats import html_text

        raw, encoding = decode(data, rel, encoding_errors)
        text = html_text(raw)
        encoding = f"html/{encoding}"
    elif fmt == "docx":
        from ruralqa.corpus.formats import docx_properties, docx_text

        text, encoding = docx_text(data, rel), "docx"
        meta = docx_properties(data)
    elif fmt == "doc":
        from ruralqa.corpus.formats import old_word_text

        text, encoding = old_word_text(data, rel, path.suffix.lower())
    else:
        from ruralqa.corpus.formats import pdf_text

        text, pages, pdf_warning, recognized = pdf_text(data, rel)
        encoding = "pdf+ocr" if recognized else "pdf"
        if pdf_warning:
            meta["warning"] = pdf_warning
    if not text.strip():
        raise ReportError(rel, "contains no text; check that it is a report and not an image or an empty page")
    return [Report(path=rel, text=text, sha256=digest, format=fmt, encoding=encoding, pages=pages, **meta)]


def _table_reports(data: bytes, rel: str, fmt: str, digest: str, text_column: str | None,
                   encoding_errors: str = "strict", columns: dict | None = None) -> list[Report]:
    from ruralqa.corpus import sheets

    if fmt in ("xlsx", "xls"):
        read = sheets.reports(data, rel, fmt, digest, f"{fmt}/{fmt}", text_column, columns)
    else:
        text, encoding = decode(data, rel, encoding_errors)
        read = sheets.reports(text, rel, fmt, digest, f"{fmt}/{encoding}", text_column, columns)
    if read.warning:
        read.reports[0] = replace(read.reports[0], warning=read.warning)
    return read.reports


# Formats people keep reports in that ruralqa cannot read, with what to convert them to.
CONVERT = {".rtf": ".docx", ".et": ".xlsx (in WPS: 另存为 Excel 工作簿)", ".dps": ".pdf (in WPS: 输出为 PDF)",
           ".ofd": ".pdf", ".caj": ".pdf"}


OUTSIDE = "is a link to {target}, outside the corpus folder; links must stay inside it (copy the report in instead)"


def inside(corpus_dir: Path, path: Path) -> bool:
    """Whether `path`, with every link followed, is inside the corpus folder: a link that leads out of it is never
    read, indexed or served."""
    try:
        return path.resolve().is_relative_to(corpus_dir.resolve())
    except (OSError, RuntimeError):  # a link loop
        return False


def list_reports(corpus_dir: Path) -> tuple[list[Path], dict[str, str]]:
    """Supported report files under the corpus folder, in a stable order, and the files skipped, each with why
    (an unsupported format, a link that leads nowhere, in a circle or out of the corpus folder). Hidden files and
    the catalog are left out."""
    files, skipped = [], {}
    root = corpus_dir.resolve()
    for path in sorted(_walk(corpus_dir, corpus_dir, root, set(), skipped)):
        rel = path.relative_to(corpus_dir).as_posix()
        if path.is_symlink() and not path.exists():
            skipped[rel] = "is a link to something that does not exist; fix or remove the link"
        elif not inside(corpus_dir, path):
            skipped[rel] = OUTSIDE.format(target=path.resolve())
        elif not path.is_file():
            continue
        elif is_supported(path):
            files.append(path)
        elif path.name != "catalog.json":
            better = CONVERT.get(path.suffix.lower())
            skipped[rel] = (f"unsupported format {path.suffix or '(none)'!r}" +
                            (f"; save it as {better}" if better else f"; use one of {', '.join(sorted(SUFFIXES))}"))
    return files, skipped


def _walk(folder: Path, corpus_dir: Path, root: Path, seen: set, skipped: dict[str, str]) -> list[Path]:
    """Entries below `folder`, following links to folders inside the corpus once each (a link loop is walked
    once, not forever); a link to a folder outside it is recorded in `skipped` and not entered."""
    try:
        key = folder.resolve()
    except (OSError, RuntimeError):
        return []
    if key in seen:
        return []
    seen.add(key)
    out = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:  # a link loop
            is_dir = False
        if is_dir and not entry.resolve().is_relative_to(root):
            skipped[entry.relative_to(corpus_dir).as_posix()] = OUTSIDE.format(target=entry.resolve())
        elif is_dir:
            out.extend(_walk(entry, corpus_dir, root, seen, skipped))
        else:
            out.append(entry)
    return out


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()

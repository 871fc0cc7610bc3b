"""Corpus and index upkeep: adding reports, and checking an index without changing it."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ruralqa.build import update_index
from ruralqa.config import Settings
from ruralqa.corpus import catalog, ingest
from ruralqa.corpus.context import entry_from_text
from ruralqa.errors import CorpusError, IndexMissing, ReportError, RuralQAError, StoreUnavailable, UsageError
from ruralqa.index import Index
from ruralqa.index.layout import current_generation
from ruralqa.index.manifest import Manifest
from ruralqa.stores import describe, open_index, target, writable
from ruralqa.types import IndexSummary


def add_reports(settings: Settings, files: list[Path], title: str | None = None, region: str | None = None,
                say=lambda msg: None, progress=None) -> tuple[list[str], IndexSummary]:
    """Copy reports into the corpus (never over a different file of the same name), record them in the
    catalog, then update the index: all three change together, or none does (a report that cannot be indexed
    is taken out of the corpus and the catalog again, and the error names it)."""
    if len(files) > 1 and (title or region):
        raise UsageError("--title and --region describe one report; add the files one at a time to give each its own")
    corpus = settings.corpus_dir
    for path in files:
        if not ingest.is_supported(path):
            raise ReportError(path.name, f"unsupported format {path.suffix!r}; use one of "
                                         f"{', '.join(sorted(ingest.SUFFIXES))}")
        target = corpus / path.name
        if target.exists() and ingest.sha256_file(target) != ingest.sha256_file(path):
            raise CorpusError(f"{target} already exists with different content; rename the new report "
                              "or remove the old one first")
    with writable(settings):  # fails now, before anything is copied, if the index cannot be written
        pass
    corpus.mkdir(parents=True, exist_ok=True)
    catalog_path = corpus / catalog.CATALOG_NAME
    catalog_before = catalog_path.read_bytes() if catalog_path.exists() else None
    entries = catalog.load(corpus)
    copied = []
    try:
        for path in files:
            target = corpus / path.name
            if not target.exists():
                shutil.copy2(path, target)
                copied.append(path.name)
                # a new file under a removed report's name is a new report: the catalog forgets the old one
                _record(entries, path.name, entry_from_text(path.name, title, region))
            elif path.name not in entries:
                _record(entries, path.name, entry_from_text(path.name, title, region))
        catalog.save(corpus, entries)
        summary = update_index(settings, say=say, progress=progress)
    except BaseException:
        _undo(corpus, copied, catalog_path, catalog_before)
        raise
    failed = {name: summary.failed[name] for name in copied if name in summary.failed}
    if failed:  # the index holds none of them: take them out of the corpus and the catalog too
        entries = catalog.load(corpus)
        for name in failed:
            (corpus / name).unlink(missing_ok=True)
            entries.pop(name, None)
        catalog.save(corpus, entries)
        name, reason = next(iter(failed.items()))
        added = [n for n in copied if n not in failed]
        raise ReportError(name, f"{reason} (it was not added" + (f"; {', '.join(added)} were)" if added else ")"))
    return copied, summary


def _record(entries: dict, name: str, entry) -> None:
    if entry is None:
        entries.pop(name, None)
    else:
        entries[name] = entry


def _undo(corpus: Path, copied: list[str], catalog_path: Path, catalog_before: bytes | None) -> None:
    for name in copied:
        (corpus / name).unlink(missing_ok=True)
    if catalog_before is None:
        catalog_path.unlink(missing_ok=True)
    else:
        catalog_path.write_bytes(catalog_before)


@dataclass
class CheckResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    generation: str = ""
    summary: str = ""


def check_index(settings: Settings) -> CheckResult:
    """Verify every index file against the manifest's sizes and SHA-256 checksums, and the parts' row counts
    (a Milvus store: the collection's passage count against its manifest)."""
    if target(settings) is not None:
        try:
            with open_index(settings, verify=False) as index:
                problems = index.verify(full=True)
                m = index.manifest
        except (IndexMissing, StoreUnavailable):
            raise
        except RuralQAError as exc:
            return CheckResult(ok=False, problems=[str(exc)])
        return CheckResult(ok=not problems, problems=problems, generation=describe(settings),
                           summary=f"{len(m.reports)} reports, {m.chunks} passages, model {m.model_id}, "
                                   f"Milvus collection at {describe(settings)}")
    root = settings.index_dir
    try:
        gen = current_generation(root)
        manifest = Manifest.read(gen)
    except IndexMissing:
        raise
    except RuralQAError as exc:  # a damaged pointer or manifest is itself the finding
        return CheckResult(ok=False, problems=[str(exc)])
    with Index(gen, manifest) as index:
        problems = index.verify(full=True)
    return CheckResult(ok=not problems, problems=problems, generation=gen.name,
                       summary=f"{len(manifest.reports)} reports, {manifest.chunks} passages, model "
                               f"{manifest.model_id}, {manifest.dense['type']} index, {len(manifest.files)} files "
                               "verified")


def remove_reports(settings: Settings, names: list[str], say=lambda msg: None) -> IndexSummary:
    """Take reports out of the corpus, the catalog and the index in one step: if the index cannot be updated,
    the files and the catalog are put back."""
    corpus = settings.corpus_dir
    for name in names:
        if Path(name).is_absolute() or ".." in Path(name).parts or not (corpus / name).is_file():
            raise CorpusError(f"{name} is not a report in {corpus}; `ruralqa reports` lists them")
    with writable(settings):  # fails now, before anything is moved, if the index cannot be written
        pass
    catalog_path = corpus / catalog.CATALOG_NAME
    catalog_before = catalog_path.read_bytes() if catalog_path.exists() else None
    backup = Path(tempfile.mkdtemp(prefix=".removing-", dir=corpus))  # hidden: never read as a report
    moved = []
    try:
        for name in names:
            target = backup / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(corpus / name, target)
            moved.append(name)
        entries = catalog.load(corpus)
        for name in names:
            entries.pop(name, None)
        if entries or catalog_before is not None:
            catalog.save(corpus, entries)
        summary = update_index(settings, say=say)
    except BaseException:
        for name in moved:
            os.replace(backup / name, corpus / name)
        if catalog_before is not None:
            catalog_path.write_bytes(catalog_before)
        shutil.rmtree(backup, ignore_errors=True)
        raise
    shutil.rmtree(backup, ignore_errors=True)
    return summary


@dataclass
class ReportStatus:
    file: str  # a spreadsheet's rows are listed as FILE@ROW
    status: str  # indexed, not indexed, skipped, removed
    title: str = ""
    place: str = ""
    year: int | None = None
    format: str = ""
    passages: int | None = None
    reason: str = ""  # why not indexed; for an indexed report, why its place is uncertain


def report_statuses(settings: Settings) -> list[ReportStatus]:
    """Every file of the corpus folder and every report of the index (each row of a spreadsheet of reports),
    with what was inferred and its status."""
    try:
        with open_index(settings, verify=False) as index:
            records = dict(index.manifest.reports)
    except IndexMissing:
        records = {}
    files, skipped = ingest.list_reports(settings.corpus_dir) if settings.corpus_dir.is_dir() else ([], {})
    entries = catalog.load(settings.corpus_dir) if settings.corpus_dir.is_dir() else {}
    out = []
    for path in files:
        rel = path.relative_to(settings.corpus_dir).as_posix()
        r = records.pop(rel, None)
        if r is not None:
            out += _indexed(rel, r)
            continue
        entry = entries.get(rel)
        try:
            reports = ingest.read_reports(path, settings.corpus_dir, settings.chunking.text_column,
                                          settings.chunking.encoding_errors, entry.columns if entry else None)
            reason = "new or changed since the last `ruralqa index`"
            fmt = reports[0].format
        except ReportError as exc:
            reason, fmt = exc.reason, ingest.SUFFIXES.get(path.suffix.lower(), "")
        out.append(ReportStatus(rel, "not indexed", format=fmt, reason=reason))
    out += [ReportStatus(rel, "skipped", reason=why) for rel, why in skipped.items()]
    gone = "no longer in the corpus folder; `ruralqa index` takes it out of the index"
    out += [ReportStatus(rel, "removed", r.title, r.place, r.year, r.format, r.chunks, gone)
            for rel, r in records.items()]
    return sorted(out, key=lambda s: (s.file.split("@")[0], int(s.file.split("@")[1]) if "@" in s.file else 0))


def _indexed(rel: str, r) -> list[ReportStatus]:
    if not r.rows:
        return [ReportStatus(rel, "indexed", r.title, r.place, r.year, r.format, r.chunks, r.place_note)]
    sheets = len({row.get("sheet") for row in r.rows}) > 1  # a workbook's sheet is named when it has several
    return [ReportStatus(f"{rel}@{row['row']}", "indexed", row["title"], row["place"], row["year"], r.format,
                         row["chunks"], "; ".join(x for x in (f"sheet {row['sheet']}" if sheets else "",
                                                              row.get("place_note", "")) if x))
            for row in r.rows]


@dataclass
class Passage:
    """A stretch of a report with the paragraphs around it, for `ruralqa show` and the report view of the page."""

    file: str
    title: str
    before: str  # whole paragraphs before the passage's line
    line_before: str  # its line up to the passage
    passage: str  # text[start:end]
    line_after: str  # its line after the passage
    after: str  # whole paragraphs after
    row: int | None = None
    place: str = ""  # of the article the passage belongs to


def show_passage(settings: Settings, file: str, start: int, end: int, row: int | None = None,
                 around: int = 1) -> Passage:
    """The text at [start:end] of a report (of a spreadsheet row), with `around` paragraphs before and after."""
    text = report_text(settings, file, row)
    if not 0 <= start < end <= len(text):
        raise UsageError(f"{file} has {len(text)} characters; {start}:{end} is outside it")
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    before_lines = [x for x in text[:line_start].split("\n") if x.strip()][-around:] if around else []
    after_lines = [x for x in text[line_end:].split("\n") if x.strip()][:around] if around else []
    title = place = ""
    try:
        with open_index(settings, verify=False) as index:
            record = index.manifest.reports.get(file)
            title, place = (record.title, record.place) if record else ("", "")
            chunk = index.chunk_at(file, row, start)
            if chunk:  # the article the passage belongs to
                title, place = chunk.citation.title, chunk.citation.region
    except IndexMissing:
        pass
    return Passage(file=file, title=title, before="\n".join(before_lines), line_before=text[line_start:start],
                   passage=text[start:end], line_after=text[end:line_end], after="\n".join(after_lines), row=row,
                   place=place)


def report_text(settings: Settings, file: str, row: int | None = None) -> str:
    """The text a report's citations point into: the file's for .txt/.md, the index's copy for other formats."""
    path = settings.corpus_dir / file
    try:
        with open_index(settings, verify=False) as index:
            texts = index.report_texts(file)
    except IndexMissing:
        texts = None
    if texts is not None:  # citations point into the text the index kept, for formats that are not plain text
        if row is not None and not 1 <= row <= len(texts):
            raise UsageError(f"{file} has {len(texts)} row(s); row {row} is not one of them")
        return texts[(row or 1) - 1]
    if not path.is_file() or not ingest.inside(settings.corpus_dir, path):
        raise UsageError(f"{file} is not a report in {settings.corpus_dir}; `ruralqa reports` lists them")
    reports = ingest.read_reports(path, settings.corpus_dir)
    return reports[(row or 1) - 1].text if row is None or row <= len(reports) else reports[0].text

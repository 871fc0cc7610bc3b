"""Corpus and index upkeep: adding reports, and checking an index without changing it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ruralqa.build import update_index
from ruralqa.config import Settings
from ruralqa.corpus import catalog, ingest
from ruralqa.corpus.context import entry_from_text
from ruralqa.errors import CorpusError, IndexMissing, ReportError, RuralQAError
from ruralqa.index import Index
from ruralqa.index.layout import current_generation
from ruralqa.index.manifest import Manifest
from ruralqa.types import IndexSummary


def add_reports(settings: Settings, files: list[Path], title: str | None = None, region: str | None = None,
                say=lambda msg: None, progress=None) -> tuple[list[str], IndexSummary]:
    """Copy reports into the corpus (never over a different file of the same name), record them in the
    catalog, then update the index."""
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    for path in files:
        if not ingest.is_supported(path):
            raise ReportError(path.name, f"unsupported format {path.suffix!r}; use one of "
                                         f"{', '.join(sorted(ingest.SUFFIXES))}")
        target = corpus / path.name
        if target.exists() and ingest.sha256_file(target) != ingest.sha256_file(path):
            raise CorpusError(f"{target} already exists with different content; rename the new report "
                              "or remove the old one first")
    entries = catalog.load(corpus)
    copied = []
    for path in files:
        target = corpus / path.name
        if not target.exists():
            shutil.copy2(path, target)
            copied.append(path.name)
        if path.name not in entries:
            entries[path.name] = entry_from_text(_text_or_empty(target, corpus), path.name, title, region)
    catalog.save(corpus, entries)
    return copied, update_index(settings, say=say, progress=progress)


def _text_or_empty(path: Path, corpus: Path) -> str:
    try:
        return ingest.read_report(path, corpus).text
    except ReportError:
        return ""  # the index update reports the problem by name


@dataclass
class CheckResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    generation: str = ""
    summary: str = ""


def check_index(root: Path) -> CheckResult:
    """Verify every index file against the manifest's sizes and SHA-256 checksums, and the parts' row counts."""
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

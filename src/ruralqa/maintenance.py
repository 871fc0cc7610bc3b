"""Corpus and index upkeep: adding reports, and checking an index without changing it."""

from __future__ import annotations

import shutil
from pathlib import Path

from ruralqa import catalog, ingest, store
from ruralqa.config import Settings
from ruralqa.errors import CorpusError, IndexMissing, ReportError
from ruralqa.indexer import update_index
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
            entries[path.name] = _entry(target, corpus, title, region)
    catalog.save(corpus, entries)
    return copied, update_index(settings, say=say, progress=progress)


def _entry(path: Path, corpus: Path, title: str | None, region: str | None) -> catalog.ReportEntry:
    try:
        text = ingest.read_report(path, corpus).text
    except ReportError:
        text = ""  # the index update reports the problem by name
    entry = catalog.entry_from_text(text, path.name)
    article = entry.articles[0]
    if title:
        article["title"] = title
    if region or title:
        article["region"] = region or catalog.guess_region(title) or article["region"]
    return entry


def check_index(root: Path) -> dict:
    """Verify every index file against the manifest's sizes and SHA-256 checksums."""
    try:
        gen = store.current_generation(root)
        manifest = store.read_manifest(gen)
    except IndexMissing:
        raise
    except Exception as exc:  # a damaged pointer or manifest is itself the finding
        return {"ok": False, "problems": [str(exc)], "summary": ""}
    problems = store.verify_files(gen, manifest, full=True)
    if not problems:
        try:
            index = store.Index(folder=gen, manifest=manifest)
            rows = index.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
            if rows != index.size or index.faiss.ntotal != index.size:
                problems.append(f"counts disagree: manifest {index.size}, metadata {rows}, "
                                f"vectors {index.faiss.ntotal}")
            index.close()
        except Exception as exc:
            problems.append(f"cannot open the index: {exc}")
    c = manifest.get("counts", {})
    return {"ok": not problems, "problems": problems, "generation": gen.name,
            "summary": f"{c.get('reports')} reports, {c.get('chunks')} passages, model {manifest['model']['id']}, "
                       f"{manifest['faiss']['type']} index, {len(manifest.get('index_files', {}))} files verified"}

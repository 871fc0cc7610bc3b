"""The manifest of one index generation (manifest.json, written last): what the index was built from and with,
and the size and checksum of every other file. The only code that reads or writes manifest.json."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from ruralqa import SCHEMA_VERSION, __version__
from ruralqa.errors import IndexCorrupt, IndexMismatch

NAME = "manifest.json"
FIX_FULL = "run `ruralqa index --full` to rebuild it"
FIX_REPAIR = "run `ruralqa index --repair` to rebuild it (only damaged vectors are embedded again)"


def fingerprint(model_id: str, dim: int, chunking: dict) -> str:
    """What decides what the vectors and chunks mean; two indexes with the same fingerprint are interchangeable."""
    blob = json.dumps({"schema": SCHEMA_VERSION, "model": model_id, "dim": dim, "chunking": chunking},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _settled(chunking: dict) -> dict:
    """Chunking as compared: a text column (recorded by earlier versions) is a per-spreadsheet matter now."""
    return {k: v for k, v in chunking.items() if k != "text_column"}


def check_built_with(manifest: "Manifest", model_id: str | None, chunking: dict | None) -> None:
    """Refuse an index built with another model or chunking than the one asked for (either store)."""
    if model_id is not None and manifest.model_id != model_id:
        raise IndexMismatch(f"the index was built with model {manifest.model_id!r}, not {model_id!r}; "
                            f"run `ruralqa index --full --model {model_id}` to rebuild it, or drop --model")
    if chunking is not None and _settled(manifest.chunking) != _settled(chunking):
        raise IndexMismatch(f"the index was built with chunking {manifest.chunking}, not {chunking}; "
                            f"{FIX_FULL} with these settings")


@dataclass(frozen=True)
class FileRecord:
    size: int
    sha256: str


@dataclass(frozen=True)
class ReportRecord:
    """One report as indexed: its bytes' hash and catalog entry's hash decide whether it must be read again."""

    sha256: str
    catalog: str  # hash of the report's catalog entry
    format: str
    encoding: str
    chunks: int
    chars: int
    pages: tuple[int, ...] = ()
    text_file: str | None = None  # extracted text kept in the index, for formats that are not plain text
    title: str = ""  # what was inferred (first article or row): shown by `ruralqa reports`
    place: str = ""
    year: int | None = None
    place_note: str = ""  # why the place is uncertain ("" when the report says it plainly)
    rows: tuple = ()  # spreadsheets of reports: per row {row, sheet, title, place, year, place_note, chunks}

    def as_json(self) -> dict:
        d = {"sha256": self.sha256, "catalog": self.catalog, "format": self.format, "encoding": self.encoding,
             "chunks": self.chunks, "chars": self.chars, "pages": list(self.pages), "title": self.title,
             "place": self.place, "year": self.year}
        if self.text_file:
            d["text_file"] = self.text_file
        if self.place_note:
            d["place_note"] = self.place_note
        if self.rows:
            d["rows"] = list(self.rows)
        return d

    @classmethod
    def from_json(cls, d: dict) -> ReportRecord:
        return cls(sha256=d["sha256"], catalog=d["catalog"], format=d["format"], encoding=d["encoding"],
                   chunks=int(d["chunks"]), chars=int(d["chars"]), pages=tuple(d.get("pages", ())),
                   text_file=d.get("text_file"), title=d.get("title", ""), place=d.get("place", ""),
                   year=d.get("year"), place_note=d.get("place_note", ""), rows=tuple(d.get("rows", ())))


@dataclass(frozen=True)
class SegmentRecord:
    """A segment as the manifest lists it."""

    name: str
    rows: int  # passages stored, deleted ones included
    dense: dict  # FAISS index type and its search parameters
    length: int  # total BM25 length (tokens) of its passages
    vector_blocks: list[str] = field(default_factory=list)  # checksum of each block of vectors.npy rows

    def as_json(self) -> dict:
        return {"name": self.name, "rows": self.rows, "faiss": self.dense, "length": self.length,
                "vector_blocks": self.vector_blocks}

    @classmethod
    def from_json(cls, d: dict) -> SegmentRecord:
        return cls(name=d["name"], rows=int(d["rows"]), dense=d["faiss"], length=int(d["length"]),
                   vector_blocks=list(d.get("vector_blocks", [])))


@dataclass
class Manifest:
    model_id: str
    dim: int
    chunking: dict
    dense: dict  # FAISS index type and its search parameters (of the first, largest segment)
    chunks: int  # live passages
    reports: dict[str, ReportRecord]
    regions: list[str]  # the regions passages are cited under
    places: list[str]  # place names found in the passages
    files: dict[str, FileRecord] = field(default_factory=dict)
    segments: list[SegmentRecord] = field(default_factory=list)  # a local index's segments, in row order
    deleted: int = 0  # passages of those segments marked deleted (rows in deleted.npy)
    schema: int = SCHEMA_VERSION
    ruralqa: str = __version__
    created: str = ""

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.model_id, self.dim, self.chunking)

    def as_json(self) -> dict:
        return {
            "model": {"id": self.model_id, "dim": self.dim}, "chunking": self.chunking,
            "fingerprint": self.fingerprint, "faiss": self.dense,
            "counts": {"reports": len(self.reports), "chunks": self.chunks},
            "regions": self.regions, "places": self.places,
            "reports": {rel: r.as_json() for rel, r in self.reports.items()},
            "schema": self.schema, "ruralqa": self.ruralqa, "created": self.created,
            "index_files": {rel: {"size": f.size, "sha256": f.sha256} for rel, f in self.files.items()},
            "segments": [r.as_json() for r in self.segments], "deleted": self.deleted,
        }

    @classmethod
    def from_json(cls, d: dict) -> Manifest:
        return cls(model_id=d["model"]["id"], dim=int(d["model"]["dim"]), chunking=d["chunking"], dense=d["faiss"],
                   chunks=int(d["counts"]["chunks"]),
                   reports={rel: ReportRecord.from_json(r) for rel, r in d["reports"].items()},
                   regions=list(d.get("regions", [])), places=list(d.get("places", [])),
                   files={rel: FileRecord(int(f["size"]), f["sha256"]) for rel, f in d["index_files"].items()},
                   segments=[SegmentRecord.from_json(r) for r in d.get("segments", [])],
                   deleted=int(d.get("deleted", 0)), schema=d["schema"], ruralqa=d.get("ruralqa", ""),
                   created=d.get("created", ""))

    def save(self, folder: Path) -> None:
        self.created = self.created or time.strftime("%Y-%m-%dT%H:%M:%S%z")
        (folder / NAME).write_text(json.dumps(self.as_json(), ensure_ascii=False, indent=1), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        path = folder / NAME
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise IndexCorrupt(f"{path} is missing; {FIX_REPAIR}") from None
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise IndexCorrupt(f"{path} is damaged; {FIX_REPAIR}") from None
        schema = raw.get("schema") if isinstance(raw, dict) else None
        if schema != SCHEMA_VERSION:
            raise IndexMismatch(f"the index in {folder.parent} has schema {schema!r}, this ruralqa reads schema "
                                f"{SCHEMA_VERSION}; {FIX_FULL}")
        try:
            return cls.from_json(raw)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise IndexCorrupt(f"{path} is damaged (fields missing); {FIX_REPAIR}") from None

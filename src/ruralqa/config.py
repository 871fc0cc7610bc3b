"""Settings and their resolution: command-line options > environment variables > ruralqa.toml > defaults."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from ruralqa.errors import UsageError

DEFAULT_MODEL = "multilingual-e5-small"
CONFIG_FILE = "ruralqa.toml"
SERVER_SCHEMES = ("http://", "https://", "tcp://")  # a --store URI naming a Milvus server
ENV = {
    "corpus": "RURALQA_CORPUS",
    "index": "RURALQA_INDEX",
    "model": "RURALQA_MODEL",
    "device": "RURALQA_DEVICE",
    "chunk_size": "RURALQA_CHUNK_SIZE",
    "text_column": "RURALQA_TEXT_COLUMN",
    "encoding_errors": "RURALQA_ENCODING_ERRORS",
    "store": "RURALQA_STORE",
    "max_report_chars": "RURALQA_MAX_REPORT_CHARS",
}
MAX_REPORT_CHARS = 1_000_000  # about 5,000 passages, ~8 min of embedding here; a provincial report has ~30,000


@dataclass(frozen=True)
class ChunkSettings:
    max_chars: int = 200  # a passage never exceeds this; e5-small reads ~512 tokens, ~1 per Chinese character
    heading_max_chars: int = 40  # a line this short without a sentence end is a heading
    text_column: str | None = None  # spreadsheets of reports: the column holding the text (None: found by name)
    encoding_errors: str = "strict"  # "replace": read a UTF-8 file with a few bad bytes, naming them in a warning

    def as_dict(self) -> dict:
        # text_column is not here: it changes how spreadsheets are read, so it is part of their entries' hash
        d = {"max_chars": self.max_chars, "heading_max_chars": self.heading_max_chars}
        if self.encoding_errors != "strict":
            d["encoding_errors"] = self.encoding_errors
        return d


@dataclass(frozen=True)
class RetrievalParams:
    """How dense and BM25 candidates are combined; the defaults were chosen on eval/questions.jsonl."""

    candidates: int = 50  # per retriever, before fusion
    fusion: str = "convex"  # convex (weighted sum of min-max scaled scores) or rrf (reciprocal rank fusion)
    alpha: float = 0.6  # convex weight of dense; best of rrf and alpha 0.3-0.7 on both halves of the seed set
    rrf_k: int = 60
    place_mismatch: float = 0.5  # a passage about another indexed place than the one asked about keeps this share
    answer_pool: int = 10  # passages handed to answer extraction (at least -k)
    place_filter: bool = True  # a place the question names that reports are filed under: search its passages too
    place_only: bool = False  # …and nothing else (a comparison asks each place on its own)
    year_mismatch: float = 0.3  # a passage about another year than the one asked about keeps this share
    kind_mismatch: float = 0.5  # a target passage for a question about results (or the reverse) keeps this share


@dataclass(frozen=True)
class AnswerParams:
    """How the answer span is chosen and when ruralqa declines; the defaults were chosen on eval/questions.jsonl."""

    top: int = 8  # passages whose spans are candidates (fitted: eval/fit_records.py)
    min_coverage: float = 0.55  # share of the question's content (idf-weighted) the passage must hold; 0.5
    #                             answers an unanswerable seed question, 0.6 declines answerable paraphrases
    local_chars: int = 6  # characters just before a quantity: where Chinese puts what it measures (产值达3亿元)
    unit_mismatch: float = 0.15  # score factor for a quantity whose unit is not the kind asked for
    rank_decay: float = 0.1  # score factor 1 / (1 + rank_decay · (rank - 1)) by the passage's retrieval rank
    proximity_weight: float = 0.6  # score = (proximity_weight · proximity + (1 - it) · coverage) · fit · priors
    bound_factor: float = 0.85  # a bound (突破2万元, 1300亿斤以上) ranks below an exact figure near the same words;
    #                             0.7 was better on the provincial fit half but answered two seed questions wrongly
    change_factor: float = 0.5  # a change (单产提高24.2斤) ranks below a level when no change is asked
    record_tries: int = 5  # candidates, best first, whose figure records are checked and ranked before declining
    name_tries: int = 8  # …of a name question: spans that are no whole name of the kind asked are passed over
    record_margin: float = 0.5  # …among those scoring at least this share of the best
    record_coverage: float = 0.1  # …for a figure, whose record must fit besides (fitted: eval/fit_records.py)
    min_metric_cover: float = 0.45  # share of the question's words (idf-weighted) a figure's metric must hold (fitted)
    everyday_cover: float = 0.999  # …of the words the reports use, for a question in everyday words (fitted)
    min_sentence_coverage: float = 0.0  # share of the question's words a figure's own sentence must hold (compare: 0.7)


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str | None = None  # None: the index's own model when reading, DEFAULT_MODEL when building
    device: str | None = None  # sentence-transformers device (cpu, cuda, mps); None picks automatically
    chunking: ChunkSettings = ChunkSettings()
    store: str | None = None  # None: the local FAISS folder (index_dir); milvus:PATH.db or http://HOST:19530
    max_report_chars: int = MAX_REPORT_CHARS  # a longer report is not indexed (named, with the fix)


def _from_file(cwd: Path) -> dict:
    path = cwd / CONFIG_FILE
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path} is not valid TOML ({exc}); fix or remove it") from exc


def resolve(
    corpus: str | None = None,
    index: str | None = None,
    model: str | None = None,
    device: str | None = None,
    chunk_size: int | None = None,
    text_column: str | None = None,
    encoding_errors: str | None = None,
    store: str | None = None,
    cwd: Path | None = None,
    max_report_chars: int | None = None,
) -> Settings:
    """Build Settings from explicit values, then the environment, then ruralqa.toml."""
    cwd = Path(cwd) if cwd else Path.cwd()
    given = {"corpus": corpus, "index": index, "model": model, "device": device, "chunk_size": chunk_size,
             "text_column": text_column, "encoding_errors": encoding_errors, "store": store,
             "max_report_chars": max_report_chars}
    filed = _from_file(cwd)
    values = {}
    for key, value in given.items():
        if value is None:
            value = os.environ.get(ENV[key]) or filed.get(key)
        values[key] = value
    chunking = ChunkSettings()
    if values["chunk_size"] is not None:
        chunking = replace(chunking, max_chars=_whole(values["chunk_size"], "chunk size", 20, " characters"))
    device = values["device"] or None
    if device and not re.fullmatch(r"cpu|cuda(:\d+)?|mps|xpu(:\d+)?|npu(:\d+)?", str(device)):
        raise UsageError(f"unknown device {device!r}; use cpu, cuda, cuda:N or mps")
    if values["text_column"]:
        chunking = replace(chunking, text_column=str(values["text_column"]))
    if values["encoding_errors"]:
        if values["encoding_errors"] not in ("strict", "replace"):
            raise UsageError(f"encoding errors must be strict or replace, got {values['encoding_errors']!r}")
        chunking = replace(chunking, encoding_errors=values["encoding_errors"])
    store = str(values["store"]) if values["store"] else None
    if store in ("local", "faiss"):
        store = None
    if store and store.startswith("milvus:") and not Path(store[7:].split("#")[0]).expanduser().is_absolute():
        store = "milvus:" + str(cwd / store[7:])  # Milvus Lite's folder, relative to where ruralqa runs
    elif store and not store.startswith(("milvus:", *SERVER_SCHEMES)):
        raise UsageError(f"unknown store {store!r}; use local (the index folder), milvus:PATH.db (Milvus Lite) or "
                         "http://HOST:19530 (a Milvus server)")
    limit = MAX_REPORT_CHARS
    if values["max_report_chars"] is not None:
        limit = _whole(values["max_report_chars"], "max report chars", 1000)
    return Settings(
        max_report_chars=limit,
        corpus_dir=cwd / (values["corpus"] or "corpus"),
        index_dir=cwd / (values["index"] or "index"),
        model=values["model"] or None,
        device=device,
        chunking=chunking,
        store=store,
    )


def _whole(value, name: str, least: int, unit: str = "") -> int:
    """A setting that must be a whole number of at least `least` (from an option, the environment or the file)."""
    try:
        number = int(value)
    except ValueError:
        raise UsageError(f"{name} must be a whole number, got {value!r}") from None
    if number < least:
        raise UsageError(f"{name} {number} is too small; use at least {least}{unit}")
    return number

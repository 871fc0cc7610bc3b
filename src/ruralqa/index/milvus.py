"""The Milvus store: the same reading interface as the local `Index`, over one Milvus collection (Milvus Lite for a
`milvus:PATH.db` store, a server or cluster for `http://HOST:19530`). The only code that talks to Milvus.

Two collections per index:
    NAME        one entity per passage: pk (int64 from the passage's content hash and place in its report), cid
                (the content hash vectors are reused by), text, embed_text (with its context), citation, place,
                period and section fields, the dense vector, and `sparse`, the BM25 vector Milvus's own BM25
                function computes from `terms` (ruralqa's tokens, see below)
    NAME_meta   key → value blobs: the manifest (model, dimension, chunking: checked on open as for the local
                store), the lexicon (query dictionary, document frequencies) and extracted texts of non-text reports

BM25 terms: Milvus's analyzers (standard: `\\w+`; jieba with its own dictionary) do not cut text as ruralqa does
(quantities with units kept whole, place names, stop words), so `terms` holds ruralqa's own tokens, each written
as one `\\w+` word the standard analyzer keeps whole; the BM25 statistics are then Milvus's, the tokens ruralqa's.

Updates are deltas: the passages of added or changed reports are upserted, those no longer produced deleted, by
pk; unchanged reports are not touched. Milvus has no transactions: readers during an update can see a mix, and a
killed update is completed by the next one (it compares the collection itself, not the manifest, with the corpus).
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ruralqa.config import SERVER_SCHEMES
from ruralqa.errors import IndexCorrupt, IndexMissing, StoreUnavailable, UsageError
from ruralqa.index.base import ManifestView
from ruralqa.index.manifest import FIX_FULL, Manifest, ReportRecord, check_built_with
from ruralqa.index.layout import writer_lock
from ruralqa.index.lexical import B, K1, Lexicon, length_norm
from ruralqa.text.orgs import is_org
from ruralqa.text.places import PLACE
from ruralqa.text.tokenize import USER_FREQ, Tokenizer, is_quantity_token
from ruralqa.types import Chunk, Citation

DEFAULT_COLLECTION = "ruralqa"
TOKEN_ENV = "RURALQA_MILVUS_TOKEN"
MAX_TEXT = 65535  # bytes in a VARCHAR
BLOB_PART = 16000  # characters of a meta blob per entity (≤ 48 KB of UTF-8)
BATCH = 1000  # entities per insert
QUERY_LIMIT = 16384  # the most entities one query returns
EXACT_LIMIT = 100_000  # below this, FLAT (exact) search; above, HNSW
_WORD = re.compile(r"\w+")
_CHUNK_FIELDS = ("pk", "cid", "text", "heading", "kind", "section", "period_year", "period_kind", "file", "title",
                 "region", "paragraph", "line_start", "line_end", "char_start", "char_end", "page", "sheet_row",
                 "year")


@dataclass(frozen=True)
class MilvusTarget:
    """Where a Milvus index lives: a Milvus Lite folder or a server URI, and the collection name."""

    uri: str
    collection: str = DEFAULT_COLLECTION
    token: str | None = None

    @property
    def lite(self) -> bool:
        return not self.uri.startswith(SERVER_SCHEMES)

    def __str__(self) -> str:
        return f"milvus:{self.uri}" if self.lite else self.uri


def parse_store(value: str | None) -> MilvusTarget | None:
    """None for the local FAISS folder (the default); a target for `milvus:PATH.db[#collection]` or
    `http(s)://HOST:PORT[#collection]` (token from RURALQA_MILVUS_TOKEN, never from the command line)."""
    if value in (None, "", "local", "faiss"):
        return None
    value = str(value)
    body, _, name = value.partition("#")
    name = name or DEFAULT_COLLECTION
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,200}", name):
        raise UsageError(f"collection name {name!r} must be letters, digits and _ (not starting with a digit)")
    if body.startswith("milvus:"):
        path = body[len("milvus:"):]
        if not path:
            raise UsageError("--store milvus: needs a path, e.g. --store milvus:./index/milvus.db")
        full = Path(path).expanduser()
        if not full.is_absolute():
            full = Path.cwd() / full
        return MilvusTarget(uri=str(full), collection=name)
    if body.startswith(SERVER_SCHEMES):
        return MilvusTarget(uri=body, collection=name, token=os.environ.get(TOKEN_ENV) or None)
    raise UsageError(f"unknown store {value!r}; use local (the index folder), milvus:PATH.db (Milvus Lite) "
                     "or http://HOST:19530 (a Milvus server)")


def passage_pk(chunk: Chunk) -> int:
    """A passage's primary key: its content hash and where it stands (the same text twice in a report is two
    passages), as a positive int64."""
    c = chunk.citation
    blob = f"{chunk.id}|{c.file}|{c.row}|{c.char_start}|{c.char_end}"
    return int(hashlib.sha256(blob.encode()).hexdigest()[:15], 16)


def term(token: str) -> str:
    """A ruralqa token as one word Milvus's standard analyzer keeps whole (`\\w+`, lowercase)."""
    if not token or (_WORD.fullmatch(token) and token == token.lower()):
        return token
    return "x" + token.encode("utf-8").hex()


def terms_text(tokens: Iterable[str]) -> str:
    return " ".join(term(t) for t in tokens if t)


def _connect(target: MilvusTarget):
    try:
        from pymilvus import MilvusClient
    except ImportError:
        raise StoreUnavailable('the Milvus store needs pymilvus (and milvus-lite for milvus:PATH.db); run '
                               'pip install -e ".[milvus]"') from None
    for name in ("pymilvus", "grpc._server"):  # their errors become ours, in one line
        logging.getLogger(name).setLevel(logging.CRITICAL)
    if target.lite:
        Path(target.uri).parent.mkdir(parents=True, exist_ok=True)
    try:
        return MilvusClient(uri=target.uri, token=target.token or "", timeout=10)
    except Exception as exc:  # pymilvus raises several types for refused or timed-out connections
        why = getattr(exc, "message", None) or str(exc).splitlines()[0]
        if target.lite and "Open local milvus failed" in why:
            raise StoreUnavailable(f"cannot open {target}: another process has it open (Milvus Lite serves one "
                                   "process at a time); stop that process, or use a Milvus server") from None
        raise StoreUnavailable(f"cannot connect to {target} ({why[:200]}); start the Milvus "
                               "server or check the URI and RURALQA_MILVUS_TOKEN") from None


def _load(client, target: MilvusTarget) -> None:
    """Collections are searched once loaded (a new process finds them released)."""
    for name in (target.collection, _meta_name(target)):
        client.load_collection(name)


@contextmanager
def translated(target: MilvusTarget) -> Iterator[None]:
    """Milvus's own errors as ours: one line naming the store."""
    try:
        yield
    except Exception as exc:
        if type(exc).__module__.startswith(("pymilvus", "grpc", "milvus_lite")):
            message = getattr(exc, "message", None) or str(exc).splitlines()[0]
            raise StoreUnavailable(f"the Milvus store {target} failed: {message[:300]}") from None
        raise


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with translated(self.target):
            return method(self, *args, **kwargs)
    return call


# ---------------------------------------------------------------- meta blobs


def _meta_name(target: MilvusTarget) -> str:
    return target.collection + "_meta"


def _read_blob(client, target: MilvusTarget, key: str):
    meta = _meta_name(target)
    head = client.query(meta, filter=f"key == {json.dumps(key + '/n')}", output_fields=["value"])
    if not head:
        return None
    n = int(head[0]["value"])
    keys = [f"{key}/{i:05d}" for i in range(n)]
    parts = {}
    for a in range(0, n, 100):
        for rec in client.query(meta, filter=f"key in {json.dumps(keys[a:a + 100], ensure_ascii=False)}",
                                output_fields=["key", "value"]):
            parts[rec["key"]] = rec["value"]
    if len(parts) != n:
        raise IndexCorrupt(f"{target}: {key} is incomplete in {meta}; {FIX_FULL}")
    return json.loads("".join(parts[k] for k in keys))


def _write_blob(client, target: MilvusTarget, key: str, value) -> None:
    text = json.dumps(value, ensure_ascii=False)
    parts = [text[a:a + BLOB_PART] for a in range(0, len(text), BLOB_PART)] or [""]
    rows = [{"key": f"{key}/{i:05d}", "value": p, "v": [0.0, 0.0]} for i, p in enumerate(parts)]
    for a in range(0, len(rows), 100):
        client.upsert(_meta_name(target), rows[a:a + 100])
    client.upsert(_meta_name(target), [{"key": key + "/n", "value": str(len(parts)), "v": [0.0, 0.0]}])


def _delete_blob(client, target: MilvusTarget, key: str) -> None:
    client.delete(_meta_name(target), filter=f"key like {json.dumps(key + '/%', ensure_ascii=False)}")


# ---------------------------------------------------------------- reading


class MilvusIndex(ManifestView):
    """One Milvus collection, read through the same methods as the local `Index` (rows are passage pks)."""

    def __init__(self, target: MilvusTarget, client, manifest: Manifest, lexicon: dict):
        self.target, self.client, self.manifest = target, client, manifest
        self.lexicon_data = lexicon
        self._lexicon: Lexicon | None = None
        self._cache: dict[int, Chunk] = {}
        self._generation = ""

    @property
    def folder(self) -> str:
        return str(self.target)

    @classmethod
    def open(cls, target: MilvusTarget, model_id: str | None = None, chunking: dict | None = None,
             verify: bool = True) -> MilvusIndex:
        client = _connect(target)
        try:
            with translated(target):
                index = cls._read(target, client, model_id, chunking)
        except Exception:
            client.close()
            raise
        if verify:
            problems = index.verify(full=False)
            if problems:
                index.close()
                raise IndexCorrupt(f"the index in {target} is damaged: {problems[0]}; {FIX_FULL}")
        return index

    @classmethod
    def _read(cls, target: MilvusTarget, client, model_id: str | None, chunking: dict | None) -> MilvusIndex:
        if not client.has_collection(target.collection) or not client.has_collection(_meta_name(target)):
            raise IndexMissing(f"no index in {target} (collection {target.collection!r}); run "
                               f"`ruralqa --store {target} index` to build it")
        _load(client, target)
        raw = _read_blob(client, target, "manifest")
        lexicon = _read_blob(client, target, "lexicon")
        if raw is None or lexicon is None:
            raise IndexCorrupt(f"{target}: the collection has no complete manifest (an interrupted first "
                               f"build?); {FIX_FULL}")
        manifest = Manifest.from_json(raw)
        check_built_with(manifest, model_id, chunking)
        index = cls(target, client, manifest, lexicon)
        index._generation = index.published()
        return index

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    @property
    def generation(self) -> str:
        """Which published update this is (written with the manifest by each update)."""
        return self._generation

    @_guarded
    def published(self) -> str:
        """The generation the store holds now (an update may have been applied since this was opened)."""
        return _read_blob(self.client, self.target, "generation") or ""

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon(self.lexicon_data["dictionary"], self.lexicon_data["df"],
                                    int(self.lexicon_data["num_docs"]))
        return self._lexicon

    def _filter(self, regions: list[str] | None) -> str:
        return f"region in {json.dumps(list(regions), ensure_ascii=False)}" if regions else ""

    @_guarded
    def search_dense(self, vector: np.ndarray, k: int, regions: list[str] | None = None) -> list[tuple[int, float]]:
        if self.size == 0:
            return []
        res = self.client.search(self.target.collection, data=[np.asarray(vector, dtype=np.float32).tolist()],
                                 anns_field="dense", limit=min(k, self.size), filter=self._filter(regions),
                                 search_params={"metric_type": "IP", "params": {"ef": max(64, k)}})
        return [(int(h["pk"] if "pk" in h else h["id"]), float(h["distance"])) for h in res[0]]

    @_guarded
    def search_lexical(self, tokens: list[str], k: int, regions: list[str] | None = None) -> list[tuple[int, float]]:
        """Candidates from Milvus's BM25 search, scored again with the collection-wide statistics the lexicon
        keeps. Milvus Lite scores each segment with that segment's own IDF (a TODO in its source), so a report
        added later, alone in a new segment, would score on another scale; a Milvus server uses global
        statistics, and re-scoring changes nothing there. Over-fetching keeps each segment's best candidates."""
        known = [t for t in tokens if t in self.lexicon.df]
        if not known or self.size == 0:
            return []
        res = self.client.search(self.target.collection, data=[terms_text(known)], anns_field="sparse",
                                 limit=min(max(4 * k, 200), self.size), filter=self._filter(regions),
                                 search_params={"metric_type": "BM25"}, output_fields=["tokens"])
        idf = self.lexicon.idf(known)
        scored = [(int(h["pk"] if "pk" in h else h["id"]), self._bm25(known, idf, h["entity"]["tokens"]))
                  for h in res[0]]
        scored.sort(key=lambda t: -t[1])
        return [(pk, s) for pk, s in scored[:k] if s > 0]

    def _bm25(self, query: list[str], idf: dict[str, float], doc: str) -> float:
        """BM25 as bm25s computes it (lucene variant, k1 1.5, b 0.75), with collection-wide df and length."""
        toks = doc.split(" ") if doc else [""]
        tf = Counter(toks)
        norm = length_norm(len(toks), self.lexicon_data.get("avgdl", len(toks)))
        return float(sum(idf[t] * tf[t] / (tf[t] + norm) for t in query if tf[t]))

    @_guarded
    def chunks(self, rows: list[int]) -> list[Chunk]:
        missing = [r for r in dict.fromkeys(rows) if r not in self._cache]
        for a in range(0, len(missing), 500):
            part = missing[a:a + 500]
            for rec in self.client.query(self.target.collection, filter=f"pk in {json.dumps(part)}",
                                         output_fields=list(_CHUNK_FIELDS)):
                self._cache[int(rec["pk"])] = _chunk(rec)
        return [self._cache[r] for r in rows]

    def _iterate(self, filter: str, fields: list[str], low: int = 0, high: int = 1 << 60) -> Iterator[dict]:
        """Every entity matching `filter`, read by ranges of pk (pks are hashes, so evenly spread) small enough
        for one query each; no query iterator, which Milvus Lite does not fully serve."""
        total = self.manifest.chunks if self.manifest is not None else self.count()
        parts = max(1, total // 4000 + 1) if (low, high) == (0, 1 << 60) else 2
        step = -(-(high - low) // parts)
        for a in range(low, high, step):
            b = min(a + step, high)
            expr = f"pk >= {a} and pk < {b}" + (f" and ({filter})" if filter else "")
            recs = self.client.query(self.target.collection, filter=expr, output_fields=fields, limit=QUERY_LIMIT)
            if len(recs) >= QUERY_LIMIT and b - a > 1:
                yield from self._iterate(filter, fields, a, b)
            else:
                yield from recs

    @_guarded
    def figures(self) -> list:
        """The figure records of every passage, extracted from the passages (the collection keeps no records)."""
        from ruralqa.figures import figures

        return [f for c in self.all_chunks() for f in figures(c)]

    def all_chunks(self) -> list[Chunk]:
        out = [_chunk(rec) for rec in self._iterate("", list(_CHUNK_FIELDS))]
        return sorted(out, key=lambda c: (c.citation.file, c.citation.row or 0, c.citation.char_start))

    def period_years(self) -> list[int]:
        return sorted({y for ys in self.lexicon_data.get("years_by_file", {}).values() for y in ys})

    @_guarded
    def chunk_at(self, file: str, row: int | None, offset: int) -> Chunk | None:
        expr = (f"file == {json.dumps(file, ensure_ascii=False)} and sheet_row == {row if row is not None else -1} "
                f"and char_start <= {int(offset)} and char_end > {int(offset)}")
        recs = self.client.query(self.target.collection, filter=expr, output_fields=list(_CHUNK_FIELDS), limit=16)
        recs.sort(key=lambda r: r["char_start"])
        return _chunk(recs[0]) if recs else None

    @_guarded
    def report_texts(self, rel: str) -> list[str] | None:
        record = self.manifest.reports.get(rel)
        if not record or record.format in ("txt", "md"):
            return None
        return _read_blob(self.client, self.target, "text:" + rel)

    @_guarded
    def count(self) -> int:
        res = self.client.query(self.target.collection, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"])

    def verify(self, full: bool = True) -> list[str]:
        try:
            n = self.count()
        except Exception as exc:  # pymilvus raises its own types
            return [f"cannot read the collection: {str(exc).splitlines()[0][:200]}"]
        if n != self.size:
            return [f"counts disagree: manifest {self.size}, collection {n}"]
        return []

    @_guarded
    def vectors_by_cid(self, cids: list[str]) -> dict[str, np.ndarray]:
        """Stored vectors of passages with these content hashes (reused by updates instead of embedding)."""
        out: dict[str, np.ndarray] = {}
        wanted = list(dict.fromkeys(cids))
        for a in range(0, len(wanted), 500):
            for rec in self.client.query(self.target.collection, filter=f"cid in {json.dumps(wanted[a:a + 500])}",
                                         output_fields=["cid", "dense"]):
                out.setdefault(rec["cid"], np.asarray(rec["dense"], dtype=np.float32))
        return out

    @_guarded
    def rows_of_files(self, files: list[str]) -> dict[int, list[str]]:
        """pk → BM25 tokens of every passage of these reports."""
        out: dict[int, list[str]] = {}
        for a in range(0, len(files), 100):
            expr = f"file in {json.dumps(files[a:a + 100], ensure_ascii=False)}"
            for rec in self._iterate(expr, ["pk", "tokens"]):
                out[int(rec["pk"])] = rec["tokens"].split(" ") if rec["tokens"] else []
        return out


def _chunk(rec: dict) -> Chunk:
    citation = Citation(file=rec["file"], title=rec["title"], region=rec["region"], paragraph=rec["paragraph"],
                        line_start=rec["line_start"], line_end=rec["line_end"], char_start=rec["char_start"],
                        char_end=rec["char_end"], page=None if rec["page"] < 0 else rec["page"],
                        row=None if rec["sheet_row"] < 0 else rec["sheet_row"],
                        year=rec["year"] or None)
    return Chunk(id=rec["cid"], text=rec["text"], heading=rec["heading"], kind=rec["kind"], citation=citation,
                 section=rec["section"], period_year=rec["period_year"] or None, period_kind=rec["period_kind"])


# ---------------------------------------------------------------- writing


def _create(client, target: MilvusTarget, dim: int, expected: int) -> None:
    from pymilvus import DataType, Function, FunctionType

    s = client.create_schema(auto_id=False, enable_dynamic_field=False)
    s.add_field("pk", DataType.INT64, is_primary=True)
    s.add_field("cid", DataType.VARCHAR, max_length=64)
    for name in ("text", "embed_text", "heading", "section", "title"):
        s.add_field(name, DataType.VARCHAR, max_length=MAX_TEXT)
    for name in ("kind", "period_kind"):
        s.add_field(name, DataType.VARCHAR, max_length=32)
    for name in ("file", "region"):
        s.add_field(name, DataType.VARCHAR, max_length=1024)
    for name in ("period_year", "paragraph", "line_start", "line_end", "char_start", "char_end", "page",
                 "sheet_row", "year"):
        s.add_field(name, DataType.INT64)  # "none" is 0 for years, -1 for page and sheet_row
    s.add_field("tokens", DataType.VARCHAR, max_length=MAX_TEXT)
    s.add_field("terms", DataType.VARCHAR, max_length=MAX_TEXT, enable_analyzer=True,
                analyzer_params={"tokenizer": "standard"})
    s.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    s.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
    s.add_function(Function(name="bm25", function_type=FunctionType.BM25, input_field_names=["terms"],
                            output_field_names=["sparse"]))
    ip = client.prepare_index_params()
    if expected < EXACT_LIMIT:
        ip.add_index("dense", index_type="FLAT", metric_type="IP")
    else:
        ip.add_index("dense", index_type="HNSW", metric_type="IP", params={"M": 32, "efConstruction": 200})
    # k1 and b as the local store scores them
    ip.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                 params={"bm25_k1": K1, "bm25_b": B})
    ip.add_index("file", index_type="INVERTED")
    ip.add_index("region", index_type="INVERTED")
    ip.add_index("cid", index_type="INVERTED")
    client.create_collection(target.collection, schema=s, index_params=ip)

    m = client.create_schema(auto_id=False, enable_dynamic_field=False)
    m.add_field("key", DataType.VARCHAR, is_primary=True, max_length=2048)
    m.add_field("value", DataType.VARCHAR, max_length=MAX_TEXT)
    m.add_field("v", DataType.FLOAT_VECTOR, dim=2)  # Milvus wants a vector field in every collection
    mp = client.prepare_index_params()
    mp.add_index("v", index_type="FLAT", metric_type="L2")
    client.create_collection(_meta_name(target), schema=m, index_params=mp)


def _entity(chunk: Chunk, vector: np.ndarray, tokens: list[str]) -> dict:
    c = chunk.citation
    return {"pk": passage_pk(chunk), "cid": chunk.id, "text": chunk.text, "embed_text": chunk.embed_text,
            "heading": chunk.heading, "section": chunk.section, "title": c.title, "kind": chunk.kind,
            "period_kind": chunk.period_kind or "", "file": c.file, "region": c.region or "",
            "period_year": chunk.period_year or 0, "paragraph": c.paragraph, "line_start": c.line_start,
            "line_end": c.line_end, "char_start": c.char_start, "char_end": c.char_end,
            "page": -1 if c.page is None else c.page, "sheet_row": -1 if c.row is None else c.row,
            "year": c.year or 0, "tokens": " ".join(tokens), "terms": terms_text(tokens),
            "dense": np.asarray(vector, dtype=np.float32).tolist()}


@dataclass
class Delta:
    """One update: the new passages of added or changed reports, and the reports as they now stand."""

    files: list[str]  # reports whose passages are replaced (added, changed or removed)
    reports: dict[str, ReportRecord]  # every report the index holds after the update
    texts: dict[str, list[str]] = field(default_factory=dict)  # extracted texts of changed non-text reports
    words: set[str] = field(default_factory=set)  # place and organisation names of the new passages
    model_id: str = ""
    chunking: dict = field(default_factory=dict)
    dim: int = 0


def drop(target: MilvusTarget) -> None:
    """Remove the index's collections (a full rebuild starts from nothing)."""
    client = _connect(target)
    try:
        for name in (target.collection, _meta_name(target)):
            if client.has_collection(name):
                client.drop_collection(name)
    finally:
        client.close()


@dataclass(frozen=True)
class Applied:
    manifest: Manifest
    removed: int  # passages deleted


@contextmanager
def store_lock(target: MilvusTarget) -> Iterator[None]:
    """One writer at a time for a Milvus Lite folder (the lock file beside it); a server's writers must take
    turns by themselves (the sharded build has one final writer)."""
    if not target.lite:
        yield
        return
    with writer_lock(Path(target.uri).parent):
        yield


def apply(target: MilvusTarget, delta: Delta, batches: Iterable[tuple[list[Chunk], np.ndarray]],
          progress=None) -> Applied:
    """Apply an update: upsert the new passages (streamed in batches, so memory stays flat however many there
    are), delete the changed reports' passages no longer produced, then write lexicon and manifest."""
    client = _connect(target)
    try:
        with translated(target):
            return _apply(client, target, delta, batches, progress)
    finally:
        client.close()


def _apply(client, target: MilvusTarget, delta: Delta, batches, progress) -> Applied:
    exists = client.has_collection(target.collection) and client.has_collection(_meta_name(target))
    if exists:
        _load(client, target)
    old_lex = _read_blob(client, target, "lexicon") if exists and client.has_collection(_meta_name(target)) \
        else None
    lex = old_lex or {"dictionary": {}, "df": {}, "num_docs": 0, "words": [], "regions_by_file": {},
                      "years_by_file": {}}
    if not exists:
        _create(client, target, delta.dim, sum(r.chunks for r in delta.reports.values()))
    _load(client, target)
    reader = MilvusIndex(target, client, None, lex)  # type: ignore[arg-type]
    before = reader.rows_of_files(delta.files) if exists else {}
    df = Counter(lex["df"])
    length = lex.get("avgdl", 0.0) * lex["num_docs"]
    for toks in before.values():
        df.subtract(set(toks) - {""})
        length -= max(1, len(toks))
    kept_pks = set()
    # Kept whole by the tokenizer, as the local store does with the names of all its passages.
    words = set(lex["words"]) | delta.words
    tokenizer = Tokenizer(words)
    regions_by_file: dict[str, set[str]] = {f: set() for f in delta.files}
    years_by_file: dict[str, set[int]] = {f: set() for f in delta.files}
    done = 0
    for chunks, vectors in batches:
        rows = []
        for c, v in zip(chunks, vectors):
            toks = tokenizer.tokens(c.embed_text)
            pk = passage_pk(c)
            kept_pks.add(pk)
            regions_by_file.setdefault(c.citation.file, set()).add(c.citation.region or "")
            if c.period_year:
                years_by_file.setdefault(c.citation.file, set()).add(c.period_year)
            if pk in before:
                df.update(set(before[pk]) - {""})  # already stored as it is: counted again, not rewritten
                length += max(1, len(before[pk]))
                continue
            rows.append(_entity(c, v, toks))
            df.update(set(toks) - {""})
            length += max(1, len(toks))
            for t in toks:
                if t and t not in lex["dictionary"] and not is_quantity_token(t):
                    lex["dictionary"][t] = USER_FREQ if t in words else tokenizer.word_freq(t)
        for a in range(0, len(rows), BATCH):
            client.insert(target.collection, rows[a:a + BATCH])
        done += len(chunks)
        if progress:
            progress("writing to Milvus", done, done)
    stale = [pk for pk in before if pk not in kept_pks]
    for a in range(0, len(stale), 1000):
        client.delete(target.collection, ids=stale[a:a + 1000])
    for w in words:
        lex["dictionary"][w] = USER_FREQ
    for f in delta.files:
        lex["regions_by_file"].pop(f, None)
        lex["years_by_file"].pop(f, None)
        if f in delta.reports:
            lex["regions_by_file"][f] = sorted(r for r in regions_by_file.get(f, ()) if r)
            lex["years_by_file"][f] = sorted(years_by_file.get(f, ()))
    for f in list(lex["regions_by_file"]):
        if f not in delta.reports:
            lex["regions_by_file"].pop(f)
            lex["years_by_file"].pop(f, None)
    lex["df"] = {t: n for t, n in df.items() if n > 0}
    lex["words"] = sorted(words)
    client.flush(target.collection)
    n = int(client.query(target.collection, filter="", output_fields=["count(*)"])[0]["count(*)"])
    lex["num_docs"] = n
    lex["avgdl"] = length / n if n else 0.0
    for rel in delta.files:
        if rel not in delta.reports or rel in delta.texts:
            _delete_blob(client, target, "text:" + rel)
    for rel, text in delta.texts.items():
        _write_blob(client, target, "text:" + rel, text)
    _write_blob(client, target, "lexicon", lex)
    regions = sorted({r for rs in lex["regions_by_file"].values() for r in rs})
    manifest = Manifest(model_id=delta.model_id, dim=delta.dim, chunking=delta.chunking,
                        dense={"type": "milvus", "store": str(target)}, chunks=n, reports=delta.reports,
                        regions=regions,
                        places=sorted(w for w in words if PLACE.fullmatch(w) and not is_org(w)))
    manifest.created = _now()
    _write_blob(client, target, "manifest", manifest.as_json())
    _write_blob(client, target, "generation", str(time.time_ns()))
    client.flush(_meta_name(target))
    return Applied(manifest, len(stale))


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")

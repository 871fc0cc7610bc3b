"""The index folder's generations: which one is live, the writer lock, staging a new one and publishing it.

Layout of `index/`:
    CURRENT                the name of the live generation, replaced atomically with os.replace
    gen-000007/            one complete index (see ruralqa.index for the files in it; manifest.json last)
    .tmp-*/                a generation being written; left behind only by a killed update, removed by the next
    .lock                  held (flock) by the one process that updates the index
    *.db                   a Milvus Lite store kept beside it (`--store milvus:index/milvus.db`), left alone
A new generation is built in a temporary folder beside the live one and becomes live only when CURRENT is
replaced, so readers see the old index or the new one, never a mix, and a killed update leaves the old one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ruralqa import faults
from ruralqa.errors import ForeignIndexDir, IndexCorrupt, IndexLocked, IndexMissing, IndexUnwritable
from ruralqa.index.manifest import FIX_REPAIR, FileRecord
from ruralqa.index.manifest import NAME as MANIFEST_NAME

CURRENT = "CURRENT"
LOCK = ".lock"
FULL_HASH_LIMIT = 64 << 20  # above this total size, load checks sizes only; `ruralqa index --check` hashes all
# In a generation: its files whose checksums a load found right, with the size and modification time they had then.
# A later load hashes only files changed since (a rewritten byte changes the time); `--check` hashes every file.
VERIFIED = ".verified.json"


@contextmanager
def writer_lock(root: Path) -> Iterator[None]:
    """One writer at a time. flock is released by the kernel when its holder dies, so a stale lock never blocks."""
    import fcntl

    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise IndexUnwritable(f"cannot write to the index folder {root} ({exc.strerror}); make it writable or "
                              "pass --index DIR") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise IndexLocked(f"the index in {root} is being updated by process {holder}; "
                              "wait for it to finish and try again") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def wait_unlocked(root: Path) -> None:
    """Block until no process holds the writer lock of `root` (returns at once when none does)."""
    import fcntl

    try:
        fd = os.open(root / LOCK, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    finally:
        os.close(fd)


def check_root(root: Path) -> None:
    """Refuse to treat a folder that holds something else as an index (nothing in it is ever deleted)."""
    if not root.exists():
        return
    if not root.is_dir():
        raise ForeignIndexDir(f"{root} is a file, not an index folder; move it away or pass --index DIR")
    ours = {CURRENT, LOCK, CURRENT + ".tmp"}
    for entry in root.iterdir():
        if entry.name not in ours and not entry.name.startswith(("gen-", ".tmp-")) and entry.suffix != ".db":
            raise ForeignIndexDir(f"{root} holds {entry.name!r}, which is not part of a ruralqa index; "
                                  "move it away or pass --index DIR")


def current_generation(root: Path) -> Path:
    check_root(root)
    pointer = root / CURRENT
    if not pointer.exists():
        # CURRENT lost (deleted by hand, a backup that skipped it): the newest complete generation is the index,
        # so its stored vectors are reused rather than everything re-embedded. The next update writes CURRENT.
        newest = newest_generation(root)
        if newest is not None:
            return newest
        raise IndexMissing(f"no index in {root}; run `ruralqa index` to build it")
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except UnicodeDecodeError:
        raise IndexCorrupt(f"{pointer} is damaged (not a generation name); {FIX_REPAIR}") from None
    gen = root / name
    if not name.startswith("gen-") or not gen.is_dir():
        raise IndexCorrupt(f"{pointer} names {name!r}, which is not a generation folder; {FIX_REPAIR}")
    return gen


def newest_generation(root: Path) -> Path | None:
    """The newest generation whose manifest was written (a generation is complete once it has one)."""
    complete = sorted((g for g in root.glob("gen-*") if (g / MANIFEST_NAME).is_file()), key=lambda g: g.name)
    return complete[-1] if complete else None


def checksums(folder: Path, skip: set[str] = frozenset()) -> dict[str, FileRecord]:
    """Size and SHA-256 of every file under `folder` but those in `skip`, by path relative to it."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_file() and rel not in skip:
            out[rel] = FileRecord(path.stat().st_size, _sha256(path))
    return out


def verify_files(gen: Path, files: dict[str, FileRecord], full: bool | None = None) -> list[str]:
    """Problems with a generation's files: missing, truncated (size) or altered (SHA-256).
    `full=None` hashes them only when they are small enough to do so on every load."""
    total = sum(f.size for f in files.values())
    loading = full is None
    full = total <= FULL_HASH_LIMIT if full is None else full
    known = _verified(gen) if loading and full else {}
    problems, states = [], {}
    for rel, meta in files.items():
        path = gen / rel
        if not path.exists():
            problems.append(f"{rel} is missing")
            continue
        st = path.stat()
        states[rel] = [st.st_size, st.st_mtime_ns]
        if st.st_size != meta.size:
            problems.append(f"{rel} is truncated or altered (size {st.st_size}, expected {meta.size})")
        elif full and known.get(rel) != states[rel] and _sha256(path) != meta.sha256:
            problems.append(f"{rel} is altered (checksum differs)")
    if loading and full and not problems and states != known:
        _write_verified(gen, states)
    return problems


def _sha256(path: Path) -> str:
    from ruralqa.corpus.ingest import sha256_file  # imported when a file is hashed: a reader's load seldom hashes

    return sha256_file(path)


def _verified(gen: Path) -> dict:
    try:
        return json.loads((gen / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_verified(gen: Path, states: dict) -> None:
    """Best effort: an index a reader may not write to is hashed on every load, as before."""
    tmp = gen / f".verified-{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(states), encoding="utf-8")  # readable as the index's other files are
        os.replace(tmp, gen / VERIFIED)
    except OSError:
        tmp.unlink(missing_ok=True)


@contextmanager
def staging(root: Path) -> Iterator[Path]:
    """A fresh temporary folder in `root` for a new generation; removed if the block fails.
    Must be used under writer_lock: folders left by a killed update are removed first."""
    import shutil
    import tempfile

    check_root(root)
    root.mkdir(parents=True, exist_ok=True)
    for stale in root.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    except OSError as exc:
        raise IndexUnwritable(f"cannot write to the index folder {root} ({exc.strerror}); make it writable or "
                              "pass --index DIR") from None
    try:
        yield tmp
    except BaseException as exc:
        written = _size(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        if _disk_full(exc):
            raise IndexUnwritable(_full_message(root, written)) from None
        raise


def _disk_full(exc: BaseException) -> bool:
    import errno
    import sqlite3

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc)


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _full_message(root: Path, written: int) -> str:
    """What a full disk needs: a new generation is about the size of the live one (or, on a first build, at least
    twice what was written before the disk filled)."""
    import shutil

    live = max((_size(g) for g in root.glob("gen-*")), default=0)
    needed = max(live, 2 * written, 1 << 20)
    free = shutil.disk_usage(root).free
    return (f"the disk holding the index folder {root} is full ({free / 2**20:.0f} MB free); a new index generation "
            f"needs about {needed / 2**20:.0f} MB: free that much space or pass --index DIR on another disk "
            "(the previous index is unchanged)")


def publish(root: Path, tmp: Path) -> Path:
    """Make the complete generation in `tmp` live: fsync it, rename it, then replace CURRENT atomically."""
    _fsync_tree(tmp)
    gen = root / _next_generation(root)
    os.rename(tmp, gen)
    faults.checkpoint("before-swap")
    point_to(root, gen)
    _prune(root, keep={gen.name})
    return gen


def point_to(root: Path, gen: Path) -> None:
    """Make `gen` the live generation: CURRENT is replaced atomically."""
    pointer_tmp = root / (CURRENT + ".tmp")
    pointer_tmp.write_text(gen.name + "\n", encoding="utf-8")
    with open(pointer_tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(pointer_tmp, root / CURRENT)
    _fsync_dir(root)


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _next_generation(root: Path) -> str:
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _prune(root: Path, keep: set[str]) -> None:
    """Keep the live generation and the one before it, for readers that opened it just before the swap."""
    import shutil

    gens = sorted((p for p in root.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    for old in gens[:-2]:
        if old.name not in keep:
            shutil.rmtree(old, ignore_errors=True)

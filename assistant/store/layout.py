"""Where index versions live on disk, how one becomes current atomically, and the writer lock.

    index/
      CURRENT              name of the live version (replaced atomically with os.replace)
      .lock                held (flock) by the one process allowed to write
      v-<seq>-<time>/      a complete, immutable version: manifest.json + data files
      .tmp-<id>/           a version being written; never read; removed by the next writer

A version folder is written in full under a temporary name, fsynced, renamed, and only then
named in CURRENT. A reader therefore sees the old version or the new one, never a mixture,
and a crash at any moment leaves CURRENT naming a complete version.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import StoreError, StoreLockedError

CURRENT = "CURRENT"
LEXICAL_DIR = "bm25"
LOCK = ".lock"
VERSION_PREFIX = "v-"
TMP_PREFIX = ".tmp-"
KEEP_VERSIONS = 2
"""The live version and the one before it: a reader that read CURRENT just before a switch
can still open the files it expects."""


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Flush every file and folder under ``path`` to disk."""
    for root, _dirs, files in os.walk(path):
        for name in files:
            fd = os.open(Path(root) / name, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_dir(Path(root))


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new contents only.

    When writing fails (a full disk) ``path`` is as it was and the temporary file is removed.
    """
    tmp = path.with_name(f"{TMP_PREFIX}{path.name}-{uuid.uuid4().hex[:8]}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def current_version(index: Path) -> Path | None:
    """The live version folder, or None if no index has been built here."""
    try:
        name = (index / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {index / CURRENT}: {exc.strerror}") from None
    if not name.startswith(VERSION_PREFIX) or "/" in name or not (index / name).is_dir():
        raise StoreError(
            f"{index / CURRENT} names {name!r}, which is not a version folder here; "
            f"delete {index} and run `assistant index` to rebuild"
        )
    return index / name


def current_token(index: Path) -> str | None:
    """A cheap value that changes whenever a new version goes live (for hot reload)."""
    try:
        return (index / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def new_workdir(index: Path) -> Path:
    index.mkdir(parents=True, exist_ok=True)
    work = index / f"{TMP_PREFIX}{uuid.uuid4().hex[:12]}"
    work.mkdir()
    return work


def publish(index: Path, workdir: Path) -> Path:
    """Make a fully written ``workdir`` the live version; prune old versions. Caller holds the lock.

    If ``CURRENT`` cannot be switched to it (a full disk), the renamed version is removed again
    and the error raised: the live version is unchanged and nothing of the new one is left.
    """
    fsync_tree(workdir)
    name = f"{VERSION_PREFIX}{_next_sequence(index):08d}-{time.strftime('%Y%m%dT%H%M%S')}"
    final = index / name
    os.rename(workdir, final)
    try:
        fsync_dir(index)
        write_atomic(index / CURRENT, (name + "\n").encode("utf-8"))
    except BaseException:
        if current_token(index) != name:
            shutil.rmtree(final, ignore_errors=True)
        raise
    prune(index, keep=final)
    return final


def discard(workdir: Path) -> None:
    """Remove a version that was being written and will not be published."""
    shutil.rmtree(workdir, ignore_errors=True)


def _sequence(version: Path) -> int:
    try:
        return int(version.name[len(VERSION_PREFIX) :].split("-", 1)[0])
    except ValueError:
        return -1


def _next_sequence(index: Path) -> int:
    """One more than any version here, so names sort in publishing order (the lock serialises writers)."""
    return 1 + max((_sequence(p) for p in index.glob(f"{VERSION_PREFIX}*")), default=0)


def prune(index: Path, keep: Path | None) -> None:
    """Remove unfinished work folders and all but the newest versions. Caller holds the lock."""
    for tmp in index.glob(f"{TMP_PREFIX}*"):
        if tmp.is_dir():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            tmp.unlink(missing_ok=True)
    versions = [p for p in index.glob(f"{VERSION_PREFIX}*") if p.is_dir()]
    versions.sort(key=_sequence, reverse=True)
    survivors = [keep] if keep else []
    survivors += [v for v in versions if v != keep][: KEEP_VERSIONS - len(survivors)]
    for version in versions:
        if version not in survivors:
            shutil.rmtree(version, ignore_errors=True)


@contextlib.contextmanager
def writer_lock(index: Path) -> Iterator[None]:
    """Hold the single-writer lock, or fail at once with who holds it."""
    index.mkdir(parents=True, exist_ok=True)
    fd = os.open(index / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "another process"
            raise StoreLockedError(
                f"the index at {index} is being written by {holder}; wait for it to finish "
                "and try again (only one `assistant index` may run at a time)"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing releases the flock

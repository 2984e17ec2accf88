"""Open a version folder and check it against its manifest before anything is served.

Checks, in order: every file the manifest lists exists with the recorded size and sha256;
the passage table, the vectors, the FAISS index and the BM25 index all hold
``passage_count`` rows. Any mismatch is a :class:`StoreError` that says how to rebuild:
a damaged index is refused, never served with wrong citations.

Hashing every file costs about a second per 0.3-1 GB here, which at a million passages
(~4 GB) would dominate start-up. So a file whose sha256 matched is remembered in
``.verified.json`` by its stat signature (size, mtime, ctime, inode, device), and is hashed
again only when that signature changes. Any write to a file -- truncation, an edit, a
copy over it -- changes its ctime, which no program can set back, so damage done through
the file system is still caught at load. A file changed in the last
:data:`SETTLE_SECONDS` before it was verified is not remembered (timestamps are coarser
than a fast write; git's "racy" rule); the time of verifying comes from ``clock`` (default
:func:`time.time`), which tests set instead of waiting. Pass ``reuse=False`` to hash
everything regardless.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from assistant.errors import StoreError
from assistant.records import ReportMeta
from assistant.retrieval.lexical import LexicalIndex
from assistant.store import layout
from assistant.store.manifest import Manifest, read_manifest, sha256_file
from assistant.store.table import PassageTable
from assistant.store.vectors import load_embeddings, load_faiss, load_offsets, unit_owners
from assistant.store.vocabulary import DEFINITIONS, VOCABULARY

T = TypeVar("T")

REBUILD = "run `assistant index --rebuild` to rebuild it"


VERIFIED = ".verified.json"
"""Stat signatures of files whose checksum matched (not listed in the manifest)."""
SETTLE_SECONDS = 2.0
"""A file changed less than this long before it was verified is hashed again next time."""
Clock = Callable[[], float]
"""Seconds since the epoch, as :func:`time.time` gives them."""


def file_signature(path: Path) -> list[int]:
    """What changes whenever a file is written to, replaced or truncated."""
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def _remembered(version: Path) -> dict[str, list[int]]:
    try:
        data = json.loads((version / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _remember(version: Path, names: list[str], verified_at: float) -> None:
    settled = verified_at - SETTLE_SECONDS
    signatures = {}
    for name in names:
        signature = file_signature(version / name)
        if max(signature[1], signature[2]) < settled * 1e9:
            signatures[name] = signature
    with contextlib.suppress(OSError):  # a read-only index is simply hashed again next time
        layout.write_atomic(version / VERIFIED, json.dumps(signatures).encode("utf-8"))


def verify_files(
    version: Path,
    manifest: Manifest,
    *,
    checksums: bool = True,
    reuse: bool = True,
    clock: Clock = time.time,
) -> None:
    """Raise :class:`StoreError` unless every listed file is present, of the right size and hash.

    With ``reuse``, files unchanged since they last matched their checksum are not hashed again;
    ``clock`` tells the time of this check (see the module docstring).
    """
    started = clock()
    known = _remembered(version) if checksums and reuse else {}
    hashed = False
    for name, record in manifest.files.items():
        path = version / name
        if not path.is_file():
            raise StoreError(f"index file {path} is missing; {REBUILD}")
        size = path.stat().st_size
        if size != record["bytes"]:
            raise StoreError(
                f"index file {path} is {size} bytes, the manifest says {record['bytes']} "
                f"(truncated or altered); {REBUILD}"
            )
        if checksums and known.get(name) != file_signature(path):
            hashed = True
            if sha256_file(path) != record["sha256"]:
                raise StoreError(
                    f"index file {path} does not match its checksum (altered or damaged); {REBUILD}"
                )
    if hashed:
        _remember(version, list(manifest.files), started)


@dataclass
class LoadedIndex:
    """One verified version of the index, ready to search."""

    version: Path
    manifest: Manifest
    table: PassageTable
    faiss: Any
    embeddings: np.ndarray
    offsets: np.ndarray
    """Passage *i* owns unit vectors ``embeddings[offsets[i]:offsets[i + 1]]``."""
    owners: np.ndarray
    """The passage row of each unit vector (``embeddings`` and FAISS rows)."""
    lexical: LexicalIndex
    reports: dict[str, ReportMeta]
    vocabulary: dict[str, int]
    definitions: list[tuple[str, str]]
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)
    _derived_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __len__(self) -> int:
        return len(self.table)

    def derived(self, name: str, compute: Callable[[], T]) -> T:
        """Data computed from this version once (glossary with its definitions, word families...).

        It lives and dies with the version, so a newly published version gets its own.
        """
        with self._derived_lock:
            if name not in self._derived:
                self._derived[name] = compute()
            value: T = self._derived[name]
            return value

    def close(self) -> None:
        self.table.close()


def open_version(
    version: Path, *, checksums: bool = True, reuse: bool = True, clock: Clock = time.time
) -> LoadedIndex:
    """Load ``version`` after checking it; see the module docstring for what is checked."""
    manifest = read_manifest(version)
    verify_files(version, manifest, checksums=checksums, reuse=reuse, clock=clock)
    n = manifest.passage_count
    try:
        table = PassageTable(version)
        embeddings = load_embeddings(version)
        offsets = load_offsets(version)
        lexical = LexicalIndex.load(version / layout.LEXICAL_DIR, mmap=n > 100_000)
    except (OSError, ValueError, KeyError) as exc:
        raise StoreError(
            f"the index at {version} cannot be read ({type(exc).__name__}: {exc}); {REBUILD}"
        ) from None
    counts = {"passages": len(table), "vector groups": len(offsets) - 1, "bm25": lexical.size}
    wrong = {k: v for k, v in counts.items() if v != n}
    units_ok = (
        len(offsets)
        and offsets[0] == 0
        and offsets[-1] == embeddings.shape[0]
        and np.all(np.diff(offsets) > 0)
    )
    if wrong or not units_ok or (n and embeddings.shape[1] != manifest.dimension):
        table.close()
        raise StoreError(
            f"the index at {version} is out of step: manifest says {n} passages of dimension "
            f"{manifest.dimension}, files hold {counts} and {embeddings.shape[0]} vectors; {REBUILD}"
        )
    # A Milvus-backed version is searched in Milvus (assistant/retrieval/candidates.py): no FAISS in memory.
    external = manifest.store.get("backend") not in (None, "faiss")
    faiss_index = None if external else load_faiss(version, embeddings.shape[0], manifest.dimension)
    reports = {r.id: ReportMeta.from_dict(r.meta) for r in manifest.reports}
    try:
        vocabulary = json.loads((version / VOCABULARY).read_text(encoding="utf-8"))
        definitions = [(a, b) for a, b in json.loads((version / DEFINITIONS).read_text(encoding="utf-8"))]
    except (OSError, ValueError) as exc:
        raise StoreError(f"the index at {version} cannot be read ({type(exc).__name__}); {REBUILD}") from None
    owners = unit_owners(offsets)
    return LoadedIndex(
        version,
        manifest,
        table,
        faiss_index,
        embeddings,
        offsets,
        owners,
        lexical,
        reports,
        vocabulary,
        definitions,
    )


def open_index(
    index: Path, *, checksums: bool = True, reuse: bool = True, clock: Clock = time.time
) -> LoadedIndex:
    """Load the live version under ``index``."""
    version = layout.current_version(index)
    if version is None:
        raise StoreError(f"there is no index at {index}; run `assistant index` to build it")
    return open_version(version, checksums=checksums, reuse=reuse, clock=clock)

"""Open a version folder and check it against its manifest before anything is served.

Checks, in order: every file the manifest lists exists with the recorded size and sha256;
the passage table, the vectors, the FAISS index and the BM25 index all hold
``passage_count`` rows. Any mismatch is a :class:`StoreError` that says how to rebuild:
a damaged index is refused, never served with wrong citations.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import StoreError
from assistant.records import ReportMeta
from assistant.retrieval.lexical import LexicalIndex
from assistant.store import layout
from assistant.store.manifest import Manifest, read_manifest
from assistant.store.table import PassageTable
from assistant.store.vectors import load_embeddings, load_faiss, load_offsets, unit_owners
from assistant.store.vocabulary import DEFINITIONS, VOCABULARY

REBUILD = "run `assistant index --rebuild` to rebuild it"


def verify_files(version: Path, manifest: Manifest, *, checksums: bool = True) -> None:
    """Raise :class:`StoreError` unless every listed file is present, of the right size and hash."""
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
        if checksums:
            with open(path, "rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            if digest != record["sha256"]:
                raise StoreError(
                    f"index file {path} does not match its checksum (altered or damaged); {REBUILD}"
                )


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

    def __len__(self) -> int:
        return len(self.table)

    def close(self) -> None:
        self.table.close()


def open_version(version: Path, *, checksums: bool = True) -> LoadedIndex:
    """Load ``version`` after checking it; see the module docstring for what is checked."""
    manifest = read_manifest(version)
    verify_files(version, manifest, checksums=checksums)
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
    faiss_index = load_faiss(version, embeddings.shape[0], manifest.dimension)
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


def open_index(index: Path, *, checksums: bool = True) -> LoadedIndex:
    """Load the live version under ``index``."""
    version = layout.current_version(index)
    if version is None:
        raise StoreError(f"there is no index at {index}; run `assistant index` to build it")
    return open_version(version, checksums=checksums)

"""Writing one index version's files and publishing it, or leaving nothing behind when writing fails.

The files are written into a temporary folder (:func:`assistant.store.layout.new_workdir`),
listed with their sizes and checksums in the manifest, and published atomically. When a write
fails -- a full disk, above all -- the temporary folder (or the renamed version, if only
``CURRENT`` could not be switched) is removed, the live version stays in service, and the
error says so in one line with the fix (:func:`assistant.store.disk.write_failure`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant import __version__
from assistant.passages import lexical_text
from assistant.records import Passage
from assistant.retrieval.lexical import LexicalIndex
from assistant.store import layout
from assistant.store.disk import write_failure
from assistant.store.manifest import MANIFEST, Manifest, ReportEntry, file_record
from assistant.store.plan import Skipped
from assistant.store.table import write_table
from assistant.store.vectors import choose_index_type, save_vectors
from assistant.store.vocabulary import write_vocabulary

Blocks = list[np.ndarray]
"""One ``(units, dim)`` float16 array of vectors per passage (see :func:`assistant.passages.dense_units`)."""


@dataclass(frozen=True)
class Contents:
    """What one index version holds: the settings it was built with, its reports, their passages
    with one block of vectors each (in the same order), and the files that could not be read."""

    settings: dict[str, Any]
    entries: list[ReportEntry]
    passages: list[Passage]
    blocks: Blocks
    skipped: Sequence[Skipped] = ()


def write_version(index: Path, contents: Contents, index_type: str) -> Path:
    """Write and publish a version of ``contents``; raises :class:`~assistant.errors.StoreError` (and
    leaves no file of it) when a file cannot be written. Caller holds the writer lock."""
    previous = layout.current_token(index) is not None
    work: Path | None = None
    try:
        work = layout.new_workdir(index)
        return _write_files(work, index, contents, index_type)
    except OSError as exc:  # a full disk, above all: nothing of this version stays, the live one serves on
        if work is not None:
            layout.discard(work)
        raise write_failure(index, exc, previous=previous) from None


def _write_files(work: Path, index: Path, contents: Contents, index_type: str) -> Path:
    passages, blocks = contents.passages, contents.blocks
    count = write_table(work, passages, [e.id for e in contents.entries])
    kind = choose_index_type(sum(map(len, blocks)), index_type)
    save_vectors(work, blocks, kind)
    lexical = LexicalIndex.build([lexical_text(p) for p in passages])
    lexical.save(work / layout.LEXICAL_DIR)
    write_vocabulary(work, passages)
    files = {
        str(p.relative_to(work)): file_record(p)
        for p in sorted(work.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = Manifest(
        model=contents.settings["model"],
        dimension=int(blocks[0].shape[1]),
        passage_count=count,
        settings=contents.settings,
        reports=tuple(contents.entries),
        files=files,
        index_type=kind,
        skipped=tuple(contents.skipped),
        package_version=__version__,
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    )
    (work / MANIFEST).write_bytes(manifest.dumps())
    return layout.publish(index, work)

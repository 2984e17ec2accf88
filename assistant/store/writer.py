"""Writing one version folder: passages first (while vectors are being made), then vectors, then the seal.

A build calls :func:`write_passages` as soon as it knows every passage -- the passage table,
the BM25 index and the vocabulary need no vectors, so they are written while the encoder is
still at work -- then :func:`write_vectors` and :func:`seal`, which writes the manifest and
publishes the folder atomically (:func:`assistant.store.layout.publish`).
:func:`write_version` does all three for callers that have everything at once. All of it
happens inside :func:`writing`: when a write fails -- a full disk, above all -- the folder (or
the renamed version, if only ``CURRENT`` could not be switched) is removed, the live version
stays in service, and the error says so in one line with the fix
(:func:`assistant.store.disk.write_failure`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from assistant import __version__
from assistant.errors import CorpusError
from assistant.ingest import EXTENSIONS
from assistant.passages import dense_units, lexical_text
from assistant.records import Passage
from assistant.retrieval.lexical import LexicalIndex
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.disk import write_failure
from assistant.store.manifest import MANIFEST, Manifest, ReportEntry, file_record
from assistant.store.plan import Skipped
from assistant.store.table import write_table
from assistant.store.unit_cache import save_keys, unit_keys
from assistant.store.vectors import choose_index_type, save_vectors
from assistant.store.vocabulary import write_vocabulary


@contextmanager
def writing(index: Path) -> Iterator[Path]:
    """A new version folder in ``index`` to write into; on any failure it is removed, and a failed
    write (``OSError``: a full disk, above all) becomes one :class:`~assistant.errors.StoreError`
    line with the fix. Caller holds the writer lock and publishes with :func:`seal`."""
    previous = layout.current_token(index) is not None
    work: Path | None = None
    try:
        work = layout.new_workdir(index)
        yield work
    except OSError as exc:
        if work is not None:
            layout.discard(work)
        raise write_failure(index, exc, previous=previous) from None
    except BaseException:
        if work is not None:
            layout.discard(work)
        raise


def check_not_empty(settings: Settings, passages: Sequence[Passage], skipped: Sequence[Skipped]) -> None:
    """Refuse to publish an index with no passages, saying why each file gave none."""
    if not passages:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in skipped) or "the folder has no report files"
        raise CorpusError(
            f"nothing to index in {settings.corpus} ({reasons}); add report files "
            f"({', '.join(sorted(EXTENSIONS))}) and run `assistant index`"
        )


def write_passages(work: Path, passages: Sequence[Passage], entries: Sequence[ReportEntry]) -> int:
    """The passage table, the BM25 index and the vocabulary; returns the passage count."""
    count = write_table(work, passages, [e.id for e in entries])
    LexicalIndex.build([lexical_text(p) for p in passages]).save(work / layout.LEXICAL_DIR)
    write_vocabulary(work, passages)
    return count


def write_vectors(
    work: Path, blocks: Sequence[np.ndarray], keys: Sequence[np.ndarray] | None, index_type: str
) -> tuple[str, int]:
    """Unit vectors, their cache keys (unless None) and the FAISS index; returns ``(kind, dimension)``."""
    kind = choose_index_type(sum(map(len, blocks)), index_type)
    save_vectors(work, blocks, kind)
    if keys is not None:
        save_keys(work, np.concatenate(list(keys)) if keys else unit_keys([]))
    return kind, int(blocks[0].shape[1])


def seal(
    settings: Settings,
    work: Path,
    wanted: dict[str, Any],
    entries: Sequence[ReportEntry],
    counts: tuple[int, int],
    kind: str,
    skipped: Sequence[Skipped],
    encoder: str,
    store: dict[str, Any] | None = None,
    log: Callable[[str], None] = print,
) -> Path:
    """Write the manifest (every file's size and sha256) and publish ``work`` as the live version.

    ``counts`` is ``(passages, dimension)``; ``encoder`` names what made the vectors (the key
    of the vector cache, :mod:`assistant.store.unit_cache`); ``store`` the search engine that
    :func:`sync_store` filled (empty: FAISS + bm25s in the folder).
    """
    files = {
        str(p.relative_to(work)): file_record(p)
        for p in sorted(work.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }
    manifest = Manifest(
        model=wanted["model"],
        dimension=counts[1],
        passage_count=counts[0],
        settings=wanted,
        reports=tuple(entries),
        files=files,
        index_type=kind,
        skipped=tuple(skipped),
        package_version=__version__,
        created=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        vector_encoder=encoder,
        store=store or {},
    )
    (work / MANIFEST).write_bytes(manifest.dumps())
    published = layout.publish(settings.index, work)
    if store:
        from assistant.store import milvus

        milvus.switch_alias(store, log)
    return published


def sync_store(
    settings: Settings,
    wanted: dict[str, Any],
    entries: Sequence[ReportEntry],
    passages: Sequence[Passage],
    blocks: Sequence[np.ndarray],
    live_store: dict[str, Any],
    log: Callable[[str], None] = print,
    fresh: bool = False,
) -> dict[str, Any]:
    """Fill the search engine other than the folder's own (``store = "milvus"``) before anything
    is published, so a failure publishes nothing; the manifest's ``store`` (empty for FAISS)."""
    if settings.store != "milvus":
        return {}
    from assistant.store import milvus

    return milvus.sync(settings, wanted, entries, passages, blocks, live_store, log, fresh=fresh)


def write_version(
    settings: Settings,
    wanted: dict[str, Any],
    entries: Sequence[ReportEntry],
    passages: Sequence[Passage],
    blocks: Sequence[np.ndarray],
    skipped: Sequence[Skipped],
    index_type: str,
    encoder: str = "",
) -> Path:
    """Write and publish a whole version from passages and their ready vector blocks.

    Without ``encoder`` (vectors of unknown origin, e.g. synthetic ones) the version offers
    no vector cache.
    """
    check_not_empty(settings, passages, skipped)
    with writing(settings.index) as work:
        count = write_passages(work, passages, entries)
        keys = [unit_keys(dense_units(p)) for p in passages] if encoder else None
        kind, dim = write_vectors(work, blocks, keys, index_type)
        store = sync_store(settings, wanted, entries, passages, blocks, {})
        return seal(settings, work, wanted, entries, (count, dim), kind, skipped, encoder, store)

"""Build or update the index: parse and embed only what changed, then publish atomically.

:func:`scan_corpus` fingerprints the report files; :func:`assistant.store.plan.plan_update`
(pure) compares them with the live manifest; :func:`update_index` carries the plan out under
the writer lock. A report whose new version cannot be parsed
keeps its previously indexed passages, and the failure is reported by file name.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import Embedder, canonical_model_id, encoder_id, make_embedder
from assistant.errors import IngestError, StoreError
from assistant.ingest import PARSER_VERSION, Limits, ParsedFile, refused_files
from assistant.passages import dense_units
from assistant.records import Passage
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.distributed import LocalRunner, Runner
from assistant.store.encode import Progress, UnitEncoder
from assistant.store.load import verify_files
from assistant.store.manifest import Manifest, ReportEntry, read_manifest
from assistant.store.plan import UpdatePlan, plan_update
from assistant.store.reading import parse_changed, scan_corpus
from assistant.store.table import PassageTable
from assistant.store.unit_cache import load_keys, open_cache, unit_keys, version_encoder
from assistant.store.vectors import load_embeddings, load_offsets, passage_blocks
from assistant.store.writer import check_not_empty, seal, sync_store, write_passages, write_vectors, writing

EMBED_TEXT_VERSION = "3-context+grade+sentences"
Log = Callable[[str], None]


def index_settings(settings: Settings) -> dict[str, Any]:
    """The settings an index depends on; any change to them forces a full rebuild."""
    return {
        "model": canonical_model_id(settings.model),
        "parser": PARSER_VERSION,
        "embed_text": EMBED_TEXT_VERSION,
        "lexical": "bm25s-lucene-k1.2-b0.75-snowball-en-2-text+grade",
        **_store_settings(settings),
    }


def _store_settings(settings: Settings) -> dict[str, Any]:
    """The search engine, when it is not the default FAISS + bm25s (switching it rebuilds)."""
    if settings.store == "faiss":
        return {}
    from assistant.store.milvus import resolve_uri
    from assistant.store.milvus_schema import SCHEMA

    return {
        "store": settings.store,
        "milvus_schema": SCHEMA,
        "milvus_uri": resolve_uri(settings),
        "milvus_collection": settings.milvus_collection,
    }


@dataclass(frozen=True)
class UpdateResult:
    plan: UpdatePlan
    failures: tuple[IngestError, ...] = ()
    passage_count: int = 0
    embedded: int = 0
    """Passages of added or changed reports, whose units were looked up or embedded."""
    version: Path | None = None
    seconds: float = 0.0
    reports: tuple[ReportEntry, ...] = field(default=(), repr=False)
    units: int = 0
    """Unit texts of those passages (several per passage, see :func:`assistant.passages.dense_units`)."""
    units_cached: int = 0
    """Of ``units``: vectors taken from the vector cache (:mod:`assistant.store.unit_cache`)."""
    units_repeated: int = 0
    """Of ``units``: texts another unit of this build already had, embedded once for both."""
    units_encoded: int = 0
    """Of ``units``: embedded by the model."""


def live_manifest(index: Path) -> Manifest | None:
    version = layout.current_version(index)
    return read_manifest(version) if version else None


Blocks = list[np.ndarray]
"""One ``(units, dim)`` float16 array of vectors per passage (see :func:`assistant.passages.dense_units`)."""


def _reuse(
    old_version: Path, old: Manifest, keep: set[str]
) -> tuple[list[Passage], Blocks, Blocks, list[ReportEntry]]:
    """The old version's passages of the reports in ``keep``: passages, vector blocks, unit keys, entries."""
    table = PassageTable(old_version)
    try:
        vectors, offsets = load_embeddings(old_version), load_offsets(old_version)
        entries = [r for r in old.reports if r.path in keep]
        codes = {table.columns.report_ids.index(r.id) for r in entries if r.id in table.columns.report_ids}
        rows = np.flatnonzero(np.isin(np.asarray(table.columns.report), list(codes)))
        passages = [table.get(int(i)) for i in rows]
        blocks = list(passage_blocks(vectors, offsets, rows))
        stored = load_keys(old_version)
        if stored is not None and len(stored) == len(vectors):
            keys = list(passage_blocks(stored, offsets, rows))
        else:  # an index from before the cache: key the reused units now
            keys = [unit_keys(dense_units(p)) for p in passages]
        return passages, blocks, keys, entries
    finally:
        table.close()


def update_index(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    rebuild: bool = False,
    index_type: str = "auto",
    progress: bool = True,
    log: Log = print,
    reuse_vectors: bool = True,
    runner: Runner | None = None,
    parsed: Mapping[str, ParsedFile] | None = None,
) -> UpdateResult:
    """Bring the index in ``settings.index`` up to date with ``settings.corpus``.

    Reports are parsed one by one while their units are embedded in the background
    (:class:`assistant.store.encode.UnitEncoder`), and the passage table and BM25 index are
    written while the last ones are. With ``reuse_vectors`` (the default) each distinct unit
    text is embedded once and vectors in the live version's cache are not embedded again;
    without it, every unit is embedded (how benchmarks measure the cache's gain). ``runner``
    parses and embeds: this machine by default, or Ray (:mod:`assistant.store.distributed`).
    Each changed file is parsed in a worker process within the limits of the settings
    (:mod:`assistant.ingest.worker`), except those in ``parsed`` (by path in the corpus) whose
    content is unchanged since: files just checked before being added are not parsed twice.
    """
    runner = runner or LocalRunner()
    started = time.perf_counter()
    wanted = index_settings(settings)
    refused = refused_files(settings.corpus)  # links out of the corpus, undecodable names: never read
    with layout.writer_lock(settings.index):
        old_version, old = _whole_live_version(settings.index, log)
        layout.prune(settings.index, keep=old_version)
        files = scan_corpus(settings.corpus, old)
        limits = Limits.from_settings(settings)
        plan = plan_update(None if rebuild else old, files, wanted, limits.key())
        if rebuild and old is not None:
            plan = UpdatePlan(added=plan.added, rebuild_reason="rebuild requested")
        if not plan.changed:
            return UpdateResult(
                plan,
                tuple(refused),
                passage_count=old.passage_count if old else 0,
                version=old_version,
                seconds=time.perf_counter() - started,
                reports=old.reports if old else (),
            )
        if plan.rebuild_reason and old is not None:
            log(f"Rebuilding the whole index: {plan.rebuild_reason}.")
        if embedder is None and (plan.added or plan.updated):  # nothing to parse: no model needed
            embedder = runner.embedder(settings) or make_embedder(
                settings.model, settings.backend, settings.batch_size, indexing=True
            )
        encoder_name = encoder_id(embedder) if embedder is not None else ""
        cache = (
            open_cache(old_version, encoder_name, old.vector_encoder, old.dimension)
            if reuse_vectors and old is not None and embedder is not None
            else None
        )
        bar = Progress(progress)
        with UnitEncoder(
            embedder, cache, dedupe=reuse_vectors, bar=bar, chunk=settings.embed_chunk
        ) as encoder:
            outcome = parse_changed(settings, files, plan, old, encoder, runner, parsed or {})
            keep, new_passages, entries, skipped, failures = outcome
            if old is not None and old_version is not None and not plan.rebuild_reason:
                skipped.extend(item for item in old.skipped if item.path in set(plan.unchanged))
                reused, reused_blocks, reused_keys, reused_entries = _reuse(old_version, old, keep)
            else:
                reused, reused_blocks, reused_keys, reused_entries = [], [], [], []
            if new_passages and embedder is not None:
                log(f"Embedding {len(new_passages)} passages with {embedder.model_id} ...")
            all_entries = sorted([*reused_entries, *entries], key=lambda r: r.path)
            combined = [*reused, *new_passages]
            order = _report_order(all_entries, combined)
            passages = [combined[i] for i in order]
            check_not_empty(settings, passages, skipped)
            with writing(settings.index) as work:  # a failed write (a full disk) leaves nothing of it
                count = write_passages(work, passages, all_entries)  # while the encoder works
                encoded = encoder.finish()
                bar.close()
                blocks = [*reused_blocks, *encoded.blocks]
                keys = [*reused_keys, *encoded.keys]
                ordered = [blocks[i] for i in order]
                kind, dim = write_vectors(work, ordered, [keys[i] for i in order], index_type)
                made_by = version_encoder(
                    old.vector_encoder if reused and old else None, encoder_name, encoded.encoded
                )
                live_store = old.store if old is not None else {}
                store = sync_store(
                    settings,
                    wanted,
                    all_entries,
                    passages,
                    ordered,
                    live_store,
                    log,
                    bool(plan.rebuild_reason),
                )
                version = seal(
                    settings, work, wanted, all_entries, (count, dim), kind, skipped, made_by, store, log
                )
        return UpdateResult(
            plan,
            tuple([*refused, *failures]),
            len(passages),
            len(new_passages),
            version,
            time.perf_counter() - started,
            tuple(all_entries),
            encoded.units,
            encoded.cached,
            encoded.repeated,
            encoded.encoded,
        )


def _whole_live_version(index: Path, log: Log) -> tuple[Path | None, Manifest | None]:
    """The live version and its manifest when every file checks out, else ``(None, None)``.

    An update reuses the live version's passages and vectors; reusing damaged ones would carry
    the damage into a new version with fresh, valid checksums. So a damaged live version
    (or a ``CURRENT`` naming none) is reported and the index is rebuilt in full.
    """
    try:
        version = layout.current_version(index)
        if version is None:
            return None, None
        manifest = read_manifest(version)
        verify_files(version, manifest)
    except StoreError as exc:
        log(f"The live index cannot be reused, so it is rebuilt in full: {exc}")
        return None, None
    return version, manifest


def _report_order(entries: list[ReportEntry], passages: list[Passage]) -> list[int]:
    """Positions of ``passages`` grouped by report in the order of ``entries`` (stable within a report)."""
    rank = {e.id: n for n, e in enumerate(entries)}
    return sorted(range(len(passages)), key=lambda i: rank.get(passages[i].report_id, len(rank)))

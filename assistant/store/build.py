"""Build or update the index: parse and embed only what changed, then publish atomically.

:func:`scan_corpus` fingerprints the report files; :func:`assistant.store.plan.plan_update`
(pure) compares them with the live manifest; :func:`update_index` carries the plan out under
the writer lock. A report whose new version cannot be parsed
keeps its previously indexed passages, and the failure is reported by file name.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import Embedder, canonical_model_id, embed_all, make_embedder
from assistant.errors import CorpusError, IngestError, LimitError, StoreError
from assistant.grades import section_grades
from assistant.ingest import (
    EXTENSIONS,
    PARSER_VERSION,
    Limits,
    ParsedFile,
    discover,
    load_report,
    refused_files,
    report_from,
)
from assistant.ingest.metadata import sidecar_for
from assistant.passages import dense_units, report_passages
from assistant.records import Passage, Report
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.load import verify_files
from assistant.store.manifest import Manifest, ReportEntry, read_manifest, sha256_file
from assistant.store.plan import FileState, Skipped, UpdatePlan, plan_update, unique_id
from assistant.store.table import PassageTable
from assistant.store.vectors import (
    load_embeddings,
    load_offsets,
    passage_blocks,
)
from assistant.store.write import Blocks, Contents, write_version

EMBED_TEXT_VERSION = "3-context+grade+sentences"
Log = Callable[[str], None]


def index_settings(settings: Settings) -> dict[str, Any]:
    """The settings an index depends on; any change to them forces a full rebuild."""
    return {
        "model": canonical_model_id(settings.model),
        "parser": PARSER_VERSION,
        "embed_text": EMBED_TEXT_VERSION,
        "lexical": "bm25s-lucene-k1.2-b0.75-snowball-en-2-text+grade",
    }


def scan_corpus(corpus: Path, previous: Manifest | None = None) -> list[FileState]:
    """Fingerprint every report file; unchanged size+mtime reuses the previous hash (no re-read)."""
    known = {r.path: r for r in previous.reports} if previous else {}
    states = []
    for source in discover(corpus):
        rel = str(source.relative_to(corpus))
        stat = source.stat()
        old = known.get(rel)
        if old and old.size == stat.st_size and old.mtime_ns == stat.st_mtime_ns and old.meta.get("sha256"):
            sha = str(old.meta["sha256"])
        else:
            sha = sha256_file(source)
        sidecar = sidecar_for(source)
        side_sha = sha256_file(sidecar) if sidecar else ""
        fingerprint = hashlib.sha256(f"{sha}\x1f{side_sha}".encode()).hexdigest()[:32]
        states.append(FileState(rel, source, stat.st_size, stat.st_mtime_ns, sha, fingerprint))
    return states


@dataclass(frozen=True)
class UpdateResult:
    plan: UpdatePlan
    failures: tuple[IngestError, ...] = ()
    passage_count: int = 0
    embedded: int = 0
    version: Path | None = None
    seconds: float = 0.0
    reports: tuple[ReportEntry, ...] = field(default=(), repr=False)


def live_manifest(index: Path) -> Manifest | None:
    version = layout.current_version(index)
    return read_manifest(version) if version else None


def _reuse(
    old_version: Path, old: Manifest, keep: set[str]
) -> tuple[list[Passage], Blocks, list[ReportEntry]]:
    """Passages, their vector blocks and the entries of the reports in ``keep`` from the old version."""
    table = PassageTable(old_version)
    try:
        vectors, offsets = load_embeddings(old_version), load_offsets(old_version)
        entries = [r for r in old.reports if r.path in keep]
        codes = {table.columns.report_ids.index(r.id) for r in entries if r.id in table.columns.report_ids}
        rows = np.flatnonzero(np.isin(np.asarray(table.columns.report), list(codes)))
        passages = [table.get(int(i)) for i in rows]
        blocks = list(passage_blocks(vectors, offsets, rows))
        return passages, blocks, entries
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
    parsed: Mapping[str, ParsedFile] | None = None,
) -> UpdateResult:
    """Bring the index in ``settings.index`` up to date with ``settings.corpus``.

    Each changed file is parsed in a worker process within the limits of the settings
    (:mod:`assistant.ingest.worker`), except those in ``parsed`` (by path in the corpus) whose
    content is unchanged since: files just checked before being added are not parsed twice.
    """
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
        keep = set(plan.unchanged)
        todo = [f for f in files if f.path in set(plan.added) | set(plan.updated)]
        failures: list[IngestError] = list(refused)
        new_passages: list[Passage] = []
        entries: dict[str, ReportEntry] = {}
        skipped: list[Skipped] = []
        taken = {r.id for r in old.reports if r.path in keep} if old else set()
        for f in todo:
            try:
                ready = (parsed or {}).get(f.path)
                if ready is not None and ready.sha256 == f.sha256:
                    report = report_from(ready, f.source, settings.corpus)
                else:
                    report = load_report(
                        f.source, settings.corpus, settings.max_upload_mb * 1_000_000, limits, isolated=True
                    )
            except IngestError as exc:
                failures.append(exc)
                refused_by = limits.key() if isinstance(exc, LimitError) else ""
                skipped.append(Skipped(f.path, f.fingerprint, exc.reason, refused_by))
                if f.path in plan.updated and old is not None:
                    keep.add(f.path)  # keep what was indexed before rather than lose it
                    taken |= {r.id for r in old.reports if r.path == f.path}
                continue
            report = replace(report, meta=replace(report.meta, id=unique_id(report.meta.id, f.path, taken)))
            taken.add(report.meta.id)
            passages = list(report_passages(report))
            new_passages.extend(passages)
            entries[f.path] = _entry(f, report, len(passages))
        if old is not None and old_version is not None and not plan.rebuild_reason:
            skipped.extend(item for item in old.skipped if item.path in set(plan.unchanged))
            reused, reused_blocks, reused_entries = _reuse(old_version, old, keep)
        else:
            reused, reused_blocks, reused_entries = [], [], []
        blocks = _embed(new_passages, embedder, settings, progress, log)
        all_entries = sorted([*reused_entries, *entries.values()], key=lambda r: r.path)
        passages, ordered = _in_report_order(all_entries, reused, reused_blocks, new_passages, blocks)
        contents = Contents(wanted, all_entries, passages, ordered, skipped)
        version = _write_version(settings, contents, index_type)
        return UpdateResult(
            plan,
            tuple(failures),
            len(passages),
            len(new_passages),
            version,
            time.perf_counter() - started,
            tuple(all_entries),
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


def _entry(f: FileState, report: Report, count: int) -> ReportEntry:
    meta = report.meta
    grades = tuple(g.to_dict() for g in section_grades(report))
    indexed = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return ReportEntry(
        meta.id, f.path, f.fingerprint, f.size, f.mtime_ns, count, meta.to_dict(), grades, indexed
    )


def _embed(
    passages: list[Passage], embedder: Embedder | None, settings: Settings, progress: bool, log: Log
) -> Blocks:
    """Embed every unit of every passage in one batched call; split the result per passage."""
    if not passages:
        return []
    embedder = embedder or make_embedder(
        settings.model, settings.backend, batch_size=settings.batch_size, indexing=True
    )
    units = [dense_units(p) for p in passages]
    texts = [t for u in units for t in u]
    log(f"Embedding {len(passages)} passages ({len(texts)} texts) with {embedder.model_id} ...")
    vectors = embed_all(embedder, texts, progress=progress)
    del texts
    bounds = np.cumsum([0, *(len(u) for u in units)])
    return [vectors[a:b] for a, b in itertools.pairwise(bounds)]


def _in_report_order(
    entries: list[ReportEntry],
    reused: list[Passage],
    reused_blocks: Blocks,
    fresh: list[Passage],
    fresh_blocks: Blocks,
) -> tuple[list[Passage], Blocks]:
    """Merge reused and new passages (with their vector blocks) into the order of ``entries``."""
    by_report: dict[str, list[tuple[Passage, np.ndarray]]] = {}
    for plist, blocks in ((reused, reused_blocks), (fresh, fresh_blocks)):
        for p, block in zip(plist, blocks, strict=True):
            by_report.setdefault(p.report_id, []).append((p, block))
    ordered = [pb for e in entries for pb in by_report.get(e.id, [])]
    return [p for p, _ in ordered], [b for _, b in ordered]


def _write_version(settings: Settings, contents: Contents, index_type: str) -> Path:
    if not contents.passages:
        reasons = (
            "; ".join(f"{s.path}: {s.reason}" for s in contents.skipped) or "the folder has no report files"
        )
        raise CorpusError(
            f"nothing to index in {settings.corpus} ({reasons}); add report files "
            f"({', '.join(sorted(EXTENSIONS))}) and run `assistant index`"
        )
    return write_version(settings.index, contents, index_type)

"""Reading a build's report files: fingerprint them all, then parse the added and changed ones.

:func:`scan_corpus` fingerprints every report file (content and sidecar), reusing the previous
hash when size and mtime are unchanged. :func:`parse_changed` parses the files the plan says
changed -- each in a limited worker process, locally or on Ray (the ``runner``) -- and hands
each report's passages to the encoder as soon as it is read, so embedding overlaps parsing.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from assistant.errors import IngestError, LimitError
from assistant.grades import section_grades
from assistant.ingest import Limits, ParsedFile, discover, report_from
from assistant.ingest.metadata import sidecar_for
from assistant.passages import report_passages
from assistant.records import Passage, Report
from assistant.settings import Settings
from assistant.store.distributed import Runner
from assistant.store.encode import UnitEncoder
from assistant.store.manifest import Manifest, ReportEntry, sha256_file
from assistant.store.plan import FileState, Skipped, UpdatePlan, unique_id


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


def parse_changed(
    settings: Settings,
    files: list[FileState],
    plan: UpdatePlan,
    old: Manifest | None,
    encoder: UnitEncoder,
    runner: Runner,
    ready: Mapping[str, ParsedFile],
) -> tuple[set[str], list[Passage], list[ReportEntry], list[Skipped], list[IngestError]]:
    """Parse every added or changed report, handing its passages to ``encoder`` at once.

    A file in ``ready`` (already parsed, by path) with the same content is not parsed again. A
    file refused for passing a limit is recorded with the limits' key, so it is tried again
    when they change.

    Returns the paths to keep from the old version (unchanged ones, and changed ones whose new
    version failed to parse: what was indexed before is kept rather than lost), the new
    passages, their reports' entries, the files skipped, and their failures.
    """
    keep = set(plan.unchanged)
    changed = set(plan.added) | set(plan.updated)
    new_passages: list[Passage] = []
    entries: list[ReportEntry] = []
    skipped: list[Skipped] = []
    failures: list[IngestError] = []
    taken = {r.id for r in old.reports if r.path in keep} if old else set()
    limits = Limits.from_settings(settings)
    todo = [f for f in files if f.path in changed]
    done = {f.path for f in todo if f.path in ready and ready[f.path].sha256 == f.sha256}
    loaded = runner.load_reports(
        [f for f in todo if f.path not in done], settings.corpus, settings.max_upload_mb * 1_000_000, limits
    )
    for f in todo:
        report = _from_ready(ready[f.path], f, settings.corpus) if f.path in done else next(loaded)
        if isinstance(report, IngestError):
            failures.append(report)
            refused_by = limits.key() if isinstance(report, LimitError) else ""
            skipped.append(Skipped(f.path, f.fingerprint, report.reason, refused_by))
            if f.path in plan.updated and old is not None:
                keep.add(f.path)
                taken |= {r.id for r in old.reports if r.path == f.path}
            continue
        report = replace(report, meta=replace(report.meta, id=unique_id(report.meta.id, f.path, taken)))
        taken.add(report.meta.id)
        passages = list(report_passages(report))
        encoder.add(passages)
        new_passages.extend(passages)
        entries.append(report_entry(f, report, len(passages)))
    return keep, new_passages, entries, skipped, failures


def _from_ready(parsed: ParsedFile, f: FileState, corpus: Path) -> Report | IngestError:
    try:
        return report_from(parsed, f.source, corpus)
    except IngestError as exc:
        return exc


def report_entry(f: FileState, report: Report, count: int) -> ReportEntry:
    """The manifest entry of a parsed report file: fingerprint, metadata, passage count, stated grades."""
    meta = report.meta
    grades = tuple(g.to_dict() for g in section_grades(report))
    indexed = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return ReportEntry(
        meta.id, f.path, f.fingerprint, f.size, f.mtime_ns, count, meta.to_dict(), grades, indexed
    )

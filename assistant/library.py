"""Adding and removing report files for scripted use; the corpus folder stays the source of truth.

``add`` copies files into the corpus (with their sidecar metadata, if any) and indexes them;
``remove`` moves a report's files to ``corpus/.removed/`` -- nothing is deleted -- and
drops it from the index.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.errors import CorpusError, IngestError
from assistant.ingest import EXTENSIONS, sniff_format
from assistant.ingest.metadata import sidecar_for
from assistant.settings import Settings
from assistant.store import describe, live_reports, update_index

Log = Callable[[str], None]
REMOVED = ".removed"


def check_file(path: Path, max_bytes: int) -> str:
    """The format of ``path`` if it may be added, else an :class:`IngestError` saying why not."""
    if not path.is_file():
        raise IngestError(str(path), "is not a file")
    size = path.stat().st_size
    if size == 0:
        raise IngestError(str(path), "is empty")
    if size > max_bytes:
        raise IngestError(str(path), f"is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    with open(path, "rb") as fh:
        head = fh.read(4096)
    fmt = sniff_format(head, path)
    if fmt == "unknown":
        raise IngestError(
            str(path), f"is not a supported report type; supported: {', '.join(sorted(EXTENSIONS))}"
        )
    return fmt


def add_reports(settings: Settings, paths: Sequence[Path], *, log: Log = print) -> str:
    """Copy ``paths`` into the corpus and update the index; returns a one-line summary."""
    settings.corpus.mkdir(parents=True, exist_ok=True)
    for path in paths:
        check_file(path, settings.max_upload_mb * 1_000_000)
        target = settings.corpus / path.name
        if target.exists() and target.read_bytes() != path.read_bytes():
            raise CorpusError(
                f"the corpus already has a different file named {path.name}; rename one of them and add again"
            )
        shutil.copyfile(path, target)
        sidecar = sidecar_for(path)
        if sidecar is not None:
            shutil.copyfile(sidecar, settings.corpus / sidecar.name)
    result = update_index(settings, log=log)
    for failure in result.failures:
        log(f"Skipped {failure}")
    return describe(result)


def remove_report(settings: Settings, name: str, *, log: Log = print) -> str:
    """Move the report named ``name`` (id, title or file name) out of the corpus and re-index."""
    wanted = name.strip().lower()
    entries = live_reports(settings.index)
    matches = [
        e
        for e in entries
        if wanted
        in {e.id.lower(), e.path.lower(), Path(e.path).name.lower(), str(e.meta.get("title", "")).lower()}
    ]
    if len(matches) != 1:
        known = ", ".join(e.id for e in entries) or "none"
        what = "no report" if not matches else f"{len(matches)} reports"
        raise CorpusError(f"{what} matched {name!r}; indexed report ids: {known}")
    source = settings.corpus / matches[0].path
    bin_dir = settings.corpus / REMOVED / time.strftime("%Y%m%dT%H%M%S")
    bin_dir.mkdir(parents=True, exist_ok=True)
    for path in (source, sidecar_for(source)):
        if path is not None and path.exists():
            shutil.move(str(path), bin_dir / path.name)
    log(f"Moved {matches[0].path} to {bin_dir}")
    return describe(update_index(settings, log=log))

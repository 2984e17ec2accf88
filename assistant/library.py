"""Adding and removing report files; the corpus folder stays the source of truth.

* :func:`add_upload` -- what the chat calls when a user uploads a file: validate it (type by
  content, size limit, text that can be extracted), store it under a safe name in
  ``corpus/uploads/``, and index it; a running chat then switches to the new index version.
* :func:`add_reports` -- ``assistant add PATH...``: the same checks, copying files (and their
  sidecar metadata) into the corpus.
* :func:`remove_report` -- ``assistant remove REPORT``: moves a report's files to
  ``corpus/.removed/`` (nothing is deleted) and drops it from the index.

A file that fails a check is refused before anything in the corpus or the index changes.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.embedding import Embedder
from assistant.errors import AssistantError, CorpusError, IngestError, NotFoundError, StoreError
from assistant.ingest import (
    EXTENSIONS,
    Limits,
    ParsedFile,
    check_size,
    parse_file,
    report_from,
    sha256_bytes,
    sniff_format,
    unsupported_reason,
)
from assistant.ingest.metadata import sidecar_for
from assistant.settings import Settings
from assistant.store import describe, find_report, live_reports, update_index
from assistant.store.disk import explain

Log = Callable[[str], None]
REMOVED = ".removed"
UPLOADS = "uploads"
_UPLOADS = threading.Lock()
NAME_MAX = 120
_UNSAFE = re.compile(r"[^\w.()+-]+")
_CANONICAL_SUFFIX = {"pdf": ".pdf", "docx": ".docx", "html": ".html", "markdown": ".md", "text": ".txt"}


def safe_name(filename: str) -> str:
    """A file name safe to create in the corpus, whatever a browser or user sent.

    Any directory part (``/`` or ``\\``) is dropped, so ``../../etc/passwd`` cannot escape the
    corpus; characters other than letters, digits and ``. ( ) + - _`` become ``-``; leading
    dots go (no hidden files); the stem is cut so the name has at most 120 characters.
    """
    name = unicodedata.normalize("NFC", filename.replace("\\", "/").split("/")[-1])
    name = re.sub(r"-{2,}", "-", _UNSAFE.sub("-", name.replace("\x00", ""))).strip("-. ")
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem or len(suffix) > 10:
        stem, suffix = name, ""
    stem = stem.strip("-. ")[: NAME_MAX - len(suffix) - 1] or "report"
    return f"{stem}.{suffix.lower()}" if suffix else stem


def check_kind(data: bytes, path: Path, max_bytes: int) -> str:
    """The format of file contents to be stored at ``path``, judged by content, or an
    :class:`IngestError` saying why it cannot be added (empty, too large, not a supported type)."""
    name = path.name
    if not data.strip():
        raise IngestError(name, "is empty")
    if len(data) > max_bytes:
        raise IngestError(name, f"is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    fmt = sniff_format(data, path)
    if fmt == "unknown":
        raise IngestError(name, unsupported_reason(data, path))
    return fmt


def check_file(source: Path, target: Path, settings: Settings, name: str | None = None) -> ParsedFile:
    """Check the file at ``source`` as the report it would be at ``target``: its kind by content, then
    parsed once, in a worker process within the limits of ``settings``, proving it has text to
    index (an image-only PDF fails here) before any copy. Errors name it as ``name`` (default
    ``source``). The result is handed to :func:`update_index` so it is not parsed again."""
    name = name or str(source)
    max_bytes = settings.max_upload_mb * 1_000_000
    try:
        if not source.is_file():
            raise IngestError(name, "is not a file")
        check_size(source, max_bytes)
        check_kind(source.read_bytes(), target, max_bytes)
        parsed = parse_file(source, target, Limits.from_settings(settings), name=name)
        report_from(parsed, target, target.parent)
    except IngestError as exc:
        raise type(exc)(name, exc.reason) from None
    except OSError as exc:
        raise IngestError(name, f"cannot be read ({exc.strerror})") from None
    return parsed


def _with_format_suffix(name: str, fmt: str) -> str:
    """Give a file the extension of what it is: ``report.txt`` holding a PDF becomes ``report.pdf``."""
    suffix = Path(name).suffix.lower()
    if EXTENSIONS.get(suffix) == fmt:
        return name
    return Path(name).stem + _CANONICAL_SUFFIX[fmt]


def _free_name(folder: Path, name: str) -> Path:
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
        n += 1
    return target


def _write_atomic(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")  # hidden: never indexed
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _save(target: Path, data: bytes, display: str) -> None:
    """Write an upload into the corpus, or say in one line why it could not be (nothing is left)."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, data)
    except OSError as exc:
        what, fix = explain(target.parent, exc)
        raise StoreError(f"{display} could not be saved in {target.parent}: {what}; nothing was added. "
                         f"To fix: {fix} and add it again") from None  # fmt: skip


def add_upload(
    settings: Settings,
    filename: str,
    data_path: Path,
    log: Log = print,
    *,
    embedder: Embedder | None = None,
) -> str:
    """Add one uploaded file to the library and index it; returns a one-line summary for people.

    ``filename`` is the name the user's file had (only used to name the copy, made safe by
    :func:`safe_name`); ``data_path`` is where its bytes are (e.g. Gradio's temporary file).
    Raises :class:`IngestError` when the file is refused -- too large, not a supported type by
    its content, encrypted or image-only PDF ("no extractable text — OCR is not supported"),
    nothing to index, over a limit of what a file may expand to (parsed in a worker process,
    once) -- and :class:`~assistant.errors.StoreError` when the index is busy, damaged or the
    disk is full. Nothing in the corpus or index changes when it raises: a file that could not
    be indexed is moved to ``corpus/.removed/``. Identical content already in the library is
    not added twice.
    """
    display = safe_name(filename)
    max_bytes = settings.max_upload_mb * 1_000_000
    try:
        check_size(data_path, max_bytes)
        data = data_path.read_bytes()
    except IngestError as exc:
        raise type(exc)(display, exc.reason) from None
    except OSError as exc:
        raise IngestError(display, f"upload cannot be read ({exc.strerror})") from None
    folder = settings.corpus / UPLOADS
    try:
        fmt = check_kind(data, folder / display, max_bytes)
    except IngestError as exc:  # name the file as the user knows it, not by a server path
        raise type(exc)(display, exc.reason) from None
    digest = sha256_bytes(data)
    with _UPLOADS:  # one upload at a time per process: a second waits instead of hitting the index lock
        same = [e for e in live_reports(settings.index) if e.meta.get("sha256") == digest]
        if same:
            return f"{display} is already in the library as {same[0].meta.get('title') or same[0].id}."
        target = _free_name(folder, _with_format_suffix(display, fmt))
        parsed = check_file(data_path, target, settings, name=display)
        if parsed.sha256 != digest:
            raise IngestError(display, "changed while it was being read; upload it again")
        _save(target, data, display)
        log(f"Saved upload as {target}")
        rel = str(target.relative_to(settings.corpus))
        try:
            result = update_index(settings, embedder=embedder, progress=False, log=log, parsed={rel: parsed})
        except AssistantError:
            # Not indexed: take the file back out, so a later update does not index it unasked.
            shutil.move(str(target), _removed_dir(settings) / target.name)
            raise
    failed = [f for f in result.failures if Path(f.path) == target or f.path.endswith(rel)]
    if failed:
        shutil.move(str(target), _removed_dir(settings) / target.name)
        raise IngestError(display, failed[0].reason)
    count = next((e.passages for e in result.reports if e.path == rel), 0)
    report = report_from(parsed, target, settings.corpus)
    title = report.meta.title if report.meta.title != target.stem else target.name
    return f"Added {title} ({count} passages). {describe(result)}"


def add_reports(settings: Settings, paths: Sequence[Path], *, log: Log = print) -> str:
    """Copy ``paths`` into the corpus and update the index; returns a one-line summary.

    Every file is checked (and parsed, once) before any is copied: one refused refuses all."""
    settings.corpus.mkdir(parents=True, exist_ok=True)
    checked = {path.name: check_file(path, settings.corpus / path.name, settings) for path in paths}
    for path in paths:
        target = settings.corpus / path.name
        if target.exists() and target.read_bytes() != path.read_bytes():
            raise CorpusError(
                f"the corpus already has a different file named {path.name}; rename one of them and add again"
            )
    copies = [(p, settings.corpus / p.name) for p in paths]
    copies += [(s, settings.corpus / s.name) for p in paths if (s := sidecar_for(p)) is not None]
    made: list[Path] = []
    for source, target in copies:
        try:
            if not target.exists():
                made.append(target)
            _write_atomic(target, source.read_bytes())
        except OSError as exc:  # take back the copies this call made: all or nothing
            for copy in made:
                copy.unlink(missing_ok=True)
            what, fix = explain(settings.corpus, exc)
            raise StoreError(
                f"{source.name} could not be copied into {settings.corpus}: {what}; nothing was added. "
                f"To fix: {fix} and add it again"
            ) from None
    result = update_index(settings, log=log, parsed=checked)
    for failure in result.failures:
        log(f"Skipped {failure}")
    return describe(result)


def _removed_dir(settings: Settings) -> Path:
    bin_dir = settings.corpus / REMOVED / time.strftime("%Y%m%dT%H%M%S")
    bin_dir.mkdir(parents=True, exist_ok=True)
    return bin_dir


def remove_report(settings: Settings, name: str, *, log: Log = print) -> str:
    """Move the report named ``name`` (id, title or file name) out of the corpus and re-index."""
    try:
        entry = find_report(live_reports(settings.index), name)
    except NotFoundError as exc:
        raise CorpusError(str(exc)) from None
    source = settings.corpus / entry.path
    bin_dir = _removed_dir(settings)
    for path in (source, sidecar_for(source)):
        if path is not None and path.exists():
            shutil.move(str(path), bin_dir / path.name)
    log(f"Moved {entry.path} to {bin_dir}")
    return describe(update_index(settings, log=log))

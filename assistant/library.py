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
from assistant.errors import AssistantError, CorpusError, IngestError, NotFoundError
from assistant.ingest import EXTENSIONS, parse_bytes, sha256_bytes, sniff_format, unsupported_reason
from assistant.ingest.metadata import sidecar_for
from assistant.records import Report
from assistant.settings import Settings
from assistant.store import describe, find_report, live_reports, update_index

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


def check_bytes(data: bytes, path: Path, max_bytes: int) -> tuple[str, Report]:
    """Validate file contents as a report to be stored at ``path``: its format (by content) and
    parsed report, or an :class:`IngestError` naming the file and saying why it cannot be added."""
    name = path.name
    if not data.strip():
        raise IngestError(name, "is empty")
    if len(data) > max_bytes:
        raise IngestError(name, f"is {len(data) / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    fmt = sniff_format(data, path)
    if fmt == "unknown":
        raise IngestError(name, unsupported_reason(data, path))
    # Parsing proves there is text to index (an image-only PDF fails here), before any copy.
    return fmt, parse_bytes(data, path, path.parent)


def check_file(path: Path, max_bytes: int) -> str:
    """The format of ``path`` if it may be added, else an :class:`IngestError` saying why not."""
    if not path.is_file():
        raise IngestError(str(path), "is not a file")
    size = path.stat().st_size
    if size > max_bytes:
        raise IngestError(str(path), f"is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB")
    return check_bytes(path.read_bytes(), path, max_bytes)[0]


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
        nothing to index -- and :class:`~assistant.errors.StoreError` when the index is busy or
        damaged. Nothing in the corpus or index changes when it raises: a file that could not be
    indexed is moved to ``corpus/.removed/``.
        Identical content already in the library is not added twice.
    """
    display = safe_name(filename)
    max_bytes = settings.max_upload_mb * 1_000_000
    try:
        size = data_path.stat().st_size
    except OSError as exc:
        raise IngestError(display, f"upload cannot be read ({exc.strerror})") from None
    if size > max_bytes:
        raise IngestError(
            display,
            f"is {size / 1e6:.1f} MB; the limit is {settings.max_upload_mb} MB (setting max_upload_mb)",
        )
    data = data_path.read_bytes()
    folder = settings.corpus / UPLOADS
    try:
        fmt, report = check_bytes(data, folder / display, max_bytes)
    except IngestError as exc:  # name the file as the user knows it, not by a server path
        raise IngestError(display, exc.reason) from None
    digest = sha256_bytes(data)
    with _UPLOADS:  # one upload at a time per process: a second waits instead of hitting the index lock
        same = [e for e in live_reports(settings.index) if e.meta.get("sha256") == digest]
        if same:
            return f"{display} is already in the library as {same[0].meta.get('title') or same[0].id}."
        folder.mkdir(parents=True, exist_ok=True)
        target = _free_name(folder, _with_format_suffix(display, fmt))
        _write_atomic(target, data)
        log(f"Saved upload as {target}")
        try:
            result = update_index(settings, embedder=embedder, progress=False, log=log)
        except AssistantError:
            # Not indexed: take the file back out, so a later update does not index it unasked.
            shutil.move(str(target), _removed_dir(settings) / target.name)
            raise
    rel = str(target.relative_to(settings.corpus))
    failed = [f for f in result.failures if Path(f.path) == target or f.path.endswith(rel)]
    if failed:
        shutil.move(str(target), _removed_dir(settings) / target.name)
        raise IngestError(display, failed[0].reason)
    count = next((e.passages for e in result.reports if e.path == rel), 0)
    title = report.meta.title if report.meta.title != Path(display).stem else target.name
    return f"Added {title} ({count} passages). {describe(result)}"


def add_reports(settings: Settings, paths: Sequence[Path], *, log: Log = print) -> str:
    """Copy ``paths`` into the corpus and update the index; returns a one-line summary."""
    settings.corpus.mkdir(parents=True, exist_ok=True)
    max_bytes = settings.max_upload_mb * 1_000_000
    for path in paths:  # check every file first: refuse all before copying any
        check_file(path, max_bytes)
    for path in paths:
        target = settings.corpus / path.name
        if target.exists() and target.read_bytes() != path.read_bytes():
            raise CorpusError(
                f"the corpus already has a different file named {path.name}; rename one of them and add again"
            )
    for path in paths:
        shutil.copyfile(path, settings.corpus / path.name)
        sidecar = sidecar_for(path)
        if sidecar is not None:
            shutil.copyfile(sidecar, settings.corpus / sidecar.name)
    result = update_index(settings, log=log)
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

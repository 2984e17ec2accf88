"""The corpus folder's file policy, and parsing its files into :class:`Report` records.

Which files are reports (supported extensions; not hidden, not sidecars, not Office lock
files), which may be read at all (no links out of the folder, names that can be stored),
how large a file may be, and the stable report id from a file's place in the folder.
:func:`load_report` and :func:`parse_bytes` apply that policy and turn a file into a
:class:`Report` through :func:`assistant.ingest.formats.parse_format`.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path

from assistant.errors import CorpusError, IngestError
from assistant.ingest.formats import EXTENSIONS, parse_format
from assistant.ingest.limits import Limits
from assistant.ingest.metadata import EDITABLE, SIDECAR_SUFFIXES, from_elements, slugify, with_sidecar
from assistant.ingest.structure import Parsed, assemble
from assistant.ingest.worker import ParsedFile
from assistant.records import Report, ReportMeta


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_report_file(path: Path) -> bool:
    """Files that may be reports: not hidden, not sidecars, with a supported extension."""
    name = path.name.lower()
    return (
        path.is_file()
        and not name.startswith((".", "~$"))
        and not name.endswith(SIDECAR_SUFFIXES)
        and path.suffix.lower() in EXTENSIONS
    )


def _corpus_folder(corpus: Path) -> Path:
    if not corpus.is_dir():
        raise CorpusError(
            f"corpus folder {corpus} does not exist; create it and put report files in it, "
            "or point --corpus / ASSISTANT_CORPUS at your reports"
        )
    return corpus


def _candidates(corpus: Path) -> list[Path]:
    """Files under ``corpus`` that look like reports (links to directories are not followed)."""
    return sorted(
        p
        for p in _corpus_folder(corpus).rglob("*")
        if is_report_file(p) and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def display_name(path: Path) -> str:
    """``path`` as text that can always be printed and stored (undecodable bytes shown as �)."""
    return os.fsencode(path).decode("utf-8", "replace")


def refusal(path: Path, corpus: Path) -> str | None:
    """Why ``path`` must not be read as a report of ``corpus``, or None when it may be.

    A link whose target lies outside the corpus folder is never read: the folder is the
    boundary of what the assistant may quote. A name that is not valid UTF-8 cannot be stored
    or cited, so it is refused with a request to rename.
    """
    try:
        os.fsencode(path.relative_to(corpus) if path.is_relative_to(corpus) else path.name).decode("utf-8")
    except UnicodeDecodeError:
        return "has a file name that is not valid UTF-8 text; rename it"
    try:
        inside = path.resolve().is_relative_to(corpus.resolve())
    except (OSError, RuntimeError) as exc:  # a link loop raises RuntimeError
        return f"cannot be resolved ({exc})"
    if not inside:
        return "is a link to a file outside the corpus folder; it was not read (copy the file in instead)"
    return None


def discover(corpus: Path) -> list[Path]:
    """Report files under ``corpus`` that may be read (see :func:`refusal`), sorted, so ids and order
    are reproducible."""
    return [p for p in _candidates(corpus) if refusal(p, corpus) is None]


def refused_files(corpus: Path) -> list[IngestError]:
    """One error per report-like file under ``corpus`` that :func:`discover` leaves out, naming it."""
    found = ((p, refusal(p, corpus)) for p in _candidates(corpus))
    return [IngestError(display_name(p), why) for p, why in found if why is not None]


def report_id(path: Path, corpus: Path) -> str:
    """A stable id from the file's place in the corpus: ``forces/met-2017.pdf`` -> ``forces-met-2017``."""
    try:
        rel = path.relative_to(corpus)
    except ValueError:
        rel = Path(path.name)
    return slugify(str(rel.with_suffix("")))


def _failure(exc: Exception) -> str:
    detail = str(exc).splitlines()[0][:200] if str(exc) else ""
    return f"could not be parsed ({type(exc).__name__}{': ' + detail if detail else ''})"


def parse_content(data: bytes, path: Path, limits: Limits | None = None) -> tuple[str, Parsed]:
    """The format and parsed elements of file contents, within ``limits``; raises :class:`IngestError`
    naming the file.

    Whatever a damaged or hostile file makes a parser library raise (``RecursionError``, an
    internal assertion) becomes an :class:`IngestError` for that file, so one bad file can never
    stop the others from being indexed. ``MemoryError`` is left to the caller: a worker process
    reports it as over its memory limit.
    """
    try:
        return parse_format(data, path, limits)
    except (IngestError, MemoryError):
        raise
    except Exception as exc:  # any parser failure: see docstring
        raise IngestError(display_name(path), _failure(exc)) from None


def report_from(parsed: ParsedFile, path: Path, corpus: Path) -> Report:
    """The :class:`Report` of a parsed file at ``path`` in ``corpus``: id, metadata (the file's own,
    then its sidecar's) and sections."""
    try:
        return _report_from(parsed, path, corpus)
    except IngestError:
        raise
    except Exception as exc:  # as in parse_content
        raise IngestError(display_name(path), _failure(exc)) from None


def _report_from(parsed: ParsedFile, path: Path, corpus: Path) -> Report:
    meta = ReportMeta(
        id=report_id(path, corpus),
        title=path.stem,
        path=str(path.relative_to(corpus)) if path.is_relative_to(corpus) else path.name,
        sha256=parsed.sha256,
        format=parsed.format,
    )
    elements = parsed.parsed.elements
    meta = replace(meta, **{k: v for k, v in parsed.parsed.meta.items() if k in EDITABLE})
    meta = with_sidecar(from_elements(meta, elements), path)
    sections = assemble(elements)
    if not any(s.blocks for s in sections):
        raise IngestError(str(path), "has no paragraphs of text to index")
    return Report(meta=meta, sections=sections, text=parsed.parsed.text)


def parse_bytes(data: bytes, path: Path, corpus: Path, limits: Limits | None = None) -> Report:
    """Parse file contents already read, in this process; raises :class:`IngestError` naming the file."""
    try:
        fmt, parsed = parse_content(data, path, limits)
    except MemoryError:
        raise IngestError(display_name(path), "could not be parsed (MemoryError)") from None
    return report_from(ParsedFile(fmt, sha256_bytes(data), parsed), path, corpus)


def check_size(path: Path, max_bytes: int | None) -> None:
    """Refuse, unread, a file of the corpus larger than ``max_bytes``."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror})") from None
    if max_bytes is not None and size > max_bytes:
        limit = f"the limit is {max_bytes / 1e6:.0f} MB (setting max_upload_mb)"
        raise IngestError(str(path), f"is {size / 1e6:.1f} MB; {limit}")


def load_report(
    path: Path,
    corpus: Path,
    max_bytes: int | None = None,
    limits: Limits | None = None,
    *,
    isolated: bool = False,
) -> Report:
    """Read and parse one report file of ``corpus``; one larger than ``max_bytes`` is refused unread.

    With ``isolated`` it is read and parsed in a worker process with a memory and a time limit
    (:mod:`assistant.ingest.worker`), so that no file can take this process down.
    """
    why = refusal(path, corpus)
    if why is not None:
        raise IngestError(display_name(path), why)
    check_size(path, max_bytes)
    if isolated:
        from assistant.ingest.worker import parse_file

        return report_from(parse_file(path, path, limits or Limits()), path, corpus)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror})") from None
    return parse_bytes(data, path, corpus, limits)

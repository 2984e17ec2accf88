"""Report files -> :class:`Report`. One module per format, all into one structure model.

Use :func:`discover` to list the report files of a corpus folder and :func:`load_report` to
parse one. The format is decided from the file's content where possible (a PDF is a PDF
whatever its name), else from its extension.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from assistant.errors import CorpusError, IngestError
from assistant.ingest.metadata import EDITABLE, SIDECAR_SUFFIXES, from_elements, slugify, with_sidecar
from assistant.ingest.structure import Parsed, assemble
from assistant.ingest.text import parse_text
from assistant.records import Report, ReportMeta

PARSER_VERSION = "3"
"""Bump when parsing changes what passages a file yields: the index then rebuilds in full."""


FormatParser = Callable[[bytes, str], Parsed]


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), falling back to Windows-1252 as many old scrapes use."""
    if b"\x00" in data[:4096]:
        raise IngestError(name, "looks like a binary file, not text (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise IngestError(name, "is neither UTF-8 nor Windows-1252 text") from None


def _parse_plain(data: bytes, name: str) -> Parsed:
    text = decode_text(data, name)
    return Parsed(text, parse_text(text))


def _lazy(module: str, function: str) -> FormatParser:
    """A parser imported on first use, so the heavy libraries load only when such a file is read."""

    def parse(data: bytes, name: str) -> Parsed:
        parser: FormatParser = getattr(importlib.import_module(module), function)
        return parser(data, name)

    return parse


FORMATS: dict[str, FormatParser] = {
    "text": _parse_plain,
    "markdown": _lazy("assistant.ingest.markdown", "parse_markdown"),
    "html": _lazy("assistant.ingest.html", "parse_html"),
    "docx": _lazy("assistant.ingest.docx", "parse_docx"),
    "pdf": _lazy("assistant.ingest.pdf", "parse_pdf"),
}
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc), not supported


def sniff_format(data: bytes, path: Path) -> str:
    """The format of a file from its content, falling back on its extension only for text formats.

    ``%PDF-`` is a PDF and a zip holding ``word/document.xml`` is a Word document whatever their
    names; an HTML page is recognised by its markup. Binary content that is none of these is
    ``"unknown"`` even when named ``.txt``; text content named ``.pdf`` or ``.docx`` is
    ``"unknown"`` too (a renamed file is not what it claims to be). With only the first bytes of
    a zip (``data`` shorter than the file), the extension decides between Word and unknown.
    """
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF-") or (b"%PDF-" in data[:1024] and not _looks_textual(data[:1024])):
        return "pdf"
    if head.startswith(_ZIP):
        return "docx" if _is_docx(data, suffix) else "unknown"
    if head.startswith(_OLE) or not _looks_textual(data[:4096]):
        return "unknown"
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered or b"<body" in lowered:
        return "html"
    fmt = EXTENSIONS.get(suffix, "unknown")
    return fmt if fmt in ("text", "markdown", "html") else "unknown"


def _looks_textual(head: bytes) -> bool:
    """No NUL bytes and mostly printable: UTF-8 or a single-byte text encoding."""
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(head) // 100


def _is_docx(data: bytes, suffix: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return suffix == ".docx"  # only the first bytes were given: trust the name


def unsupported_reason(data: bytes, path: Path) -> str:
    """Why a file whose format is ``"unknown"`` cannot be read, and what to do about it."""
    suffix = path.suffix.lower()
    supported = ", ".join(sorted(EXTENSIONS))
    kinds = {".pdf": "PDF", ".docx": "Word (.docx)"}
    if suffix in kinds:
        return (
            f"is named {suffix} but its content is not a {kinds[suffix]} file; it may be damaged, "
            "or another kind of file renamed"
        )
    if data.lstrip().startswith(_OLE):
        return "is an old binary Office file (.doc); save it as .docx or PDF and add that"
    if data.lstrip().startswith(_ZIP):
        return f"is a zip archive but not a Word document; supported types: {supported}"
    if not _looks_textual(data[:4096]):
        return f"is a binary file of a type that is not supported; supported types: {supported}"
    return f"has an unsupported extension {suffix or '(none)'!r}; supported: {supported}"


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


def parse_bytes(data: bytes, path: Path, corpus: Path) -> Report:
    """Parse file contents already read; raises :class:`IngestError` naming the file.

    Whatever a damaged or hostile file makes a parser library raise (``RecursionError``,
    ``MemoryError``, an internal assertion) becomes an :class:`IngestError` for that file, so
    one bad file can never stop the others from being indexed.
    """
    try:
        return _parse_bytes(data, path, corpus)
    except IngestError:
        raise
    except Exception as exc:  # any parser failure: see docstring
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        raise IngestError(
            display_name(path), f"could not be parsed ({type(exc).__name__}{': ' + detail if detail else ''})"
        ) from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_unicode(parsed: Parsed) -> Parsed:
    """``parsed`` with any lone surrogate (which UTF-8 cannot store) replaced by U+FFFD, one for one
    so that spans stay valid. A PDF's font map can decode to one; the decoders of the other formats
    never produce them."""
    if not _SURROGATE.search(parsed.text) and not any(_SURROGATE.search(e.text) for e in parsed.elements):
        return parsed
    fix = partial(_SURROGATE.sub, "\ufffd")
    return Parsed(
        fix(parsed.text),
        [replace(e, text=fix(e.text)) for e in parsed.elements],
        {k: fix(v) if isinstance(v, str) else v for k, v in parsed.meta.items()},
    )


def _parse_bytes(data: bytes, path: Path, corpus: Path) -> Report:
    name = str(path)
    fmt = sniff_format(data, path)
    parser = FORMATS.get(fmt)
    if parser is None:
        raise IngestError(name, unsupported_reason(data, path))
    if not data.strip():
        raise IngestError(name, "is empty")
    parsed = _valid_unicode(parser(data, name))
    meta = ReportMeta(
        id=report_id(path, corpus),
        title=path.stem,
        path=str(path.relative_to(corpus)) if path.is_relative_to(corpus) else path.name,
        sha256=sha256_bytes(data),
        format=fmt,
    )
    meta = replace(meta, **{k: v for k, v in parsed.meta.items() if k in EDITABLE})
    meta = with_sidecar(from_elements(meta, parsed.elements), path)
    sections = assemble(parsed.elements)
    if not any(s.blocks for s in sections):
        raise IngestError(name, "has no paragraphs of text to index")
    return Report(meta=meta, sections=sections, text=parsed.text)


def load_report(path: Path, corpus: Path, max_bytes: int | None = None) -> Report:
    """Read and parse one report file of ``corpus``; one larger than ``max_bytes`` is refused unread."""
    why = refusal(path, corpus)
    if why is not None:
        raise IngestError(display_name(path), why)
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise IngestError(
                str(path),
                f"is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB (setting max_upload_mb)",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror})") from None
    return parse_bytes(data, path, corpus)


__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "PARSER_VERSION",
    "Parsed",
    "Report",
    "discover",
    "display_name",
    "load_report",
    "parse_bytes",
    "refused_files",
    "report_id",
    "sniff_format",
    "unsupported_reason",
]

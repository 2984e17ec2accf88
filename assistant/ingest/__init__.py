"""Report files -> :class:`Report`. One module per format, all into one structure model.

Use :func:`discover` to list the report files of a corpus folder and :func:`load_report` to
parse one. The format is decided from the file's content where possible (a PDF is a PDF
whatever its name), else from its extension.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import CorpusError, IngestError
from assistant.ingest.metadata import SIDECAR_SUFFIXES, from_elements, slugify, with_sidecar
from assistant.ingest.structure import Element, assemble
from assistant.ingest.text import parse_text
from assistant.records import Report, ReportMeta

PARSER_VERSION = "1"
"""Bump when parsing changes what passages a file yields: the index then rebuilds in full."""


@dataclass(frozen=True)
class Parsed:
    """What a format parser returns: the extracted text and its classified elements."""

    text: str
    elements: list[Element]


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


FORMATS: dict[str, FormatParser] = {"text": _parse_plain}
EXTENSIONS: dict[str, str] = {".txt": "text", ".text": "text"}


def sniff_format(data: bytes, path: Path) -> str:
    """The format of a file, from its first bytes where they are telling, else its extension."""
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and path.suffix.lower() == ".docx":
        return "docx"
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered:
        return "html"
    return EXTENSIONS.get(path.suffix.lower(), "unknown")


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


def discover(corpus: Path) -> list[Path]:
    """Report files under ``corpus``, sorted, so ids and order are reproducible."""
    if not corpus.is_dir():
        raise CorpusError(
            f"corpus folder {corpus} does not exist; create it and put report files in it, "
            "or point --corpus / ASSISTANT_CORPUS at your reports"
        )
    return sorted(
        p
        for p in corpus.rglob("*")
        if is_report_file(p) and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
    )


def report_id(path: Path, corpus: Path) -> str:
    """A stable id from the file's place in the corpus: ``forces/met-2017.pdf`` -> ``forces-met-2017``."""
    try:
        rel = path.relative_to(corpus)
    except ValueError:
        rel = Path(path.name)
    return slugify(str(rel.with_suffix("")))


def parse_bytes(data: bytes, path: Path, corpus: Path) -> Report:
    """Parse file contents already read; raises :class:`IngestError` naming the file."""
    name = str(path)
    fmt = sniff_format(data, path)
    parser = FORMATS.get(fmt)
    if parser is None:
        raise IngestError(name, f"unsupported file type {fmt!r}; supported: {', '.join(sorted(EXTENSIONS))}")
    if not data.strip():
        raise IngestError(name, "is empty")
    parsed = parser(data, name)
    meta = ReportMeta(
        id=report_id(path, corpus),
        title=path.stem,
        path=str(path.relative_to(corpus)) if path.is_relative_to(corpus) else path.name,
        sha256=sha256_bytes(data),
        format=fmt,
    )
    meta = with_sidecar(from_elements(meta, parsed.elements), path)
    sections = assemble(parsed.elements)
    if not any(s.blocks for s in sections):
        raise IngestError(name, "has no paragraphs of text to index")
    return Report(meta=meta, sections=sections, text=parsed.text)


def load_report(path: Path, corpus: Path) -> Report:
    """Read and parse one report file."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror})") from None
    return parse_bytes(data, path, corpus)


__all__ = [
    "PARSER_VERSION",
    "Parsed",
    "Report",
    "discover",
    "load_report",
    "parse_bytes",
    "report_id",
]

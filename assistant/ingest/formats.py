"""The formats a report file may be in: which parser reads which file, decided from its content.

:data:`FORMATS` maps a format to its parser (each format's module is imported on first use,
so the heavy libraries load only when such a file is read); :func:`sniff_format` decides the
format from the file's content where possible (a PDF is a PDF whatever its name), else from
its extension (:data:`EXTENSIONS`); :func:`parse_format` dispatches to the parser.
"""

from __future__ import annotations

import importlib
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from assistant.errors import IngestError, LimitError
from assistant.ingest.limits import LimitExceeded, Limits
from assistant.ingest.structure import Parsed
from assistant.ingest.text import parse_text

PARSER_VERSION = "4"
"""Bumped whenever parsing gives other reports (4: grade lines keep where they are), so indexes rebuild."""
"""Bump when parsing changes what passages a file yields: the index then rebuilds in full."""


FormatParser = Callable[[bytes, str, Limits], Parsed]
"""``(content, file name for messages, limits) -> Parsed``; raises :class:`IngestError` or
:class:`LimitExceeded`."""


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


def _parse_plain(data: bytes, name: str, limits: Limits) -> Parsed:
    text = decode_text(data, name)
    limits.check_text(len(text))
    return Parsed(text, parse_text(text, limits))


def _lazy(module: str, function: str) -> FormatParser:
    """A parser imported on first use, so the heavy libraries load only when such a file is read."""

    def parse(data: bytes, name: str, limits: Limits) -> Parsed:
        parser: FormatParser = getattr(importlib.import_module(module), function)
        return parser(data, name, limits)

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
    except (NotImplementedError, ValueError, EOFError, OSError):  # a zip this reader cannot open
        return False


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


def parse_format(data: bytes, path: Path, limits: Limits | None = None) -> tuple[str, Parsed]:
    """The file's format and its parsed elements, by the parser its content calls for.

    Raises :class:`IngestError` naming ``path`` when the format is not supported (saying why),
    the file is empty, or it passes one of ``limits`` while being read (saying which, and the
    setting that allows more). Lone surrogates a parser lets through become U+FFFD.
    """
    name = str(path)
    fmt = sniff_format(data, path)
    parser = FORMATS.get(fmt)
    if parser is None:
        raise IngestError(name, unsupported_reason(data, path))
    if not data.strip():
        raise IngestError(name, "is empty")
    try:
        return fmt, _valid_unicode(parser(data, name, limits or Limits()))
    except LimitExceeded as exc:
        raise LimitError(name, exc.reason) from None


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

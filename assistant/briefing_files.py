"""A briefing's exports as files: their names (from the title, cut at a word), the formats, and
files only their owner can read (the chat writes them into its private temporary folder)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from assistant.briefing import Briefing
from assistant.briefing_export import to_docx, to_markdown
from assistant.records import ReportMeta

STEM_CHARS = 60
"""File names are cut to this many characters, at a word boundary."""


def file_stem(title: str) -> str:
    """A safe file name stem from the title, cut at a word boundary: ``"Briefing note: Met"`` ->
    ``briefing-note-met``; a title past :data:`STEM_CHARS` loses its last words, never half a word."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if len(stem) > STEM_CHARS:
        cut = stem[: STEM_CHARS + 1]
        stem = cut[: cut.rindex("-")] if "-" in cut else stem[:STEM_CHARS]
    return stem.strip("-") or "briefing"


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file only its owner can read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


FORMATS = ("md", "docx")
"""The export formats, by file suffix."""
FORMAT_NAMES = {"md": "Markdown", "docx": "DOCX"}


def export_bytes(briefing: Briefing, reports: Mapping[str, ReportMeta], suffix: str) -> bytes:
    """The briefing as a file of one of :data:`FORMATS`."""
    if suffix == "md":
        return to_markdown(briefing, reports).encode("utf-8")
    if suffix == "docx":
        return to_docx(briefing, reports)
    raise ValueError(f"unknown export format {suffix!r}; known: {', '.join(FORMATS)}")


def write_export(briefing: Briefing, reports: Mapping[str, ReportMeta], folder: Path, suffix: str) -> Path:
    """Write ``<title>.<suffix>`` into ``folder`` (made 0700, the file 0600); return its path."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{file_stem(briefing.title)}.{suffix}"
    write_private(path, export_bytes(briefing, reports, suffix))
    return path


def write_exports(briefing: Briefing, reports: Mapping[str, ReportMeta], folder: Path) -> tuple[Path, Path]:
    """Write ``<title>.md`` and ``<title>.docx`` into ``folder``; return their paths."""
    md, dx = (write_export(briefing, reports, folder, suffix) for suffix in FORMATS)
    return md, dx

"""Report metadata: what the document says, overridden by a sidecar file beside it.

A sidecar has the report's name with ``.toml`` (or ``.meta.toml``) in place of its extension,
e.g. ``met-2017.pdf`` + ``met-2017.toml``, with any of the keys of :class:`ReportMeta`
except ``id``, ``path``, ``sha256`` and ``format``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from assistant.errors import IngestError
from assistant.ingest.forces import force_in, inspection_in
from assistant.ingest.structure import Element, normalise_space
from assistant.records import ReportMeta

SIDECAR_SUFFIXES = (".meta.toml", ".toml")
EDITABLE = tuple(f.name for f in fields(ReportMeta) if f.name not in {"id", "path", "sha256", "format"})
_YEAR = re.compile(r"\b(19[89]\d|20\d\d)\b")
_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``Metropolitan PEEL 2017.pdf`` -> ``metropolitan-peel-2017-pdf``: a stable, URL-safe id."""
    return _SLUG.sub("-", text.lower()).strip("-") or "report"


def sidecar_for(path: Path) -> Path | None:
    """The sidecar file of ``path``, if one exists.

    A sidecar that is a link to somewhere outside the report's folder is ignored (never read),
    and so is a name the file system cannot hold (a report name near the length limit).
    """
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(path.stem + suffix)
        try:
            if candidate == path or not candidate.is_file():
                continue
            if candidate.is_symlink() and not candidate.resolve().is_relative_to(path.parent.resolve()):
                continue
        except OSError:  # e.g. "File name too long"
            continue
        return candidate
    return None


def read_sidecar(path: Path) -> dict[str, Any]:
    """Parse and check a sidecar; unknown keys are an error so typos do not pass silently."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IngestError(str(path), f"metadata file is not readable TOML ({exc})") from None
    return check_metadata(data, str(path))


def check_metadata(data: dict[str, Any], source: str) -> dict[str, Any]:
    """Metadata keys checked (unknown keys are an error) and values typed: ``year`` int, others str."""
    unknown = sorted(set(data) - set(EDITABLE))
    if unknown:
        raise IngestError(
            source, f"unknown metadata key(s) {', '.join(unknown)}; allowed keys: {', '.join(EDITABLE)}"
        )
    if "year" in data:
        try:
            data = {**data, "year": int(data["year"])}
        except (TypeError, ValueError):
            raise IngestError(source, f"year must be a number, got {data['year']!r}") from None
    return {k: (str(v) if k != "year" and v is not None else v) for k, v in data.items()}


def from_elements(meta: ReportMeta, elements: list[Element]) -> ReportMeta:
    """Fill title and dates from what the parser found in the document itself; then year,
    force and inspection type from the title, where ``meta`` does not already have them."""
    found: dict[str, Any] = {}
    for el in elements:
        if el.kind == "title" and "title" not in found:
            found["title"] = normalise_space(el.text)
        elif el.kind in ("updated", "published") and el.kind not in found:
            found[el.kind] = el.text
    meta = replace(meta, **found)
    guessed: dict[str, Any] = {}
    if meta.year is None and (m := _YEAR.search(meta.title)):
        guessed["year"] = int(m.group(1))
    if meta.force is None:
        guessed["force"] = force_in(meta.title)
    if meta.inspection is None:
        guessed["inspection"] = inspection_in(meta.title)
    return replace(meta, **guessed)


def with_sidecar(meta: ReportMeta, source: Path) -> ReportMeta:
    """Apply the sidecar of ``source`` (if any) on top of ``meta``."""
    sidecar = sidecar_for(source)
    return replace(meta, **read_sidecar(sidecar)) if sidecar else meta

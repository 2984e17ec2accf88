"""The manifest: what a version folder holds and what it was built from.

It records every data file's size and sha256 (so damage is caught at load), the passage count
(so files out of step are caught), the model and the parsing/embedding settings (so a
change of either forces a rebuild), and one fingerprint per report file (so an update
re-parses and re-embeds only what changed).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import StoreError
from assistant.store.plan import Skipped

FORMAT_VERSION = 1
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class ReportEntry:
    """One indexed report file: where it is, its content fingerprint, and its metadata."""

    id: str
    path: str
    fingerprint: str
    size: int
    mtime_ns: int
    passages: int
    meta: dict[str, Any] = field(default_factory=dict)
    grades: tuple[dict[str, Any], ...] = ()
    """Each graded section's grade as the report states it (:class:`assistant.grades.SectionGrade`)."""
    indexed: str = ""
    """When this file (at this fingerprint) was parsed and embedded, ISO 8601; "" in older indexes."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["grades"] = list(self.grades)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReportEntry:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["grades"] = tuple(fields.get("grades", ()))
        return cls(**fields)


@dataclass(frozen=True)
class Manifest:
    """Everything needed to trust, or refuse, a version folder."""

    model: str
    dimension: int
    passage_count: int
    settings: dict[str, Any]
    reports: tuple[ReportEntry, ...]
    files: dict[str, dict[str, Any]]
    index_type: str = "flat"
    skipped: tuple[Skipped, ...] = ()
    """Files that failed to parse, with the failing fingerprint: not retried until they change."""
    package_version: str = ""
    created: str = ""
    vector_encoder: str = ""
    """What made the unit vectors (:func:`assistant.embedding.encoder_id`); empty: unknown (no cache)."""
    format_version: int = FORMAT_VERSION
    store: dict[str, Any] = field(default_factory=dict)
    """Where the passages are searched: empty for FAISS + bm25s in the folder (the default), else
    e.g. ``{"backend": "milvus", "uri": ..., "collection": ..., "slot": ...}`` (docs/SCALE.md)."""

    @property
    def settings_hash(self) -> str:
        return settings_hash(self.settings)

    @property
    def corpus_hash(self) -> str:
        return corpus_hash(self.reports)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reports"] = [r.to_dict() for r in self.reports]
        data["skipped"] = [s.to_dict() for s in self.skipped]
        data["settings_hash"] = self.settings_hash
        data["corpus_hash"] = self.corpus_hash
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        fields["reports"] = tuple(ReportEntry.from_dict(r) for r in data.get("reports", ()))
        fields["skipped"] = tuple(Skipped.from_dict(s) for s in data.get("skipped", ()))
        return cls(**fields)

    def dumps(self) -> bytes:
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False, sort_keys=True).encode("utf-8")


def settings_hash(settings: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode("utf-8")).hexdigest()[:16]


def corpus_hash(reports: tuple[ReportEntry, ...]) -> str:
    """sha256 over the sorted (path, fingerprint) pairs: equal iff the same files with the same bytes."""
    digest = hashlib.sha256()
    for entry in sorted(reports, key=lambda r: r.path):
        digest.update(f"{entry.path}\x1f{entry.fingerprint}\n".encode())
    return digest.hexdigest()[:16]


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's contents, read in chunks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def file_record(path: Path) -> dict[str, Any]:
    return {"bytes": path.stat().st_size, "sha256": sha256_file(path)}


def read_manifest(version: Path) -> Manifest:
    """Read and parse ``version/manifest.json``; a missing or garbled one is a :class:`StoreError`."""
    path = version / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = Manifest.from_dict(data)
    except FileNotFoundError:
        raise StoreError(f"{path} is missing; run `assistant index --rebuild` to rebuild the index") from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:  # JSON of the wrong shape too
        raise StoreError(
            f"{path} is damaged ({type(exc).__name__}); run `assistant index --rebuild` to rebuild the index"
        ) from None
    if manifest.format_version != FORMAT_VERSION:
        raise StoreError(
            f"the index at {version.parent} was written in format {manifest.format_version}, this version "
            f"reads format {FORMAT_VERSION}; run `assistant index --rebuild` to rebuild it"
        )
    return manifest

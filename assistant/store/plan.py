"""What an update would do, decided without touching the disk: the planner and its records.

:func:`plan_update` compares the files found in the corpus (:class:`FileState`, from
:func:`assistant.store.reading.scan_corpus`) with the live manifest; :class:`Skipped` records a
file that failed to parse, persisted in the manifest so it is not retried until it changes;
:func:`unique_id` gives every report an id no other report has. The stateful writer that carries
a plan out is :mod:`assistant.store.build`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assistant.ingest.metadata import slugify


@dataclass(frozen=True)
class Skipped:
    """A report file that could not be parsed: its path, the fingerprint that failed, and why.

    Kept in the manifest (as ``{"path", "fingerprint", "reason"}``, the shape indexes have
    always written) so that the same bytes are not parsed again on every update. A file refused
    for passing a limit also records the key of the limits (``"limits"``): it is tried again
    when the limits change, as after raising the setting its refusal named.
    """

    path: str
    fingerprint: str
    reason: str = ""
    limits: str = ""

    def to_dict(self) -> dict[str, str]:
        data = {"path": self.path, "fingerprint": self.fingerprint, "reason": self.reason}
        return {**data, "limits": self.limits} if self.limits else data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Skipped:
        """Read one manifest entry; unknown keys are ignored and missing ones are empty."""
        return cls(
            str(data["path"]),
            str(data["fingerprint"]),
            str(data.get("reason", "")),
            str(data.get("limits", "")),
        )


class Indexed(Protocol):
    """A report file as the live index holds it (:class:`assistant.store.manifest.ReportEntry`)."""

    @property
    def path(self) -> str: ...

    @property
    def fingerprint(self) -> str: ...


class Previous(Protocol):
    """What the planner reads of the live index (:class:`assistant.store.manifest.Manifest`).

    A protocol rather than the manifest class, because the manifest stores :class:`Skipped`
    records: the planner depends on nothing else of the store.
    """

    @property
    def settings(self) -> Mapping[str, Any]: ...

    @property
    def reports(self) -> Sequence[Indexed]: ...

    @property
    def skipped(self) -> Sequence[Skipped]: ...


@dataclass(frozen=True)
class FileState:
    """A report file as it is on disk now."""

    path: str
    source: Path
    size: int
    mtime_ns: int
    sha256: str
    fingerprint: str


@dataclass(frozen=True)
class UpdatePlan:
    """What an update would do. Paths are relative to the corpus folder."""

    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    rebuild_reason: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.rebuild_reason)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.removed)} removed, {len(self.unchanged)} unchanged"
        )


def plan_update(
    old: Previous | None, files: Sequence[FileState], settings: Mapping[str, Any], limits: str = ""
) -> UpdatePlan:
    """Compare the corpus with the live index (pure).

    A file is *unchanged* when its fingerprint (content + sidecar) equals the indexed one or
    the one recorded as failing last time -- unless it failed for passing a limit and the
    ``limits`` (their key) have changed since; changed settings or no index mean a full rebuild.
    """
    paths = tuple(f.path for f in files)
    if old is None:
        return UpdatePlan(added=paths, rebuild_reason="no index yet")
    if old.settings != settings:
        changes = ", ".join(
            f"{k} {old.settings.get(k)!r} -> {settings.get(k)!r}"
            for k in sorted(set(old.settings) | set(settings))
            if old.settings.get(k) != settings.get(k)
        )
        return UpdatePlan(added=paths, rebuild_reason=f"settings changed ({changes})")
    indexed = {r.path: r.fingerprint for r in old.reports}
    failed = {s.path: s.fingerprint for s in old.skipped if not s.limits or s.limits == limits}
    added, updated, unchanged = [], [], []
    for f in files:
        if f.fingerprint in (indexed.get(f.path), failed.get(f.path)):
            unchanged.append(f.path)
        elif f.path in indexed:
            updated.append(f.path)
        else:
            added.append(f.path)
    present = set(paths)
    removed = sorted(p for p in indexed if p not in present)
    return UpdatePlan(tuple(added), tuple(updated), tuple(removed), tuple(unchanged))


def unique_id(wanted: str, path: str, taken: set[str]) -> str:
    """``wanted`` unless another report has it; then with the file's extension, then a number.

    "met-2017.pdf" and "met-2017.html" would both be "met-2017": files are processed in path
    order, so the first keeps the plain id and the result is the same on every rebuild.
    """
    if wanted not in taken:
        return wanted
    suffix = slugify(Path(path).suffix) or "file"
    candidate, n = f"{wanted}-{suffix}", 2
    while candidate in taken:
        candidate, n = f"{wanted}-{suffix}-{n}", n + 1
    return candidate

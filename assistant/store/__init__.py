"""The index on disk: FAISS + bm25s + passages.jsonl + manifest.json, built, saved atomically, verified.

* :func:`ensure_index` -- what ``ask`` and ``serve`` call: build when missing, update when the
  corpus or the settings changed (saying so in one line), then load.
* :class:`LiveIndex` -- a loaded index that switches to a newer version when one is published,
  without a restart (a running chat picks up reports indexed by another process).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.embedding import Embedder
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.build import (
    UpdatePlan,
    UpdateResult,
    index_settings,
    live_manifest,
    plan_update,
    scan_corpus,
    update_index,
)
from assistant.store.load import LoadedIndex, open_index, open_version
from assistant.store.manifest import ReportEntry

Log = Callable[[str], None]


def live_reports(index: Path) -> list[ReportEntry]:
    """The reports in the live index (empty when there is none)."""
    manifest = live_manifest(index)
    return sorted(manifest.reports, key=lambda r: r.path) if manifest else []


def check_index(settings: Settings) -> UpdatePlan:
    """What an update would change, without changing anything."""
    old = live_manifest(settings.index)
    return plan_update(old, scan_corpus(settings.corpus, old), index_settings(settings))


def describe(result: UpdateResult) -> str:
    """One line for people: what changed and how long it took."""
    plan = result.plan
    if not plan.changed:
        return f"Index is up to date ({result.passage_count} passages, {plan.summary()})."
    what = "Built" if plan.rebuild_reason else "Updated"
    return (
        f"{what} index: {plan.summary()}; {result.passage_count} passages "
        f"({result.embedded} embedded) in {result.seconds:.1f} s."
    )


def ensure_index(
    settings: Settings, *, log: Log = print, embedder: Embedder | None = None, progress: bool = True
) -> LoadedIndex:
    """Load the index, first building or updating it if it is missing or stale."""
    plan = check_index(settings)
    if plan.changed:
        reason = plan.rebuild_reason or f"the corpus changed ({plan.summary()})"
        log(f"Index at {settings.index} needs building: {reason}.")
        result = update_index(settings, embedder=embedder, progress=progress, log=log)
        for failure in result.failures:
            log(f"Skipped {failure}")
        log(describe(result))
    return open_index(settings.index)


class LiveIndex:
    """The live version, swapped for a newer one when ``CURRENT`` changes (checked at most once a second)."""

    def __init__(self, settings: Settings, loaded: LoadedIndex, check_every: float = 1.0) -> None:
        self.settings = settings
        self._loaded = loaded
        self._token = loaded.version.name
        self._check_every = check_every
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    def get(self) -> LoadedIndex:
        now = time.monotonic()
        if now - self._checked >= self._check_every:
            self._checked = now
            token = layout.current_token(self.settings.index)
            if token and token != self._token:
                with self._lock:
                    if token != self._token:
                        version = layout.current_version(self.settings.index)
                        if version is not None:
                            self._loaded = open_version(version)
                            self._token = token
        return self._loaded


__all__ = [
    "LiveIndex",
    "LoadedIndex",
    "UpdatePlan",
    "UpdateResult",
    "check_index",
    "describe",
    "ensure_index",
    "live_reports",
    "open_index",
    "update_index",
]

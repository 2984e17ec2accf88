"""The index on disk: FAISS + bm25s + passages.jsonl + manifest.json, built, saved atomically, verified.

* :func:`ensure_index` -- what ``ask`` and ``serve`` call: build when missing, update when the
  corpus or the settings changed (saying so in one line), then load.
* :class:`LiveIndex` -- a loaded index that switches to a newer version when one is published,
  without a restart (a running chat picks up reports indexed by another process).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.embedding import Embedder
from assistant.errors import NotFoundError, StoreError
from assistant.ingest import Limits
from assistant.settings import Settings
from assistant.store import layout
from assistant.store.build import UpdateResult, index_settings, live_manifest, update_index
from assistant.store.load import LoadedIndex, open_index, open_version
from assistant.store.manifest import ReportEntry
from assistant.store.plan import UpdatePlan, plan_update
from assistant.store.reading import scan_corpus

Log = Callable[[str], None]


def live_reports(index: Path) -> list[ReportEntry]:
    """The reports in the live index (empty when there is none)."""
    manifest = live_manifest(index)
    return sorted(manifest.reports, key=lambda r: r.path) if manifest else []


def find_report(entries: list[ReportEntry], name: str) -> ReportEntry:
    """The one entry whose id, title, file name or corpus path is ``name`` (any case), else a
    :class:`NotFoundError` listing the ids there are."""
    wanted = name.strip().lower()
    matches = [
        e
        for e in entries
        if wanted
        in {e.id.lower(), e.path.lower(), Path(e.path).name.lower(), str(e.meta.get("title", "")).lower()}
    ]
    if len(matches) != 1:
        known = ", ".join(e.id for e in entries) or "none"
        what = "no report" if not matches else f"{len(matches)} reports"
        raise NotFoundError(f"{what} matched {name!r}; indexed report ids: {known}")
    return matches[0]


def live_store(index: Path) -> dict[str, Any]:
    """Where the live version is searched (its manifest's ``store``; faiss when it names none)."""
    manifest = live_manifest(index)
    store = dict(manifest.store) if manifest else {}
    return store or {"backend": "faiss"}


def describe_store(store: dict[str, Any]) -> str:
    """One line: the backend, and for Milvus the collection, its slot and where it is."""
    if store.get("backend") != "milvus":
        return "FAISS + bm25s in the index folder"
    slot = f"slot {store['slot']}: {store['units']}, {store['text']}"
    return f"Milvus collection {store['collection']} ({slot}) at {store['uri']}"


def check_index(settings: Settings) -> UpdatePlan:
    """What an update would change, without changing anything."""
    old = live_manifest(settings.index)
    limits = Limits.from_settings(settings).key()
    return plan_update(old, scan_corpus(settings.corpus, old), index_settings(settings), limits)


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
    """The live version, swapped for a newer one when ``CURRENT`` changes (checked at most once a second).

    A new version is served only once it has loaded and verified, and only if it was built
    with the same model (a question vector compared with another model's passage vectors would
    rank nonsense). Otherwise the current version stays in service and the reason is logged
    once and kept in :attr:`problem`; a damaged version never takes a working chat down.
    """

    def __init__(
        self, settings: Settings, loaded: LoadedIndex, check_every: float = 1.0, log: Log | None = None
    ) -> None:
        self.settings = settings
        self._loaded = loaded
        self._token = loaded.version.name
        self._refused: str | None = None
        self._check_every = check_every
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self.problem: str | None = None
        """Why the newest published version is not being served, if it is not."""

    def get(self, *, refresh: bool = False) -> LoadedIndex:
        """The version to serve; ``refresh`` checks for a newer one now and waits for it.

        Without ``refresh`` a request never waits for a switch: loading and verifying a new
        version can take seconds on a large library, so while one request does it the others
        keep answering from the current version.
        """
        now = time.monotonic()
        if refresh or now - self._checked >= self._check_every:
            self._checked = now
            token = layout.current_token(self.settings.index)
            if token and token not in (self._token, self._refused) and self._lock.acquire(blocking=refresh):
                try:
                    if token not in (self._token, self._refused):
                        self._switch(token)
                finally:
                    self._lock.release()
        return self._loaded

    def _switch(self, token: str) -> None:
        try:
            version = layout.current_version(self.settings.index)
            if version is None:
                return
            loaded = open_version(version)
        except StoreError as exc:
            self._refuse(token, f"the index version {token} is not served: {exc}")
            return
        old = self._loaded.manifest
        if (loaded.manifest.model, loaded.manifest.dimension) != (old.model, old.dimension):
            loaded.close()
            self._refuse(
                token,
                f"the index version {token} was built with model {loaded.manifest.model} "
                f"({loaded.manifest.dimension} dimensions) but this chat embeds questions with "
                f"{old.model}; still serving {self._token} (restart the chat to use the new model)",
            )
            return
        self._loaded, self._token, self._refused, self.problem = loaded, token, None, None

    def _refuse(self, token: str, message: str) -> None:
        self._refused, self.problem = token, message
        self._log(message)


__all__ = [
    "LiveIndex",
    "LoadedIndex",
    "UpdatePlan",
    "UpdateResult",
    "check_index",
    "describe",
    "describe_store",
    "ensure_index",
    "find_report",
    "live_reports",
    "live_store",
    "open_index",
    "update_index",
]

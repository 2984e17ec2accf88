"""Who parses and embeds during a build: this process (the default), or a Ray cluster.

``assistant index --ray ADDRESS|auto`` hands the two heavy steps of
:func:`assistant.store.build.update_index` to Ray and keeps everything else (the plan, the
table, BM25, publishing) where it is, so a distributed build writes the same index:

* parsing -- one task per batch of report files (:data:`REPORTS_PER_TASK`), results gathered
  back in file order;
* embedding -- the same chunks a local build embeds (:data:`assistant.embedding.base.EMBED_CHUNK`
  texts per call, and within a call the ONNX embedder's own length-sorted batches of
  :data:`assistant.embedding.onnx_embedder.TOKENISE_CHUNK` texts), one task per piece,
  vectors gathered back in order. The int8 model quantises each batch's activations, so a
  vector depends on its batch-mates: splitting only where the local build's batches end is
  what makes the vectors equal, not merely close.

``auto`` starts a Ray on this machine, loopback only, no dashboard; an address joins a
running cluster whose workers have this package installed (docs/SCALE.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from assistant.embedding import Embedder, make_embedder
from assistant.embedding.base import Wrapper
from assistant.errors import AssistantError, IngestError, LimitError, SettingsError, StoreError
from assistant.ingest import Limits, load_report
from assistant.records import Report
from assistant.settings import Settings
from assistant.store.plan import FileState

REPORTS_PER_TASK = 4
"""Report files parsed per Ray task: a report takes ~0.1-1 s, so a task is worth its overhead."""
INSTALL = "install the extra: pip install -e '.[ray]'"


class Runner(Protocol):
    """Parses report files and gives the embedder for passages."""

    def load_reports(
        self, files: Sequence[FileState], corpus: Path, max_bytes: int, limits: Limits
    ) -> Iterator[Report | IngestError]:
        """Each file's report, or why it could not be parsed within ``limits``, in file order."""
        ...

    def embedder(self, settings: Settings) -> Embedder | None:
        """The embedder to use (None: the build makes its own)."""
        ...


class LocalRunner:
    """Everything on this machine, one report at a time, each parsed in a limited worker process
    (:mod:`assistant.ingest.worker`) so that no file can take the build down."""

    def load_reports(
        self, files: Sequence[FileState], corpus: Path, max_bytes: int, limits: Limits
    ) -> Iterator[Report | IngestError]:
        for f in files:
            try:
                yield load_report(f.source, corpus, max_bytes, limits, isolated=True)
            except IngestError as exc:
                yield exc

    def embedder(self, settings: Settings) -> Embedder | None:
        return None


def _parse(
    paths: list[str], corpus: str, max_bytes: int, limits: Limits
) -> list[Report | tuple[str, str, bool]]:
    """A Ray task: parse reports, each in a limited worker process as a local build does; a failure
    comes back as ``(path, reason, passed a limit)`` (IngestError's arguments do not survive pickling)."""
    out: list[Report | tuple[str, str, bool]] = []
    for path in paths:
        try:
            out.append(load_report(Path(path), Path(corpus), max_bytes, limits, isolated=True))
        except IngestError as exc:
            out.append((exc.path, exc.reason, isinstance(exc, LimitError)))
    return out


def _failure(path: str, reason: str, limit: bool) -> IngestError:
    return (LimitError if limit else IngestError)(path, reason)


_worker_embedders: dict[tuple[str, str, int], Embedder] = {}


def _embed(model: str, backend: str, batch_size: int, texts: list[str]) -> np.ndarray:
    """A Ray task: embed texts with the build's embedder, loaded once per worker process."""
    key = (model, backend, batch_size)
    if key not in _worker_embedders:
        _worker_embedders[key] = make_embedder(model, backend, batch_size=batch_size, indexing=True)
    return _worker_embedders[key].embed(texts)


def split_points(count: int, piece: int) -> list[tuple[int, int]]:
    """``[start, stop)`` pieces of ``count`` items, ``piece`` long (the last may be shorter)."""
    return [(lo, min(lo + piece, count)) for lo in range(0, count, max(1, piece))]


def ray_get(ray: Any, refs: Any) -> Any:
    """``ray.get``, re-raising a task's own :class:`AssistantError` (a model that will not load, ...)."""
    try:
        return ray.get(refs)
    except ray.exceptions.RayTaskError as exc:
        if isinstance(exc.cause, AssistantError):
            raise exc.cause from None
        raise StoreError(f"a Ray task of the build failed: {exc.cause!r}; nothing was published") from None


class RayEmbedder(Wrapper):
    """An embedder whose work runs as Ray tasks, split only where the local embedder's batches end."""

    def __init__(self, ray: Any, local: Embedder, settings: Settings, piece: int) -> None:
        super().__init__(local)  # Ray's vectors are the local embedder's, so the vector cache serves both
        self._ray, self._settings, self._piece = ray, settings, piece
        self._task = ray.remote(_embed)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        s = self._settings
        refs = [
            self._task.remote(s.model, s.backend, s.batch_size, list(texts[a:b]))
            for a, b in split_points(len(texts), self._piece)
        ]
        return np.concatenate(ray_get(self._ray, refs)).astype(np.float32)


class RayRunner:
    """Parsing and embedding as Ray tasks (see the module docstring)."""

    def __init__(self, address: str) -> None:
        try:
            import ray
        except ImportError:
            raise SettingsError(f"--ray needs Ray; {INSTALL}") from None
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if address == "auto":
                # A private Ray on this machine, loopback only, sized to its cores.
                options |= {"address": "local", "_node_ip_address": "127.0.0.1"}
            else:
                options["address"] = address
            try:
                ray.init(**options)
            except Exception as exc:  # ConnectionError, RuntimeError, ... from Ray
                raise SettingsError(
                    f"cannot start or join Ray at {address!r}: {exc}; give --ray auto or the address "
                    "of a running cluster (ray://host:10001 or host:6379)"
                ) from None
        self._parse = ray.remote(_parse)

    def load_reports(
        self, files: Sequence[FileState], corpus: Path, max_bytes: int, limits: Limits
    ) -> Iterator[Report | IngestError]:
        refs = [
            self._parse.remote([str(f.source) for f in files[a:b]], str(corpus), max_bytes, limits)
            for a, b in split_points(len(files), REPORTS_PER_TASK)
        ]
        for ref in refs:
            for outcome in ray_get(self._ray, ref):
                yield outcome if isinstance(outcome, Report) else _failure(*outcome)

    def embedder(self, settings: Settings) -> Embedder | None:
        from assistant.embedding import OnnxEmbedder
        from assistant.embedding.base import EMBED_CHUNK
        from assistant.embedding.onnx_embedder import TOKENISE_CHUNK

        local = make_embedder(settings.model, settings.backend, batch_size=settings.batch_size, indexing=True)
        piece = TOKENISE_CHUNK if isinstance(local, OnnxEmbedder) else EMBED_CHUNK
        return RayEmbedder(self._ray, local, settings, piece)

    def close(self) -> None:
        """Stop the Ray this runner started (a joined cluster keeps running)."""
        if self._started:
            self._ray.shutdown()


def runner_for(address: str | None) -> Runner:
    """:class:`RayRunner` for an address or ``auto``; :class:`LocalRunner` when None."""
    return RayRunner(address) if address else LocalRunner()

"""Embedding a build's passages while it parses and writes: each distinct unit text once, cached ones never.

:class:`UnitEncoder` takes the passages of each report as soon as it is parsed. Their unit
texts (:func:`assistant.passages.dense_units`) are looked up in the vector cache
(:mod:`assistant.store.unit_cache`) and among the texts already queued in this build; only the
rest are embedded, in chunks (the ``embed_chunk`` setting), on background threads, so the encoder
works while the next report is parsed and while the passage table and the BM25 index are
written. :meth:`UnitEncoder.finish` waits for the last chunk and returns every passage's block
of unit vectors (float16, how the store keeps them) with the units' keys.

The encoder releases the GIL while it computes (onnxruntime, torch), so parsing on the main
thread costs it little; two chunks are in flight (:data:`CHUNKS_IN_FLIGHT`) so that one chunk's
last batches overlap the next chunk's first instead of leaving a core idle.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.embedding import Embedder
from assistant.passages import dense_units
from assistant.records import Passage
from assistant.settings import Settings
from assistant.store.unit_cache import VectorCache, unit_keys

CHUNKS_IN_FLIGHT = 2
"""Encoder calls at once: two, so the end of one overlaps the start of the next."""


@dataclass(frozen=True)
class EncodedUnits:
    """Every added passage's unit vectors, and what it took to get them."""

    blocks: list[np.ndarray]
    """One ``(units, dim)`` float16 array per passage, in the order they were added."""
    keys: list[np.ndarray]
    """The unit keys of each passage, row for row with ``blocks``."""
    cached: int = 0
    """Units whose vector came from the cache."""
    repeated: int = 0
    """Units whose text an earlier unit of this build already had."""
    encoded: int = 0
    """Units embedded by the model."""

    @property
    def units(self) -> int:
        return self.cached + self.repeated + self.encoded


class UnitEncoder:
    """Embeds the passages added to it in the background; see the module docstring.

    Use as a context manager (or call :meth:`close`): leaving early stops the background work.
    """

    def __init__(
        self,
        embedder: Embedder | None,
        cache: VectorCache | None = None,
        *,
        dedupe: bool = True,
        bar: Progress | None = None,
        chunk: int = Settings.embed_chunk,
    ) -> None:
        self._embedder = embedder
        self._cache = cache
        self._dedupe = dedupe
        self._bar = bar
        self._chunk = max(1, chunk)
        self._pool = ThreadPoolExecutor(CHUNKS_IN_FLIGHT, thread_name_prefix="encode")
        self._futures: list[Future[np.ndarray]] = []
        self._pending: list[str] = []
        self._queued: dict[bytes, int] = {}
        self._count = 0
        self._sources: list[np.ndarray] = []
        """Per passage, each unit's source: new vector ``r >= 0``, or ``-1 - r`` for cache row r."""
        self._keys: list[np.ndarray] = []
        self._cached = 0
        self._repeated = 0

    def __enter__(self) -> UnitEncoder:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def add(self, passages: Sequence[Passage]) -> None:
        """Queue the units of ``passages`` (one report's, typically); returns at once."""
        units = [dense_units(p) for p in passages]
        texts = [t for u in units for t in u]
        keys = unit_keys(texts)
        hits = self._cache.lookup(keys) if self._cache is not None else np.full(len(texts), -1)
        sources = np.empty(len(texts), dtype=np.int64)
        for i, (text, key, hit) in enumerate(zip(texts, keys.tolist(), hits.tolist(), strict=True)):
            if hit >= 0:
                sources[i] = -1 - hit
                self._cached += 1
                continue
            row = self._queued.get(key) if self._dedupe else None
            if row is not None:
                sources[i] = row
                self._repeated += 1
                continue
            sources[i] = self._queued[key] = self._count
            self._count += 1
            self._pending.append(text)
        bounds = np.cumsum([0, *(len(u) for u in units)])
        self._sources += [sources[a:b] for a, b in itertools.pairwise(bounds)]
        self._keys += [keys[a:b] for a, b in itertools.pairwise(bounds)]
        while len(self._pending) >= self._chunk:
            self._submit(self._pending[: self._chunk])
            self._pending = self._pending[self._chunk :]

    def _submit(self, texts: list[str]) -> None:
        if self._bar is not None:
            self._bar.grow(len(texts))
        self._futures.append(self._pool.submit(self._encode, texts))

    def _encode(self, texts: list[str]) -> np.ndarray:
        if self._embedder is None:
            raise ValueError("UnitEncoder was given texts to embed but no embedder")
        vectors = np.asarray(self._embedder.embed(texts), dtype=np.float16)
        if self._bar is not None:
            self._bar.update(len(texts))
        return vectors

    def finish(self) -> EncodedUnits:
        """Wait for the encoder and assemble every passage's block (in the order they were added)."""
        if self._pending:
            self._submit(self._pending)
            self._pending = []
        fresh = [f.result() for f in self._futures]
        dim = fresh[0].shape[1] if fresh else self._cache.dimension if self._cache is not None else 0
        new = np.concatenate(fresh) if fresh else np.zeros((0, dim), dtype=np.float16)
        sources = np.concatenate(self._sources) if self._sources else np.zeros(0, dtype=np.int64)
        vectors = np.empty((len(sources), dim), dtype=np.float16)
        mine = sources >= 0
        vectors[mine] = new[sources[mine]]
        if self._cache is not None and not mine.all():
            vectors[~mine] = self._cache.vectors(-1 - sources[~mine])
        bounds = np.cumsum([0, *(len(s) for s in self._sources)])
        blocks = [vectors[a:b] for a, b in itertools.pairwise(bounds)]
        return EncodedUnits(blocks, self._keys, self._cached, self._repeated, self._count)


class Progress:
    """A tqdm bar over texts to embed whose total grows as reports are parsed (no bar when hidden)."""

    def __init__(self, show: bool) -> None:
        self._lock = threading.Lock()
        self._bar: Any = None
        if show:
            from tqdm import tqdm

            self._bar = tqdm(total=0, desc="Embedding", unit="text", smoothing=0.1)

    def grow(self, n: int) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.total += n
                self._bar.refresh()

    def update(self, n: int) -> None:
        if self._bar is not None:
            with self._lock:
                self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

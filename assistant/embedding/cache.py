"""The question cache: the vectors of recent single texts, so a repeated question skips the model."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from assistant.embedding.base import Embedder, Wrapper


class CachedEmbedder(Wrapper):
    """Remembers the vectors of recent single texts: repeated questions skip the model."""

    def __init__(self, inner: Embedder, size: int = 1024) -> None:
        super().__init__(inner)
        self._size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        """Forget every remembered vector (benchmarks time the encoder this way)."""
        with self._lock:
            self._cache.clear()

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.embed(texts, progress=progress)
        key = texts[0]
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit.copy()
        vector = self.inner.embed(texts)
        with self._lock:
            self._cache[key] = vector
            if len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector.copy()

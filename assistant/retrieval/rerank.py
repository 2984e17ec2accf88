"""Optional cross-encoder reranking of the fused candidates.

No cross-encoder ships its weights on PyPI (none can be fetched from a model hub here), so
reranking is off by default. A user who has one names it with ``--reranker`` (any
sentence-transformers ``CrossEncoder`` name or folder); the pipeline runs the same without.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from assistant.errors import ModelError
from assistant.passages import dense_text
from assistant.records import Passage

RERANK_DEPTH = 30
"""Only the head of the fused list is rescored: the cross-encoder costs ~ms per pair on a CPU."""


class Reranker(Protocol):
    def rerank(self, question: str, passages: Sequence[Passage], order: np.ndarray) -> np.ndarray:
        """Return ``order`` with its first :data:`RERANK_DEPTH` entries reordered."""
        ...


class CrossEncoderReranker:
    """A sentence-transformers CrossEncoder, loaded offline on first use."""

    def __init__(self, model: str) -> None:
        self._name = model
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                from sentence_transformers import CrossEncoder

                try:
                    self._model = CrossEncoder(self._name, device="cpu")
                except Exception as exc:  # many error types for a missing model
                    raise ModelError(
                        f"cannot load reranker {self._name!r} offline ({type(exc).__name__}); "
                        "give --reranker a local CrossEncoder folder, or leave it empty for no reranking"
                    ) from None
        return self._model

    def rerank(self, question: str, passages: Sequence[Passage], order: np.ndarray) -> np.ndarray:
        head = min(RERANK_DEPTH, len(order))
        model = self._load()
        scores = np.asarray(
            model.predict([(question, dense_text(p)) for p in passages[:head]]), dtype=np.float64
        )
        reordered = order[:head][np.argsort(-scores, kind="stable")]
        return np.concatenate([reordered, order[head:]])

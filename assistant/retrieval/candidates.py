"""Candidate generation: the one seam between ranking and the engine that searches passages.

    dense top-N within rows | BM25 top-N within rows | BM25 scores of given rows | exact cosines

Everything after it -- fusion, structure, layouts, abstention, support sentences -- is the
project's own pure code, so every backend ranks the same way. A backend answers in passage
rows of the loaded version's table; two implementations:

* :class:`LocalCandidates` -- FAISS (or exact scoring of a subset) over the stored unit
  vectors, and bm25s, in the index folder (``store = "faiss"``, the default);
* :class:`assistant.retrieval.milvus_search.MilvusCandidates` -- a Milvus collection
  (``store = "milvus"``; docs/SCALE.md), chosen by the version's manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import numpy as np

from assistant.retrieval import dense
from assistant.store.load import LoadedIndex


class LexicalScorer(Protocol):
    """BM25 for one weighted bag of terms (each term's contribution scaled by its weight)."""

    def top(self, k: int, rows: np.ndarray | None) -> np.ndarray:
        """The ``k`` best-scoring rows among ``rows`` (all when None) that score above 0, best first."""
        ...

    def of(self, ids: np.ndarray) -> np.ndarray:
        """The float32 score of each row in ``ids`` (0 where no term occurs)."""
        ...


class Candidates(Protocol):
    """What ranking asks of a search engine (see the module docstring)."""

    name: str

    def dense(self, qvec: np.ndarray, k: int, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, cosines)`` of the ``k`` passages nearest ``qvec`` among ``rows`` (all when None)."""
        ...

    def lexical(self, terms: Mapping[str, float]) -> LexicalScorer: ...

    def cosines(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """The exact dense score (best unit cosine) of each row in ``ids``."""
        ...


class _LocalScorer:
    """bm25s scores every passage once (a few ms at 100k); top and of index into that array."""

    def __init__(self, every: np.ndarray) -> None:
        self._every = every

    def top(self, k: int, rows: np.ndarray | None) -> np.ndarray:
        within = self._every if rows is None else self._every[rows]
        best = dense.top_k(within, k)
        best = best if rows is None else rows[best]
        kept: np.ndarray = best[self._every[best] > 0]
        return kept

    def of(self, ids: np.ndarray) -> np.ndarray:
        return np.asarray(self._every[ids], dtype=np.float32)


class LocalCandidates:
    """FAISS + bm25s in the version folder (the default store)."""

    name = "faiss"

    def __init__(self, index: LoadedIndex) -> None:
        self._index = index

    def dense(self, qvec: np.ndarray, k: int, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        return dense.search(self._index, qvec, k, rows)

    def lexical(self, terms: Mapping[str, float]) -> LexicalScorer:
        return _LocalScorer(self._index.lexical.scores(dict(terms)))

    def cosines(self, qvec: np.ndarray, ids: np.ndarray) -> np.ndarray:
        return dense.cosines(self._index, qvec, ids)


def candidates_for(index: LoadedIndex) -> Candidates:
    """The backend the version was built for (its manifest's ``store``), opened once per version."""

    def open_backend() -> Candidates:
        if index.manifest.store.get("backend") == "milvus":
            from assistant.retrieval.milvus_search import MilvusCandidates

            return MilvusCandidates(index)
        return LocalCandidates(index)

    return index.derived("candidates", open_backend)

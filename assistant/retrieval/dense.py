"""Dense search: nearest passages to a question vector by cosine similarity (inner product)."""

from __future__ import annotations

import numpy as np

from assistant.store.load import LoadedIndex

EXACT_SUBSET_MAX = 50_000
"""Filtered searches over at most this many passages score them exactly from the stored vectors."""


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first (ties by index, for determinism)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


def search(
    index: LoadedIndex, query: np.ndarray, k: int, mask: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, cosines)`` of the ``k`` passages nearest ``query`` among those ``mask`` allows."""
    n = len(index)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    if n == 0 or k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if mask is None:
        scores, ids = index.faiss.search(q, min(k, n))
        keep = ids[0] >= 0
        return ids[0][keep].astype(np.int64), scores[0][keep]
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if len(rows) <= EXACT_SUBSET_MAX:
        sims = np.asarray(index.embeddings[rows], dtype=np.float32) @ q[0]
        best = top_k(sims, k)
        return rows[best].astype(np.int64), sims[best]
    import faiss

    params = faiss.SearchParameters()
    params.sel = faiss.IDSelectorBatch(rows.astype(np.int64))
    scores, ids = index.faiss.search(q, min(k, len(rows)), params=params)
    keep = ids[0] >= 0
    return ids[0][keep].astype(np.int64), scores[0][keep]


def cosines(index: LoadedIndex, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Exact cosine of ``query`` with the stored vectors of ``ids``."""
    if len(ids) == 0:
        return np.zeros(0, np.float32)
    order = np.argsort(ids)
    sims = np.empty(len(ids), dtype=np.float32)
    sims[order] = np.asarray(index.embeddings[ids[order]], dtype=np.float32) @ query.reshape(-1).astype(
        np.float32
    )
    return sims

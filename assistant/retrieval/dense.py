"""Dense search: passages nearest a question vector by cosine similarity (inner product).

A passage's dense score is the best cosine among its unit vectors (the passage in context
and each of its sentences; see :func:`assistant.passages.dense_units`). Units found by an
approximate index (whose scores are quantised) are re-scored exactly from the stored vectors
before they are ranked, so approximation can only miss a unit, never misorder the ones found.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from assistant.store.load import LoadedIndex

EXACT_SUBSET_MAX = 50_000
"""Filtered searches over at most this many unit vectors score them exactly from the stored vectors
(a flat or HNSW index: their own filtered search costs about as much as scoring the whole index)."""
EXACT_IVF_MAX = 10_000
"""The same for an IVF index, whose filtered search reads only the lists it probes. Exact scoring
costs about 1.1 us per unit (float16 rows gathered and widened: memory-bound), the IVF search
about 25 ns per vector in the lists probed, so at 1M passages (2.3M units) exact scoring of a
force's 48k units took 54 ms and the IVF search 6 ms; the two cross near 10k units."""
OVERFETCH = 4
"""Units fetched per wanted passage: several units of one passage may crowd the top."""


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` largest scores, best first (ties by index, for determinism)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    part = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


def best_per_passage(owners: np.ndarray, scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Collapse unit hits to passages, keeping each passage's best score; the ``k`` best, best first."""
    if len(owners) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    order = np.lexsort((owners, -scores))
    passages, first = np.unique(owners[order], return_index=True)
    best = scores[order][first]
    keep = top_k(best, k)
    return passages[keep].astype(np.int64), best[keep].astype(np.float32)


def _faiss_units(
    index: LoadedIndex, q: np.ndarray, fetch: int, rows: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    params, bits = (None, None) if rows is None else _restricted(index, rows)
    scores, ids = index.faiss.search(q, fetch, params=params)
    del bits  # the selector reads this array during the search
    keep = ids[0] >= 0
    unit_ids = ids[0][keep].astype(np.int64)
    if index.manifest.index_type == "flat":
        return unit_ids, scores[0][keep]
    return unit_ids, exact_scores(index.embeddings, unit_ids, q[0])


def _restricted(index: LoadedIndex, rows: np.ndarray) -> tuple[Any, np.ndarray]:
    """Search parameters that keep a FAISS search to unit ``rows``, of the index's own kind, and
    the bitmap of ``rows`` their selector reads (keep it alive until the search returns).

    An IVF index looks only in its ``nprobe`` nearest lists; when a scope holds a fraction f of
    the vectors, the scoped search probes ``nprobe / sqrt(f)`` lists (at most all). Probing
    ``nprobe / f`` (as many of the scope's vectors as an unscoped search sees of all) recalled
    no more: the scope's best vectors lie in the lists nearest the question, not spread evenly.
    Measured on the 10k library's real vectors (scopes of 1-60 reports, shares 0.8-50%: the
    top 20 as good as the exact top 20 in 99.7-100% of cases with either rule) and at 1M
    passages (0.983 of the exact top 20 units with either), at a fifth of the time. HNSW keeps its search
    breadth. The selector is a bitmap: one bit test per vector the search meets.
    """
    import faiss

    kind = index.manifest.index_type
    params: Any
    if kind == "ivf":
        base = faiss.extract_index_ivf(index.faiss)
        share = max(len(rows) / max(base.ntotal, 1), 1e-9)
        params = faiss.SearchParametersIVF()
        params.nprobe = min(base.nlist, math.ceil(base.nprobe / math.sqrt(share)))
    elif kind == "hnsw":
        params = faiss.SearchParametersHNSW()  # type: ignore[attr-defined]
        params.efSearch = index.faiss.hnsw.efSearch
    else:
        params = faiss.SearchParameters()
    total = int(index.faiss.ntotal)
    marked = np.zeros(total, dtype=bool)
    marked[rows] = True
    bits = np.packbits(marked, bitorder="little")
    params.sel = faiss.IDSelectorBitmap(total, faiss.swig_ptr(bits))
    return params, bits


def exact_scores(vectors: np.ndarray, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Cosine of ``query`` with each stored vector in ``rows`` (read in row order: kind to a memory map)."""
    order = np.argsort(rows)
    sims = np.empty(len(rows), dtype=np.float32)
    sims[order] = np.asarray(vectors[rows[order]], dtype=np.float32) @ query.astype(np.float32)
    return sims


def unit_rows(index: LoadedIndex, passages: np.ndarray) -> np.ndarray:
    """The unit-vector rows owned by each passage row in ``passages`` (in that order)."""
    starts = np.asarray(index.offsets[passages], dtype=np.int64)
    counts = np.asarray(index.offsets[passages + 1], dtype=np.int64) - starts
    if len(counts) == 0:
        return np.zeros(0, np.int64)
    shift = np.repeat(starts - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    return shift + np.arange(int(counts.sum()), dtype=np.int64)


def search(
    index: LoadedIndex, query: np.ndarray, k: int, passages: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(ids, cosines)`` of the ``k`` passages nearest ``query`` among passage rows ``passages``
    (every passage when None)."""
    units = len(index.owners)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    if units == 0 or k <= 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if passages is None:
        unit_ids, sims = _faiss_units(index, q, min(units, k * OVERFETCH), None)
    else:
        rows = unit_rows(index, np.asarray(passages, dtype=np.int64))
        if len(rows) == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        exact_max = EXACT_IVF_MAX if index.manifest.index_type == "ivf" else EXACT_SUBSET_MAX
        if len(rows) <= exact_max:
            all_sims = exact_scores(index.embeddings, rows, q[0])
            best = top_k(all_sims, k * OVERFETCH)
            unit_ids, sims = rows[best], all_sims[best]
        else:
            unit_ids, sims = _faiss_units(index, q, min(len(rows), k * OVERFETCH), rows)
    return best_per_passage(index.owners[unit_ids], sims, k)


def cosines(index: LoadedIndex, query: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Exact dense score (best unit cosine) of ``query`` for each passage in ``ids``."""
    if len(ids) == 0:
        return np.zeros(0, np.float32)
    starts, ends = index.offsets[ids], index.offsets[ids + 1]
    rows = np.concatenate([np.arange(a, b) for a, b in zip(starts, ends, strict=True)])
    sims = exact_scores(index.embeddings, rows, query.reshape(-1))
    return np.maximum.reduceat(sims, np.concatenate([[0], np.cumsum(ends - starts)[:-1]])).astype(np.float32)


def text_vector(index: LoadedIndex, passage: int) -> np.ndarray:
    """A unit vector for the passage's own text: the mean of its sentence vectors (no headings),
    so two bullets of one list are compared on what they say, not on the context they share."""
    start, end = int(index.offsets[passage]), int(index.offsets[passage + 1])
    rows = index.embeddings[start + 1 : end] if end - start > 1 else index.embeddings[start:end]
    total: np.ndarray = rows.sum(axis=0, dtype=np.float32)  # the mean's direction; normalised below
    return total / max(float(np.sqrt(total @ total)), 1e-12)

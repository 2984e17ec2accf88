"""Combining rankings (pure). Two methods, both measured in docs/EVALUATION.md.

* Reciprocal rank fusion (Cormack et al., 2009): ``score(d) = sum_r w_r / (k + rank_r(d))``
  with ranks from 1. It needs no score calibration, so BM25's unbounded scores and cosine
  similarities mix safely; ``k`` (60 in the paper) damps the head of each list.
* Normalised linear combination: each retriever's scores are min-max scaled over the
  candidate pool to [0, 1], then ``sum_r w_r * s_r(d)``. Keeps *how much* better the top
  candidate is, which rank fusion throws away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

RRF_K = 60.0


def ranks_from_scores(ids: np.ndarray, scores: np.ndarray) -> dict[int, int]:
    """Rank (1 = best) of each id by descending score; equal scores share a rank ("1224").

    The same paragraph indexed from two copies of a report (a PDF and its web page) scores
    the same everywhere, and must fuse to the same score, whatever their ids.
    """
    ordered = np.sort(-np.asarray(scores, dtype=np.float64))
    better = np.searchsorted(ordered, -np.asarray(scores, dtype=np.float64), side="left")
    return {int(i): int(b) + 1 for i, b in zip(ids, better, strict=True)}


def rrf(
    rankings: Mapping[str, Mapping[int, int]], weights: Mapping[str, float], k: float = RRF_K
) -> dict[int, float]:
    """Reciprocal rank fusion of ``{retriever: {id: rank}}`` with per-retriever weights."""
    fused: dict[int, float] = {}
    for name, ranking in rankings.items():
        w = weights.get(name, 1.0)
        for doc, rank in ranking.items():
            fused[doc] = fused.get(doc, 0.0) + w / (k + rank)
    return fused


def minmax(scores: np.ndarray) -> np.ndarray:
    """Scale to [0, 1]; a constant vector maps to all zeros (it carries no preference)."""
    scores = np.asarray(scores, dtype=np.float64)
    if scores.size == 0:
        return scores
    lo, hi = float(scores.min()), float(scores.max())
    if hi - lo < 1e-12:
        return np.zeros_like(scores)
    return (scores - lo) / (hi - lo)


def linear(scores: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """Weighted sum of min-max-normalised score vectors over the same candidates."""
    total: np.ndarray | None = None
    for name, values in scores.items():
        part = weights.get(name, 1.0) * minmax(values)
        total = part if total is None else total + part
    return np.zeros(0) if total is None else total


def lexical_share(document_frequencies: Mapping[str, int], passages: int) -> float:
    """How much of a question's wording the reports use: the idf-weighted share of its terms
    found in the index, ``sum idf(found) / sum idf(all)`` with ``idf = log(1 + N / max(df, 1))``.

    When a question's key words are ones the reports never use (a paraphrase), BM25 can only
    match its other, lesser words, and its ranking deserves less trust than the dense one.
    """
    if not document_frequencies or passages <= 0:
        return 1.0
    idf = {t: math.log(1 + passages / max(df, 1)) for t, df in document_frequencies.items()}
    total = sum(idf.values())
    found = sum(v for t, v in idf.items() if document_frequencies[t] > 0)
    return found / total if total > 0 else 1.0

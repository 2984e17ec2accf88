"""Retrieval metrics (pure). ``rels`` is the ranked list of relevance flags of returned passages.

* recall@k -- 1 if any relevant passage is in the top k, else 0 ("did the user see an answer?").
* MRR@k -- 1 / rank of the first relevant passage in the top k, else 0.
* nDCG@k -- binary gains: DCG = sum over relevant ranks i <= k of 1 / log2(i + 1), divided by
  the DCG of the ideal list, which puts all ``total_relevant`` gold passages first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from assistant.ingest.structure import normalise_space

normalise = normalise_space


def is_relevant(passage_text: str, gold: Sequence[str]) -> bool:
    """A passage is relevant when its own text contains a gold string (whitespace normalised)."""
    text = normalise(passage_text)
    return any(normalise(g) in text for g in gold if g.strip())


def recall_at(rels: Sequence[bool], k: int) -> float:
    return 1.0 if any(rels[:k]) else 0.0


def reciprocal_rank(rels: Sequence[bool], k: int = 10) -> float:
    for i, rel in enumerate(rels[:k], start=1):
        if rel:
            return 1.0 / i
    return 0.0


def ndcg_at(rels: Sequence[bool], total_relevant: int, k: int = 10) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, rel in enumerate(rels[:k], start=1) if rel)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(total_relevant, k) + 1))
    return dcg / ideal if ideal > 0 else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, ``q`` in [0, 100] (numpy's default method)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0

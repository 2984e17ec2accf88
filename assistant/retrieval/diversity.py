"""Near-duplicate suppression: the top results should make distinct points (pure).

Greedy, in ranking order: a candidate whose vector is within ``threshold`` cosine of one
already chosen is a restatement and is moved behind every distinct candidate -- demoted,
not dropped, so it still shows when there is nothing else. Only the first ``depth``
distinct results are needed, so the scan stops there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def diversify(
    order: np.ndarray, vector: Callable[[int], np.ndarray], threshold: float, depth: int
) -> np.ndarray:
    """Reorder ``order`` so the first ``depth`` entries are pairwise below ``threshold`` cosine."""
    if threshold >= 1.0 or len(order) <= 1:
        return order
    chosen: list[int] = []
    chosen_vecs: list[np.ndarray] = []
    demoted: list[int] = []
    scanned = 0
    while scanned < len(order) and len(chosen) < depth:
        i = int(order[scanned])
        scanned += 1
        v = np.asarray(vector(i), dtype=np.float32)
        if chosen_vecs and float(np.max(np.stack(chosen_vecs) @ v)) >= threshold:
            demoted.append(i)
        else:
            chosen.append(i)
            chosen_vecs.append(v)
    rest = [int(i) for i in order[scanned:]]
    return np.array(chosen + rest + demoted, dtype=order.dtype)

"""Near-duplicate suppression: the top results should make distinct points (pure).

Two steps. :func:`prefer_cited_copies` first lets, among exact copies of one passage (a
report indexed both as PDF and as web page), the copy with the most precise citation take
the best place any copy earned. :func:`diversify` then demotes restatements.

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


def prefer_cited_copies(
    order: np.ndarray, text: Callable[[int], str], has_page: Callable[[int], bool]
) -> np.ndarray:
    """Reorder copies (same ``text``) so that those citing a page come first, in their group's places.

    Copies' scores differ only by numerical noise (the same words embedded in another batch),
    so which copy ranks first is an accident; the one a reader can find by page should win.
    Non-copies keep their places.
    """
    groups: dict[str, list[int]] = {}
    for position, i in enumerate(order):
        groups.setdefault(text(int(i)), []).append(position)
    out = order.copy()
    for positions in groups.values():
        if len(positions) > 1:
            members = sorted((int(order[p]) for p in positions), key=lambda i: not has_page(i))
            for position, member in zip(positions, members, strict=True):
                out[position] = member
    return out

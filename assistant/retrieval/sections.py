"""Which report section a question is about, from its headings (pure, given the index).

PEEL reports share their question headings ("How effective is the force at protecting those
who are vulnerable from harm, and supporting victims?"), and a section's judgement -- its
grade line and opening paragraph -- answers "how was X graded on <topic>" only when <topic>
is that section's. A question names its topic in its own terms; a heading's words that every
heading shares ("effective", "force") say nothing, so each heading term weighs its inverse
document frequency over the library's distinct headings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from assistant.retrieval.lexical import tokenize
from assistant.store.load import LoadedIndex


def heading_weights(index: LoadedIndex) -> dict[str, float]:
    """``log(1 + N / df)`` of each stemmed term over the N distinct top-level headings (cached)."""

    def compute() -> dict[str, float]:
        headings = {path.split(" › ")[0] for path in index.table.columns.sections if path}
        df: dict[str, int] = {}
        for heading in headings:
            for term in set(tokenize(heading)):
                df[term] = df.get(term, 0) + 1
        n = max(len(headings), 1)
        return {term: math.log(1 + n / count) - math.log(2) for term, count in df.items()}

    return index.derived("heading weights", compute)


def heading_score(terms: Mapping[str, float], heading: str, weights: Mapping[str, float]) -> float:
    """How much of the question's topic ``heading`` names: the weighted terms they share.

    A term every heading has weighs 0 (``log(1 + 1) - log 2``), so only distinctive words count.
    """
    return sum(terms[t] * weights.get(t, 0.0) for t in set(tokenize(heading)) if t in terms)

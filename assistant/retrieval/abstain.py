"""Abstention: say "the reports do not cover this" instead of citing whatever scored highest.

Calibrated on the dev questions (docs/EVALUATION.md); the features are computed here and
the decision is a small, explained rule over them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.records import Hit
    from assistant.retrieval.query import Query
    from assistant.store.load import LoadedIndex


@dataclass(frozen=True)
class Verdict:
    abstain: bool
    reason: str | None = None


@dataclass(frozen=True)
class AbstainPolicy:
    """Abstain when the best passage's cosine similarity is below ``min_cosine``."""

    min_cosine: float = -1.0

    def decide(self, query: Query, hits: tuple[Hit, ...], index: LoadedIndex) -> Verdict:
        if not hits:
            return Verdict(True, "No passage in the indexed reports matches this question.")
        best = max(h.scores.get("dense", 0.0) for h in hits)
        if best < self.min_cosine:
            return Verdict(True, "The indexed reports do not appear to address this question.")
        return Verdict(False)

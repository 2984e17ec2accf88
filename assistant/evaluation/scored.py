"""One question's scored outcome: the record the runner produces and the report summarises."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from assistant.evaluation.metrics import ndcg_at, reciprocal_rank


@dataclass(frozen=True)
class Scored:
    """One question's outcome.

    For a library question, ``cards`` holds the reports each returned card shows (the passage's
    report and every report listed under ``also_in``), ``relevant_reports`` those of them whose
    passage answers it, ``gold_reports`` the reports that hold an answer and ``allowed`` the
    reports a scoped question may be answered from (the named forces' and years' reports).
    """

    id: str
    kind: str
    in_scope: bool
    abstained: bool
    rels: tuple[bool, ...]
    total_relevant: int
    latency_ms: float
    top_scores: dict[str, float]
    stages_ms: dict[str, float]
    cards: tuple[tuple[str, ...], ...] = ()
    relevant_reports: tuple[tuple[str, ...], ...] = ()
    gold_reports: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    mode: str = "passages"

    @property
    def first_relevant(self) -> int | None:
        return next((i for i, r in enumerate(self.rels, start=1) if r), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rels"] = [int(r) for r in self.rels]
        data["first_relevant"] = self.first_relevant
        data["rr"] = reciprocal_rank(self.rels, 10)
        data["ndcg10"] = ndcg_at(self.rels, self.total_relevant, 10)
        return data

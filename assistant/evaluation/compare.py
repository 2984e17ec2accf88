"""Two search backends compared on one question set, by rank (never by raw score).

Inputs are ``ask --json`` objects (:func:`assistant.answer.answer_dict`) by question id, so
the same function scores answers taken in-process (tests) and from the CLI (benchmarks).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.evaluation.metrics import is_relevant, mean, recall_at
from assistant.evaluation.questions import Question

Answer = Mapping[str, Any]


def top_ids(answer: Answer, k: int) -> list[str]:
    """The passage ids of the first ``k`` cards, best first."""
    return [str(p["id"]) for p in answer.get("passages", [])[:k]]


def relevant_cards(q: Question, answer: Answer) -> list[bool]:
    """Whether each card holds a gold string (in a gold report, for a library question)."""
    wanted = set(q.gold_report)
    return [
        (not wanted or p["report_id"] in wanted) and is_relevant(str(p["text"]), q.gold)
        for p in answer.get("passages", [])
    ]


def _scope(answer: Answer) -> list[str]:
    """The ids of the reports searched."""
    scope = answer.get("scope") or {}
    return sorted(str(r["id"]) for r in scope.get("reports", []))


def backend_agreement(
    questions: Sequence[Question], first: Mapping[str, Answer], second: Mapping[str, Answer], k: int = 5
) -> dict[str, Any]:
    """Share of questions with the same top ``k`` passage ids (in order), the same abstention and
    the same searched reports, and each backend's recall@k; the ids of the questions that differ."""
    asked = [q for q in questions if q.id in first and q.id in second]
    same = [top_ids(first[q.id], k) == top_ids(second[q.id], k) for q in asked]
    in_scope = [q for q in asked if q.in_scope]
    return {
        "questions": len(asked),
        "k": k,
        "same_top_k": mean([float(s) for s in same]),
        "same_abstained": mean([float(first[q.id]["abstained"] == second[q.id]["abstained"]) for q in asked]),
        "same_scope": mean([float(_scope(first[q.id]) == _scope(second[q.id])) for q in asked]),
        "recall_first": mean([recall_at(relevant_cards(q, first[q.id]), k) for q in in_scope]),
        "recall_second": mean([recall_at(relevant_cards(q, second[q.id]), k) for q in in_scope]),
        "differing": [q.id for q, s in zip(asked, same, strict=True) if not s],
    }

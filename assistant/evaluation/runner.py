"""Run labelled questions through the real pipeline and score every answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.evaluation.metrics import is_relevant
from assistant.evaluation.questions import Question, read_questions
from assistant.evaluation.report import SCOPED_KINDS, summarise
from assistant.evaluation.scored import Scored
from assistant.records import Answer, Passage, ReportMeta
from assistant.retrieval.layout import wording_key
from assistant.settings import Settings


def _allowed(q: Question, reports: Mapping[str, ReportMeta]) -> tuple[str, ...]:
    """For a question scoped to forces (and, for ``scoped_year``, years): their reports."""
    if q.kind not in SCOPED_KINDS or not q.gold_report:
        return ()
    gold = [reports[r] for r in q.gold_report if r in reports]
    forces = {m.force for m in gold}
    years = {m.year for m in gold}
    return tuple(
        rid
        for rid, m in sorted(reports.items())
        if m.force in forces and (q.kind != "scoped_year" or m.year in years)
    )


@dataclass(frozen=True)
class Returned:
    """What an answer showed, as scoring needs it: each card's ``(report id, text)`` copies (the
    passage first, then its ``also_in`` copies), and whether it declined."""

    cards: tuple[tuple[tuple[str, str], ...], ...]
    abstained: bool
    mode: str = "passages"
    top_scores: Mapping[str, float] = field(default_factory=dict)
    stages_ms: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, answer: Answer) -> Returned:
        cards = tuple(tuple((p.report_id, p.text) for p in (h.passage, *h.also_in)) for h in answer.hits)
        top = dict(answer.hits[0].scores) if answer.hits else {}
        return cls(cards, answer.abstained, answer.mode, top, dict(answer.timings))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Returned:
        """From one object printed by ``assistant ask --json`` (any version: keys only grow)."""
        cards = tuple(
            tuple(
                (str(c.get("report_id", "")), str(c.get("text", p.get("text", ""))))
                for c in (p, *p.get("also_in", []))
            )
            for p in data.get("passages", [])
        )
        return cls(cards, bool(data.get("abstained")), str(data.get("mode", "passages")))


PER_REPORT = ("which", "compare")
"""Layouts that give each report its own card (:attr:`assistant.records.Answer.mode`)."""


def ideal_count(
    passages: Sequence[Passage], relevant: Callable[[str, str], bool], *, per_report: bool
) -> int:
    """How many relevant cards an ideal answer holds: distinct relevant wordings, per report when
    ``per_report`` (pure)."""
    keys = {
        (p.report_id if per_report else "", wording_key(p.text))
        for p in passages
        if relevant(p.report_id, p.text)
    }
    return len(keys)


def score_answer(
    q: Question,
    answer: Answer | Returned,
    latency_ms: float,
    passages: Sequence[Passage],
    reports: Mapping[str, ReportMeta] | None = None,
) -> Scored:
    """Relevance of each returned card, and how many distinct answers the whole index holds.

    A passage is relevant when its text contains a gold string and, for a library question, it
    is in a gold report. A card is relevant when its passage or one of its ``also_in`` copies is.
    The ideal list holds as many relevant cards as the answer's layout could show: copies of one
    wording in several reports count once where they make one card (``passages``), and once per
    report where reports are laid side by side (``which``, ``compare``), else nDCG exceeds 1.
    """
    shown = answer if isinstance(answer, Returned) else Returned.of(answer)
    wanted = set(q.gold_report)

    def relevant(report_id: str, text: str) -> bool:
        return (not wanted or report_id in wanted) and is_relevant(text, q.gold)

    rel_reports = tuple(tuple(r for r, t in card if relevant(r, t)) for card in shown.cards)
    rels = tuple(bool(r) for r in rel_reports) if q.in_scope else ()
    total = ideal_count(passages, relevant, per_report=shown.mode in PER_REPORT) if q.in_scope else 0
    return Scored(
        q.id,
        q.kind,
        q.in_scope,
        shown.abstained,
        rels,
        total,
        latency_ms,
        dict(shown.top_scores),
        dict(shown.stages_ms),
        cards=tuple(tuple(r for r, _ in card) for card in shown.cards),
        relevant_reports=rel_reports,
        gold_reports=q.gold_report,
        allowed=_allowed(q, reports or {}),
        mode=shown.mode,
    )


def evaluate(
    ask: Callable[[str, int], Answer],
    questions: Sequence[Question],
    passages: Sequence[Passage],
    k: int = 10,
    reports: Mapping[str, ReportMeta] | None = None,
) -> list[Scored]:
    """Ask every question (``ask(question, k)``) and score it; one warm-up ask is not timed."""
    if questions:
        ask(questions[0].question, k)
    scored = []
    for q in questions:
        start = time.perf_counter()
        answer = ask(q.question, k)
        scored.append(score_answer(q, answer, (time.perf_counter() - start) * 1000, passages, reports))
    return scored


def run_evaluation(
    settings: Settings, questions_path: Path, k: int = 10, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Open the assistant with ``settings``, run the questions file, return the summary dict."""
    from assistant.service import Assistant

    questions = read_questions(questions_path)
    assistant = Assistant.open(settings, log=log)
    index = assistant.live.get()
    scored = evaluate(lambda q, kk: assistant.ask(q, k=kk), questions, list(index.table), k, index.reports)
    summary = summarise(scored)
    summary["settings"] = {
        "retriever": settings.retriever,
        "model": settings.model,
        "backend": settings.backend,
        "reranker": settings.reranker or None,
        "k": k,
        "questions": str(questions_path),
    }
    return summary

"""Run labelled questions through the real pipeline and score every answer."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.evaluation.metrics import is_relevant
from assistant.evaluation.questions import Question, read_questions
from assistant.evaluation.report import summarise
from assistant.evaluation.scored import Scored
from assistant.records import Answer
from assistant.settings import Settings


def score_answer(q: Question, answer: Answer, latency_ms: float, texts: Sequence[str]) -> Scored:
    """Relevance of each returned passage, and how many passages in the whole index are relevant."""
    rels = tuple(is_relevant(h.passage.text, q.gold) for h in answer.hits) if q.in_scope else ()
    total = sum(1 for t in texts if is_relevant(t, q.gold)) if q.in_scope else 0
    top = dict(answer.hits[0].scores) if answer.hits else {}
    return Scored(
        q.id, q.kind, q.in_scope, answer.abstained, rels, total, latency_ms, top, dict(answer.timings)
    )


def evaluate(
    ask: Callable[[str, int], Answer], questions: Sequence[Question], texts: Sequence[str], k: int = 10
) -> list[Scored]:
    """Ask every question (``ask(question, k)``) and score it; one warm-up ask is not timed."""
    if questions:
        ask(questions[0].question, k)
    scored = []
    for q in questions:
        start = time.perf_counter()
        answer = ask(q.question, k)
        scored.append(score_answer(q, answer, (time.perf_counter() - start) * 1000, texts))
    return scored


def run_evaluation(
    settings: Settings, questions_path: Path, k: int = 10, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """Open the assistant with ``settings``, run the questions file, return the summary dict."""
    from assistant.service import Assistant

    questions = read_questions(questions_path)
    assistant = Assistant.open(settings, log=log)
    texts = [p.text for p in assistant.live.get().table]
    scored = evaluate(lambda q, kk: assistant.ask(q, k=kk), questions, texts, k)
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

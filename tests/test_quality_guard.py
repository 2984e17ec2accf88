"""CI guard: retrieval quality on the dev and the blind question sets must not fall below what was reached.

Floors are the figures of the run in docs/EVALUATION.md (``python -m benchmarks.evaluation``) less
about one question's worth, so noise cannot fail the guard but a real regression does. The blind
sets are only ever scored here, never tuned on: the guard stops a change that helps the dev sets
at the blind sets' expense.

They were re-set when the entries fitted to the dev questions were taken out (issue 11): dev
abstention fell from 8/8 to 6/8 then, since the two questions only those entries declined are now
answered with their nearest passages. Every other figure there was met or passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from assistant.evaluation.questions import read_questions
from assistant.evaluation.report import summarise
from assistant.evaluation.runner import evaluate
from tests.support.corpus import ROOT

if TYPE_CHECKING:
    from assistant.service import Assistant

pytestmark = pytest.mark.slow

DATA = ROOT / "tests" / "data"
FLOORS: dict[str, dict[str, float]] = {
    "questions-dev.jsonl": {"recall@5": 0.94, "mrr@10": 0.86, "ndcg@10": 0.84, "abstention": 0.625},
    "questions-dev-extra.jsonl": {"recall@5": 0.78, "mrr@10": 0.59, "abstention": 0.81},
    "questions-blind.jsonl": {"recall@5": 0.87, "mrr@10": 0.76, "ndcg@10": 0.755, "abstention": 0.875},
    "questions-library-dev.jsonl": {
        "recall@5": 0.94,
        "report_recall@5": 0.90,
        "on_scope@5": 0.99,
        "abstention": 0.9,
    },
    "questions-blind-library.jsonl": {
        "recall@5": 0.85,
        "report_recall@5": 0.79,
        "on_scope@5": 0.99,
        "abstention": 0.9,
    },
}
CEILINGS: dict[str, dict[str, float]] = {
    "questions-dev.jsonl": {"false_abstention": 0.02},
    "questions-dev-extra.jsonl": {"false_abstention": 0.016},
    "questions-blind.jsonl": {"false_abstention": 0.023},
    "questions-library-dev.jsonl": {"false_abstention": 0.03},
    "questions-blind-library.jsonl": {"false_abstention": 0.03},
}
LIBRARY = {"questions-library-dev.jsonl", "questions-blind-library.jsonl"}


@pytest.mark.parametrize("name", list(FLOORS))
def test_quality_floors(name: str, real_assistant: Assistant, real_library: Assistant) -> None:
    assistant = real_library if name in LIBRARY else real_assistant
    index = assistant.live.get()
    scored = evaluate(
        lambda q, k: assistant.ask(q, k=k), read_questions(DATA / name), list(index.table), 10, index.reports
    )
    overall = summarise(scored)["overall"]
    low = {m: round(overall[m], 3) for m, floor in FLOORS[name].items() if overall[m] < floor}
    high = {m: round(overall[m], 3) for m, ceiling in CEILINGS[name].items() if overall[m] > ceiling}
    assert not low and not high, (name, low, high)

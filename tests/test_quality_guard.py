"""CI guard: retrieval quality on the dev questions must not fall below what was reached.

Floors are the figures reached when this guard was written (docs/EVALUATION.md) minus a
small margin -- about one question's worth -- so noise cannot fail it but a real
regression does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from assistant.evaluation.questions import read_questions
from assistant.evaluation.report import summarise
from assistant.evaluation.runner import evaluate
from tests.support.corpus import DEV_QUESTIONS

if TYPE_CHECKING:
    from assistant.service import Assistant

pytestmark = pytest.mark.slow

FLOORS = {"recall@5": 0.96, "mrr@10": 0.90, "ndcg@10": 0.86, "abstention": 0.875}
CEILINGS = {"false_abstention": 0.02}


def test_dev_set_quality_floors(real_assistant: Assistant) -> None:
    passages = list(real_assistant.live.get().table)
    scored = evaluate(lambda q, k: real_assistant.ask(q, k=k), read_questions(DEV_QUESTIONS), passages, k=10)
    overall = summarise(scored)["overall"]
    for metric, floor in FLOORS.items():
        assert overall[metric] >= floor, (metric, overall[metric])
    for metric, ceiling in CEILINGS.items():
        assert overall[metric] <= ceiling, (metric, overall[metric])

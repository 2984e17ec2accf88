"""Metric functions on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation.metrics import is_relevant, ndcg_at, percentile, recall_at, reciprocal_rank
from assistant.evaluation.questions import Question
from assistant.evaluation.runner import Returned, ideal_count, score_answer
from assistant.records import Passage
from tests.support.records import make_passage


def test_relevance_is_whitespace_insensitive_containment() -> None:
    assert is_relevant("The force  needs\nto improve.", ["needs to improve"])
    assert not is_relevant("The force needs to improve.", ["needs to improved"])
    assert not is_relevant("anything", [])
    assert not is_relevant("anything", ["   "])


def test_recall_and_mrr() -> None:
    rels = [False, False, True, False, True]
    assert [recall_at(rels, k) for k in (1, 2, 3, 5)] == [0.0, 0.0, 1.0, 1.0]
    assert reciprocal_rank(rels) == pytest.approx(1 / 3)
    assert reciprocal_rank([False] * 10 + [True]) == 0.0  # beyond @10
    assert reciprocal_rank([]) == 0.0


def test_ndcg_hand_computed() -> None:
    # relevant at ranks 1 and 3, two gold passages exist:
    # DCG = 1/log2(2) + 1/log2(4) = 1 + 0.5; IDCG = 1 + 1/log2(3)
    assert ndcg_at([True, False, True], 2) == pytest.approx(1.5 / (1 + 1 / math.log2(3)))
    assert ndcg_at([True, True], 2) == pytest.approx(1.0)
    # ideal counts every gold passage, even ones not retrieved
    assert ndcg_at([True], 3) == pytest.approx(1 / (1 + 1 / math.log2(3) + 0.5))
    assert ndcg_at([False, False], 0) == 0.0


def test_percentile_interpolates_like_numpy() -> None:
    values = [10.0, 20.0, 30.0, 40.0]
    assert percentile(values, 50) == pytest.approx(25.0)
    assert percentile(values, 95) == pytest.approx(38.5)
    assert percentile([], 50) == 0.0


def _library_answer(mode: str) -> tuple[list[Passage], Returned]:
    """Three reports holding one wording; the answer shows each report's copy as its own card."""
    text = "Detective shortages affect the quality of investigations."
    passages = [make_passage(f"{r}-1", text, report_id=r) for r in ("met", "kent", "gmp")]
    passages.append(make_passage("met-2", "Something else entirely.", report_id="met"))
    cards = tuple(((p.report_id, p.text),) for p in passages[:3])
    return passages, Returned(cards, False, mode)


@pytest.mark.parametrize("mode", ["which", "compare"])
def test_a_card_per_report_is_ideal_when_reports_are_laid_side_by_side(mode: str) -> None:
    """One wording in three reports, shown as three cards by a layout that gives each report a
    card: three relevant cards are the ideal list, so nDCG is 1, not above it."""
    passages, shown = _library_answer(mode)
    q = Question("L1", "which forces are short of detectives?", ("Detective shortages",), "which")
    scored = score_answer(q, shown, 1.0, passages)
    assert scored.total_relevant == 3
    assert ndcg_at(scored.rels, scored.total_relevant) == pytest.approx(1.0)


def test_copies_of_one_wording_are_one_ideal_card_where_they_are_grouped() -> None:
    passages, shown = _library_answer("passages")
    q = Question("L1", "are forces short of detectives?", ("Detective shortages",), "paraphrase")
    assert score_answer(q, shown, 1.0, passages).total_relevant == 1
    relevant = lambda _r, t: "Detective" in t  # noqa: E731
    assert ideal_count(passages, relevant, per_report=False) == 1
    assert ideal_count(passages, relevant, per_report=True) == 3

"""Metric functions on hand-computed cases."""

from __future__ import annotations

import math

import pytest

from assistant.evaluation.metrics import is_relevant, ndcg_at, percentile, recall_at, reciprocal_rank


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

"""Fusion, normalisation and diversity (pure functions)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assistant.retrieval.diversity import diversify, prefer_cited_copies
from assistant.retrieval.fusion import linear, minmax, ranks_from_scores, rrf


def test_rrf_hand_computed() -> None:
    fused = rrf({"a": {1: 1, 2: 2}, "b": {2: 1, 3: 2}}, {"a": 1.0, "b": 1.0}, k=60)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 61)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[3] == pytest.approx(1 / 62)
    assert max(fused, key=fused.__getitem__) == 2


def test_rrf_weights_scale_each_list() -> None:
    fused = rrf({"a": {1: 1}, "b": {2: 1}}, {"a": 2.0, "b": 1.0})
    assert fused[1] == pytest.approx(2 * fused[2])


def test_minmax_and_linear() -> None:
    assert minmax(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([5.0, 5.0])).tolist() == [0.0, 0.0]
    combined = linear({"d": np.array([0.2, 0.4]), "l": np.array([10.0, 0.0])}, {"d": 1.0, "l": 0.5})
    assert combined.tolist() == pytest.approx([0.5, 1.0])


def test_diversify_demotes_restatements() -> None:
    vecs = {0: np.array([1.0, 0.0]), 1: np.array([0.999, 0.0447]), 2: np.array([0.0, 1.0])}
    order = diversify(np.array([0, 1, 2]), lambda i: vecs[i], threshold=0.95, depth=2)
    assert order.tolist() == [0, 2, 1]
    assert diversify(np.array([0, 1, 2]), lambda i: vecs[i], threshold=1.0, depth=2).tolist() == [0, 1, 2]


@given(st.lists(st.integers(0, 30), unique=True, min_size=1, max_size=20), st.integers(1, 10))
def test_diversify_is_a_permutation(ids: list[int], depth: int) -> None:
    rng = np.random.default_rng(len(ids))
    vecs = {i: v / np.linalg.norm(v) for i, v in zip(ids, rng.normal(size=(len(ids), 3)), strict=True)}
    out = diversify(np.array(ids), lambda i: vecs[i], threshold=0.9, depth=depth)
    assert sorted(out.tolist()) == sorted(ids)


def test_equal_scores_share_a_rank() -> None:
    assert ranks_from_scores(np.array([4, 9, 2]), np.array([0.5, 0.5, 0.7])) == {2: 1, 4: 2, 9: 2}


def test_copies_citing_a_page_take_their_groups_best_places() -> None:
    texts = {0: "same", 1: "other", 2: "same", 3: "same"}
    pages = {0: False, 1: False, 2: True, 3: False}
    out = prefer_cited_copies(np.array([0, 1, 2, 3]), texts.__getitem__, pages.__getitem__)
    assert out.tolist() == [2, 1, 0, 3]
    assert prefer_cited_copies(np.array([1, 0]), texts.__getitem__, pages.__getitem__).tolist() == [1, 0]

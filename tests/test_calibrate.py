"""Calibration helpers on synthetic features (pure)."""

from __future__ import annotations

from assistant.evaluation.calibrate import (
    Sample,
    cross_validate,
    gap_rule,
    margin,
    name_rule,
    predicted,
    rates,
    tune,
    tune_names,
)
from assistant.retrieval.abstain import AbstainPolicy, Features


def sample(i: int, in_scope: bool, cosine: float, gap: float) -> Sample:
    return Sample(f"q{i}", in_scope, Features(best_cosine=cosine, gap=gap))


SEPARABLE = [sample(i, True, 0.5 + 0.02 * i, 0.5 * (i % 3)) for i in range(12)] + [
    sample(100 + i, False, 0.30, 6.0) for i in range(4)
]


def test_tuned_gap_rule_separates_separable_data_with_positive_margin() -> None:
    policy = tune(SEPARABLE, AbstainPolicy())
    assert policy.gap_rule
    assert rates(policy, SEPARABLE, gap_rule) == {"abstention": 1.0, "false_abstention": 0.0}
    assert margin(policy, SEPARABLE) > 0


def test_the_gap_rule_is_off_unless_switched_on() -> None:
    far = Features(best_cosine=0.1, gap=20.0)
    assert not predicted(AbstainPolicy(), far)
    assert predicted(AbstainPolicy(gap_rule=True), far)


def test_the_name_bound_is_tuned_below_every_answerable_question() -> None:
    named = [
        Sample(f"in{i}", True, Features(best_cosine=0.5 + 0.01 * i, gap=0.0, missing_names=("M25",)))
        for i in range(5)
    ]
    named += [
        Sample(f"out{i}", False, Features(best_cosine=0.3 + 0.02 * i, gap=0.0, missing_names=("Sir X",)))
        for i in range(5)
    ]
    policy = tune_names(named, AbstainPolicy())
    assert rates(policy, named, name_rule) == {"abstention": 1.0, "false_abstention": 0.0}
    assert 0.38 <= policy.name_max_cosine < 0.5


def test_rules_one_to_four_decide_without_the_gap_rule() -> None:
    policy = AbstainPolicy(min_gap=100.0, max_cosine=0.0)
    assert predicted(policy, Features(best_cosine=0.9, gap=-1.0, unknown_bodies=("Kent Police",)))
    assert predicted(policy, Features(best_cosine=0.9, gap=-1.0, wants_number=True, has_number=False))
    assert not predicted(policy, Features(best_cosine=0.9, gap=-1.0, wants_number=True, has_number=True))
    assert predicted(policy, Features(best_cosine=0.9, gap=-1.0, missing_topics=("hate crime",)))
    assert not predicted(
        policy, Features(best_cosine=0.9, gap=-1.0, missing_topics=("hate crime",), present_topics=("fraud",))
    )


def test_cross_validation_reports_held_out_rates() -> None:
    result = cross_validate(SEPARABLE, AbstainPolicy(), folds=2, decide=gap_rule)
    assert result["folds"] == 2
    assert 0.0 <= result["false_abstention"] <= 1.0 and result["abstention"] == 1.0

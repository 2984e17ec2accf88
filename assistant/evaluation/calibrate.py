"""Calibrate the abstention rules' parameters on labelled questions, and show how well they generalise.

Run as part of ``python -m benchmarks.evaluation`` (the one place evaluation figures are made).

Each question is asked once with abstention off; its :class:`Features` are kept. Rules 1-3 of
``retrieval/abstain.py`` have no parameters. Two things are tuned here, each by grid search to
maximise ``abstained out-of-scope - PENALTY * wrongly abstained in-scope`` (one wrong decline
costs more than several missed ones), ties going to the most conservative setting:

* **rule 4's** ``name_max_cosine`` -- how weak the best match must be before a name no report
  mentions is a reason to decline -- and **rule 5's** ``nothing_max_cosine``, likewise for a
  question with no informative word in the reports. These ship.
* **rule 6's** ``min_gap`` and ``max_cosine`` (the lexical-gap rule), tuned with the rule on, on
  the questions about topics (every in-scope question and the out-of-scope ones rules 1-2 do
  not explain). This is an experiment: its figures are why the rule is off.

k-fold cross-validation re-tunes exactly the parameter(s) of the rule in question on k-1 folds
and scores the held-out fold, both for that rule alone and for the whole decision; the gap
between tuned and cross-validated figures shows over-fitting.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.retrieval.abstain import AbstainPolicy, Features, features

PENALTY = 10.0
MIN_GAP_GRID = tuple(round(1.0 + 0.25 * i, 2) for i in range(25))
MAX_COSINE_GRID = tuple(round(0.25 + 0.01 * i, 2) for i in range(46))
NAME_COSINE_GRID = tuple(round(0.20 + 0.01 * i, 2) for i in range(51))


@dataclass(frozen=True)
class Sample:
    id: str
    in_scope: bool
    features: Features


Decide = Callable[[AbstainPolicy, Features], bool]
Tuner = Callable[[Sequence[Sample], AbstainPolicy], AbstainPolicy]


def predicted(policy: AbstainPolicy, f: Features) -> bool:
    """The full decision (every rule) from precomputed features."""
    return policy.reason(f, "") is not None


def gap_rule(policy: AbstainPolicy, f: Features) -> bool:
    """Rule 6 alone (as if switched on)."""
    return policy.risk(f) > 0


def name_rule(policy: AbstainPolicy, f: Features) -> bool:
    """Rule 4 alone."""
    return bool(f.missing_names) and f.best_cosine <= policy.name_max_cosine


def nothing_rule(policy: AbstainPolicy, f: Features) -> bool:
    """Rule 5 alone."""
    return policy.nothing_in_common(f)


def rates(policy: AbstainPolicy, samples: Sequence[Sample], decide: Decide = predicted) -> dict[str, float]:
    inside = [s for s in samples if s.in_scope]
    outside = [s for s in samples if not s.in_scope]
    false = sum(decide(policy, s.features) for s in inside) / max(1, len(inside))
    caught = sum(decide(policy, s.features) for s in outside) / max(1, len(outside))
    return {"abstention": caught, "false_abstention": false}


def objective(policy: AbstainPolicy, samples: Sequence[Sample], decide: Decide) -> float:
    r = rates(policy, samples, decide)
    return r["abstention"] - PENALTY * r["false_abstention"]


def margin(policy: AbstainPolicy, samples: Sequence[Sample]) -> float:
    """How far rule 5's bounds stay from the nearest in-scope question they rightly answer.

    Among bounds making the same decisions, the most conservative are preferred: room for unseen
    answerable questions matters more than for unseen unanswerable ones.
    """
    return min(
        (-policy.risk(s.features) for s in samples if s.in_scope and policy.risk(s.features) <= 0),
        default=0.0,
    )


def topical(samples: Sequence[Sample]) -> list[Sample]:
    """The questions rule 5 is tuned on (see the module docstring)."""
    return [
        s
        for s in samples
        if s.in_scope
        or not (s.features.unknown_bodies or (s.features.wants_number and not s.features.has_number))
    ]


def tune(samples: Sequence[Sample], base: AbstainPolicy) -> AbstainPolicy:
    """Rule 5's bounds (switched on) with the best objective on the topical questions; ties go to
    the widest margin."""
    samples = topical(samples)
    best: tuple[float, float, AbstainPolicy] | None = None
    for gap, cosine in itertools.product(MIN_GAP_GRID, MAX_COSINE_GRID):
        policy = replace(base, min_gap=gap, max_cosine=cosine, gap_rule=True)
        key = (objective(policy, samples, gap_rule), margin(policy, samples))
        if best is None or key > best[:2]:
            best = (*key, policy)
    assert best is not None
    return best[2]


def _tune_bound(samples: Sequence[Sample], base: AbstainPolicy, field: str, decide: Decide) -> AbstainPolicy:
    """One cosine bound with the best objective; ties go to the lowest (most conservative) bound."""
    best: tuple[float, float, AbstainPolicy] | None = None
    for bound in NAME_COSINE_GRID:
        policy = (
            replace(base, name_max_cosine=bound)
            if field == "name"
            else replace(base, nothing_max_cosine=bound)
        )
        key = (objective(policy, samples, decide), -bound)
        if best is None or key > best[:2]:
            best = (*key, policy)
    assert best is not None
    return best[2]


def tune_names(samples: Sequence[Sample], base: AbstainPolicy) -> AbstainPolicy:
    """Rule 4's bound (see :func:`_tune_bound`)."""
    return _tune_bound(samples, base, "name", name_rule)


def tune_nothing(samples: Sequence[Sample], base: AbstainPolicy) -> AbstainPolicy:
    """Rule 5's bound (see :func:`_tune_bound`)."""
    return _tune_bound(samples, base, "nothing", nothing_rule)


def cross_validate(
    samples: Sequence[Sample],
    base: AbstainPolicy,
    folds: int = 2,
    decide: Decide = predicted,
    tuner: Tuner = tune,
) -> dict[str, float]:
    """Tune on k-1 folds, score the held-out fold; folds interleave in-scope and out-of-scope questions."""
    ordered = sorted(samples, key=lambda s: (s.in_scope, s.id))
    parts = [ordered[i::folds] for i in range(folds)]
    caught = false = n_in = n_out = 0
    for i, held in enumerate(parts):
        train = [s for j, p in enumerate(parts) if j != i for s in p]
        policy = tuner(train, base)
        caught += sum(decide(policy, s.features) for s in held if not s.in_scope)
        false += sum(decide(policy, s.features) for s in held if s.in_scope)
        n_out += sum(not s.in_scope for s in held)
        n_in += sum(s.in_scope for s in held)
    return {"abstention": caught / max(1, n_out), "false_abstention": false / max(1, n_in), "folds": folds}


def collect(settings: Any, questions_paths: Sequence[Path]) -> list[Sample]:
    """Ask every question with abstention off and keep its features."""
    from assistant.evaluation.questions import read_questions
    from assistant.service import Assistant

    assistant = Assistant.open(settings, log=lambda _m: None, progress=False)
    retriever = assistant.retriever
    retriever.config = replace(retriever.config, abstain=AbstainPolicy(enabled=False))
    index = assistant.live.get()
    samples = []
    for path in questions_paths:
        for q in read_questions(path):
            answer = retriever.ask(q.question, k=10)
            query = retriever.analyse(q.question, index)
            samples.append(Sample(q.id, q.in_scope, features(query, answer.hits, index)))
    return samples


def calibration(
    settings: Any, questions_paths: Sequence[Path], folds: Sequence[int] = (2, 5)
) -> dict[str, Any]:
    """The shipped decision's figures, rule 4's tuned bound and rule 5's experiment, each with
    cross-validation (see the module docstring)."""
    samples = collect(settings, questions_paths)
    shipped = AbstainPolicy()
    names = tune_names(samples, shipped)
    nothing = tune_nothing(samples, shipped)
    gap = tune(samples, shipped)
    return {
        "questions": [str(p.name) for p in questions_paths],
        "in_scope": sum(s.in_scope for s in samples),
        "out_of_scope": sum(not s.in_scope for s in samples),
        "shipped": {
            "name_max_cosine": shipped.name_max_cosine,
            "nothing_max_cosine": shipped.nothing_max_cosine,
            **rates(shipped, samples),
        },
        "names_tuned": {"name_max_cosine": names.name_max_cosine, **rates(names, samples, name_rule)},
        "names_cross_validated": [cross_validate(samples, shipped, k, predicted, tune_names) for k in folds],
        "nothing_tuned": {
            "nothing_max_cosine": nothing.nothing_max_cosine,
            **rates(nothing, samples, nothing_rule),
        },
        "nothing_cross_validated": [
            cross_validate(samples, shipped, k, predicted, tune_nothing) for k in folds
        ],
        "gap_rule_tuned": {
            "min_gap": gap.min_gap,
            "max_cosine": gap.max_cosine,
            "rule_alone": rates(gap, samples, gap_rule),
            "with_the_rest": rates(gap, samples),
        },
        "gap_rule_cross_validated": [cross_validate(samples, shipped, k, gap_rule, tune) for k in folds],
        "wrong_with_shipped": [_row(s) for s in samples if predicted(shipped, s.features) == s.in_scope],
    }


def _row(s: Sample) -> dict[str, Any]:
    f = s.features
    return {"id": s.id, "in_scope": s.in_scope, "gap": round(f.gap, 2), "cosine": round(f.best_cosine, 3)}

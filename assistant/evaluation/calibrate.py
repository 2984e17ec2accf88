"""Calibrate the abstention rule on labelled questions, and show how well it generalises.

    python -m assistant.evaluation.calibrate --questions tests/data/questions-dev.jsonl

Each question is asked once with abstention off; its :class:`Features` are kept. The
bounds of rule 4 in ``retrieval/abstain.py`` (``gap >= min_gap and best_cosine <=
max_cosine``; rules 1-3 have no parameters) are then tuned by grid search on their own,
on the questions about topics: every in-scope question, and the out-of-scope ones not
about another body or a missing figure (rules 1-2 explain those, and a topic rule
should not bend to catch them). Rule 4 generalises rule 3 to topics not listed, so it is
tuned as if rule 3 did not exist,
to maximise ``abstained out-of-scope - PENALTY * wrongly abstained in-scope`` (one false
abstention costs more than several missed ones, as the targets ask); ties go to the
bounds farthest from every answerable question. Figures are reported for rule 4 alone
and for the full decision. k-fold cross-validation tunes on all folds but one and scores the
held-out fold, so the gap between tuned and cross-validated figures shows over-fitting.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.retrieval.abstain import AbstainPolicy, Features, features

PENALTY = 10.0
MIN_GAP_GRID = tuple(round(1.0 + 0.25 * i, 2) for i in range(25))
MAX_COSINE_GRID = tuple(round(0.25 + 0.01 * i, 2) for i in range(46))


@dataclass(frozen=True)
class Sample:
    id: str
    in_scope: bool
    features: Features


def predicted(policy: AbstainPolicy, f: Features) -> bool:
    """The full decision (all four rules) from precomputed features."""
    return policy.reason(f, "") is not None


def line_predicted(policy: AbstainPolicy, f: Features) -> bool:
    """Rule 4 alone."""
    return policy.risk(f) > 0


Decide = Callable[[AbstainPolicy, Features], bool]


def rates(policy: AbstainPolicy, samples: Sequence[Sample], decide: Decide = predicted) -> dict[str, float]:
    inside = [s for s in samples if s.in_scope]
    outside = [s for s in samples if not s.in_scope]
    false = sum(decide(policy, s.features) for s in inside) / max(1, len(inside))
    caught = sum(decide(policy, s.features) for s in outside) / max(1, len(outside))
    return {"abstention": caught, "false_abstention": false}


def objective(policy: AbstainPolicy, samples: Sequence[Sample]) -> float:
    r = rates(policy, samples, line_predicted)
    return r["abstention"] - PENALTY * r["false_abstention"]


def margin(policy: AbstainPolicy, samples: Sequence[Sample]) -> float:
    """How far rule 4's bounds stay from the nearest in-scope question they rightly answer.

    The rule is a backstop (rules 1-3 catch most out-of-scope questions), so room for
    unseen answerable questions matters more than for unseen unanswerable ones: among
    bounds making the same decisions, the most conservative are preferred.
    """
    return min(
        (-policy.risk(s.features) for s in samples if s.in_scope and policy.risk(s.features) <= 0),
        default=0.0,
    )


def topical(samples: Sequence[Sample]) -> list[Sample]:
    """The questions rule 4 is tuned on (see the module docstring)."""
    return [
        s
        for s in samples
        if s.in_scope
        or not (s.features.unknown_bodies or (s.features.wants_number and not s.features.has_number))
    ]


def tune(samples: Sequence[Sample], base: AbstainPolicy) -> AbstainPolicy:
    """The grid point with the best objective on the topical questions; ties go to the widest margin."""
    samples = topical(samples)
    best: tuple[float, float, AbstainPolicy] | None = None
    for gap, cosine in itertools.product(MIN_GAP_GRID, MAX_COSINE_GRID):
        policy = replace(base, min_gap=gap, max_cosine=cosine)
        key = (objective(policy, samples), margin(policy, samples))
        if best is None or key > best[:2]:
            best = (*key, policy)
    assert best is not None
    return best[2]


def cross_validate(
    samples: Sequence[Sample], base: AbstainPolicy, folds: int = 2, decide: Decide = predicted
) -> dict[str, float]:
    """Tune on k-1 folds, score the held-out fold; folds interleave in-scope and out-of-scope questions."""
    ordered = sorted(samples, key=lambda s: (s.in_scope, s.id))
    parts = [ordered[i::folds] for i in range(folds)]
    caught = false = n_in = n_out = 0
    for i, held in enumerate(parts):
        train = [s for j, p in enumerate(parts) if j != i for s in p]
        policy = tune(train, base)
        caught += sum(decide(policy, s.features) for s in held if not s.in_scope)
        false += sum(decide(policy, s.features) for s in held if s.in_scope)
        n_out += sum(not s.in_scope for s in held)
        n_in += sum(s.in_scope for s in held)
    return {"abstention": caught / max(1, n_out), "false_abstention": false / max(1, n_in), "folds": folds}


def collect(settings: Any, questions_path: Path) -> list[Sample]:
    """Ask every question with abstention off and keep its features."""
    from assistant.evaluation.questions import read_questions
    from assistant.service import Assistant

    assistant = Assistant.open(settings, log=lambda _m: None)
    retriever = assistant.retriever
    retriever.config = replace(retriever.config, abstain=AbstainPolicy(enabled=False))
    index = assistant.live.get()
    samples = []
    for q in read_questions(questions_path):
        answer = retriever.ask(q.question, k=10)
        query = retriever.analyse(q.question, index)
        samples.append(Sample(q.id, q.in_scope, features(query, answer.hits, index)))
    return samples


def main(argv: Sequence[str] | None = None) -> int:
    from assistant.settings import load_settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    samples = collect(load_settings({}), args.questions)
    base = AbstainPolicy()
    tuned = tune(samples, base)
    result: dict[str, Any] = {
        "tuned": {"min_gap": tuned.min_gap, "max_cosine": tuned.max_cosine, **rates(tuned, samples)},
        "tuned_line_only": rates(tuned, samples, line_predicted),
        "current_default": {"min_gap": base.min_gap, "max_cosine": base.max_cosine, **rates(base, samples)},
        "cross_validated": cross_validate(samples, base, args.folds),
        "cross_validated_line_only": cross_validate(samples, base, args.folds, line_predicted),
        "questions": [
            {
                "id": s.id,
                "in_scope": s.in_scope,
                "best_cosine": round(s.features.best_cosine, 3),
                "gap": round(s.features.gap, 2),
                "missing": s.features.missing,
                "unknown_bodies": s.features.unknown_bodies,
                "wants_number": s.features.wants_number,
                "has_number": s.features.has_number,
                "abstains": predicted(tuned, s.features),
            }
            for s in samples
        ],
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        for row in result["questions"]:
            flag = "" if row["abstains"] != row["in_scope"] else "  <-- wrong"
            print(
                f"{row['id']:6} {'in ' if row['in_scope'] else 'OUT'} cos={row['best_cosine']:.3f} "
                f"gap={row['gap']:4.1f} {row['missing']} {row['unknown_bodies'] or ''}"
                f"{' wants-number' if row['wants_number'] else ''}{flag}"
            )
        for name in (
            "tuned",
            "tuned_line_only",
            "current_default",
            "cross_validated",
            "cross_validated_line_only",
        ):
            print(name, json.dumps(result[name]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

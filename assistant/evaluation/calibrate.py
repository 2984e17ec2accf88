"""Calibrate the abstention rule on labelled questions, and show how well it generalises.

    python -m assistant.evaluation.calibrate --questions tests/data/questions-dev.jsonl

Each question is asked once with abstention off; its :class:`Features` are kept. The
topic rule ``risk = gap - w_match * (best_cosine - anchor) > 0`` (rule 3 in
``retrieval/abstain.py``; rules 1 and 2 have no parameters) is then tuned by grid search
to maximise ``abstained out-of-scope - PENALTY * wrongly abstained in-scope`` (the
penalty makes one false abstention cost more than one missed abstention, as the targets
ask). k-fold cross-validation tunes on all folds but one and scores the held-out fold, so
the gap between tuned and cross-validated figures shows over-fitting.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.retrieval.abstain import AbstainPolicy, Features, features

PENALTY = 3.0
W_MATCH_GRID = (0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0)
ANCHOR_GRID = tuple(round(0.10 + 0.01 * i, 2) for i in range(61))


@dataclass(frozen=True)
class Sample:
    id: str
    in_scope: bool
    features: Features


def predicted(policy: AbstainPolicy, f: Features) -> bool:
    """The full decision (all three rules) from precomputed features."""
    return bool(f.unknown_bodies) or (f.wants_number and not f.has_number) or policy.risk(f) > 0


def rates(policy: AbstainPolicy, samples: Sequence[Sample]) -> dict[str, float]:
    inside = [s for s in samples if s.in_scope]
    outside = [s for s in samples if not s.in_scope]
    false = sum(predicted(policy, s.features) for s in inside) / max(1, len(inside))
    caught = sum(predicted(policy, s.features) for s in outside) / max(1, len(outside))
    return {"abstention": caught, "false_abstention": false}


def objective(policy: AbstainPolicy, samples: Sequence[Sample]) -> float:
    r = rates(policy, samples)
    return r["abstention"] - PENALTY * r["false_abstention"]


def margin(policy: AbstainPolicy, samples: Sequence[Sample]) -> float:
    """Smallest distance from the topic rule's line to a question it decides correctly.

    Distances are measured in the plane (10 x best_cosine, gap), where both axes span a few
    units, so the widest-margin line -- like a support-vector machine's -- is preferred
    among lines that make the same decisions: it leaves most room for unseen questions.
    """
    scale = (1.0 + (policy.w_match / 10.0) ** 2) ** 0.5
    distances = []
    for s in samples:
        f = s.features
        if f.unknown_bodies or (f.wants_number and not f.has_number):
            continue  # decided by rules 1-2, not by the line
        risk = policy.risk(f)
        if (risk > 0) != s.in_scope:
            distances.append(abs(risk) / scale)
    return min(distances, default=0.0)


def tune(samples: Sequence[Sample], base: AbstainPolicy) -> AbstainPolicy:
    """The grid point with the best objective; ties go to the widest margin."""
    best: tuple[float, float, AbstainPolicy] | None = None
    for w, anchor in itertools.product(W_MATCH_GRID, ANCHOR_GRID):
        policy = replace(base, w_match=w, anchor=anchor)
        key = (objective(policy, samples), margin(policy, samples))
        if best is None or key > best[:2]:
            best = (*key, policy)
    assert best is not None
    return best[2]


def cross_validate(samples: Sequence[Sample], base: AbstainPolicy, folds: int = 2) -> dict[str, float]:
    """Tune on k-1 folds, score the held-out fold; folds interleave in-scope and out-of-scope questions."""
    ordered = sorted(samples, key=lambda s: (s.in_scope, s.id))
    parts = [ordered[i::folds] for i in range(folds)]
    caught = false = n_in = n_out = 0
    for i, held in enumerate(parts):
        train = [s for j, p in enumerate(parts) if j != i for s in p]
        policy = tune(train, base)
        caught += sum(predicted(policy, s.features) for s in held if not s.in_scope)
        false += sum(predicted(policy, s.features) for s in held if s.in_scope)
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
        "tuned": {"w_match": tuned.w_match, "anchor": tuned.anchor, **rates(tuned, samples)},
        "current_default": {"w_match": base.w_match, "anchor": base.anchor, **rates(base, samples)},
        "cross_validated": cross_validate(samples, base, args.folds),
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
        for name in ("tuned", "current_default", "cross_validated"):
            print(name, json.dumps(result[name]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the retrieval adds to a question's time beyond encoding and dense search: this commit
against an earlier one, interleaved in one run.

    python -m benchmarks.added_latency --before 41a0f9d --rounds 5

Issue 11's budget: everything after the question's encoding and the dense search -- analysis,
BM25, fusion, layouts, abstention -- may add at most 5 ms to the median question. Each commit's
own code indexes the Met report and answers the dev questions with its own ``assistant eval
--json`` (which times every stage); the rounds alternate between the two so that the shared
machine's load falls on both alike, and the medians over rounds are reported with the load
average. Results: ``benchmarks/results/added_latency.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.probe import write_results
from tests.support.corpus import make_corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "added_latency.json"
QUESTIONS = ROOT / "tests" / "data" / "questions-dev.jsonl"


def _run(tree: Path, *args: str) -> str:
    command = [sys.executable, "-m", "assistant", *args]
    env = {**os.environ, "PYTHONPATH": str(tree), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(command, cwd=tree, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def _round(tree: Path, corpus: Path, index: Path) -> dict[str, float]:
    out = json.loads(
        _run(
            tree,
            "eval",
            "--questions",
            str(QUESTIONS),
            "--json",
            "--corpus",
            str(corpus),
            "--index",
            str(index),
        )
    )
    latency = out["latency_ms"]
    return {"p50": latency["p50"], "p95": latency["p95"], "beyond_dense_p50": latency["beyond_dense_p50"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="41a0f9d", metavar="COMMIT")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"before": [], "now": []}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        before = base / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(before), args.before], cwd=ROOT, check=True)
        try:
            trees = {"before": before, "now": ROOT}
            corpus = make_corpus(base / "corpus")
            for name, tree in trees.items():
                _run(tree, "index", "--corpus", str(corpus), "--index", str(base / f"index-{name}"))
            for _ in range(args.rounds):
                for name, tree in trees.items():
                    runs[name].append(_round(tree, corpus, base / f"index-{name}"))
                    loads.append(os.getloadavg()[0])
                    print(name, runs[name][-1], flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT, check=False)
    result: dict[str, Any] = {
        "before_commit": args.before,
        "questions": str(QUESTIONS.relative_to(ROOT)),
        "rounds": args.rounds,
        "load_average": [round(min(loads), 2), round(max(loads), 2)],
    }
    for name, rows in runs.items():
        result[name] = {key: round(statistics.median(r[key] for r in rows), 2) for key in rows[0]}
    for key in ("p50", "beyond_dense_p50"):
        result[f"added_{key}_ms"] = round(result["now"][key] - result["before"][key], 2)
    write_results(RESULTS, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

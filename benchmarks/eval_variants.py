"""Every retrieval variant on the labelled questions, in one run: the table in docs/EVALUATION.md.

    python -m benchmarks.eval_variants --questions tests/data/questions-dev.jsonl

Writes benchmarks/results/eval_variants.json and prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import replace
from pathlib import Path

from assistant.evaluation.report import COLUMNS
from assistant.evaluation.runner import run_evaluation
from assistant.retrieval.pipeline import VARIANTS
from assistant.settings import load_settings

RESULTS = Path(__file__).parent / "results" / "eval_variants.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--questions", type=Path, default=Path("tests/data/questions-dev.jsonl"))
    args = parser.parse_args()
    base = load_settings({})
    rows = {}
    for name in VARIANTS:
        summary = run_evaluation(replace(base, retriever=name), args.questions, k=10, log=lambda _m: None)
        rows[name] = {
            **{c: summary["overall"].get(c) for c in COLUMNS},
            "latency_p50_ms": summary["latency_ms"]["p50"],
            "beyond_dense_p50_ms": summary["latency_ms"]["beyond_dense_p50"],
            "stages_p50_ms": summary["latency_ms"]["stages_p50"],
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "questions": str(args.questions),
                "machine": platform.platform(),
                "when": time.strftime("%F %T"),
                "variants": rows,
            },
            indent=1,
        )
    )
    print("| variant | " + " | ".join(COLUMNS) + " | p50 ms | beyond dense p50 ms |")
    print("|---" * (len(COLUMNS) + 3) + "|")
    for name, row in rows.items():
        cells = " | ".join(f"{row[c]:.3f}" for c in COLUMNS)
        print(f"| {name} | {cells} | {row['latency_p50_ms']:.1f} | {row['beyond_dense_p50_ms']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

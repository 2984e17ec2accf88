"""Search time for questions scoped to one force (and year) against the same questions unscoped, in one run.

    python -m benchmarks.scoped --index benchmarks/.work/index-1m     # an index built by benchmarks.scale

The library's forces and years come from the index itself. Each timing question is asked three
ways -- as made, then with "at <force>" and "at <force> in <year>" added (a force and year the
library holds) -- so the scoped search (only those reports' rows, inside the index) is timed on
the same wording as the unscoped one. Results go to ``benchmarks/results/scoped.json`` under the
index's passage count.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.probe import memory, percentiles, write_results

RESULTS = Path(__file__).resolve().parent / "results" / "scoped.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=220)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()

    from assistant.embedding import CachedEmbedder, make_embedder
    from assistant.retrieval.pipeline import Retriever
    from assistant.store import open_index
    from tests.support.questions import latency_questions

    loaded = open_index(args.index)
    retriever = Retriever(lambda: loaded, CachedEmbedder(make_embedder("all-MiniLM-L6-v2", "auto")))
    held = Counter((m.force, m.year) for m in loaded.reports.values() if m.force and m.year)
    rng = random.Random(11)
    pairs = sorted(held)
    questions = latency_questions(args.questions)
    asked: dict[str, list[str]] = {"unscoped": [], "force": [], "force_year": []}
    for q in questions:
        force, year = rng.choice(pairs)
        asked["unscoped"].append(q)
        asked["force"].append(f"{q} at {force}")
        asked["force_year"].append(f"{q} at {force} in {year}")
    out: dict[str, Any] = {
        "passages": len(loaded),
        "reports": len(loaded.reports),
        "questions": len(questions),
    }
    for name, qs in asked.items():
        for q in qs[:10]:  # warm up: caches, the word vectors, the first scope
            retriever.ask(q, k=args.k)
        times, searched = [], []
        for q in qs:
            started = time.perf_counter()
            answer = retriever.ask(q, k=args.k)
            times.append((time.perf_counter() - started) * 1000)
            searched.append(len(answer.scope.reports) if answer.scope else 0)
        out[name] = {
            "latency_ms": percentiles(times),
            "reports_searched_median": sorted(searched)[len(searched) // 2],
        }
        print(name, json.dumps(out[name]), flush=True)
    out["memory_mb"] = memory()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"sizes": {}}
    results["sizes"][str(len(loaded))] = out
    write_results(RESULTS, results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

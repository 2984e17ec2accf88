"""Search time for questions scoped to one force (and year) against the same questions unscoped, in one run.

    python -m benchmarks.scoped --index benchmarks/.work/index-1m     # an index built by benchmarks.scale

The library's forces and years come from the index itself. Each timing question is asked three
ways -- as made, then with "at <force>" and "at <force> in <year>" added (a force and year the
library holds) -- so the scoped search (only those reports' rows, inside the index) is timed on
the same wording as the unscoped one. Results go to ``benchmarks/results/scoped.json`` under the
index's passage count, each stamped with its time, commit and load average; ``--render`` writes
them into docs/BENCHMARKS.md (between ``<!-- scoped:begin -->`` and ``<!-- scoped:end -->``),
against the unscoped p95 at 1M that ``benchmarks.scale`` measured before scoping existed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.probe import commit, memory, percentiles, write_results
from benchmarks.report_engine import load_result, mark, put_section

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "scoped.json"
DOC = ROOT / "docs" / "BENCHMARKS.md"
BEGIN, END = "<!-- scoped:begin -->", "<!-- scoped:end -->"
SCOPES = {"unscoped": "none (whole library)", "force": "one force", "force_year": "one force and year"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path)
    parser.add_argument("--render", action="store_true", help="write the results into docs/BENCHMARKS.md")
    parser.add_argument("--questions", type=int, default=220)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args()
    if args.render:
        render()
        return 0
    if args.index is None:
        parser.error("--index is required (or --render)")
    load_before = os.getloadavg()[0]

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
    out["when"], out["commit"] = time.strftime("%F %T"), commit()
    out["load_average"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"sizes": {}}
    results["sizes"][str(len(loaded))] = out
    write_results(RESULTS, results)
    return 0


def render() -> None:
    """Replace the scoped-search section of docs/BENCHMARKS.md with the stamped results."""
    sizes = sorted(load_result("scoped").get("sizes", {}).values(), key=lambda r: r["passages"])
    before = load_result("scale").get("sizes", {}).get("1m", {}).get("serve", {}).get("latency_ms", {})
    lines = [
        BEGIN,
        "## Questions scoped to a force or year (`python -m benchmarks.scoped --index <index>`)",
        "",
        'The same questions asked three ways in one run -- as made, then with "at <force>" and '
        '"at <force> in <year>" added (a force and year the library holds) -- so scoped and unscoped '
        "search are timed on the same wording. Warm, one question at a time, k = 5. The libraries are "
        "`benchmarks.scale`'s (10k: real vectors; 1M: synthetic ones). A scope of up to 10k unit vectors "
        "(50k in a flat index) is scored exactly; a larger one is searched inside the IVF index with a "
        "bitmap of its rows (`assistant/retrieval/dense.py`).",
        "",
        "| passages | reports | scope | reports searched (median) | p50 ms | p95 ms | measured "
        "| load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size in sizes:
        stamp = f"{size.get('when', '?')}, {size.get('commit', '?')}"
        load = " -> ".join(str(x) for x in size.get("load_average", ["?"]))
        for key, label in SCOPES.items():
            lat, searched = size[key]["latency_ms"], size[key]["reports_searched_median"]
            lines.append(
                f"| {size['passages']:,} | {size['reports']:,} | {label} | {searched:,} "
                f"| {lat['p50']} | {lat['p95']} | {stamp} | {load} |"
            )
    big = next((s for s in sizes if s["passages"] >= 1_000_000), None)
    if big is not None:
        worst = max(big[k]["latency_ms"]["p95"] for k in ("force", "force_year"))
        same_run = big["unscoped"]["latency_ms"]["p95"]
        lines += ["", "| target | measured | |", "|---|---|---|"]
        lines.append(
            f"| scoped p95 at 1M no worse than unscoped, same run | {worst} ms against {same_run} ms "
            f"| {mark(worst <= same_run)} |"
        )
        if before.get("p95"):
            lines.append(
                f"| scoped p95 at 1M no worse than the unscoped p95 before scoping (`scale.json`) "
                f"| {worst} ms against {before['p95']} ms | {mark(worst <= before['p95'])} |"
            )
    lines.append(END)
    DOC.write_text(
        put_section(DOC.read_text(encoding="utf-8"), BEGIN, END, "\n".join(lines)), encoding="utf-8"
    )


if __name__ == "__main__":
    raise SystemExit(main())

"""docs/EVALUATION.md from the stamped results of ``python -m benchmarks.evaluation`` (never by hand).

python -m benchmarks.evaluation_report
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DOC = ROOT / "docs" / "EVALUATION.md"
METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "false_abstention", "abstention")
LIBRARY = ("report_recall@5", "on_scope@5")
LABEL = {"false_abstention": "wrongly declined", "abstention": "out of scope declined"}
LABEL |= {"report_recall@5": "reports found@5", "on_scope@5": "on scope@5"}
SET_ORDER = ("dev", "dev-extra", "library-dev", "blind", "library-blind")
VARIANT_NOTES = {
    "hybrid": "**chosen**: dense + BM25 (linear), structure, glossary, neighbours, share",
    "dense": "dense (MiniLM) only",
    "lexical": "BM25 only",
    "hybrid-noglossary": "without the glossary (expansion and coverage)",
    "hybrid-noneighbours": "without GloVe neighbours",
    "hybrid-feedback": "with feedback terms from the top dense passages (RM3-style)",
    "hybrid-noshare": "without weighing BM25 by the share of wording the reports use",
    "hybrid-rrf": "reciprocal rank fusion (k = 60) instead of min-max linear fusion",
    "hybrid-nostructure": "without the structure list",
}


def _load(name: str) -> dict[str, Any] | None:
    path = RESULTS / name
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _cell(row: dict[str, Any], metric: str) -> str:
    value = row.get(metric)
    if value is None:
        return "—"
    if metric in ("abstention", "false_abstention"):
        n = row.get("out_of_scope" if metric == "abstention" else "in_scope", 0)
        return f"{value:.3f} ({round(value * n)}/{int(n)})"
    return f"{value:.3f}"


def _row(name: str, cells: list[str]) -> str:
    return f"| {name} | " + " | ".join(cells) + " |"


def table(rows: list[tuple[str, dict[str, Any]]], metrics: tuple[str, ...]) -> list[str]:
    out = [_row("", ["n", *(LABEL.get(m, m) for m in metrics)]), "|---" * (len(metrics) + 2) + "|"]
    for name, row in rows:
        out.append(_row(name, [str(int(row.get("questions", 0))), *(_cell(row, m) for m in metrics)]))
    return out


def sets_table(result: dict[str, Any], variant: str = "hybrid") -> list[str]:
    runs = result["variants"].get(variant, {})
    rows = []
    for name in SET_ORDER:
        if name in runs:
            tuned = "tuned on" if result["sets"][name]["tuned_on"] else "**blind**"
            rows.append((f"{name} ({tuned})", runs[name]["overall"]))
    return table(rows, METRICS + LIBRARY)


KIND_METRICS = ("recall@1", "recall@5", "mrr@10", "ndcg@10", "false_abstention", "abstention")


def kinds_table(result: dict[str, Any], set_name: str, library: bool = False) -> list[str]:
    run = result["variants"]["hybrid"].get(set_name)
    if not run:
        return []
    return table(list(run["by_kind"].items()), KIND_METRICS + (LIBRARY if library else ()))


def variants_table(result: dict[str, Any]) -> list[str]:
    sets = [s for s in ("dev", "dev-extra", "blind") if s in result["variants"]["hybrid"]]
    head = [f"{s} {m}" for s in sets for m in ("MRR@10", "recall@5", "wrongly declined")]
    out = [_row("variant", head), "|---" * (len(head) + 1) + "|"]
    for name, runs in result["variants"].items():
        cells = []
        for s in sets:
            o = runs.get(s, {}).get("overall", {})
            cells += [_cell(o, "mrr@10"), _cell(o, "recall@5"), _cell(o, "false_abstention")]
        out.append(_row(f"{name}: {VARIANT_NOTES.get(name, '')}", cells))
    return out


def before_table(result: dict[str, Any], before: dict[str, Any] | None) -> list[str]:
    if not before:
        return ["No results for an earlier commit (`benchmarks/results/evaluation-before.json`)."]
    metrics = ("recall@5", "mrr@10", "ndcg@10", "false_abstention", "abstention", "report_recall@5")
    out = [_row("set", ["", *(LABEL.get(m, m) for m in metrics)]), "|---" * (len(metrics) + 2) + "|"]
    now = result["variants"]["hybrid"]
    for name in SET_ORDER:
        if name in before["sets"] and name in now:
            old, new = before["sets"][name]["overall"], now[name]["overall"]
            out.append(
                _row(name, [f"before ({before['answers_commit']})", *(_cell(old, m) for m in metrics)])
            )
            out.append(_row("", ["after", *(_cell(new, m) for m in metrics)]))
    return out


def _rates(r: dict[str, float]) -> list[str]:
    return [f"{r['abstention']:.3f}", f"{r['false_abstention']:.3f}"]


def _cv(rows: list[dict[str, float]]) -> str:
    return "; ".join(
        f"{int(r['folds'])}-fold {r['abstention']:.3f} declined, {r['false_abstention']:.3f} wrongly"
        for r in rows
    )


def calibration_lines(cal: dict[str, Any]) -> list[str]:
    shipped, names, gap = cal["shipped"], cal["names_tuned"], cal["gap_rule_tuned"]
    bounds = f"gap ≥ {gap['min_gap']}, cosine ≤ {gap['max_cosine']}"
    asked = f"{cal['in_scope']} answerable and {cal['out_of_scope']} out-of-scope questions"
    return [
        f"Tuned on {', '.join(cal['questions'])}: {asked}.",
        "",
        _row("", ["out of scope declined", "answerable wrongly declined"]),
        "|---|---|---|",
        _row(f"shipped decision (rules 1-5, name bound {shipped['name_max_cosine']})", _rates(shipped)),
        _row(f"rule 4 alone, bound tuned here ({names['name_max_cosine']})", _rates(names)),
        _row(
            f"rule 5 alone, bound tuned here ({cal['nothing_tuned']['nothing_max_cosine']})",
            _rates(cal["nothing_tuned"]),
        ),
        _row(f"rule 6 (gap rule) alone, tuned here ({bounds})", _rates(gap["rule_alone"])),
        _row("all six rules with that gap rule", _rates(gap["with_the_rest"])),
        "",
        "Cross-validated, re-tuning only rule 4's bound (whole decision): "
        + _cv(cal["names_cross_validated"])
        + ".",
        "Cross-validated, re-tuning only rule 6's two bounds (rule 6 alone): "
        + _cv(cal["gap_rule_cross_validated"])
        + ".",
    ]


def added_line(added: dict[str, Any] | None) -> str:
    """What this pipeline adds to a question against the earlier commit (``benchmarks.added_latency``)."""
    if not added:
        return "No interleaved comparison with an earlier commit (`python -m benchmarks.added_latency`)."
    now, before = added["now"], added["before"]
    load = " - ".join(str(x) for x in added["load_average"])
    return (
        f"Against commit {added['before_commit']}, both answering the dev questions in alternating "
        f"rounds of one run (`python -m benchmarks.added_latency`, {added['rounds']} rounds, "
        f"{added['when']}, commit {added['commit']}, load average {load}): median time beyond encoding "
        f"and dense search {now['beyond_dense_p50']:.2f} ms against {before['beyond_dense_p50']:.2f} ms "
        f"(+{added['added_beyond_dense_p50_ms']:.2f} ms; budget 5 ms), whole question p50 "
        f"{now['p50']:.2f} ms against {before['p50']:.2f} ms."
    )


def render() -> str:
    result = _load("evaluation.json")
    if result is None:
        raise SystemExit(
            "run `python -m benchmarks.evaluation` first: benchmarks/results/evaluation.json is missing"
        )
    before = _load("evaluation-before.json")
    lat = result["variants"]["hybrid"].get("dev", {}).get("latency_ms", {})
    text = TEMPLATE.format(
        commit=result.get("commit", "unknown"),
        when=result.get("when", "unknown"),
        machine=result.get("machine", ""),
        sets="\n".join(sets_table(result)),
        kinds_dev="\n".join(kinds_table(result, "dev")),
        kinds_extra="\n".join(kinds_table(result, "dev-extra")),
        kinds_blind="\n".join(kinds_table(result, "blind")),
        kinds_library_dev="\n".join(kinds_table(result, "library-dev", library=True)),
        kinds_library_blind="\n".join(kinds_table(result, "library-blind", library=True)),
        before="\n".join(before_table(result, before)),
        variants="\n".join(variants_table(result)),
        calibration="\n".join(calibration_lines(result["calibration"])),
        p50=lat.get("p50", 0.0),
        p95=lat.get("p95", 0.0),
        beyond=lat.get("beyond_dense_p50", 0.0),
        stages=", ".join(f"{k} {v:.1f}" for k, v in lat.get("stages_p50", {}).items()),
        added=added_line(_load("added_latency.json")),
    )
    return text


TEMPLATE = (Path(__file__).parent / "evaluation_template.md").read_text(encoding="utf-8")


def main() -> int:
    DOC.write_text(render(), encoding="utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

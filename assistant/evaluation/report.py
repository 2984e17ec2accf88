"""Summaries of scored questions (pure) and their table for people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assistant.evaluation.metrics import mean, ndcg_at, percentile, recall_at, reciprocal_rank
from assistant.evaluation.scored import Scored

CUTOFFS = (1, 3, 5, 10)
SCOPED_KINDS = frozenset({"scoped", "scoped_year", "grade"})
"""Library questions that name a force (and maybe a year): answered only from its reports."""


def on_scope(cards: Sequence[Sequence[str]], allowed: Sequence[str], k: int = 5) -> float:
    """Share of the top ``k`` cards showing only reports in ``allowed`` (1.0 when none returned)."""
    top = cards[:k]
    if not top:
        return 1.0
    ok = set(allowed)
    return sum(1.0 for card in top if set(card) <= ok) / len(top)


def report_recall(relevant: Sequence[Sequence[str]], gold: Sequence[str], k: int) -> float:
    """Share of the ``gold`` reports with a relevant card (or ``also_in`` copy) in the top ``k``."""
    if not gold:
        return 0.0
    found = {r for card in relevant[:k] for r in card}
    return len(found & set(gold)) / len(set(gold))


def _retrieval(rows: Sequence[Scored]) -> dict[str, float]:
    inscope = [r for r in rows if r.in_scope]
    out: dict[str, float] = {"questions": float(len(rows)), "in_scope": float(len(inscope))}
    if inscope:
        for k in CUTOFFS:
            out[f"recall@{k}"] = mean([recall_at(r.rels, k) for r in inscope])
        out["mrr@10"] = mean([reciprocal_rank(r.rels, 10) for r in inscope])
        out["ndcg@10"] = mean([ndcg_at(r.rels, r.total_relevant, 10) for r in inscope])
        out["false_abstention"] = mean([1.0 if r.abstained else 0.0 for r in inscope])
        scoped = [r for r in inscope if r.allowed]
        if scoped:
            out["on_scope@5"] = mean([on_scope(r.cards, r.allowed, 5) for r in scoped])
        library = [r for r in inscope if r.gold_reports]
        if library:
            out["report_recall@5"] = mean(
                [report_recall(r.relevant_reports, r.gold_reports, 5) for r in library]
            )
            out["report_recall@10"] = mean(
                [report_recall(r.relevant_reports, r.gold_reports, 10) for r in library]
            )
    outscope = [r for r in rows if not r.in_scope]
    if outscope:
        out["out_of_scope"] = float(len(outscope))
        out["abstention"] = mean([1.0 if r.abstained else 0.0 for r in outscope])
    return out


def summarise(rows: Sequence[Scored]) -> dict[str, Any]:
    """Overall and per-kind metrics, latency percentiles, and every question's outcome."""
    latencies = [r.latency_ms for r in rows]
    kinds = sorted({r.kind for r in rows})
    stages = sorted({s for r in rows for s in r.stages_ms})
    beyond = [r.latency_ms - r.stages_ms.get("encode", 0.0) - r.stages_ms.get("dense", 0.0) for r in rows]
    return {
        "overall": _retrieval(rows),
        "by_kind": {kind: _retrieval([r for r in rows if r.kind == kind]) for kind in kinds},
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "stages_p50": {s: percentile([r.stages_ms.get(s, 0.0) for r in rows], 50) for s in stages},
            "beyond_dense_p50": percentile(beyond, 50),
        },
        "questions": [r.to_dict() for r in rows],
    }


COLUMNS = (
    "recall@1",
    "recall@3",
    "recall@5",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "false_abstention",
    "abstention",
)
LIBRARY_COLUMNS = ("on_scope@5", "report_recall@5", "report_recall@10")
"""Shown when some question names its gold reports (a library question set)."""


def render_table(summary: dict[str, Any]) -> str:
    """A fixed-width table: one row overall, one per kind; then latency and misses."""
    library = any(c in summary["overall"] for c in LIBRARY_COLUMNS)
    columns = COLUMNS + (LIBRARY_COLUMNS if library else ())
    short = {
        "false_abstention": "false abst.",
        "report_recall@5": "reports@5",
        "report_recall@10": "reports@10",
    }
    head = f"{'':<16}{'n':>4}" + "".join(f"{short.get(c, c):>12}" for c in columns)
    lines = [head, "-" * len(head)]
    rows = [("overall", summary["overall"]), *summary["by_kind"].items()]
    for name, m in rows:
        cells = "".join(f"{m[c]:>12.3f}" if c in m else f"{'':>12}" for c in columns)
        lines.append(f"{name:<16}{int(m['questions']):>4}{cells}")
    lat = summary["latency_ms"]
    lines.append(f"\nlatency per question: p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms")
    stages = ", ".join(f"{name} {ms:.1f}" for name, ms in lat.get("stages_p50", {}).items())
    lines.append(f"median per stage (ms): {stages}")
    lines.append(
        f"median time beyond query encoding and dense search: {lat.get('beyond_dense_p50', 0):.1f} ms"
    )
    missed = [q["id"] for q in summary["questions"] if q["in_scope"] and not any(q["rels"][:5])]
    wrong = [q["id"] for q in summary["questions"] if q["in_scope"] == q["abstained"]]
    lines.append(f"in-scope questions with nothing relevant in the top 5: {', '.join(missed) or 'none'}")
    lines.append(f"wrong abstention decisions: {', '.join(wrong) or 'none'}")
    return "\n".join(lines)

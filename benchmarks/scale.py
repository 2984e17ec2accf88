"""Speed and memory from the real report up to a million passages, in one command.

    python -m benchmarks.scale                         # real, 10k, 100k and 1M passages
    python -m benchmarks.scale --sizes real 10k        # some of them (results are merged)
    python -m benchmarks.scale --render                # only re-write the docs from the results

For each size, in fresh processes (``benchmarks.probe``):

* **build** -- real report and 10k: ``update_index`` on real files with the real model
  (passages/s, peak memory). 100k and 1M: passages rewritten from the real ones and vectors
  synthesised from the 10k build's real vectors (``benchmarks.synth``), written by the
  store's own writer; the full build time is extrapolated from the 10k embedding rate.
* **serve** -- open the index as ``ask``/``serve`` do, answer one question (cold start),
  then time >= 200 questions warm, by stage; resident memory.
* **recall** -- approximate dense search against exact search (recall@10 and @100), when
  the index is approximate.

The real report's cold start is also measured through the CLI (``assistant ask``), with
``-X importtime`` to check that torch, sentence-transformers and Gradio are not imported.
Results go to ``benchmarks/results/scale.json``; then :mod:`benchmarks.report` writes the
table and the plot into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "scale.json"
SIZES = {"real": 0, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
HEAVY = ("torch", "sentence_transformers", "gradio")


def probe(*args: str, timeout: float = 3 * 3600) -> dict[str, Any]:
    """Run ``benchmarks.probe`` in a fresh process; its last stdout line is the JSON result."""
    cmd = [sys.executable, "-m", "benchmarks.probe", *args]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def current(index: Path) -> Path | None:
    try:
        return index / (index / "CURRENT").read_text().strip()
    except OSError:
        return None


def cli_cold_start(index: Path, runs: int = 3) -> dict[str, Any]:
    """``assistant ask`` wall time with the index present, and the heavy modules it imported."""
    cmd = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "assistant",
        "ask",
        "what is said about detective shortages",
    ]
    cmd += ["--index", str(index), "--corpus", str(ROOT / "corpus")]
    times, imported = [], set()
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - started)
        names = {m.group(1).split(".")[0] for m in re.finditer(r"\|\s+([\w.]+)\s*$", done.stderr, re.M)}
        imported |= {h for h in HEAVY if h in names}
    return {
        "median_s": round(statistics.median(times), 2),
        "runs_s": [round(t, 2) for t in times],
        "heavy_imports": sorted(imported),
    }


def measure(size: str, work: Path, questions: int, rebuild: bool) -> dict[str, Any]:
    n = SIZES[size]
    index = work / f"index-{size}"
    out: dict[str, Any] = {"size": size}
    if size in ("real", "10k"):
        corpus = ROOT / "corpus" if size == "real" else work / "corpus-10k"
        if size == "10k" and not corpus.exists():
            from benchmarks.synth import write_corpus

            write_corpus(corpus, n)
        if rebuild or current(index) is None or size == "real":
            out["build"] = probe("build", "--corpus", str(corpus), "--index", str(index))
        else:
            out["build"] = json.loads((work / f"build-{size}.json").read_text())
        (work / f"build-{size}.json").write_text(json.dumps(out["build"]))
        serve_args = ["--corpus", str(corpus)]
    else:
        pool, real = current(work / "index-10k"), current(work / "index-real")
        if pool is None or real is None:
            raise SystemExit("measure the real and 10k sizes first: their vectors seed the synthetic ones")
        if rebuild or current(index) is None:
            shutil.rmtree(index, ignore_errors=True)
            out["build"] = probe(
                "synth", "--index", str(index), "--passages", str(n), "--pool", str(pool), "--real", str(real)
            )
            (work / f"build-{size}.json").write_text(json.dumps(out["build"]))
        else:
            out["build"] = json.loads((work / f"build-{size}.json").read_text())
        serve_args = []
    # First start after a build hashes every file; later starts only compare file signatures.
    out["first_serve"] = probe(
        "serve", "--index", str(index), *serve_args, "--questions", "10", "--t0", str(time.time())
    )
    out["serve"] = probe(
        "serve", "--index", str(index), *serve_args, "--questions", str(questions), "--t0", str(time.time())
    )
    version = current(index)
    if version is None:
        raise RuntimeError(f"the build left no index in {index}")
    manifest = json.loads((version / "manifest.json").read_text())
    out["index_type"] = manifest["index_type"]
    out["passages"] = manifest["passage_count"]
    version = current(index)
    assert version is not None
    out["disk_mb"] = round(sum(p.stat().st_size for p in version.rglob("*") if p.is_file()) / 2**20, 2)
    if manifest["index_type"] != "flat":
        out["recall"] = probe(
            "recall",
            "--index",
            str(index),
            "--questions",
            str(questions),
            "--nprobe",
            "16",
            "32",
            "64",
            "128",
            "0",
        )
    if size == "real":
        out["cli_cold_start"] = cli_cold_start(index)
    return out


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "os": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), default=list(SIZES))
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/report-assistant-bench"),
        help="where corpora and indexes are kept between runs (GBs at 1M)",
    )
    parser.add_argument("--questions", type=int, default=220, help="questions per latency run (>= 200)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild indexes that already exist")
    parser.add_argument("--render", action="store_true", help="only re-write docs/BENCHMARKS.md")
    args = parser.parse_args()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"sizes": {}}
    if not args.render:
        args.workdir.mkdir(parents=True, exist_ok=True)
        for size in args.sizes:
            print(f"measuring {size} ...", flush=True)
            started = time.time()
            results["sizes"][size] = measure(size, args.workdir, args.questions, args.rebuild)
            results["sizes"][size]["when"] = time.strftime("%F %T")
            results["sizes"][size]["load_average"] = os.getloadavg()
            print(
                f"  done in {time.time() - started:.0f} s: "
                f"{json.dumps(results['sizes'][size]['serve']['latency_ms'])}",
                flush=True,
            )
            results["machine"] = machine()
            RESULTS.parent.mkdir(parents=True, exist_ok=True)
            RESULTS.write_text(json.dumps(results, indent=1))
    from benchmarks.report import render

    render()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

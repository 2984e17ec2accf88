"""Indexing throughput end to end against the encoder alone, and what the vector cache saves.

    python -m benchmarks.index_throughput                      # all parts (~15-30 min on 2 cores)
    python -m benchmarks.index_throughput --parts throughput same-results library
    python -m benchmarks.index_throughput --parts cache-10k --workdir /tmp/report-assistant-bench

Parts (results are merged into ``benchmarks/results/index_throughput.json``, each stamped with
its time, commit and the load average around it; ``python -m benchmarks.report`` puts them in
docs/BENCHMARKS.md):

* ``throughput`` -- ``--copies`` copies of the real report with a reference number in every
  sentence (:func:`benchmarks.synth.write_distinct_corpus`: no unit text repeats, so no cache
  can help), in one process with one loaded indexing encoder, ``--repeats`` times in
  alternating order: the encoder alone on every unit text (``embed_all``, as builds used to
  call it); the build as it was before (parse everything, then embed, then write); and
  ``update_index`` into a fresh index. Passages per second of wall time and CPU cores used.
* ``same-results`` -- the real report and the six-report library fixture, each indexed by
  ``update_index`` and by the plain path (vectors from one ``embed_all`` call, written by the
  same writer), then every dev question asked of both: top-k ids and scores compared.
* ``library`` and ``cache-10k`` -- the vector cache on the library fixture and on the 10k
  library of ``benchmarks.scale`` (rewritten copies of the real report): a fresh build
  without the cache, a fresh build with it (repeated wording embedded once), a rebuild with
  the live version's cache, and one report added; time, units embedded, and hit share.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embedding import Embedder, embed_all, encoder_id, make_embedder
from assistant.ingest import discover, load_report
from assistant.passages import dense_units, report_passages
from assistant.settings import Settings, load_settings
from assistant.store import open_index, update_index
from assistant.store.build import index_settings
from assistant.store.manifest import read_manifest
from assistant.store.reading import report_entry, scan_corpus
from assistant.store.writer import write_version
from benchmarks.probe import commit, write_results
from benchmarks.synth import write_corpus, write_distinct_corpus

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "index_throughput.json"
PARTS = ("throughput", "same-results", "library", "cache-10k")


def _settings(corpus: Path, index: Path) -> Settings:
    return load_settings({"corpus": corpus, "index": index}, env={}, cwd=corpus.parent)


def _timed(work: Callable[[], Any]) -> tuple[Any, float, float]:
    """``work()``'s result, its wall seconds and the CPU seconds of this process (all threads) meanwhile."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = work()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _fresh(index: Path) -> Path:
    shutil.rmtree(index, ignore_errors=True)
    return index


def sequential_build(settings: Settings, embedder: Embedder) -> int:
    """The build as it was before the pipeline: parse every report, then embed every unit, then write."""
    files = discover(settings.corpus)
    reports = [load_report(f, settings.corpus) for f in files]
    passages = [p for r in reports for p in report_passages(r)]
    units = [dense_units(p) for p in passages]
    vectors = embed_all(embedder, [t for u in units for t in u])
    bounds = np.cumsum([0, *(len(u) for u in units)])
    blocks = [vectors[a:b] for a, b in itertools.pairwise(bounds)]
    entries = _entries(reports, settings)
    write_version(settings, index_settings(settings), entries, passages, blocks, [], "auto")
    return len(passages)


def _entries(reports: Sequence[Any], settings: Settings) -> list[Any]:
    """Manifest entries as ``update_index`` writes them (one per report, in path order)."""
    states = {f.source: f for f in scan_corpus(settings.corpus)}
    files = discover(settings.corpus)
    out = [
        report_entry(states[path], report, len(list(report_passages(report))))
        for report, path in zip(reports, files, strict=True)
    ]
    return sorted(out, key=lambda e: e.path)


def throughput(args: argparse.Namespace, embedder: Embedder, work: Path) -> dict[str, Any]:
    corpus = work / "distinct"
    if not corpus.exists():
        write_distinct_corpus(corpus, args.copies)
    passages = [p for f in discover(corpus) for p in report_passages(load_report(f, corpus))]
    texts = [t for p in passages for t in dense_units(p)]
    n = len(passages)
    settings = _settings(corpus, work / "index-distinct")

    def encoder() -> None:
        embed_all(embedder, texts)

    def before() -> None:
        sequential_build(_settings(corpus, _fresh(work / "index-before")), embedder)

    def after() -> None:
        _fresh(settings.index)
        result = update_index(settings, embedder=embedder, progress=False, log=lambda _m: None)
        assert result.passage_count == n and result.units_cached == result.units_repeated == 0, result

    runs: list[dict[str, Any]] = []
    for rep in range(args.repeats):
        order = [("encoder", encoder), ("before", before), ("end_to_end", after)]
        row: dict[str, Any] = {"load_before": _load()}
        for name, job in order if rep % 2 == 0 else order[::-1]:
            _, wall, cpu = _timed(job)
            row[name] = {
                "passages_per_s": round(n / wall, 1),
                "passages_per_cpu_s": round(n / cpu, 1),
                "seconds": round(wall, 2),
                "cores": round(cpu / wall, 2),
            }
        row["load_after"] = _load()
        row["ratio"] = round(row["end_to_end"]["passages_per_s"] / row["encoder"]["passages_per_s"], 3)
        row["ratio_before"] = round(row["before"]["passages_per_s"] / row["encoder"]["passages_per_s"], 3)
        row["cpu_ratio"] = round(
            row["end_to_end"]["passages_per_cpu_s"] / row["encoder"]["passages_per_cpu_s"], 3
        )
        runs.append(row)
        print(json.dumps(row), flush=True)
    return {
        "passages": n,
        "texts": len(texts),
        "distinct_texts": len(set(texts)),
        "copies": args.copies,
        "encoder": encoder_id(embedder),
        "runs": runs,
        "median": {
            key: statistics.median(r[key]["passages_per_s"] for r in runs)
            for key in ("encoder", "before", "end_to_end")
        },
        "median_ratio": statistics.median(r["ratio"] for r in runs),
        "median_cpu_ratio": statistics.median(r["cpu_ratio"] for r in runs),
        "median_ratio_before": statistics.median(r["ratio_before"] for r in runs),
    }


def _answers(index: Path, questions: Sequence[str], question_embedder: Embedder, k: int) -> list[Any]:
    from assistant.retrieval.pipeline import Retriever

    loaded = open_index(index)
    retriever = Retriever(lambda: loaded, question_embedder)
    try:
        return [retriever.ask(q, k=k) for q in questions]
    finally:
        loaded.close()


def _compare(a: Sequence[Any], b: Sequence[Any]) -> dict[str, Any]:
    """How far two runs of the same questions agree: top-k ids in order, id sets, scores."""
    pairs = list(zip(a, b, strict=True))
    diffs = [abs(h.score - g.score) for x, y in pairs for h, g in zip(x.hits, y.hits, strict=False)]
    return {
        "same_top_k_ids": sum(
            [h.passage.id for h in x.hits] == [h.passage.id for h in y.hits] for x, y in pairs
        ),
        "same_top_k_sets": sum(
            {h.passage.id for h in x.hits} == {h.passage.id for h in y.hits} for x, y in pairs
        ),
        "max_score_difference": float(f"{max(diffs, default=0.0):.2g}"),
        "same_abstentions": sum(x.abstained == y.abstained for x, y in pairs),
    }


def same_results(embedder: Embedder, work: Path, k: int = 5) -> dict[str, Any]:
    """The pipelined, cached build against the plain path, on the dev questions of two corpora.

    For each corpus and each passage encoder: ``update_index`` against the plain path
    (``sequential_build``). The int8-compute encoder quantises each batch's activations with
    one scale, so a text's vector moves slightly with its batch-mates; its *noise floor* is the
    plain path against itself with batches of 8 instead of 16 (only the batch-mates differ).
    The packaged export computes in float32, where batch-mates change nothing but rounding.
    """
    from assistant.evaluation.questions import read_questions
    from tests.support.corpus import CORPUS, DEV_QUESTIONS
    from tests.support.library import write_library

    library = work / "library"
    if not library.exists():
        write_library(library)
    question_embedder = make_embedder("all-MiniLM-L6-v2")
    encoders = {
        "int8-compute (indexing default)": embedder,
        "packaged export (float32 compute)": question_embedder,
    }
    out: dict[str, Any] = {}
    for name, corpus, questions in (
        ("real report", CORPUS, DEV_QUESTIONS),
        ("library fixture", library, ROOT / "tests" / "data" / "questions-library-dev.jsonl"),
    ):
        asked = [q.question for q in read_questions(questions)]
        rows: dict[str, Any] = {"questions": len(asked), "k": k}
        for label, encoder in encoders.items():
            piped = _settings(corpus, _fresh(work / "same-pipelined"))
            update_index(piped, embedder=encoder, progress=False, log=lambda _m: None)
            plain = _settings(corpus, _fresh(work / "same-plain"))
            sequential_build(plain, encoder)
            reference = _answers(plain.index, asked, question_embedder, k)
            rows[label] = _compare(_answers(piped.index, asked, question_embedder, k), reference)
            if encoder is embedder:
                floor = _settings(corpus, _fresh(work / "same-floor"))
                sequential_build(floor, make_embedder("all-MiniLM-L6-v2", batch_size=8, indexing=True))
                rows[f"{label}: plain path, batches of 8 vs 16"] = _compare(
                    _answers(floor.index, asked, question_embedder, k), reference
                )
        out[name] = rows
        print(name, json.dumps(rows), flush=True)
    return out


def cache_figures(
    corpus: Path, embedder: Embedder, work: Path, extra_report: Callable[[Path], Path]
) -> dict[str, Any]:
    """Fresh builds without and with the cache, a rebuild, and one report added."""
    settings = _settings(corpus, work)
    rows: dict[str, Any] = {}

    def run(name: str, **kwargs: Any) -> None:
        load = _load()
        result, wall, cpu = _timed(
            lambda: update_index(settings, embedder=embedder, progress=False, log=lambda _m: None, **kwargs)
        )
        hits = result.units_cached + result.units_repeated
        rows[name] = {
            "passages": result.embedded,
            "units": result.units,
            "cached": result.units_cached,
            "repeated": result.units_repeated,
            "encoded": result.units_encoded,
            "hit_share": round(hits / max(result.units, 1), 3),
            "seconds": round(wall, 2),
            "cores": round(cpu / wall, 2),
            "passages_per_s": round(result.embedded / wall, 1),
            "load": [load, _load()],
        }
        print(name, json.dumps(rows[name]), flush=True)

    _fresh(work)
    run("no cache, fresh", reuse_vectors=False)
    _fresh(work)
    run("cache, fresh")
    run("cache, rebuild", rebuild=True)
    added = extra_report(corpus)
    try:
        run("cache, one report added")
    finally:
        added.unlink()
    version = read_manifest(open_index(settings.index).version)
    rows["index_passages"] = version.passage_count
    rows["speed_up_fresh"] = round(rows["no cache, fresh"]["seconds"] / rows["cache, fresh"]["seconds"], 2)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--copies", type=int, default=37, help="copies of the report (83 passages each)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/report-assistant-bench"))
    args = parser.parse_args(argv)
    results: dict[str, Any] = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    embedder = make_embedder("all-MiniLM-L6-v2", indexing=True)
    embedder.embed(["load and warm the encoder before timing"])
    args.workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.workdir, prefix="index-throughput-") as tmp:
        work = Path(tmp)
        for part in args.parts:
            started = _load()
            if part == "throughput":
                value = throughput(args, embedder, work)
            elif part == "same-results":
                value = same_results(embedder, work)
            elif part == "library":
                from tests.support.library import write_library

                library = work / "library-cache"
                write_library(library)
                value = cache_figures(library, embedder, work / "index-library", _copy_with_new_name)
            else:
                corpus = args.workdir / "corpus-10k"
                if not corpus.exists():
                    write_corpus(corpus, 10_000)
                value = cache_figures(corpus, embedder, work / "index-10k", _new_variant)
            results[part] = {
                "value": value,
                "load_average": [started, _load()],
                "when": time.strftime("%F %T"),
                "commit": commit(),
            }
    results["cores"] = os.cpu_count()
    write_results(RESULTS, results)
    return 0


def _copy_with_new_name(corpus: Path) -> Path:
    """Another force's report made from the first one in ``corpus`` (mostly shared wording)."""
    source = sorted(corpus.glob("*.txt"))[0]
    target = corpus / "added-force-2019.txt"
    target.write_text(source.read_text("utf-8").replace("Kent", "Essex").replace("2016", "2019"), "utf-8")
    return target


def _new_variant(corpus: Path) -> Path:
    """One more rewritten copy of the real report, as ``benchmarks.synth.write_corpus`` makes them."""
    import random

    from benchmarks.synth import CORPUS, rewrite, variant_name

    i = len(list(corpus.glob("*.txt")))
    force, year = variant_name(i)
    target = corpus / f"added-{i:05d}.txt"
    source = next(p for p in discover(CORPUS) if p.suffix == ".txt")
    target.write_text(rewrite(source.read_text("utf-8"), force, year, random.Random(i)), "utf-8")
    return target


if __name__ == "__main__":
    raise SystemExit(main())

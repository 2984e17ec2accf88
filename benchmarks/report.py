"""Write the scale, encoder and txtai results into docs/BENCHMARKS.md, with a plot.

    python -m benchmarks.report

Reads ``benchmarks/results/{scale,encoders,txtai}.json`` (whichever exist) and replaces the
text between ``<!-- scale:begin -->`` and ``<!-- scale:end -->`` in docs/BENCHMARKS.md,
and the indexing/cache/serving section (:mod:`benchmarks.report_engine`) between
``<!-- engine:begin -->`` and ``<!-- engine:end -->``, leaving the rest of the page as it is.
The plot (``docs/benchmarks-scaling.png``) needs
matplotlib (the ``bench`` extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.report_engine import load_result as _load
from benchmarks.report_engine import mark as _mark
from benchmarks.report_engine import put_section, splice

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"
PLOT = ROOT / "docs" / "benchmarks-scaling.png"
BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"
ORDER = ("real", "10k", "100k", "1m")
MACHINE_GIB = 24
P95_LIMIT_MS = 120


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _rows(scale: dict[str, Any]) -> list[dict[str, Any]]:
    return [scale["sizes"][s] for s in ORDER if s in scale.get("sizes", {})]


def _recall(row: dict[str, Any]) -> str:
    rec = row.get("recall")
    if not rec:
        return "1 (exact)"
    default = next(r for r in rec["rows"] if r["nprobe"] == 0)
    return f"{default['recall@10']:.3f}"


def latency_table(rows: list[dict[str, Any]]) -> list[str]:
    stages = ("encode", "dense", "lexical", "fusion", "abstain", "analyse", "format")
    head = "| passages | units | index | p50 ms | p95 ms | " + " | ".join(f"{s} p50/p95" for s in stages)
    out = [head + " | encode share | recall@10 vs exact |", "|---" * (len(stages) + 7) + "|"]
    for r in rows:
        s = r["serve"]
        cells = " | ".join(f"{s['stages_ms'][k]['p50']:.1f} / {s['stages_ms'][k]['p95']:.1f}" for k in stages)
        units = r["build"].get("units") or r["build"].get("texts") or 0
        out.append(
            f"| {_n(r['passages'])} | {_n(units)} | {r['index_type']} | {s['latency_ms']['p50']:.1f} | "
            f"**{s['latency_ms']['p95']:.1f}** | {cells} | {s['encode_share_median']:.0%} | {_recall(r)} |"
        )
    return out


def memory_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| passages | disk MB | serving RSS MB (anon + mapped files) | serving peak MB | cold start s "
        "(first after build / later) | 50 questions asked again p50 ms (first time) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        m = r["serve"]["memory_mb"]
        out.append(
            f"| {_n(r['passages'])} | {r['disk_mb']:,.1f} | {m['VmRSS']:.0f} ({m['RssAnon']:.0f} + "
            f"{m['RssFile']:.0f}) | {m['VmHWM']:.0f} | {r['first_serve']['cold_start_s']:.2f} / "
            f"**{r['serve']['cold_start_s']:.2f}** | {r['serve']['repeated_latency_ms']['p50']:.1f} "
            f"({r['serve'].get('first_time_latency_ms', {}).get('p50', float('nan')):.1f}) |"
        )
    return out


def build_table(rows: list[dict[str, Any]], rate: dict[str, Any] | None) -> list[str]:
    out = [
        "| passages | how | build s | passages/s | peak memory MB |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        b = r["build"]
        if "seconds" in b:
            out.append(
                f"| {_n(r['passages'])} | measured: parse + embed (ONNX) + write | {b['seconds']:.0f} | "
                f"**{b['passages_per_s']:.0f}** (embedding alone {b['embed_passages_per_s']:.0f}) | "
                f"{b['memory_mb']['VmHWM']:.0f} |"
            )
        elif rate:
            per = 1 / rate["embed_passages_per_s"] + rate["other_seconds_per_passage"]
            total = r["passages"] * per + b["write_seconds"]
            out.append(
                f"| {_n(r['passages'])} | write measured ({b['write_seconds']:.0f} s, synthetic vectors); "
                f"parse + embed extrapolated from 10k | ~{total:,.0f} (~{total / 3600:.1f} h) | "
                f"~{r['passages'] / total:.0f} | {b['memory_mb']['VmHWM']:.0f} (write stage) |"
            )
    return out


def recall_table(rows: list[dict[str, Any]]) -> list[str]:
    out = [
        "| passages | nprobe | recall@10 | recall@100 | dense search p50 / p95 ms |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        for x in r.get("recall", {}).get("rows", []):
            label = "default" if x["nprobe"] == 0 else str(x["nprobe"])
            out.append(
                f"| {_n(r['passages'])} | {label} | {x['recall@10']:.4f} | {x['recall@100']:.4f} | "
                f"{x['dense_ms']['p50']:.2f} / {x['dense_ms']['p95']:.2f} |"
            )
    return out


def limits(rows: list[dict[str, Any]], rate: float | None = None) -> list[str]:
    """Where one machine stops being enough, from the growth between the two largest sizes."""
    if len(rows) < 2:
        return []
    a, b = rows[-2], rows[-1]
    dn = b["passages"] - a["passages"]
    mem = (b["serve"]["memory_mb"]["VmRSS"] - a["serve"]["memory_mb"]["VmRSS"]) / dn
    anon = (b["serve"]["memory_mb"]["RssAnon"] - a["serve"]["memory_mb"]["RssAnon"]) / dn
    disk = (b["disk_mb"] - a["disk_mb"]) / dn
    lat = (b["serve"]["latency_ms"]["p95"] - a["serve"]["latency_ms"]["p95"]) / dn
    build_peak = (b["build"]["memory_mb"]["VmHWM"] - a["build"]["memory_mb"]["VmHWM"]) / dn
    head = (
        f"**Growth** between {_n(a['passages'])} and {_n(b['passages'])} passages, per million passages: "
        f"serving memory {mem * 1e6:+,.0f} MB resident ({anon * 1e6:+,.0f} MB of it the process's own, the "
        f"rest mapped index pages), index on disk {disk * 1e6:+,.0f} MB, build peak memory "
        f"{build_peak * 1e6:+,.0f} MB, p95 latency {lat * 1e6:+.0f} ms."
    )
    parts = []
    if mem > 0:
        at = b["passages"] + (MACHINE_GIB * 1024 - b["serve"]["memory_mb"]["VmRSS"]) / mem
        parts.append(
            f"the whole index stays in this machine's {MACHINE_GIB} GiB up to about {at / 1e6:,.0f}M passages"
        )
    if build_peak > 0:
        at = b["passages"] + (MACHINE_GIB * 1024 - b["build"]["memory_mb"]["VmHWM"]) / build_peak
        parts.append(f"a build's peak memory reaches {MACHINE_GIB} GiB at about {at / 1e6:,.0f}M passages")
    if lat > 0:
        at = b["passages"] + (P95_LIMIT_MS - b["serve"]["latency_ms"]["p95"]) / lat
        parts.append(
            f"p95 latency passes {P95_LIMIT_MS} ms at about {max(at, b['passages']) / 1e6:,.0f}M passages"
        )
    if rate:
        hours = 1e6 / rate / 3600
        parts.append(
            f"a full build embeds {rate:.0f} passages/s (10k, measured): {hours:.1f} h per million passages, "
            f"so a working day (8 h) indexes about {8 / hours:.1f}M"
        )
    return (
        [head, "", "**Where one machine stops being enough**: " + "; ".join(parts) + "."] if parts else [head]
    )


def targets(scale: dict[str, Any], tx: dict[str, Any]) -> list[str]:
    """The issue's targets against the measured figures of this run."""
    sizes = scale.get("sizes", {})
    out = ["| target | measured | |", "|---|---|---|"]
    real, big, ten = sizes.get("real"), sizes.get("1m"), sizes.get("10k")
    if real:
        p95 = real["serve"]["latency_ms"]["p95"]
        share = real["serve"]["encode_share_median"]
        out.append(
            f"| p95 warm <= 30 ms, real report | {p95:.1f} ms (encoding {share:.0%} of the median question) "
            f"| {_mark(p95 <= 30)} |"
        )
        cli = real.get("cli_cold_start", {})
        if cli:
            out.append(
                f"| cold start <= 5 s (`assistant ask`, index present) | {cli['median_s']:.2f} s; imports of "
                f"torch/sentence-transformers/Gradio: {', '.join(cli['heavy_imports']) or 'none'} "
                f"| {_mark(cli['median_s'] <= 5 and not cli['heavy_imports'])} |"
            )
    if big:
        p95 = big["serve"]["latency_ms"]["p95"]
        share = big["serve"]["encode_share_median"]
        out.append(
            f"| p95 warm <= 120 ms, 1M passages | {p95:.1f} ms (encoding {share:.0%} of the median question) "
            f"| {_mark(p95 <= 120)} |"
        )
        mem = big["serve"]["memory_mb"]
        out.append(
            f"| serving memory <= 3 GB, 1M | {mem['RssAnon'] / 1024:.2f} GB own (anonymous) memory; "
            f"{mem['VmRSS'] / 1024:.2f} GB resident counting mapped index pages (page cache, "
            f"reclaimable) | {_mark(mem['RssAnon'] <= 3072)} |"
        )
        peak = big["build"]["memory_mb"]["VmHWM"]
        out.append(
            f"| build peak <= 4 GB, 1M | {peak / 1024:.2f} GB (write stage, synthetic vectors) "
            f"| {_mark(peak <= 4096)} |"
        )
        out.append(
            f"| cold start <= 5 s, 1M | {big['serve']['cold_start_s']:.2f} s "
            f"({big['first_serve']['cold_start_s']:.2f} s the first time after a build) "
            f"| {_mark(big['serve']['cold_start_s'] <= 5)} |"
        )
        rec = next((r for r in big.get("recall", {}).get("rows", []) if r["nprobe"] == 0), None)
        if rec:
            out.append(
                f"| approximate recall@10 vs exact >= 0.98, 1M | {rec['recall@10']:.4f} "
                f"| {_mark(rec['recall@10'] >= 0.98)} |"
            )
    if ten:
        rate = ten["build"]["passages_per_s"]
        sweep = _load("encoders").get("indexing", {})
        best = max(sweep.items(), key=lambda kv: kv[1]["passages_per_s"], default=None)
        alone = (
            f"; the encoder alone, when both cores were free: {best[1]['passages_per_s']:.0f} passages/s "
            f"({best[0]}; encoders table)"
            if best
            else ""
        )
        out.append(
            f"| build >= 150 passages/s (faster backend) | {rate:.0f} passages/s end to end at 10k "
            f"({ten['build']['embed_texts_per_s']:.0f} texts/s, "
            f"{ten['build']['texts'] / ten['build']['passages']:.2f} texts per passage; load average "
            f"{ten['load_average'][0]:.1f} after the run){alone} | {_mark(rate >= 150)} |"
        )
    if tx:
        better = tx["quality"]["ours"]["recall@5"] >= tx["quality"]["txtai"]["recall@5"]
        out.append(
            f"| >= 1.5x faster than txtai at >= its recall@5 | {tx['ratio_p50']}x at p50, "
            f"{tx['ratio_p95']}x at p95; recall@5 {tx['quality']['ours']['recall@5']:.3f} vs "
            f"{tx['quality']['txtai']['recall@5']:.3f} | {_mark(tx['ratio_p50'] >= 1.5 and better)} |"
        )
    return out


def plot(rows: list[dict[str, Any]]) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    n = [r["passages"] for r in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(n, [r["serve"]["latency_ms"]["p50"] for r in rows], "o-", label="p50")
    left.plot(n, [r["serve"]["latency_ms"]["p95"] for r in rows], "s-", label="p95")
    left.plot(n, [r["serve"]["stages_ms"]["encode"]["p50"] for r in rows], "^--", label="encode p50")
    left.axhline(P95_LIMIT_MS, color="grey", linestyle=":", label=f"{P95_LIMIT_MS} ms target at 1M")
    left.set(xscale="log", xlabel="passages", ylabel="warm query latency, ms", title="Latency")
    left.legend()
    right.plot(n, [r["serve"]["memory_mb"]["VmRSS"] for r in rows], "o-", label="serving RSS")
    right.plot(n, [r["serve"]["memory_mb"]["RssAnon"] for r in rows], "^--", label="serving, anonymous")
    right.plot(n, [r["build"]["memory_mb"]["VmHWM"] for r in rows], "s-", label="build peak")
    right.plot(n, [r["disk_mb"] for r in rows], "x:", label="index on disk")
    right.set(xscale="log", yscale="log", xlabel="passages", ylabel="MB", title="Memory and disk")
    right.legend()
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)
    plt.close(fig)
    return True


def encoder_section(enc: dict[str, Any]) -> list[str]:
    if not enc:
        return []
    q = enc["question_ms"]
    out = [
        "### Encoders (`python -m benchmarks.encoders`)",
        "",
        "Cosine of ONNX vectors to the torch model's: "
        + "; ".join(f"{n}: min {c['min']}, mean {c['mean']}" for n, c in enc["cosine_to_torch"].items())
        + f". {enc['units_per_passage']} texts per passage; {enc['texts']} texts per indexing run.",
        "",
        "One question at a time (torch suffers most from a busy neighbour core on this shared machine):",
        "",
        "| encoder | question p50 / p95 ms |",
        "|---|---|",
        *[f"| {name} | {v['p50']:.1f} / {v['p95']:.1f} |" for name, v in q.items()],
        "",
        "| indexing | texts/s | passages/s |",
        "|---|---|---|",
        *[
            f"| {name} | {v['texts_per_s']:.0f} | {v['passages_per_s']:.0f} |"
            for name, v in enc["indexing"].items()
        ],
    ]
    sweep = _load("encoders-intraop-threads").get("indexing", {})
    if sweep:
        out += [
            "",
            "The sweep that chose batches of 16 and one thread per run (earlier run, one ONNX run at a "
            "time using 1 or 2 intra-op threads; `benchmarks/results/encoders-intraop-threads.json`):",
            "",
            "| indexing | texts/s | passages/s |",
            "|---|---|---|",
            *[
                f"| {name} | {v['texts_per_s']:.0f} | {v['passages_per_s']:.0f} |"
                for name, v in sweep.items()
            ],
        ]
    if "quality" in enc:
        out += [
            "",
            "| passages and questions encoded by | recall@5 | MRR@10 | nDCG@10 |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {b} | {m['recall@5']:.3f} | {m['mrr@10']:.3f} | {m['ndcg@10']:.3f} |"
            for b, m in enc["quality"].items()
        ]
    return [*out, ""]


def txtai_section(tx: dict[str, Any]) -> list[str]:
    if not tx:
        return []
    lat, qual = tx["latency_ms"], tx["quality"]
    return [
        "### Against txtai (`python -m benchmarks.txtai_compare`, `bench` extra)",
        "",
        f"Same {tx['passages']} passages, same MiniLM weights, same machine, one run, questions alternating "
        f"between the two; {tx['questions_latency']} questions timed, {tx['questions_quality']} labelled "
        "in-scope dev questions for quality. txtai: `Embeddings(path=<MiniLM folder>, hybrid=True)` "
        "(its own torch encoder + BM25); ours: `Assistant.ask`, the whole answer.",
        "",
        "| | p50 ms | p95 ms | recall@5 | MRR@10 |",
        "|---|---|---|---|---|",
        *[
            f"| {s} | {lat[s]['p50']:.1f} | {lat[s]['p95']:.1f} | "
            f"{qual[s]['recall@5']:.3f} | {qual[s]['mrr@10']:.3f} |"
            for s in ("ours", "txtai")
        ],
        "",
        f"txtai takes **{tx['ratio_p50']}×** our time at the median and {tx['ratio_p95']}× at p95.",
        *_earlier_txtai(),
        "",
    ]


def _earlier_txtai() -> list[str]:
    old = _load("txtai-earlier-run")
    if not old:
        return []
    lat = old["latency_ms"]
    return [
        "",
        "The ratio depends on the load on the shared machine (txtai's torch encoder suffers most from a "
        f"busy neighbour core): an earlier run at lower load ({old['when']}) measured ours "
        f"{lat['ours']['p50']} / {lat['ours']['p95']} ms and txtai "
        f"{lat['txtai']['p50']} / {lat['txtai']['p95']} ms (p50 / p95), "
        f"**{old['ratio_p50']}×** at the median and {old['ratio_p95']}× at p95 "
        "(`benchmarks/results/txtai-earlier-run.json`).",
    ]


def render() -> None:
    scale, enc, tx = _load("scale"), _load("encoders"), _load("txtai")
    rows = _rows(scale)
    rate = scale.get("sizes", {}).get("10k", {}).get("build")
    m = scale.get("machine", {})
    lines = [
        BEGIN,
        "## Query latency, memory and build at scale",
        "",
        "`python -m benchmarks.scale` (then `python -m benchmarks.report` re-writes this section). "
        f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB, "
        f"Python {m.get('python', '?')}; **shared with other work while measuring** (load average at "
        "each size in `benchmarks/results/scale.json`), so single figures move run to run: compare within "
        "one run.",
        "",
        "What the sizes are: *the real report* (83 passages); *10k*: 121 report files that rewrite the real "
        "one (another force's name and year, sentences of each paragraph shuffled), parsed and embedded "
        "for real; *100k* and *1M*: passages rewritten the same way, with **synthetic vectors** (noisy "
        "copies of the 10k build's real vectors, noise set so a vector's nearest neighbour is as close as "
        "in the real report) -- their latency, memory and recall figures are measured on those; their "
        "build time is extrapolated. Latency: warm, one question at a time, k = 5, no reranking, "
        f"{rows[0]['serve']['questions'] if rows else 220} questions (the 60 dev questions plus questions "
        "made from the report's sentences), each asked once (repeats would hit the query cache).",
        "",
        "### Against the targets",
        "",
        *targets(scale, tx),
        "",
        "How it is built to scale (each choice measured below):",
        "",
        "* **Several vectors per passage** (the passage in context and each sentence: about 2.3 per "
        "passage, so 2.3M at 1M passages) are kept at every size, since they measurably improve retrieval "
        "(docs/EVALUATION.md). Their cost is held down by storing them as float16 on disk (memory-mapped, "
        "read only to re-score the few hundred units a search finds) and as 8-bit codes in the index.",
        "* **Index type from the unit count** (`assistant/store/vectors.py`, overridable with "
        "`assistant index --index-type`): exact `flat` search up to 50k units (about 21k passages), then "
        "`IVF<4*sqrt(units)>,SQ8` scanning 1/96 of the lists (at least 32, set at load), which the "
        "nprobe sweep below shows keeps recall@10 >= 0.98 with a margin. Hits are re-scored exactly "
        "from the stored vectors, so quantisation can only miss a unit, not misorder what it finds.",
        "* **Memory-mapped**: the IVF index (`IO_FLAG_MMAP`), the float16 vectors, the passage table and "
        "the BM25 arrays (bm25s `mmap=True` above 100k passages) stay on disk until a search reads them.",
        "* **Start-up** imports neither torch nor sentence-transformers nor Gradio for `ask`; the first load "
        "after a build hashes every file, later loads only files whose stat signature changed.",
        "* **Encoder**: passages are embedded by MiniLM in int8 arithmetic "
        "(`assistant/embedding/onnx_embedder.py`), "
        "questions by the packaged ONNX export (full-precision arithmetic): int8 questions cost MRR@10.",
        "",
        "### Latency by stage",
        "",
        *latency_table(rows),
        "",
        *memory_table(rows),
        "",
        "Cold start is process start to first answer with the index present (for 100k/1M opened "
        "directly, without the corpus scan). The first start after a build hashes every index file; "
        "later starts hash only files whose size/mtime/ctime/inode changed (`assistant/store/load.py`).",
        "",
        *build_table(rows, rate),
        "",
        "Approximate search against exact search (same question vectors, best unit per passage):",
        "",
        *recall_table(rows),
        "",
        *limits(rows, rate["passages_per_s"] if rate else None),
        "",
    ]
    if plot(rows) if rows else False:
        lines += ["![Latency and memory against passage count](benchmarks-scaling.png)", ""]
    lines += encoder_section(enc) + txtai_section(tx) + [END]
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    DOC.write_text(splice(put_section(text, BEGIN, END, "\n".join(lines))), encoding="utf-8")


if __name__ == "__main__":
    render()

"""The indexing-throughput, vector-cache and serving-saturation sections of docs/BENCHMARKS.md.

Rendered by :func:`benchmarks.report.render` between ``<!-- engine:begin -->`` and
``<!-- engine:end -->`` from ``benchmarks/results/index_throughput.json`` and
``benchmarks/results/saturation.json``; nothing here is typed by hand.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
BEGIN, END = "<!-- engine:begin -->", "<!-- engine:end -->"
END_TO_END_TARGET = 200
RATIO_TARGET = 0.85
CPU_SHARE_TARGET = 0.70


def load_result(name: str) -> dict[str, Any]:
    """``benchmarks/results/<name>.json``, or an empty dict when it has not been measured."""
    path = RESULTS / f"{name}.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    return data


def mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _stamp(part: dict[str, Any]) -> str:
    load = part.get("load_average", ["?", "?"])
    return f"{part.get('when', '?')}, commit {part.get('commit', '?')}, load average {load[0]} -> {load[1]}"


def _per_cpu(run: dict[str, Any]) -> float:
    """Passages per CPU-second of this process (older results: from wall rate and cores busy)."""
    return float(run.get("passages_per_cpu_s") or run["passages_per_s"] / max(run["cores"], 1e-9))


def throughput_section(data: dict[str, Any]) -> list[str]:
    part = data.get("throughput")
    if not part:
        return []
    v = part["value"]
    med = v["median"]
    cpu = {
        k: statistics.median(_per_cpu(r[k]) for r in v["runs"]) for k in ("encoder", "before", "end_to_end")
    }
    cpu_ratio = cpu["end_to_end"] / cpu["encoder"]
    out = [
        "### Indexing throughput on text no cache can help (`python -m benchmarks.index_throughput`)",
        "",
        f"{v['copies']} copies of the real report with a reference number in every sentence: "
        f"{v['passages']:,} passages, {v['texts']:,} unit texts, {v['distinct_texts']:,} of them distinct "
        "(so neither the vector cache nor de-duplication can help), into a fresh index. In one process "
        "with one loaded encoder (`" + v["encoder"] + "`), each repetition times the encoder alone "
        "on every unit text, the build as it was (parse everything, then embed, then write) and "
        "`update_index` (parse, embed and write overlapped), in alternating order. "
        f"Measured {_stamp(part)}, on {data.get('cores', '?')} cores shared with other work: when the "
        "other work leaves this process less than both cores (*cores busy* below 2), wall-clock rates "
        "swing with it, so each run is also given per CPU-second of this process (all its threads), "
        "which the neighbours move far less.",
        "",
        "| repetition | load average before / after | encoder alone: passages/s (cores busy; per CPU-s) "
        "| before: passages/s (share of encoder; per CPU-s) "
        "| now: passages/s (share of encoder; per CPU-s) |",
        "|---|---|---|---|---|",
    ]
    for n, r in enumerate(v["runs"], start=1):
        cells = [
            f"{r[k]['passages_per_s']:.0f} ({share}; {_per_cpu(r[k]):.0f})"
            for k, share in (
                ("encoder", f"{r['encoder']['cores']:.2f} cores"),
                ("before", f"{r['ratio_before']:.0%}"),
                ("end_to_end", f"{r['ratio']:.0%}"),
            )
        ]
        out.append(f"| {n} | {r['load_before']} / {r['load_after']} | " + " | ".join(cells) + " |")
    out += [
        f"| **median** | | **{med['encoder']:.0f}** ({cpu['encoder']:.0f}) "
        f"| **{med['before']:.0f}** ({v['median_ratio_before']:.0%}; {cpu['before']:.0f}) "
        f"| **{med['end_to_end']:.0f}** ({v['median_ratio']:.0%}; {cpu['end_to_end']:.0f}) |",
        "",
        "| target | measured | |",
        "|---|---|---|",
        f"| end to end >= {END_TO_END_TARGET} passages/s on distinct text "
        f"| {med['end_to_end']:.0f} passages/s (median; the encoder alone reached {med['encoder']:.0f} "
        f"in the same run) | {mark(med['end_to_end'] >= END_TO_END_TARGET)} |",
        f"| end to end >= {RATIO_TARGET:.0%} of the encoder's own throughput, same run "
        f"| {v['median_ratio']:.0%} of its wall-clock rate (median of {len(v['runs'])}; before: "
        f"{v['median_ratio_before']:.0%}); {cpu_ratio:.0%} of its rate per CPU-second "
        f"| {mark(min(v['median_ratio'], cpu_ratio) >= RATIO_TARGET)} |",
        "",
    ]
    return out


def same_results_section(data: dict[str, Any]) -> list[str]:
    part = data.get("same-results")
    if not part:
        return []
    out = [
        "Same answers: each corpus indexed by `update_index` (pipelined, each distinct text embedded "
        "once) and by the plain path (one `embed_all` call, the same writer), then every dev question "
        f"asked of both (top 5; {_stamp(part)}). The int8-compute encoder quantises a whole batch with "
        "one scale, so a text's vector moves slightly with its batch-mates: its own noise floor is the "
        "plain path against itself with batches of 8 instead of 16.",
        "",
        "| corpus | passages encoded by | questions | same top-5 ids in order | same top-5 sets "
        "| largest score difference |",
        "|---|---|---|---|---|---|",
    ]
    for corpus, rows in part["value"].items():
        for label, r in rows.items():
            if isinstance(r, dict):
                out.append(
                    f"| {corpus} | {label} | {rows['questions']} | {r['same_top_k_ids']} | "
                    f"{r['same_top_k_sets']} | {r['max_score_difference']} |"
                )
    return [*out, ""]


CACHE_ROWS = ("no cache, fresh", "cache, fresh", "cache, rebuild", "cache, one report added")


def cache_section(data: dict[str, Any]) -> list[str]:
    wanted = (("library fixture", "library"), ("10k library", "cache-10k"))
    parts = [(name, data[key]) for name, key in wanted if data.get(key)]
    if not parts:
        return []
    out = [
        "### The vector cache (`python -m benchmarks.index_throughput --parts library cache-10k`)",
        "",
        "Each unit text's vector is kept with the index under a hash of the text "
        "(`assistant/store/unit_cache.py`). *No cache* embeds every unit; *cache, fresh* is a new "
        "index where wording repeated across reports is embedded once; *rebuild* is `assistant index "
        "--rebuild` over the live version; *one report added* is an incremental update. Hit share = "
        "units not embedded (found in the cache or repeated in the build) / all units of the "
        "reports parsed. The library fixture is six PEEL reports made from the Met text "
        "(`tests/support/library.py`); the 10k library is `benchmarks.scale`'s 121 rewritten copies.",
        "",
        "| library | build | passages parsed | units | from the cache | repeated | embedded | hit share "
        "| seconds | passages/s | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, part in parts:
        v = part["value"]
        for row in CACHE_ROWS:
            r = v[row]
            cells = (
                f"{r['passages']:,}",
                f"{r['units']:,}",
                f"{r['cached']:,}",
                f"{r['repeated']:,}",
                f"{r['encoded']:,}",
                f"{r['hit_share']:.0%}",
                f"{r['seconds']:.2f}",
                f"{r['passages_per_s']:,.0f}",
                str(r["load"][0]),
            )
            out.append(f"| {name} | {row} | " + " | ".join(cells) + " |")
    out.append("")
    for name, part in parts:
        v = part["value"]
        out.append(
            f"* {name}: a fresh build with the cache took {1 / v['speed_up_fresh']:.0%} of the time of one "
            f"without ({v['speed_up_fresh']}x faster; {_stamp(part)})."
        )
    return [*out, ""]


def _efficiency(runs: list[dict[str, Any]], kind: str) -> float:
    """Median of in-process CPU-ms / server CPU-ms per question: the share of the bound with every core."""
    ratios = [
        float(r[kind]["cpu_ms_per_question"]) / float(r[kind]["server_cpu_ms_per_question"]) for r in runs
    ]
    return statistics.median(ratios)


def saturation_section(data: dict[str, Any]) -> list[str]:
    if not data:
        return []
    names = {"now": "now", "before": "before (main before this change)"}
    out = [
        "### Serving at saturation (`python -m benchmarks.saturation --before <checkout of the old code>`)",
        "",
        "The real report served by `assistant serve`; "
        f"{data['args']['clients']} clients ask back to back (no pause), {data['args']['questions']} "
        "questions per run, through `/ask` (Gradio's HTTP API: `POST /gradio_api/call/ask`, then the event "
        "stream) and through the chat's own endpoint (the question box's event through Gradio's queue). "
        "The CPU bound is cores x 1000 / CPU-ms per question, the CPU-ms timed in the benchmark's "
        "process just before each run, one question at a time, on the same questions (new to both "
        "processes). Server CPU-ms per question: what the server process spent per question served; "
        "client cores: what the 32 simulated users took of the same 2 cores. Measured "
        f"{data.get('when', '?')}, commit {data.get('commit', '?')}.",
        "",
        "| code | endpoint | run | load average | CPU-ms per question in process | CPU bound q/s "
        "| served q/s | share of bound | server CPU-ms per question (efficiency) "
        "| server / client cores busy |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, runs in data["runs"].items():
        for n, run in enumerate(runs["saturation"], start=1):
            for kind in ("ask", "chat"):
                r = run[kind]
                cells = (
                    names.get(name, name),
                    "/ask" if kind == "ask" else "chat",
                    str(n),
                    f"{r['load_average'][0]} -> {r['load_average'][1]}",
                    f"{r['cpu_ms_per_question']:.2f}",
                    f"{r['cpu_bound_per_s']:.0f}",
                    f"**{r['per_second']:.1f}**",
                    f"{r['share_of_bound']:.0%}",
                    f"{r['server_cpu_ms_per_question']:.1f} ({_efficiency([run], kind):.0%})",
                    f"{r['server_cores_busy']:.2f} / {r['client_cores_busy']:.2f}",
                )
                out.append("| " + " | ".join(cells) + " |")
    out += ["", "| target | measured | |", "|---|---|---|"]
    summary = data["summary"]
    for kind, label in (("ask", "/ask"), ("chat", "the chat's endpoint")):
        now = summary["now"][kind]
        before = summary.get("before", {}).get(kind)
        was = (
            f" (before: {before['median_per_second']:.1f} q/s, {before['median_share_of_bound']:.0%})"
            if before
            else ""
        )
        out.append(
            f"| saturation of {label} >= {CPU_SHARE_TARGET:.0%} of the CPU bound | "
            f"{now['median_per_second']:.1f} q/s, {now['median_share_of_bound']:.0%} of the bound "
            f"(median){was} | {mark(now['median_share_of_bound'] >= CPU_SHARE_TARGET)} |"
        )
        effs = {name: _efficiency(runs["saturation"], kind) for name, runs in data["runs"].items()}
        eff_was = f" (before: {effs['before']:.0%})" if "before" in effs else ""
        out.append(
            f"| the same if the server had every core: CPU efficiency of {label} (in-process / server "
            f"CPU-ms per question) >= {CPU_SHARE_TARGET:.0%} | {effs['now']:.0%} (median){eff_was} "
            f"| {mark(effs['now'] >= CPU_SHARE_TARGET)} |"
        )
    for name, runs in data["runs"].items():
        u = runs["users"]
        out.append(
            f"| {names.get(name, name)}: {u['users']} users pausing "
            f"{u['think_s'][0]}-{u['think_s'][1]:.0f} s, "
            f"p95 <= 3x one user's | {u['users_p95_ms']:.0f} ms against {u['single_p95_ms']:.0f} ms: "
            f"{u['p95_ratio']}x (load average {u['load_average'][0]}) | {mark(u['p95_ratio'] <= 3)} |"
        )
    return [*out, ""]


def render_lines() -> list[str]:
    data = load_result("index_throughput")
    lines = [BEGIN, "## Indexing throughput, the vector cache and serving at saturation", ""]
    lines += throughput_section(data) + same_results_section(data) + cache_section(data)
    lines += saturation_section(load_result("saturation"))
    return [*lines, END]


def put_section(text: str, begin: str, end: str, block: str) -> str:
    """``text`` with what lies from ``begin`` to ``end`` (markers included) replaced by ``block``,
    which carries its own markers; appended when ``text`` has no such section yet (pure)."""
    if begin in text and end in text:
        return text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    return text.rstrip("\n") + "\n\n" + block + "\n"


def splice(text: str) -> str:
    """``text`` with the engine section replaced (or appended when it has none)."""
    return put_section(text, BEGIN, END, "\n".join(render_lines()))

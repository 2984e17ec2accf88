"""Issue 13's "done when": a corpus of the real report, a PDF inflating to 1 GB and a .docx of 188,660
paragraphs, indexed by ``assistant index`` as a new user would run it.

    python -m benchmarks.hostile_corpus                     # -> benchmarks/results/hostile_corpus.json
    python -m benchmarks.hostile_corpus --pages 8000 --out benchmarks/results/hostile_corpus-pages.json
    python -m benchmarks.hostile_corpus --report            # only rewrite the table in docs/RELIABILITY.md

Runs ``python -m assistant index`` (real model, default settings) in a fresh process, sampling
the resident memory of its whole process tree (the command and every child, e.g. parse
workers) every 50 ms, and stops it after ``--timeout`` seconds. Then asks the index a question
the real report answers. Passes when the build finished within 60 s, its tree's peak stayed
under 1.5 GB, every hostile file was named as skipped, and the answer quotes the real report.

Each run (and ``--report``) rewrites the table between ``<!-- hostile:begin -->`` and
``<!-- hostile:end -->`` in docs/RELIABILITY.md from every ``hostile_corpus*.json`` result file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.probe import write_results
from tests.support.corpus import make_corpus
from tests.support.hostile import inflating_docx, inflating_pdf, many_pages_pdf
from tests.support.load import tree_rss_kb

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "hostile_corpus.json"
DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- hostile:begin -->", "<!-- hostile:end -->"
QUESTION = "what is said about detective shortages"
LIMIT_SECONDS = 60.0
LIMIT_MB = 1500.0


def run_sampled(command: list[str], timeout: float, env: dict[str, str]) -> dict[str, Any]:
    """Run ``command``; its wall time, exit code, the peak RSS of its process tree, and its stderr."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=err, env=env, start_new_session=True
        )
        peak = 0
        finished = True
        while proc.poll() is None:
            peak = max(peak, tree_rss_kb(proc.pid))
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, 9)
                proc.wait()
                finished = False
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return {
        "finished": finished,
        "exit_code": proc.returncode,
        "seconds": round(seconds, 1),
        "peak_tree_rss_mb": round(peak / 1024, 1),
        "stderr": stderr,
    }


def _refused(line: str) -> str:
    """``Skipped /x/y.pdf: refused, as ... (the limit, setting max_pages; ...)`` -> ``y.pdf (max_pages)``."""
    name = line.removeprefix("Skipped ").split(": ", 1)[0].rsplit("/", 1)[-1]
    setting = re.search(r"setting (\w+)", line)
    return f"{name} ({setting.group(1)})" if setting else name


def table(results: dict[str, dict[str, Any]]) -> list[str]:
    """The result files as a table (one row per file, by name)."""
    out = [
        "| result file | commit | corpus | finished | seconds | peak RSS of the tree, MB | refused, named "
        "| the real report answers | load average |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, r in sorted(results.items()):
        corpus = ", ".join(
            f"{k} ({v})" if "MB" in str(v) else k for k, v in r["corpus"].items() if k != "real report"
        )
        run = r["index"]
        finished = "yes" if run["finished"] else f"no (stopped at {run['seconds']:.0f} s)"
        named = "; ".join(_refused(line) for line in r["skipped"]) or "none"
        answers = "yes" if r["checks"]["the real report answers"] else "no"
        out.append(
            f"| `{name}` | {r['commit']} | Met report + {corpus} | {finished} | {run['seconds']:.1f} | "
            f"{run['peak_tree_rss_mb']:,.0f} | {named} | {answers} | {r['load_average']:.1f} |"
        )
    return out


def replace_between(doc: Path, begin: str, end: str, lines: list[str]) -> None:
    """Put ``lines`` between the markers ``begin`` and ``end`` of ``doc``, leaving the rest as it is."""
    text = doc.read_text(encoding="utf-8")
    if begin not in text or end not in text:
        raise SystemExit(f"{doc} has no {begin} ... {end} markers to write the table between")
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    doc.write_text("\n".join([head + begin, *lines, end]) + tail, encoding="utf-8")


def write_report(doc: Path = DOC) -> None:
    """Rewrite the table in ``doc`` from every ``hostile_corpus*.json`` result file."""
    results = {p.name: json.loads(p.read_text()) for p in RESULTS.parent.glob("hostile_corpus*.json")}
    replace_between(doc, BEGIN, END, table(results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--inflate-mb", type=int, default=1000, help="what the PDF's stream inflates to")
    parser.add_argument("--paragraphs", type=int, default=188_660, help="paragraphs in the .docx")
    parser.add_argument("--pages", type=int, default=0, help="also add a PDF of this many pages")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="only rewrite the table in docs/RELIABILITY.md")
    args = parser.parse_args(argv)
    if args.report:
        write_report()
        return 0
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("ASSISTANT_")}  # default settings only
    with tempfile.TemporaryDirectory(prefix="hostile-corpus-") as tmp:
        corpus = make_corpus(Path(tmp) / "corpus")
        hostile = {
            "inflating.pdf": inflating_pdf(args.inflate_mb),
            "inflating.docx": inflating_docx(args.paragraphs),
        }
        if args.pages:
            hostile["pages.pdf"] = many_pages_pdf(args.pages)
        for name, data in hostile.items():
            (corpus / name).write_bytes(data)
        index = Path(tmp) / "index"
        common = ["--corpus", str(corpus), "--index", str(index)]
        build = run_sampled([sys.executable, "-m", "assistant", "index", *common], args.timeout, env)
        skipped = [line for line in build["stderr"].splitlines() if line.startswith("Skipped ")]
        answer: dict[str, Any] = {}
        if build["finished"] and build["exit_code"] == 0:
            asked = subprocess.run(
                [sys.executable, "-m", "assistant", "ask", QUESTION, "--json", "--k", "3", *common],
                capture_output=True,
                text=True,
                env=env,
                timeout=300,
            )
            reply: dict[str, Any] = (
                json.loads(asked.stdout) if asked.returncode == 0 else {"error": asked.stderr.strip()}
            )
            passages = reply.get("passages", [])
            answer = {
                "abstained": reply.get("abstained"),
                "reports": [p["report"] for p in passages],
                "first": passages[0]["citation"] if passages else reply.get("error"),
            }
    named = {name: any(name in line for line in skipped) for name in hostile}
    real_answers = bool(answer.get("reports")) and all("Metropolitan" in r for r in answer["reports"])
    result = {
        "corpus": {
            "real report": "metropolitan-peel-2017-effectiveness.txt",
            **{name: f"{len(data) / 1e6:.2f} MB" for name, data in hostile.items()},
        },
        "inflate_mb": args.inflate_mb,
        "paragraphs": args.paragraphs,
        "pages": args.pages,
        "load_average": os.getloadavg()[0],
        "index": {k: v for k, v in build.items() if k != "stderr"},
        "skipped": skipped,
        "stderr_tail": build["stderr"].splitlines()[-8:],
        "answer": answer,
        "checks": {
            f"finished in under {LIMIT_SECONDS:.0f} s": bool(build["finished"])
            and build["seconds"] < LIMIT_SECONDS,
            f"peak tree RSS under {LIMIT_MB:.0f} MB": build["peak_tree_rss_mb"] < LIMIT_MB,
            "every hostile file named": all(named.values()),
            "the real report answers": real_answers,
        },
    }
    result["passed"] = all(result["checks"].values())
    write_results(args.out, result)
    if args.out.resolve().parent == RESULTS.parent:
        write_report()
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

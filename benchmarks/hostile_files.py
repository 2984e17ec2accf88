"""Each of issue 13's hostile files read alone, without limits and with the default ones.

    python -m benchmarks.hostile_files        # -> benchmarks/results/hostile_files.json (~5 min)

For every file, a fresh process reads it twice over: ``unlimited`` parses it in that process
with no limits (what the code did before the limits; stopped after ``--timeout`` seconds) and
``limited`` reads it as ``assistant index`` now does (default limits, in a worker). Each run
records its wall time, the peak resident memory of its process tree (sampled every 50 ms) and
its outcome. The table between ``<!-- hostile-files:begin -->`` and ``<!-- hostile-files:end -->``
in docs/RELIABILITY.md is rewritten from the result file.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.hostile_corpus import ROOT, replace_between, run_sampled
from benchmarks.probe import write_results
from tests.support import hostile

RESULTS = ROOT / "benchmarks" / "results" / "hostile_files.json"
DOC = ROOT / "docs" / "RELIABILITY.md"
BEGIN, END = "<!-- hostile-files:begin -->", "<!-- hostile-files:end -->"
FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "inflating.pdf": ("one stream inflating to 1 GB of spaces", lambda: hostile.inflating_pdf(1000)),
    "pages.pdf": ("8,000 pages", lambda: hostile.many_pages_pdf(8000)),
    "paragraphs.docx": ("188,660 paragraphs, 22 MB of XML", lambda: hostile.inflating_docx(188_660)),
    "blocks.html": ("250,000 paragraphs", lambda: hostile.many_blocks_html(250_000)),
    "items.md": ("350,000 list items", lambda: hostile.many_blocks_markdown(350_000)),
    "emphasis.md": ("1,000,000 emphasised letters", lambda: hostile.emphasis_markdown(1_000_000)),
}
READ = """
import sys
from pathlib import Path
from assistant.errors import IngestError
from assistant.ingest import Limits, load_report
path = Path(sys.argv[1])
limited = sys.argv[2] == "limited"
try:
    limits = Limits.defaults() if limited else Limits()
    report = load_report(path, path.parent, limits=limits, isolated=limited)
    print(f"read: {sum(len(s.blocks) for s in report.sections):,} blocks", file=sys.stderr)
except IngestError as exc:
    print(exc.reason, file=sys.stderr)
"""


def outcome(run: dict[str, Any]) -> str:
    if not run["finished"]:
        return f"still reading when stopped at {run['seconds']:.0f} s"
    last: list[str] = str(run["stderr"]).strip().splitlines()[-1:] or [f"exit code {run['exit_code']}"]
    return last[0]


def table(result: dict[str, Any]) -> list[str]:
    out = [
        "| file | on disk | without limits: s | MB | outcome | with the default limits: s | MB | outcome |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in result["files"].items():
        cells = []
        for mode in ("unlimited", "limited"):
            r = row[mode]
            cells.append(f"{r['seconds']:.1f} | {r['peak_tree_rss_mb']:,.0f} | {r['outcome']}")
        out.append(f"| {name}: {row['what']} | {row['mb']:.2f} MB | {' | '.join(cells)} |")
    out.append("")
    out.append(f"Commit {result['commit']}, {result['when']}, load average {result['load_average']:.1f}.")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--report", action="store_true", help="only rewrite the table in docs/RELIABILITY.md")
    args = parser.parse_args(argv)
    if not args.report:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        files: dict[str, Any] = {}
        with tempfile.TemporaryDirectory(prefix="hostile-files-") as tmp:
            for name, (what, make) in FILES.items():
                path = Path(tmp) / name
                path.write_bytes(make())
                row: dict[str, Any] = {"what": what, "mb": path.stat().st_size / 1e6}
                for mode in ("unlimited", "limited"):
                    run = run_sampled([sys.executable, "-c", READ, str(path), mode], args.timeout, env)
                    row[mode] = {**{k: v for k, v in run.items() if k != "stderr"}, "outcome": outcome(run)}
                    print(name, mode, row[mode], flush=True)
                files[name] = row
                path.unlink()
        write_results(args.out, {"files": files, "load_average": os.getloadavg()[0], "timeout": args.timeout})
    result = json.loads(args.out.read_text())
    replace_between(DOC, BEGIN, END, table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Load, overload and soak runs against the chat server's ``/ask`` endpoint, as many users would call it.

    python -m benchmarks.load                         # the full run of docs/RELIABILITY.md (~25 min)
    python -m benchmarks.load --clients 32 --questions 1000 --soak 10000 --client gradio

Each run starts ``assistant serve`` on 127.0.0.1 over the real Met report (indexed with the
real model on first start) and drives it from threads, one HTTP client each:

* **single user**: one client asks ``--single`` questions in turn (the baseline latency);
* **load**: ``--clients`` clients ask ``--questions`` questions in all, each asking its next
  question as soon as the last is answered (no think time: the hardest closed loop), through
  ``/ask`` and then through the chat's own endpoint; printed as throughput and its share of
  the CPU bound (cores x 1000 / CPU-ms per question, timed in this process on the same
  questions: :mod:`benchmarks.saturation`, which repeats it and compares with older code);
* **users**: the same clients with a think time (``--think`` seconds, random up to twice
  that) between questions, as people at a chat would; printed as its p95 against the
  single user's;
* **overload**: a second server with ``--max-queue`` waiting places gets ``--burst``
  questions at once; those beyond the queue must be refused at once with the polite
  "busy" message and ``Retry-After``, and every other one answered;
* **soak**: ``--soak`` more questions; the server's resident memory (``VmRSS``) is sampled
  after each tenth, and growth is measured from the first sample (after warm-up) to the last.

Questions are the dev questions plus ones made from the report's sentences
(:func:`tests.support.questions.latency_questions`), so the question cache does not hide the
work. ``--client http`` (default) speaks Gradio's HTTP API directly (``POST
/gradio_api/call/ask`` then the event stream); ``--client gradio`` uses ``gradio_client``,
which adds its own polling. Results go to ``benchmarks/results/load.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from benchmarks.saturation import cpu_ms, in_process, questions_once
from tests.support.load import ASKERS, Run, burst, drive, rss_kb, server, soak, table
from tests.support.questions import latency_questions

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "load.json"


# -- the whole run -----------------------------------------------------------------------------


def full_run(args: argparse.Namespace, folder: Path, log: Callable[[str], None] = print) -> list[Run]:
    pool = latency_questions(max(args.questions, args.single, 2000))
    rng = random.Random(7)
    runs: list[Run] = []
    with server(folder) as (url, pid):
        log(f"server pid {pid} at {url}, RSS {rss_kb(pid) / 1024:.0f} MiB")
        runs.append(drive(url, pool[: args.single], 1, client=args.client, name="single user"))
        log(table(runs[-1:]))
        fresh = questions_once()
        work = in_process(folder)
        for kind, client in (("ask", args.client), ("chat", "chat")):
            asked = fresh(args.questions)
            ms = cpu_ms(work[kind], asked, fresh(20))
            runs.append(drive(url, asked, args.clients, client=client, name=f"load ({kind})"))
            bound = (os.cpu_count() or 1) * 1000 / ms
            runs[-1].extra = {
                "cpu_ms_per_question": round(ms, 2),
                "share_of_cpu_bound": runs[-1].per_second / bound,
            }
            log(table(runs[-1:]))
            log(
                f"saturation ({kind}, {args.clients} clients back to back): {runs[-1].per_second} "
                f"questions/s = {runs[-1].per_second / bound:.0%} of the CPU bound ({os.cpu_count()} "
                f"cores x 1000 / {ms:.2f} CPU-ms per question in process; load average "
                f"{os.getloadavg()[0]:.1f})"
            )
        if args.think:
            users = [rng.choice(pool) for _ in range(min(args.questions, 20 * args.clients))]
            runs.append(drive(url, users, args.clients, client=args.client, think=args.think, name="users"))
            log(table(runs[-1:]))
            log(
                f"users pausing 0-{2 * args.think:.0f} s: p95 {runs[-1].p95_ms:.0f} ms = "
                f"{runs[-1].p95_ms / max(runs[0].p95_ms, 1e-9):.1f}x the single-user p95"
            )
        if args.soak:
            questions = [rng.choice(pool) for _ in range(args.soak)]
            runs.append(soak(url, pid, questions, args.clients, client=args.client))
            extra = runs[-1].extra
            log(table(runs[-1:]) + f"\nRSS KiB per tenth: {extra['rss_kib']}")
            log(f"RSS growth from the first tenth to the last: {extra['rss_growth_percent']}%")
    if args.burst:
        with server(folder, "--max-queue", str(args.max_queue)) as (url, _pid):
            runs.append(burst(url, args.burst))
            runs[-1].extra["max_queue"] = args.max_queue
            log(table(runs[-1:]))
            log(
                f"overload: {runs[-1].busy} of {args.burst} refused as busy with Retry-After, "
                f"{runs[-1].answered} answered, {runs[-1].error_count} errors (max queue {args.max_queue})"
            )
    return runs


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--client", choices=sorted(ASKERS), default="http")
    parser.add_argument("--single", type=int, default=200, help="questions asked by one user alone")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--questions", type=int, default=1000, help="questions in the load run")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a user's questions")
    parser.add_argument("--soak", type=int, default=10_000, help="questions in the soak run (0: none)")
    parser.add_argument("--burst", type=int, default=64, help="questions sent at once in the overload run")
    parser.add_argument("--max-queue", type=int, default=8, help="queue size of the overload server")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="assistant-load-") as tmp:
        runs = full_run(args, Path(tmp))
    print(table(runs))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"args": {k: str(v) for k, v in vars(args).items()}, "runs": [asdict(r) for r in runs]}, indent=1
        )
    )


if __name__ == "__main__":
    main()

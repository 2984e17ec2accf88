"""Serving at saturation against what the CPU allows, measured in one run.

    python -m benchmarks.saturation                         # this checkout, 3 repetitions
    python -m benchmarks.saturation --before /tmp/main-checkout   # also a server of that code

The **CPU bound** is ``cores x 1000 / CPU-ms per question``, the CPU-ms measured here, in
process and one question at a time, on the index the server built: for ``/ask`` the answer and
its JSON (:func:`assistant.ui.app.api_answer`), for the chat a whole turn of
:class:`assistant.ui.session.ChatLogic` (answer and evidence cards). Then ``--clients`` users
ask back to back, no pause (the hardest closed loop), through ``/ask`` and through the chat's
own endpoint (:class:`tests.support.askers.ChatAsker`): throughput, and its share of the bound.
Each repetition measures the bound just before the served runs, so both see the same machine;
the load average is recorded beside every figure, and so are the CPU-ms the server process
spent per question served and what the load-driving threads (in this process) spent; their
ratio, *CPU efficiency* (in-process CPU-ms / server CPU-ms per question), is the share of the
bound the server would reach with every core to itself, which neighbours' load moves little.

``--before DIR`` starts a second server from another checkout of the code (``PYTHONPATH``)
and measures it in the same way, alternating with this one. Results go to
``benchmarks/results/saturation.json``; :mod:`benchmarks.report` writes them into
docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from benchmarks.probe import write_results
from tests.support.load import drive, server
from tests.support.questions import latency_questions

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "saturation.json"


Fresh = Callable[[int], list[str]]
"""Hands out that many questions not handed out before."""


def questions_once(size: int = 40_000) -> Fresh:
    """Questions from one large shuffled pool, each handed out once (the dev ones, then made ones)."""
    pool = list(dict.fromkeys(latency_questions(size)))
    random.Random(11).shuffle(pool)
    taken = 0

    def fresh(count: int) -> list[str]:
        nonlocal taken
        if taken + count > len(pool):
            raise ValueError(f"only {len(pool)} distinct questions; ask for fewer")
        taken += count
        return pool[taken - count : taken]

    return fresh


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process(folder: Path) -> dict[str, Callable[[str], object]]:
    """One question's whole work, for ``/ask`` and for a chat turn, on the server's own index."""
    from assistant.service import Assistant
    from assistant.ui.app import api_answer
    from assistant.ui.session import ChatLogic, make_filters
    from tests.support.corpus import settings_for

    assistant = Assistant.open(settings_for(folder / "corpus", folder / "index"), log=lambda _m: None)
    logic = ChatLogic(assistant, folder / "exports")
    _, pinned = logic.briefings.get("benchmark")
    no_filters = make_filters([], [], [], [], [])
    return {
        "ask": lambda q: json.dumps(api_answer(assistant, [q, 5])),
        "chat": lambda q: logic.ask(q, [], None, no_filters, pinned),
    }


def cpu_ms(work: Callable[[str], object], questions: Sequence[str], warm: Sequence[str]) -> float:
    """CPU-ms of this process per question of ``questions``, one at a time, after the ``warm`` ones."""
    for q in warm:
        work(q)
    started = time.process_time()
    for q in questions:
        work(q)
    return (time.process_time() - started) * 1000 / len(questions)


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def measure(
    url: str, pid: int, work: dict[str, Callable[[str], object]], args: argparse.Namespace, fresh: Fresh
) -> dict[str, Any]:
    """The CPU bound, then the served saturation, for ``/ask`` and for the chat.

    The bound is timed on the very questions the server is then asked, each new to both (the
    question-vector caches of both processes would otherwise favour whichever saw it before).
    """
    cores = os.cpu_count() or 1
    out: dict[str, Any] = {"cores": cores}
    for kind, client in (("ask", "http"), ("chat", "chat")):
        load = _load()
        asked = fresh(args.questions)
        ms = cpu_ms(work[kind], asked, fresh(20))
        server_cpu, own_cpu = cpu_seconds(pid), time.process_time()
        run = drive(url, asked, args.clients, client=client, name=kind)
        server_cpu, own_cpu = cpu_seconds(pid) - server_cpu, time.process_time() - own_cpu
        bound = cores * 1000 / ms
        out[kind] = {
            "cpu_ms_per_question": round(ms, 2),
            "cpu_bound_per_s": round(bound, 1),
            "per_second": run.per_second,
            "share_of_bound": round(run.per_second / bound, 3),
            "answered": run.answered,
            "errors": run.error_count,
            "busy": run.busy,
            "p50_ms": run.p50_ms,
            "p95_ms": run.p95_ms,
            "server_cpu_ms_per_question": round(server_cpu * 1000 / max(run.answered, 1), 2),
            "server_cores_busy": round(server_cpu / run.seconds, 2),
            "client_cores_busy": round(own_cpu / run.seconds, 2),
            "load_average": [load, _load()],
        }
        print(kind, json.dumps(out[kind]), flush=True)
    return out


def users(url: str, args: argparse.Namespace, fresh: Fresh) -> dict[str, Any]:
    """One user alone, then ``--clients`` users pausing 0 to ``2 * think`` seconds: the p95 ratio."""
    load = _load()
    single = drive(url, fresh(args.single), 1, name="single user")
    crowd = fresh(min(args.questions, 20 * args.clients))
    many = drive(url, crowd, args.clients, think=args.think, name="users")
    return {
        "single_p50_ms": single.p50_ms,
        "single_p95_ms": single.p95_ms,
        "users_p50_ms": many.p50_ms,
        "users_p95_ms": many.p95_ms,
        "p95_ratio": round(many.p95_ms / max(single.p95_ms, 1e-9), 2),
        "users": args.clients,
        "think_s": [0, 2 * args.think],
        "errors": single.error_count + many.error_count,
        "load_average": [load, _load()],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--questions", type=int, default=1000, help="questions per saturation run")
    parser.add_argument("--bound-questions", type=int, default=200, help="questions timed in process")
    parser.add_argument("--single", type=int, default=200)
    parser.add_argument("--think", type=float, default=2.0, help="mean pause of a user (uniform 0..2x)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with (PYTHONPATH)")
    args = parser.parse_args(argv)
    servers = {"now": None, **({"before": args.before.resolve()} if args.before else {})}
    result: dict[str, Any] = {"args": {k: str(v) for k, v in vars(args).items()}, "runs": {}}
    with tempfile.TemporaryDirectory(prefix="assistant-saturation-") as tmp:
        work = in_process(_prepared(Path(tmp)))
        for name, code in servers.items():
            folder = Path(tmp) / name
            env = {"PYTHONPATH": str(code), "PYTHONSAFEPATH": "1"} if code else None  # not this folder's code
            with server(_prepared(folder, Path(tmp)), env=env) as (url, pid):
                fresh = questions_once()
                runs = [measure(url, pid, work, args, fresh) for _ in range(args.repeats)]
                result["runs"][name] = {"saturation": runs, "users": users(url, args, fresh)}
                print(name, "users", json.dumps(result["runs"][name]["users"]), flush=True)
    result["summary"] = {
        name: {
            kind: {
                "median_per_second": statistics.median(r[kind]["per_second"] for r in runs["saturation"]),
                "median_share_of_bound": statistics.median(
                    r[kind]["share_of_bound"] for r in runs["saturation"]
                ),
                "median_cpu_ms_per_question": statistics.median(
                    r[kind]["cpu_ms_per_question"] for r in runs["saturation"]
                ),
            }
            for kind in ("ask", "chat")
        }
        for name, runs in result["runs"].items()
    }
    write_results(RESULTS, result)
    return 0


def _prepared(folder: Path, seed: Path | None = None) -> Path:
    """``folder`` with the Met report as its corpus and, when ``seed`` has one, a copy of its index."""
    import shutil

    from tests.support.corpus import make_corpus

    make_corpus(folder / "corpus")
    if seed is not None and (seed / "index").exists() and not (folder / "index").exists():
        shutil.copytree(seed / "index", folder / "index")
    elif seed is None and not (folder / "index").exists():
        from assistant.store import update_index
        from tests.support.corpus import settings_for

        update_index(settings_for(folder / "corpus", folder / "index"), progress=False, log=lambda _m: None)
    return folder


if __name__ == "__main__":
    raise SystemExit(main())

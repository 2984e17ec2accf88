"""Many users asking the chat server at once: load drivers and the server they drive.

Shared by the load tests (``tests/test_load.py``, ``tests/test_reliability_server.py``) and
the load benchmark (``python -m benchmarks.load``, which describes the runs). Each simulated
user is a thread with its own client (:mod:`tests.support.askers`, which says what counts as an
answer and what as a polite refusal).
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.askers import ASKERS, HttpAsker, Outcome
from tests.support.corpus import REPORT
from tests.support.server import running_chat

__all__ = ["ASKERS", "HttpAsker", "Outcome", "Run", "burst", "drive", "rss_kb", "server", "soak", "table"]


@dataclass
class Run:
    """What a run measured; latencies of answered questions only."""

    name: str
    clients: int
    questions: int
    seconds: float
    answered: int = 0
    busy: int = 0
    errors: list[str] = field(default_factory=list)
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    busy_max_ms: float = 0.0
    per_second: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, clients: int, outcomes: Sequence[Outcome], seconds: float) -> Run:
        answered = [o.ms for o in outcomes if o.kind == "answered"]
        busy = [o.ms for o in outcomes if o.kind == "busy"]
        errors = [o.detail for o in outcomes if o.kind == "error"]
        arr = np.asarray(answered or [0.0])
        return cls(
            name,
            clients,
            len(outcomes),
            round(seconds, 2),
            len(answered),
            len(busy),
            errors[:20] + ([f"... {len(errors) - 20} more"] if len(errors) > 20 else []),
            round(float(np.percentile(arr, 50)), 1),
            round(float(np.percentile(arr, 95)), 1),
            round(float(np.percentile(arr, 99)), 1),
            round(float(arr.max()), 1),
            round(max(busy, default=0.0), 1),
            round(len(answered) / seconds, 1) if seconds else 0.0,
        )

    @property
    def error_count(self) -> int:
        return self.questions - self.answered - self.busy


# -- drivers -----------------------------------------------------------------------------------


def drive(
    base: str,
    questions: Sequence[str],
    clients: int,
    *,
    client: str = "http",
    think: float = 0.0,
    name: str = "load",
    seed: int = 1,
) -> Run:
    """``clients`` users share out ``questions``; each asks its next one when the last is answered
    (after a random pause of up to ``2 * think`` seconds)."""
    started = time.perf_counter()
    outcomes = _ask_all(base, questions, clients, client, think, seed)
    return Run.of(name, clients, outcomes, time.perf_counter() - started)


def _ask_all(
    base: str, questions: Sequence[str], clients: int, client: str, think: float, seed: int
) -> list[Outcome]:
    shares = [list(questions[i::clients]) for i in range(clients)]
    outcomes: list[Outcome] = []
    lock = threading.Lock()

    def user(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        asker = ASKERS[client](base)
        try:
            for question in shares[index]:
                if think:
                    time.sleep(rng.uniform(0, 2 * think))
                outcome = asker.ask(question)
                with lock:
                    outcomes.append(outcome)
        finally:
            asker.close()

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(user, range(clients)))
    return outcomes


def burst(base: str, count: int, question: str = "what is said about detective shortages") -> Run:
    """``count`` questions sent at the same instant (a barrier releases every thread at once)."""
    barrier = threading.Barrier(count)

    def one(_i: int) -> Outcome:
        asker = HttpAsker(base)
        try:
            barrier.wait()
            return asker.ask(question)
        finally:
            asker.close()

    started = time.perf_counter()
    with ThreadPoolExecutor(count) as pool:
        outcomes = list(pool.map(one, range(count)))
    return Run.of("overload", count, outcomes, time.perf_counter() - started)


def tree_rss_kb(root: int) -> int:
    """Resident memory (KiB) of process ``root`` and all its descendants (e.g. parse workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(children)
        frontier.extend(children)
    total = 0
    for pid in tree:
        try:
            total += rss_kb(pid)
        except (OSError, ValueError):  # ended meanwhile
            continue
    return total


def rss_kb(pid: int) -> int:
    """Resident memory of process ``pid`` in KiB (Linux ``/proc``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise ValueError(f"no VmRSS for pid {pid}")


def soak(base: str, pid: int, questions: Sequence[str], clients: int, *, client: str = "http") -> Run:
    """Ask ``questions`` in ten slices, sampling the server's RSS after each slice; growth is from
    the first sample (caches warm) to the last."""
    outcomes: list[Outcome] = []
    samples, p95s = [], []
    started = time.perf_counter()
    for i in range(10):
        part = questions[i * len(questions) // 10 : (i + 1) * len(questions) // 10]
        done = _ask_all(base, part, clients, client, 0.0, 100 + i)
        outcomes += done
        samples.append(rss_kb(pid))
        p95s.append(Run.of("", clients, done, 1.0).p95_ms)
    run = Run.of("soak", clients, outcomes, time.perf_counter() - started)
    run.extra = {
        "rss_kib": samples,
        "rss_growth_percent": round(100 * (samples[-1] - samples[0]) / samples[0], 2),
        "p95_ms_per_tenth": p95s,
    }
    return run


# -- serving -----------------------------------------------------------------------------------


@contextmanager
def server(folder: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[tuple[str, int]]:
    """``assistant serve`` over the Met report in ``folder`` (built on first use); yields (url, pid)."""
    corpus = folder / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for source in (REPORT, REPORT.with_suffix(".toml")):
        target = corpus / source.name
        if not target.exists():
            target.write_bytes(source.read_bytes())
    procs: list[subprocess.Popen[bytes]] = []
    log = folder / f"server-{len(list(folder.glob('server-*.log')))}.log"
    with running_chat(corpus, folder / "index", log, args=args, env=env, started=procs.append) as url:
        warm = HttpAsker(url)
        try:
            for _ in range(3):
                warm.ask("warm up the encoder")
        finally:
            warm.close()
        yield url, procs[0].pid


def table(runs: Sequence[Run]) -> str:
    head = (
        "| run | clients | questions | answered | busy | errors | p50 ms | p95 ms | p99 ms | max ms | q/s |"
    )
    rows = [head, "|" + "---|" * 11]
    for r in runs:
        rows.append(
            f"| {r.name} | {r.clients} | {r.questions:,} | {r.answered:,} | {r.busy} | {r.error_count} | "
            f"{r.p50_ms:,.0f} | {r.p95_ms:,.0f} | {r.p99_ms:,.0f} | {r.max_ms:,.0f} | {r.per_second} |"
        )
    return "\n".join(rows)

"""Many users at once, overload and a soak, against ``assistant serve`` on 127.0.0.1 (benchmarks/load.py).

CI runs reduced counts that still assert: zero errors with 32 concurrent clients, a polite
"busy, try again" with ``Retry-After`` for questions beyond the queue (never an unbounded
wait), and resident memory growing less than 10% over the soak. Latencies are printed and
recorded, not asserted (they depend on the machine); the full counts are
``python -m benchmarks.load`` and their figures are in docs/RELIABILITY.md.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.load import Run, burst, drive, server, soak, table
from benchmarks.questions import latency_questions

pytestmark = pytest.mark.slow

CLIENTS = int(os.environ.get("ASSISTANT_LOAD_CLIENTS", "32"))
QUESTIONS = int(os.environ.get("ASSISTANT_LOAD_QUESTIONS", "640"))
SOAK = int(os.environ.get("ASSISTANT_SOAK_QUESTIONS", "2000"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("load")


@pytest.fixture(scope="module")
def chat(folder: Path) -> Iterator[tuple[str, int]]:
    with server(folder) as running:
        yield running


def _show(run: Run) -> None:
    print("\n" + table([run]))


def test_32_concurrent_clients_get_every_answer(chat: tuple[str, int]) -> None:
    url, _pid = chat
    pool = latency_questions(QUESTIONS)
    single = drive(url, pool[:100], 1, name="single user")
    load = drive(url, pool[:QUESTIONS], CLIENTS, name="load")
    _show(single)
    _show(load)
    print(f"p95 at {CLIENTS} clients is {load.p95_ms / single.p95_ms:.1f}x the single-user p95")
    assert single.errors == [] and single.answered == 100
    assert load.errors == [] and load.busy == 0 and load.answered == QUESTIONS


def test_soak_memory_grows_less_than_10_percent(chat: tuple[str, int]) -> None:
    url, pid = chat
    pool = latency_questions(min(SOAK, 3000))
    questions = [pool[i % len(pool)] for i in range(SOAK)]
    run = soak(url, pid, questions, CLIENTS)
    _show(run)
    print(f"RSS KiB after each tenth: {run.extra['rss_kib']}")
    assert run.errors == [] and run.answered == SOAK
    assert run.extra["rss_growth_percent"] < 10


def test_overload_is_refused_politely_at_once_and_the_rest_answered(folder: Path) -> None:
    with server(folder, "--max-queue", "4") as (url, _pid):
        run = burst(url, 48)
    _show(run)
    assert run.errors == []  # every question either answered or refused with BUSY + Retry-After
    assert run.busy > 0 and run.answered > 0 and run.answered + run.busy == 48

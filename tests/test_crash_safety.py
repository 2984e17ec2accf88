"""SIGKILL an index build at chosen and random moments: the index is always exactly the old or the new one.

The writer is ``tests/crash_writer.py``: ``update_index`` with the FakeEmbedder in a child
process, printing each stage of the build. Each run copies a pristine old index, starts the
child updating it to a changed corpus (reports edited, added and removed), kills it, then
checks that the index loads and holds exactly the old passages or exactly the new ones -- and
that the next build, started straight after, finishes the update. Runs that pause the child
at a stage before killing it hit each step of the final write exactly; the others kill at a
random moment after a stage or after a random delay.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.errors import StoreError
from assistant.settings import Settings
from assistant.store import open_index, update_index
from tests.support.corpus import ROOT, settings_for
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, source_text

pytestmark = pytest.mark.slow

STAGES = ("locked", "embedding", "workdir", "fsync", "rename", "pointer", "published", "pruned")
NEW_FROM = STAGES.index("published")
"""From this stage on CURRENT names the new version."""
RANDOM_RUNS = 8
SEED = int(os.environ.get("ASSISTANT_CRASH_SEED", "20240607"))


@dataclass(frozen=True)
class Expected:
    old: Path
    old_ids: frozenset[str]
    new_ids: frozenset[str]
    corpus: Path
    seconds: float
    """How long the writer takes to update the old index to the new one, start-up included."""


def _ids(settings: Settings) -> frozenset[str]:
    loaded = open_index(settings.index)
    try:
        return frozenset(p.id for p in loaded.table)
    finally:
        loaded.close()


def _write_reports(folder: Path, forces: range, year: int = 2017) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in forces:
        text = source_text(Variant(f"Force{i:02d}", year))
        (folder / f"force{i:02d}.txt").write_text(text, encoding="utf-8")


def _build(settings: Settings) -> None:
    update_index(settings, embedder=FakeEmbedder(), progress=False, log=lambda _m: None)


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    """A pristine old index of 50 reports, and what the index must hold after the update."""
    base = tmp_path_factory.mktemp("crash")
    old_corpus, new_corpus = base / "old-corpus", base / "new-corpus"
    _write_reports(old_corpus, range(50))
    _write_reports(new_corpus, range(5, 60))  # 5 removed, 10 added
    for i in range(10, 15):  # 5 edited
        path = new_corpus / f"force{i:02d}.txt"
        path.write_text(path.read_text("utf-8") + "\nA paragraph added in the new version.\n", "utf-8")
    old = settings_for(old_corpus, base / "old-index")
    _build(old)
    new = settings_for(new_corpus, base / "new-index")
    shutil.copytree(old.index, new.index)
    _build(new)
    timed = base / "timed-index"
    shutil.copytree(old.index, timed)
    started = time.perf_counter()
    child = _start(new_corpus, timed)
    _wait_for(child, "done")
    seconds = time.perf_counter() - started
    _kill(child)
    expected = Expected(old.index, _ids(old), _ids(new), new_corpus, seconds)
    assert expected.old_ids != expected.new_ids and len(expected.new_ids) > 4000
    return expected


def _start(corpus: Path, index: Path, pause_at: str | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.crash_writer", str(corpus), str(index)]
    command += ["--pause-at", pause_at] if pause_at else []
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for(child: subprocess.Popen[str], wanted: str) -> list[str]:
    seen: list[str] = []
    assert child.stdout is not None
    for line in child.stdout:
        seen.append(line.split()[-1])
        if seen[-1] == wanted:
            return seen
    errors = child.stderr.read() if child.stderr else ""
    raise AssertionError(f"the writer ended before stage {wanted}: {seen}; {errors}")


def _kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    for stream in (child.stdout, child.stderr):
        if stream is not None:
            stream.close()


def _state_after_kill(expected: Expected, settings: Settings) -> str:
    """'old' or 'new' -- anything else fails the test. Then the next build must complete the update."""
    ids = _ids(settings)  # loads and verifies every checksum
    assert ids in (expected.old_ids, expected.new_ids), "the index is neither the old nor the new one"
    state = "old" if ids == expected.old_ids else "new"
    _build(settings)  # the lock died with the writer; leftovers are cleaned
    assert _ids(settings) == expected.new_ids
    assert not list(settings.index.glob(".tmp-*"))
    return state


def _runs() -> list[tuple[str, str, float]]:
    """(how, stage, delay): paused exactly at each stage, killed just after each (delay in seconds),
    killed at random (delay as a share of the time a whole update takes)."""
    rng = random.Random(SEED)
    runs = [("paused", s, 0.0) for s in STAGES]
    runs += [("after", s, rng.uniform(0, 0.003)) for s in STAGES]
    runs += [("random", "", rng.uniform(0.3, 1.3)) for _ in range(RANDOM_RUNS)]  # share of a whole run
    return runs


@pytest.mark.parametrize(("how", "at", "delay"), _runs(), ids=lambda v: str(v)[:8] if v != "" else "-")
def test_a_killed_update_leaves_exactly_the_old_or_the_new_index(
    expected: Expected, tmp_path: Path, how: str, at: str, delay: float
) -> None:
    settings = settings_for(expected.corpus, tmp_path / "index")
    shutil.copytree(expected.old, settings.index)
    child = _start(settings.corpus, settings.index, pause_at=at if how == "paused" else None)
    try:
        if how == "random":
            delay *= expected.seconds
            time.sleep(delay)
        else:
            _wait_for(child, at)
            time.sleep(delay)
    finally:
        _kill(child)
    state = _state_after_kill(expected, settings)
    print(f"killed {how} {at or 'at'} {delay:.3f} s of {expected.seconds:.3f} s: {state}")  # for the docs
    if how == "paused":
        assert state == ("new" if STAGES.index(at) >= NEW_FROM else "old")


@pytest.mark.parametrize("at", ["embedding", "fsync", "pointer", "published"])
def test_a_killed_first_build_leaves_no_index_or_the_whole_new_one(
    expected: Expected, tmp_path: Path, at: str
) -> None:
    settings = settings_for(expected.corpus, tmp_path / "index")
    child = _start(settings.corpus, settings.index, pause_at=at)
    try:
        _wait_for(child, at)
    finally:
        _kill(child)
    if STAGES.index(at) < NEW_FROM:
        with pytest.raises(StoreError, match="there is no index"):
            open_index(settings.index)
        _build(settings)
    assert _ids(settings) == expected.new_ids


def test_a_second_writer_in_another_process_is_refused_with_a_clear_message(
    expected: Expected, tmp_path: Path
) -> None:
    settings = settings_for(expected.corpus, tmp_path / "index")
    shutil.copytree(expected.old, settings.index)
    child = _start(settings.corpus, settings.index, pause_at="embedding")  # holds the lock
    try:
        _wait_for(child, "embedding")
        command = [sys.executable, "-m", "assistant", "index", "--corpus", str(settings.corpus)]
        second = subprocess.run(
            [*command, "--index", str(settings.index)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
    finally:
        _kill(child)
    assert second.returncode == 1 and "Traceback" not in second.stderr
    assert second.stderr.strip() == (
        f"error: the index at {settings.index} is being written by pid {child.pid}; wait for it to "
        "finish and try again (only one `assistant index` may run at a time)"
    )
    assert _ids(settings) == expected.old_ids  # untouched by the refused writer
    _build(settings)  # and the lock is free again once the holder has died
    assert _ids(settings) == expected.new_ids

"""Parsing in a worker process with a memory and a time limit: what a runaway file costs is its own.

The hostile files are those a limit check does not catch (the checks turned off here), so the
worker's own limits must: the worker is stopped, the file named with the limit and setting,
and the calling process -- a chat server, an ``assistant index`` -- carries on unharmed.
"""

from __future__ import annotations

import resource
import signal
import time
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import IngestError, LimitError
from assistant.ingest import Limits, load_report, parse_content, parse_file
from assistant.ingest.limits import MB
from assistant.ingest.worker import _death
from tests.support import hostile
from tests.support.corpus import REPORT
from tests.support.fixtures import write_all

UNCHECKED = Limits(seconds=60, memory_bytes=160 * 1024 * 1024)
"""No limit checks, only the worker's own limits."""


def test_a_worker_reads_every_format_as_this_process_would(tmp_path: Path) -> None:
    files = [*write_all(tmp_path).values(), REPORT]
    for path in files:
        got = parse_file(path, path, Limits.defaults())
        fmt, parsed = parse_content(path.read_bytes(), path, Limits.defaults())
        assert (got.format, got.parsed) == (fmt, parsed), path.name
    report = load_report(REPORT, REPORT.parent, limits=Limits.defaults(), isolated=True)
    assert report == load_report(REPORT, REPORT.parent, limits=Limits.defaults())


def test_a_file_needing_more_memory_than_allowed_stops_its_worker_not_this_process(tmp_path: Path) -> None:
    bomb = hostile.write(tmp_path / "emphasis.md", hostile.emphasis_markdown(500_000))  # ~1 GB to parse
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(LimitError) as caught:
        parse_file(bomb, bomb, UNCHECKED)
    assert caught.value.path == str(bomb)
    assert caught.value.reason == (
        "refused, as reading it needed more than 160 MB of memory "
        "(the limit, setting parse_memory_mb; raise it if this is a genuine report)"
    )
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50 * 1024  # this process is untouched
    assert parse_file(REPORT, REPORT, UNCHECKED).format == "text"  # and the next file reads


def test_a_file_taking_longer_than_allowed_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    slow = hostile.write(tmp_path / "pages.pdf", hostile.many_pages_pdf(3000))  # ~10 s to read
    started = time.monotonic()
    with pytest.raises(IngestError, match=r"pages\.pdf: refused, as reading it took more than 1 s"):
        parse_file(slow, slow, replace(UNCHECKED, seconds=1))
    assert time.monotonic() - started < 5


def test_a_reader_that_cannot_be_read_or_names_another_file(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match=r"upload\.pdf: cannot be read"):
        parse_file(tmp_path / "missing", tmp_path / "report.pdf", Limits.defaults(), name="upload.pdf")
    garbage = hostile.write(tmp_path / "garbage.pdf", b"%PDF-1.7\n garbage")
    with pytest.raises(IngestError, match=r"^shown\.pdf: is not a readable PDF"):
        parse_file(garbage, garbage, Limits.defaults(), name="shown.pdf")


@pytest.mark.parametrize(
    ("exitcode", "expected", "kind"),
    [
        (
            -signal.SIGKILL,
            "needed more than 160 MB of memory (the limit, setting parse_memory_mb",
            LimitError,
        ),
        (
            -signal.SIGXCPU,
            "took more than 60 s of processor time (the limit, setting parse_seconds",
            LimitError,
        ),
        (-signal.SIGSEGV, "could not be parsed: its reader stopped (SIGSEGV)", IngestError),
        (3, "could not be parsed: its reader stopped (exit code 3)", IngestError),
    ],
)
def test_how_a_worker_died_is_said_plainly(exitcode: int, expected: str, kind: type[IngestError]) -> None:
    error = _death("report.pdf", exitcode, UNCHECKED)
    assert type(error) is kind and error.path == "report.pdf" and expected in error.reason


def test_the_limits_checked_while_reading_stop_a_file_long_before_the_worker_limits(tmp_path: Path) -> None:
    bomb = hostile.write(tmp_path / "bomb.pdf", hostile.inflating_pdf(1000))
    started = time.monotonic()
    with pytest.raises(IngestError, match="setting max_stream_mb"):
        parse_file(bomb, bomb, replace(Limits.defaults(), memory_bytes=200 * MB))
    assert time.monotonic() - started < 10


SCRIPT = """
from pathlib import Path
from assistant.errors import IngestError
from assistant.ingest import Limits, load_report

report = Path({report!r})
try:
    load_report(report, report.parent, None, Limits(), isolated=True)
    print("read")
except IngestError as exc:
    print(exc.reason)
"""


def test_a_script_reading_reports_at_its_top_level_needs_no_main_guard(tmp_path: Path) -> None:
    """multiprocessing has its workers import the caller's main module first; ours do not, so a
    script that reads reports at its top level, without ``if __name__ == "__main__":``, works
    (it used to fail in every worker) and no worker pays for the script's imports."""
    import subprocess
    import sys

    report = tmp_path / "report.txt"
    report.write_bytes(REPORT.read_bytes())
    script = tmp_path / "unguarded.py"
    script.write_text(SCRIPT.format(report=str(report)), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "read", done.stdout + done.stderr

"""Ray's parse task without Ray: what crosses the process boundary keeps its meaning."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import IngestError, LimitError
from assistant.ingest import Limits
from assistant.records import Report
from assistant.store.distributed import _failure, _parse, split_points


def test_a_refusal_for_a_limit_comes_back_as_one_so_the_file_is_retried_when_limits_change(
    tmp_path: Path,
) -> None:
    (tmp_path / "long.md").write_text("# Title\n\n" + "A paragraph.\n\n" * 50, encoding="utf-8")
    (tmp_path / "short.md").write_text("# Title\n\nOne paragraph.\n", encoding="utf-8")
    paths = [str(tmp_path / "long.md"), str(tmp_path / "short.md")]
    long, short = _parse(paths, str(tmp_path), 10**6, Limits(blocks=10))
    assert isinstance(short, Report)
    assert isinstance(long, tuple)
    assert isinstance(_failure(*long), LimitError)
    assert "max_blocks" in long[1]


def test_another_failure_stays_a_plain_ingest_error() -> None:
    failure = _failure("x.pdf", "not a PDF", False)
    assert type(failure) is IngestError


def test_split_points_cover_every_item_once_in_order() -> None:
    assert split_points(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert split_points(0, 4) == []

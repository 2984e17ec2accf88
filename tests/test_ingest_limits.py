"""Limits on what one file may expand to (issue 13): checked while reading, for every format.

Each hostile file is made here, small, against limits scaled down from the defaults, and must
be refused naming the limit's setting -- having used little memory, because the check stops
the expansion as it happens -- while a file just within the limits still parses.
"""

from __future__ import annotations

import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import Limits, parse_bytes
from assistant.ingest.limits import MB, Inflation, LimitExceeded, inflate, inflate_damaged
from assistant.settings import Settings
from tests.support import hostile
from tests.support.fixtures import write_all

SMALL = Limits(stream_bytes=4 * MB, file_bytes=10 * MB, pages=50, objects=20_000, text_chars=MB, blocks=300)


@pytest.fixture
def peak_mb() -> Iterator[Callable[[], float]]:
    """The peak of Python's allocations (MB) since the last :func:`refusal` began (or the test, if none)."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def refusal(data: bytes, name: str, tmp_path: Path, limits: Limits = SMALL) -> str:
    """Why parsing ``data`` as ``name`` is refused (the hostile file, made before, is not counted
    in the peak of allocations)."""
    if tracemalloc.is_tracing():
        tracemalloc.reset_peak()
    with pytest.raises(IngestError) as caught:
        parse_bytes(data, tmp_path / name, tmp_path, limits)
    assert caught.value.path.endswith(name)
    return caught.value.reason


def test_limits_come_from_the_settings_and_zero_means_none() -> None:
    limits = Limits.from_settings(Settings(max_stream_mb=3, max_pages=0, parse_memory_mb=100))
    assert (limits.stream_bytes, limits.pages, limits.memory_bytes) == (3 * MB, 0, 100 * 1024 * 1024)
    assert Limits.defaults() == Limits.from_settings(Settings())
    Limits().check_pages(10**9)  # no limit
    with pytest.raises(LimitExceeded, match="more than 3 pages") as caught:
        Limits(pages=3).check_pages(4)
    assert caught.value.reason.endswith(
        "(the limit, setting max_pages; raise it if this is a genuine report)"
    )


def test_inflating_stops_at_the_limit_without_inflating_the_rest(peak_mb: Callable[[], float]) -> None:
    bomb = hostile.deflated_spaces(300)  # 300 MB of spaces in 0.3 MB
    with pytest.raises(LimitExceeded) as caught:
        inflate(bomb, Inflation(SMALL))
    assert caught.value.setting == "max_stream_mb"
    assert peak_mb() < 3 * 4 + 2  # the stream limit and a little, never the 300 MB


def test_per_file_inflation_adds_up_every_stream() -> None:
    inflation = Inflation(SMALL)
    three = zlib.compress(b" " * 3 * MB)
    assert len(inflate(three, inflation)) == 3 * MB
    assert len(inflate(three, inflation)) == 3 * MB
    assert len(inflate(three, inflation)) == 3 * MB
    with pytest.raises(LimitExceeded, match="together inflate to more than 10 MB") as caught:
        inflate(three, inflation)
    assert caught.value.setting == "max_inflate_mb"
    with pytest.raises(LimitExceeded):  # once passed, always passed: a library cannot swallow it
        inflate(zlib.compress(b"x"), inflation)


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d,
        lambda d: d[:-2] + b"xx",  # bad checksum: forgiven
        lambda d: d[:-1],
        lambda d: d[: len(d) // 2],
        lambda d: d[:10] + b"\xff" * 5 + d[15:],  # damage early on: refused
        lambda _d: b"not zlib at all",
    ],
)
def test_damaged_streams_inflate_as_pdfminer_would(damage: Callable[[bytes], bytes]) -> None:
    from pdfminer.pdftypes import decompress_corrupted

    data = damage(zlib.compress(b"The force is making progress. " * 5000))
    try:
        expected: bytes | type[Exception] = decompress_corrupted(data)
    except zlib.error:
        expected = zlib.error
    try:
        got: bytes | type[Exception] = inflate_damaged(data, Inflation(SMALL), step=97)
    except zlib.error:
        got = zlib.error
    assert got == expected


def test_a_pdf_stream_inflating_to_a_gigabyte_is_refused_at_the_limit(
    tmp_path: Path, peak_mb: Callable[[], float]
) -> None:
    data = hostile.inflating_pdf(1000)  # 1 MB on disk, 1 GB of spaces
    assert len(data) < 1.1 * MB
    assert "setting max_stream_mb" in refusal(data, "bomb.pdf", tmp_path)
    assert peak_mb() < 20


@pytest.mark.parametrize(
    ("name", "data", "setting"),
    [
        ("lzw.pdf", hostile.filtered_pdf("LZWDecode", hostile.lzw_spaces(20 * MB)), "max_stream_mb"),
        (
            "rle.pdf",
            hostile.filtered_pdf("RunLengthDecode", hostile.run_length_spaces(20 * MB)),
            "max_stream_mb",
        ),
        ("streams.pdf", hostile.many_streams_pdf(5, 3), "max_inflate_mb"),
        ("pages.pdf", hostile.many_pages_pdf(51), "max_pages"),
        ("pages8000.pdf", hostile.many_pages_pdf(8000), "max_pages"),
    ],
)
def test_hostile_pdfs_are_refused_naming_the_setting(
    name: str, data: bytes, setting: str, tmp_path: Path, peak_mb: Callable[[], float]
) -> None:
    assert f"(the limit, setting {setting};" in refusal(data, name, tmp_path)
    assert peak_mb() < 30


def test_pdfs_within_the_limits_still_parse(tmp_path: Path) -> None:
    fine = {
        "lzw.pdf": hostile.filtered_pdf("LZWDecode", hostile.lzw_spaces(3 * MB)),
        "runs.pdf": hostile.filtered_pdf("RunLengthDecode", hostile.run_length_spaces(3 * MB)),
        "streams.pdf": hostile.many_streams_pdf(3, 3),
        "pages.pdf": hostile.many_pages_pdf(50),
    }
    for name, data in fine.items():
        report = parse_bytes(data, tmp_path / name, tmp_path, SMALL)
        assert "says very little" in report.text, name


def test_objects_text_and_blocks_of_a_real_pdf(tmp_path: Path) -> None:
    pdf = write_all(tmp_path, formats=("pdf",))["pdf"]
    data = pdf.read_bytes()
    report = parse_bytes(data, pdf, tmp_path, SMALL)
    blocks = sum(len(s.blocks) for s in report.sections)
    assert "max_objects" in refusal(data, pdf.name, tmp_path, replace(SMALL, objects=10))
    half_text = replace(SMALL, text_chars=len(report.text) // 2)
    assert "max_text_mb" in refusal(data, pdf.name, tmp_path, half_text)
    assert "max_blocks" in refusal(data, pdf.name, tmp_path, replace(SMALL, blocks=blocks // 2))


@pytest.mark.parametrize(
    ("name", "make", "setting"),
    [
        ("paragraphs.docx", lambda: hostile.inflating_docx(188_660), "max_blocks"),  # the 20 MB file
        ("part.docx", lambda: hostile.docx_with_big_part(50), "max_stream_mb"),
        ("parts.docx", lambda: hostile.docx_of(["One paragraph."], _parts(4, 3)), "max_inflate_mb"),
        ("long.docx", lambda: hostile.docx_of(["word " * 300_000]), "max_text_mb"),
        ("elements.docx", lambda: hostile.docx_of(["a"] * 7_000), "max_objects"),
    ],
)
def test_hostile_word_files_are_refused_naming_the_setting(
    name: str, make: Callable[[], bytes], setting: str, tmp_path: Path, peak_mb: Callable[[], float]
) -> None:
    limits = replace(SMALL, blocks=10_000) if setting == "max_objects" else SMALL
    assert f"(the limit, setting {setting};" in refusal(make(), name, tmp_path, limits)
    assert peak_mb() < 20


def _parts(count: int, mb: int) -> dict[str, bytes]:
    return {f"word/media/part{i}.bin": bytes(mb * MB) for i in range(count)}


def test_word_files_within_the_limits_still_parse(tmp_path: Path) -> None:
    report = parse_bytes(hostile.inflating_docx(300), tmp_path / "ok.docx", tmp_path, SMALL)
    assert sum(len(s.blocks) for s in report.sections) == 300
    real = write_all(tmp_path, formats=("docx",))["docx"]
    assert parse_bytes(real.read_bytes(), real, tmp_path, SMALL).meta.year == 2017


def test_empty_paragraphs_do_not_count_as_blocks(tmp_path: Path) -> None:
    data = hostile.docx_of(["Text."] * 200 + [""] * 5_000)
    report = parse_bytes(data, tmp_path / "spaced.docx", tmp_path, SMALL)
    assert sum(len(s.blocks) for s in report.sections) == 200


def test_entities_in_word_xml_are_never_expanded(tmp_path: Path, peak_mb: Callable[[], float]) -> None:
    try:
        report = parse_bytes(hostile.entity_bomb_docx(), tmp_path / "laughs.docx", tmp_path, SMALL)
    except IngestError as exc:
        assert "laughs.docx" in exc.path
    else:
        assert "haha" not in report.text
    assert peak_mb() < 40


@pytest.mark.parametrize(
    ("name", "make", "setting"),
    [
        ("blocks.html", lambda: hostile.many_blocks_html(250_000), "max_blocks"),  # 23 MB, refused at once
        ("text.html", lambda: hostile.long_text_html(20), "max_text_mb"),  # one 20 MB paragraph
        ("spans.html", lambda: hostile.many_elements_html(30_000), "max_objects"),
        ("items.md", lambda: hostile.many_blocks_markdown(2_000), "max_blocks"),
        ("text.md", lambda: hostile.many_blocks_markdown(20_000), "max_text_mb"),
        ("emphasis.md", lambda: hostile.emphasis_markdown(200_000), "max_objects"),
        ("paragraphs.txt", lambda: hostile.many_blocks_text(2_000), "max_blocks"),
        ("text.txt", lambda: hostile.many_blocks_text(20_000), "max_text_mb"),
    ],
)
def test_hostile_pages_markdown_and_text_are_refused_naming_the_setting(
    name: str, make: Callable[[], bytes], setting: str, tmp_path: Path, peak_mb: Callable[[], float]
) -> None:
    data = make()
    assert f"(the limit, setting {setting};" in refusal(data, name, tmp_path)
    assert peak_mb() < 2 * len(data) / MB + 20  # the decoded file and a little: no tree of it


def test_a_list_item_holding_a_paragraph_is_one_block(tmp_path: Path) -> None:
    items = "".join(f"<li><p>Item {i} of the list, with text.</p></li>" for i in range(300))
    page = f"<html><body><main><h1>T</h1><ul>{items}</ul></main></body></html>".encode()
    report = parse_bytes(page, tmp_path / "list.html", tmp_path, replace(SMALL, blocks=301))
    assert sum(len(s.blocks) for s in report.sections) == 300


def test_real_reports_of_every_format_parse_within_the_default_limits(tmp_path: Path) -> None:
    for path in write_all(tmp_path).values():
        unlimited = parse_bytes(path.read_bytes(), path, tmp_path, Limits())
        assert parse_bytes(path.read_bytes(), path, tmp_path, Limits.defaults()) == unlimited

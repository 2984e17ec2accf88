"""Issue 13: files that expand. A corpus or an upload holding them still works: each is refused by name,
with the limit and its setting, in one line; the rest indexes; each file is parsed once.

The hostile files are made here, as in the issue's reproductions but scaled to the limits the
settings below lower (the defaults are for real reports, and would take longer to reach).
``python -m benchmarks.hostile_corpus`` runs the issue's full-size corpus with the defaults.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import ParsedFile
from assistant.settings import Settings
from assistant.store import UpdateResult, open_index, update_index
from tests.support import hostile
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, html_page

SCALED = {
    "max_stream_mb": 4,
    "max_inflate_mb": 10,
    "max_pages": 50,
    "max_objects": 20_000,
    "max_text_mb": 1,
    "max_blocks": 300,
    "parse_seconds": 30,
    "parse_memory_mb": 300,
}
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "inflating.pdf": (lambda: hostile.inflating_pdf(1000), "max_stream_mb"),  # the 1 MB -> 1 GB
    "lzw.pdf": (lambda: hostile.filtered_pdf("LZWDecode", hostile.lzw_spaces(20_000_000)), "max_stream_mb"),
    "streams.pdf": (lambda: hostile.many_streams_pdf(5, 3), "max_inflate_mb"),
    "pages.pdf": (lambda: hostile.many_pages_pdf(8000), "max_pages"),  # the 8,000 pages
    "paragraphs.docx": (lambda: hostile.inflating_docx(188_660), "max_blocks"),  # the 20 MB
    "part.docx": (lambda: hostile.docx_with_big_part(50), "max_stream_mb"),
    "blocks.html": (lambda: hostile.many_blocks_html(20_000), "max_blocks"),
    "text.html": (lambda: hostile.long_text_html(5), "max_text_mb"),
    "items.md": (lambda: hostile.many_blocks_markdown(5_000), "max_blocks"),
    "emphasis.md": (lambda: hostile.emphasis_markdown(200_000), "max_objects"),
    "paragraphs.txt": (lambda: hostile.many_blocks_text(15_000), "max_text_mb"),
}


@pytest.fixture
def scaled(settings: Settings) -> Settings:
    return replace(settings, **SCALED)  # type: ignore[arg-type]


def build(settings: Settings, fake: FakeEmbedder) -> UpdateResult:
    return update_index(settings, embedder=fake, progress=False, log=lambda _m: None)


def test_a_corpus_of_hostile_files_indexes_the_real_report_and_names_each_with_its_limit(
    scaled: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    kent = corpus / "kent.html"
    kent.write_text(html_page(Variant("Kent", 2019)), "utf-8")
    first = build(scaled, fake)
    assert first.passage_count == 2 * 83 and not first.failures
    for name, (make, _setting) in HOSTILE.items():
        (corpus / name).write_bytes(make())
    kent.write_bytes(hostile.many_blocks_html(20_000))  # an indexed report replaced by a hostile one
    started = time.monotonic()
    result = build(scaled, fake)
    seconds = time.monotonic() - started
    reasons = {Path(f.path).name: f.reason for f in result.failures}
    assert set(reasons) == {*HOSTILE, "kent.html"}
    for name, (_make, setting) in HOSTILE.items():
        assert reasons[name].startswith("refused, as "), (name, reasons[name])
        assert reasons[name].endswith(f"(the limit, setting {setting}; raise it if this is a genuine report)")
    assert result.passage_count == 2 * 83  # the Met report, and Kent's earlier version kept
    assert {m.id for m in open_index(scaled.index).reports.values()} == {
        "metropolitan-peel-2017-effectiveness",
        "kent",
    }
    assert seconds < 60  # ~10 s here; unlimited, the first two files alone took minutes and gigabytes


def test_raising_a_limit_admits_a_file_it_refused(scaled: Settings, fake: FakeEmbedder, corpus: Path) -> None:
    (corpus / "items.md").write_bytes(hostile.many_blocks_markdown(400))
    assert "setting max_blocks" in build(scaled, fake).failures[0].reason
    result = build(replace(scaled, max_blocks=500), fake)
    assert not result.failures and result.passage_count == 83 + 400


def test_the_cli_says_one_line_per_refused_file(
    scaled: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant import cli
    from assistant.store import build as build_module

    monkeypatch.setattr(build_module, "make_embedder", lambda *_a, **_k: FakeEmbedder())
    (corpus / "inflating.pdf").write_bytes(hostile.inflating_pdf(1000))
    (corpus / "paragraphs.docx").write_bytes(hostile.inflating_docx(188_660))
    flags = ["--max-stream-mb", "4", "--max-blocks", "300"]
    code = cli.main(["index", "--corpus", str(corpus), "--index", str(scaled.index), *flags])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err and "83 passages" in out
    skipped = sorted(line for line in err.splitlines() if line.startswith("Skipped "))
    assert len(skipped) == 2
    assert skipped[0].startswith(f"Skipped {corpus / 'inflating.pdf'}: refused, as a compressed part of it")
    assert "more than 4 MB (the limit, setting max_stream_mb;" in skipped[0]
    assert skipped[1].startswith(f"Skipped {corpus / 'paragraphs.docx'}: refused, as it holds more than 300")


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file a worker parses from now on (both ways a parse is asked for)."""
    from assistant import library
    from assistant.ingest import worker

    seen: list[str] = []
    real = worker.parse_file

    def counting(source: Path, path: Path, *args: object, **kwargs: object) -> ParsedFile:
        seen.append(path.name)
        return real(source, path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(worker, "parse_file", counting)
    monkeypatch.setattr(library, "parse_file", counting)
    return seen


def test_an_upload_is_parsed_once_and_a_hostile_one_changes_nothing(
    scaled: Settings, fake: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.library import UPLOADS, add_upload

    build(scaled, fake)
    version = open_index(scaled.index).version
    parses = _count_parses(monkeypatch)
    upload = tmp_path / "gradio-upload"
    upload.write_bytes(hostile.inflating_pdf(1000))
    with pytest.raises(IngestError) as caught:
        add_upload(scaled, "../Bomb report.pdf", upload, lambda _m: None, embedder=fake)
    assert str(caught.value) == (
        "Bomb-report.pdf: refused, as a compressed part of it inflates to more than 4 MB "
        "(the limit, setting max_stream_mb; raise it if this is a genuine report)"
    )
    assert not (scaled.corpus / UPLOADS).exists() or not any((scaled.corpus / UPLOADS).iterdir())
    assert open_index(scaled.index).version == version
    upload.write_text(html_page(Variant("Kent", 2019)), "utf-8")
    parses.clear()
    message = add_upload(scaled, "kent.html", upload, lambda _m: None, embedder=fake)
    assert message.startswith("Added Kent PEEL 2019 (83 passages).")
    assert parses == ["kent.html"]  # checked, then indexed from the same parse


def test_add_checks_every_file_once_before_copying_any(
    scaled: Settings, fake: FakeEmbedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.library import add_reports
    from assistant.store import build as build_module

    monkeypatch.setattr(build_module, "make_embedder", lambda *_a, **_k: fake)
    build(scaled, fake)
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    good = incoming / "kent.html"
    good.write_text(html_page(Variant("Kent", 2019)), "utf-8")
    bomb = hostile.write(incoming / "bomb.docx", hostile.inflating_docx(188_660))
    with pytest.raises(IngestError, match=r"bomb\.docx: refused, as it holds more than 300 paragraphs"):
        add_reports(scaled, [good, bomb], log=lambda _m: None)
    assert not (scaled.corpus / "kent.html").exists()
    parses = _count_parses(monkeypatch)
    other = incoming / "surrey.html"
    other.write_text(html_page(Variant("Surrey", 2018)), "utf-8")
    assert "2 added" in add_reports(scaled, [good, other], log=lambda _m: None)
    assert sorted(parses) == ["kent.html", "surrey.html"]

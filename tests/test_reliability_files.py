"""Bad files in the corpus: each is reported by name, the rest indexes, nothing indexed before is lost.

The classes of issue 7: empty, binary, wrong extension, truncated / corrupt / encrypted PDF,
huge file, deeply nested HTML, a zip bomb posing as Word, a link out of the corpus folder
(refused and never opened), and file names with odd characters.
"""

from __future__ import annotations

import io
import os
import re
import sys
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import Limits, parse_bytes
from assistant.ingest.html import MAX_NESTING
from assistant.records import Report
from assistant.settings import Settings
from assistant.store import UpdateResult, open_index, update_index
from tests.support.corpus import REPORT
from tests.support.fakes import FakeEmbedder
from tests.support.fixtures import Variant, html_page, write_docx, write_pdf

KENT = Variant("Kent", 2019)
OUTSIDE = "is a link to a file outside the corpus folder; it was not read (copy the file in instead)"
SECRET = "Zebrafish custody secret that must never be indexed."
_opened: list[str] | None = None


def _audit(event: str, args: tuple[object, ...]) -> None:
    if event == "open" and _opened is not None and isinstance(args[0], str | bytes | os.PathLike):
        _opened.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)  # hooks cannot be removed; this one records only inside `opened_files`


@pytest.fixture
def opened_files() -> Iterator[list[str]]:
    """Every path the process opens while the test runs (builtins.open, io.open and os.open)."""
    global _opened
    _opened = []
    try:
        yield _opened
    finally:
        _opened = None


def build(settings: Settings, fake: FakeEmbedder) -> UpdateResult:
    return update_index(settings, embedder=fake, progress=False, log=lambda _m: None)


def _pdf_bytes(tmp: Path) -> bytes:
    path = tmp / "kent.pdf"
    write_pdf(path, KENT)
    return path.read_bytes()


def _encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(72, 720, "A report that needs a password to open, with enough words to index.")
    c.save()
    return buffer.getvalue()


def _nested_html(depth: int) -> bytes:
    return (
        "<html><body><main><h1>Deep</h1>" + "<div>" * depth + "<p>A paragraph deep down.</p>"
        "" + "</div>" * depth + "</main></body></html>"
    ).encode()


BadFile = tuple[str, Callable[[Path], bytes], str | None]
"""File name, its bytes from the report text, and the error expected (None: not a report file)."""
BAD_FILES: list[BadFile] = [
    ("empty.txt", lambda _t: b"", "is empty"),
    ("blank.md", lambda _t: b"  \n\t\n", "is empty"),
    ("binary.txt", lambda _t: bytes(range(256)) * 40, "binary"),
    ("program.pdf", lambda _t: b"\x7fELF\x02\x01\x01\x00" * 100, r"named \.pdf but its content is not a PDF"),
    ("notes.pdf", lambda _t: b"Plain words pretending to be a PDF.\n", "not a PDF"),
    ("letter.docx", lambda _t: b"PK\x03\x04 not really a zip", "Word"),
    ("truncated.pdf", lambda t: _pdf_bytes(t)[:3000], "not a readable PDF"),
    ("corrupt.pdf", lambda _t: b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF\n", "PDF"),
    ("locked.pdf", lambda _t: _encrypted_pdf(), "encrypted"),
    ("deep.html", lambda _t: _nested_html(5000), f"more than the {MAX_NESTING}"),
    ("only-furniture.html", lambda _t: b"<html><body><nav>Menu</nav></body></html>", "no paragraphs"),
    ("old.doc", lambda _t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, None),  # not a report type
]


def test_every_bad_file_is_named_the_rest_indexes_and_nothing_is_lost(
    settings: Settings, fake: FakeEmbedder, corpus: Path, tmp_path: Path
) -> None:
    (corpus / "kent.html").write_text(html_page(KENT), "utf-8")
    before = build(settings, fake)
    assert before.passage_count == 2 * 83 and not before.failures
    old_ids = {p.id for p in open_index(settings.index).table}
    for name, make, _ in BAD_FILES:
        (corpus / name).write_bytes(make(tmp_path))
    (corpus / "kent.html").write_bytes(b"\x00\x01 the page was overwritten by garbage")  # an update gone bad
    result = build(settings, fake)
    reasons = {Path(f.path).name: f.reason for f in result.failures}
    expected = {name: why for name, _, why in BAD_FILES if why is not None}
    assert set(reasons) == {*expected, "kent.html"}
    for name, why in expected.items():
        assert re.search(why, reasons[name]), (name, reasons[name])
    loaded = open_index(settings.index)
    assert {p.id for p in loaded.table} == old_ids  # kent.html's previous passages are kept
    assert result.passage_count == 2 * 83


def test_a_huge_file_is_refused_by_size(settings: Settings, fake: FakeEmbedder, corpus: Path) -> None:
    huge = corpus / "huge.txt"
    with open(huge, "wb") as fh:  # sparse: 3 MB on paper, nothing on disk
        fh.truncate(3_000_000)
    result = build(replace(settings, max_upload_mb=2), fake)
    assert [(Path(f.path).name, f.reason) for f in result.failures] == [
        ("huge.txt", "is 3.0 MB; the limit is 2 MB (setting max_upload_mb)")
    ]
    assert result.passage_count == 83


def test_a_zip_bomb_posing_as_word_is_refused(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "kent.docx", KENT)
    with zipfile.ZipFile(path) as archive:
        unzipped = sum(i.file_size for i in archive.infolist())
    with pytest.raises(IngestError, match=r"kent\.docx: refused, as its compressed parts together inflate"):
        parse_bytes(path.read_bytes(), path, tmp_path, Limits(file_bytes=unzipped - 1))
    assert parse_bytes(path.read_bytes(), path, tmp_path, Limits(file_bytes=unzipped)).meta.year == 2019


@pytest.mark.parametrize("depth", [MAX_NESTING - 4, MAX_NESTING + 1, 200_000])
def test_nested_html_reads_or_is_refused_but_never_overflows(depth: int, tmp_path: Path) -> None:
    data = _nested_html(depth)

    def deep_stack(n: int) -> Report:  # as if called from deep inside a server's worker thread
        return parse_bytes(data, tmp_path / "deep.html", tmp_path) if n == 0 else deep_stack(n - 1)

    if depth + 4 <= MAX_NESTING:
        report = deep_stack(200)
        assert [b.text for s in report.sections for b in s.blocks] == ["A paragraph deep down."]
    else:
        with pytest.raises(IngestError, match=rf"deep\.html: nests its elements {depth + 4} deep"):
            deep_stack(200)


def test_unexpected_parser_failures_become_errors_naming_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from assistant import ingest

    def explode(data: bytes, name: str, limits: Limits) -> object:
        raise AssertionError("an internal check in a parser library failed")

    monkeypatch.setitem(ingest.FORMATS, "text", explode)
    with pytest.raises(IngestError, match=r"odd\.txt: could not be parsed \(AssertionError: an internal"):
        parse_bytes(b"Some words\n", tmp_path / "odd.txt", tmp_path)


def test_a_link_out_of_the_corpus_is_refused_and_never_opened(
    settings: Settings, fake: FakeEmbedder, corpus: Path, tmp_path: Path, opened_files: list[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text(f"Secret\n\nWhat is hidden?\n\n{SECRET}\n", "utf-8")
    (outside / "secret.toml").write_text('title = "Leaked"\n', "utf-8")
    (corpus / "leak.txt").symlink_to(secret)
    (corpus / "leaked-folder").symlink_to(outside, target_is_directory=True)
    (corpus / "sub").mkdir()
    (corpus / "sub" / "inside.txt").write_text("Inside\n\nWhat is inside?\n\nA paragraph inside.\n", "utf-8")
    (corpus / "inside-link.txt").symlink_to(corpus / "sub" / "inside.txt")  # stays in the corpus: fine
    (corpus / "inside-link.toml").symlink_to(outside / "secret.toml")  # a sidecar from outside: ignored
    opened_files.clear()
    result = build(settings, fake)
    assert [(Path(f.path).name, f.reason) for f in result.failures] == [("leak.txt", OUTSIDE)]
    touched = {Path(p).resolve() for p in opened_files if Path(p).exists()}
    assert (corpus / "sub" / "inside.txt").resolve() in touched  # the recorder works
    assert secret.resolve() not in touched and (outside / "secret.toml").resolve() not in touched
    loaded = open_index(settings.index)
    assert not any(SECRET in p.text for p in loaded.table)
    assert sorted(m.path for m in loaded.reports.values()) == [
        "inside-link.txt",
        REPORT.name,
        "sub/inside.txt",
    ]
    assert "Leaked" not in {m.title for m in loaded.reports.values()}
    again = build(settings, fake)  # refusals are reported on every run, even when nothing changed
    assert not again.plan.changed and [Path(f.path).name for f in again.failures] == ["leak.txt"]


ODD_NAMES = [
    "new\nline.txt",
    "tab\tand space.txt",
    "-starts-with-dash.txt",
    "quotes \"double\" 'single'.txt",
    "semi;colon $(echo pwned) `x`.txt",
    "back\\slash.txt",
    "%2e%2e%2fescape.txt",
    "émoji 😀 and العربية.txt",
    "CON.txt",
    "x" * 240 + ".txt",
]


def test_odd_file_names_index_and_an_undecodable_name_is_named(
    settings: Settings, fake: FakeEmbedder, corpus: Path
) -> None:
    for i, name in enumerate(ODD_NAMES):
        (corpus / name).write_text(f"Report {i}\n\nWhat happened?\n\nParagraph number {i} here.\n", "utf-8")
    with open(os.path.join(os.fsencode(corpus), b"latin1-caf\xe9.txt"), "w", encoding="utf-8") as fh:
        fh.write("Cafe\n\nWhat?\n\nA paragraph.\n")
    result = build(settings, fake)
    assert [(f.path.rsplit("/", 1)[-1], f.reason) for f in result.failures] == [
        ("latin1-caf\ufffd.txt", "has a file name that is not valid UTF-8 text; rename it")
    ]
    loaded = open_index(settings.index)
    assert sorted(m.path for m in loaded.reports.values()) == sorted([*ODD_NAMES, REPORT.name])
    assert result.passage_count == 83 + len(ODD_NAMES)
    assert len({m.id for m in loaded.reports.values()}) == len(ODD_NAMES) + 1


def test_cli_index_reports_bad_files_in_one_line_each_without_traceback(
    settings: Settings, corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant import cli
    from assistant.store import build as build_module

    monkeypatch.setattr(build_module, "make_embedder", lambda *_a, **_k: FakeEmbedder())
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "deep.html").write_bytes(_nested_html(3000))
    code = cli.main(["index", "--corpus", str(corpus), "--index", str(settings.index)])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err
    skipped = [line for line in err.splitlines() if line.startswith("Skipped ")]
    assert len(skipped) == 2 and "deep.html: nests its elements" in err and "empty.txt: is empty" in err
    assert "83 passages" in out

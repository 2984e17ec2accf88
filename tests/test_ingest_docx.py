"""The Word parser on a generated .docx of the Met report: styles, lists, tables, properties."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import load_report, sniff_format
from assistant.ingest.docx import parse_docx
from assistant.ingest.limits import Limits
from tests.support.fixtures import reference_structure, structure, write_docx


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(tmp_path_factory.mktemp("docx") / "met.docx")


def test_docx_reads_exactly_the_passages_of_the_text_report(path: Path) -> None:
    report = load_report(path, path.parent)
    assert structure(report) == reference_structure()
    assert (report.meta.title, report.meta.year, report.meta.updated) == (
        "Metropolitan PEEL 2017",
        2017,
        "2018-03-22",
    )


def test_page_headers_and_footers_are_not_read(path: Path) -> None:
    report = load_report(path, path.parent)
    assert "running header" not in report.text and "OFFICIAL" not in report.text


def test_core_title_is_used_when_no_title_paragraph_and_tables_become_rows(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Kent PEEL 2019"
    document.add_heading("How good is the force?", level=2)
    document.add_paragraph("Good")
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate((("Area", "Grade"), ("Investigation", "Good"))):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("Numbered point.", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_docx(buffer.getvalue(), "kent.docx", Limits())
    assert [(e.kind, e.text, e.level) for e in parsed.elements] == [
        ("heading", "How good is the force?", 1),
        ("grade", "Good", 1),
        ("paragraph", "Area | Grade", 1),
        ("paragraph", "Investigation | Good", 1),
        ("bullet", "Numbered point.", 1),
    ]
    assert parsed.meta == {"title": "Kent PEEL 2019"}


def test_zip_that_is_not_word_and_damaged_word_file_are_refused(path: Path, tmp_path: Path) -> None:
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("data.csv", "a,b\n")
    assert sniff_format(other.getvalue(), Path("x.docx")) == "unknown"
    (tmp_path / "x.docx").write_bytes(other.getvalue())
    with pytest.raises(IngestError, match=r"x\.docx: is named \.docx but its content is not a Word"):
        load_report(tmp_path / "x.docx", tmp_path)
    (tmp_path / "cut.docx").write_bytes(path.read_bytes()[:3000])
    with pytest.raises(IngestError, match=r"cut\.docx"):
        load_report(tmp_path / "cut.docx", tmp_path)

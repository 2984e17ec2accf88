"""The PDF parser on a generated multi-page PDF of the Met report: structure, pages, furniture, hyphens."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import load_report, sniff_format
from assistant.ingest.pdf import Vocabulary, join_lines
from assistant.ingest.pdf_read import NO_TEXT
from assistant.ingest.structure import normalise_space
from assistant.passages import report_passages
from assistant.records import Report
from tests.support.fixtures import PdfTruth, reference_structure, structure, write_pdf


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PdfTruth]:
    path = tmp_path_factory.mktemp("pdf") / "met-2017.pdf"
    return path, write_pdf(path)


@pytest.fixture(scope="module")
def report(made: tuple[Path, PdfTruth]) -> Report:
    return load_report(made[0], made[0].parent)


def test_pdf_reads_exactly_the_passages_of_the_text_report(
    made: tuple[Path, PdfTruth], report: Report
) -> None:
    assert made[1].page_count >= 5
    assert structure(report) == reference_structure()


def test_every_passage_cites_the_printed_page_where_it_starts(
    made: tuple[Path, PdfTruth], report: Report
) -> None:
    truth = made[1].pages
    passages = list(report_passages(report))
    assert all(p.page_label == truth[p.text][0] for p in passages)
    # The cover is unnumbered, so printed numbers run one behind physical pages.
    assert all(p.page is not None and int(p.page_label or 0) == p.page - 1 for p in passages)
    shortages = next(p for p in passages if p.text.startswith("detective shortages"))
    assert str(shortages.citation).endswith(f"› ¶2, bullet 3, p. {truth[shortages.text][0]}")


def test_a_paragraph_over_a_page_break_is_one_passage_cited_where_it_starts(
    made: tuple[Path, PdfTruth], report: Report
) -> None:
    truth = made[1].pages
    spanning = [text for text, (start, end) in truth.items() if start != end]
    assert spanning, "the fixture should make at least one paragraph run over a page break"
    passages = {p.text: p for p in report_passages(report)}
    for text in spanning:
        assert passages[text].page_label == truth[text][0]
        assert normalise_space(report.text[passages[text].start : passages[text].end]) == text


def test_running_headers_footers_and_page_numbers_are_not_in_passages(report: Report) -> None:
    for p in report_passages(report):
        assert "Crown copyright" not in p.text and "PEEL: Police effectiveness" not in p.text
        assert not p.text.split()[-1].isdigit() or p.text.endswith(("2016.", "2017."))
    assert "Crown copyright" not in report.text


def test_without_printed_numbers_pages_are_physical(tmp_path: Path) -> None:
    path = tmp_path / "plain.pdf"
    truth = write_pdf(path, page_numbers=False)
    passages = list(report_passages(load_report(path, tmp_path)))
    assert all(p.page_label == str(p.page) == truth.pages[p.text][0] for p in passages)


def test_metadata_comes_from_the_document(report: Report) -> None:
    meta = report.meta
    assert (meta.title, meta.year, meta.format, meta.updated) == (
        "Metropolitan PEEL 2017",
        2017,
        "pdf",
        "2018-03-22",
    )
    assert meta.force == "Metropolitan Police Service" and meta.inspection == "PEEL"


def test_sidecar_overrides_document_metadata(made: tuple[Path, PdfTruth], tmp_path: Path) -> None:
    path = tmp_path / "met.pdf"
    path.write_bytes(made[0].read_bytes())
    (tmp_path / "met.toml").write_text('title = "Met effectiveness"\nyear = 2018\n', "utf-8")
    meta = load_report(path, tmp_path).meta
    assert (meta.title, meta.year) == ("Met effectiveness", 2018)


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["anti-social beha-", "viour, there"], "anti-social behaviour, there"),
        (["reducing re-", "offending in"], "reducing re-offending in"),  # the document writes re-offending
        (["a COVID-", "19 case"], "a COVID-19 case"),
        (["the borough-", "based teams"], "the borough-based teams"),  # both halves are words it uses
        (["soft\u00ad", "ware"], "software"),
        (["crime –", "which"], "crime – which"),
    ],
)
def test_line_end_hyphens(lines: list[str], joined: str) -> None:
    vocab = Vocabulary()
    vocab.words.update(["anti", "social", "re", "offending", "reoffending", "borough", "based", "the"])
    vocab.compounds.update(["re-offending", "re-offending", "anti-social"])
    assert join_lines(lines, vocab) == joined


def _encrypted(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret"))
    c.drawString(72, 720, "A report that needs a password to open, with enough words to index.")
    c.save()
    return path


def _image_only(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for _ in range(2):
        c.rect(72, 72, 400, 600, fill=1)  # a scanned page: pictures, no text layer
        c.showPage()
    c.save()
    return path


@pytest.mark.parametrize(("make", "detail"), [(_encrypted, "encrypted"), (_image_only, "images")])
def test_unreadable_text_says_ocr_is_not_supported(
    tmp_path: Path, make: Callable[[Path], Path], detail: str
) -> None:
    path = make(tmp_path / "bad.pdf")
    with pytest.raises(IngestError, match=detail) as caught:
        load_report(path, tmp_path)
    assert NO_TEXT in str(caught.value) and "bad.pdf" in str(caught.value)


def test_damaged_pdf_is_an_ingest_error(made: tuple[Path, PdfTruth], tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(made[0].read_bytes()[:2000])
    with pytest.raises(IngestError, match=r"cut\.pdf"):
        load_report(path, tmp_path)


def test_pdf_is_recognised_by_content_not_name(made: tuple[Path, PdfTruth], tmp_path: Path) -> None:
    data = made[0].read_bytes()
    assert sniff_format(data, Path("report.txt")) == "pdf"
    assert sniff_format(b"just text", Path("fake.pdf")) == "unknown"

"""The HTML parser on a generated HMICFRS-like report page: structure, page furniture, metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.ingest import parse_bytes
from assistant.ingest.html import parse_html
from assistant.ingest.limits import Limits
from assistant.ingest.lines import parse_date
from assistant.passages import report_passages
from assistant.records import Report
from tests.support.fixtures import html_page, reference_structure, structure

FURNITURE = (
    "Skip to content", "cookies", "About us", "Publications", "PEEL assessments", "Related publications",
    "PEEL efficiency", "Share this page", "Privacy notice", "Open Government Licence", "Crown copyright",
    "dataLayer", "Search",
)  # fmt: skip


@pytest.fixture(scope="module")
def report() -> Report:
    folder = Path("/corpus")
    return parse_bytes(html_page().encode("utf-8"), folder / "met.html", folder)


def test_html_reads_exactly_the_passages_of_the_text_report(report: Report) -> None:
    assert structure(report) == reference_structure()


def test_navigation_footer_and_banners_are_dropped(report: Report) -> None:
    for word in FURNITURE:
        assert word not in report.text, word


def test_metadata_from_title_meta_tags_and_last_updated_line(report: Report) -> None:
    meta = report.meta
    assert meta.title == "Metropolitan PEEL 2017" and meta.year == 2017 and meta.format == "html"
    assert meta.updated == "2018-03-22"
    assert meta.source_url and meta.source_url.endswith("/metropolitan-peel-2017/")
    assert meta.force == "Metropolitan Police Service"


def test_spans_point_into_the_extracted_text(report: Report) -> None:
    for p in report_passages(report):
        assert report.text[p.start : p.end] == p.text


def test_page_without_main_element_still_drops_header_and_footer() -> None:
    page = b"""<html><head><title>Kent PEEL 2019 | HMICFRS</title>
    <meta property="article:published_time" content="2019-05-02T09:00:00+01:00"></head><body>
    <header><a href="/">Home</a><nav><a href="/x">Publications</a></nav></header>
    <div class="content"><h2>How good is the force?</h2><div class="grade">Good</div>
    Loose text in a division is a paragraph.
    <p>Strengths include:</p>
    <ul><li>one <em>thing</em>;<ul><li>nested point</li></ul></li><li>another.</li></ul>
    <table><tr><th>Area</th><th>Grade</th></tr><tr><td>Investigation</td><td>Good</td></tr></table>
    <h3 hidden>Hidden heading</h3><p style="display: none">Hidden text.</p>
    <!-- a comment --></div><footer>Contact us</footer></body></html>"""
    parsed = parse_html(page, "kent.html", Limits())
    kinds = [(e.kind, e.text) for e in parsed.elements]
    assert kinds == [
        ("heading", "How good is the force?"),
        ("grade", "Good"),
        ("paragraph", "Loose text in a division is a paragraph."),
        ("paragraph", "Strengths include:"),
        ("bullet", "one thing;"),
        ("bullet", "nested point"),
        ("bullet", "another."),
        ("paragraph", "Area | Grade"),
        ("paragraph", "Investigation | Good"),
    ]
    assert parsed.meta == {"title": "Kent PEEL 2019 | HMICFRS", "published": "2019-05-02"}


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("22/03/2018", "2018-03-22"),
        ("22 March 2018", "2018-03-22"),
        ("2nd Feb 2021", "2021-02-02"),
        ("March 22, 2018", "2018-03-22"),
        ("2018-03-22T10:00:00Z", "2018-03-22"),
        ("31 February 2018", None),
        ("Smarch 3 2018", None),
        ("soon", None),
    ],
)
def test_parse_date(raw: str, iso: str | None) -> None:
    assert parse_date(raw) == iso

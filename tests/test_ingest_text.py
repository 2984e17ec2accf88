"""The plain-text parser on the real Met report: structure, coverage, grades, ids."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from assistant.errors import IngestError
from assistant.ingest import load_report, parse_bytes
from assistant.ingest.lines import is_boilerplate, iso_date
from assistant.ingest.structure import normalise_space
from assistant.ingest.text import BULLET, parse_text
from assistant.passages import report_passages
from assistant.records import Passage, Report
from tests.support.corpus import REPORT

HEADINGS_AND_META = re.compile(
    r"^(How effective .*\?|Areas for improvement|Questions for Effectiveness|Last updated .*"
    r"|Requires improvement|Good|Metropolitan PEEL 2017)$"
)


@pytest.fixture(scope="module")
def report() -> Report:
    return load_report(REPORT, REPORT.parent)


@pytest.fixture(scope="module")
def passages(report: Report) -> list[Passage]:
    return list(report_passages(report))


def content_lines(text: str) -> list[str]:
    """Every line of the report that is body text: not blank, boilerplate, heading, grade or date."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or is_boilerplate(stripped) or HEADINGS_AND_META.match(stripped):
            continue
        out.append(normalise_space(BULLET.sub("", line)))
    return out


def test_every_body_line_lands_in_exactly_one_passage(report: Report, passages: list[Passage]) -> None:
    lines = content_lines(report.text)
    assert len(lines) == len(passages) == 83
    for line in lines:
        owners = [p for p in passages if p.text == line]
        assert len(owners) == 1, line


def test_spans_point_at_the_passage_text_in_the_source(report: Report, passages: list[Passage]) -> None:
    source = REPORT.read_text(encoding="utf-8")
    for p in passages:
        assert normalise_space(source[p.start : p.end]) == p.text
    spans = sorted((p.start, p.end) for p in passages)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans)), "spans overlap"


def test_boilerplate_and_headings_are_not_passages(passages: list[Passage]) -> None:
    texts = {p.text for p in passages}
    assert "Skip to content" not in texts
    assert not any(t.startswith("How effective") and t.endswith("?") for t in texts)
    assert "Requires improvement" not in texts
    assert not any(t.startswith("Last updated") for t in texts)


def test_title_and_dates_become_metadata(report: Report) -> None:
    assert report.meta.title == "Metropolitan PEEL 2017 — Effectiveness"  # from the sidecar
    assert report.meta.updated == "2018-03-22"
    assert report.meta.year == 2017
    assert report.meta.force == "Metropolitan Police Service"


def test_bullets_keep_their_lead_in(passages: list[Passage]) -> None:
    shortages = next(p for p in passages if p.text.startswith("detective shortages"))
    assert shortages.lead_in == "Weaknesses include:"
    assert (shortages.paragraph, shortages.bullet) == (2, 3)
    lead = next(p for p in passages if p.text == "Weaknesses include:")
    assert lead.bullet is None and lead.paragraph == 2
    assert str(shortages.citation) == (
        "Metropolitan PEEL 2017 — Effectiveness › How effective is the force at investigating crime and "
        "reducing re-offending? › ¶2, bullet 3"
    )


def test_lists_without_lead_in_number_their_own_paragraph(passages: list[Passage]) -> None:
    aofi = [p for p in passages if p.section_path[-1] == "Areas for improvement"]
    assert len(aofi) == 2 + 3 + 5 + 2
    assert all(p.lead_in is None and p.paragraph == 1 for p in aofi)
    assert [p.bullet for p in aofi[:2]] == [1, 2]


def test_grades_attach_to_their_sections(passages: list[Passage]) -> None:
    def grade_of(prefix: str) -> set[str | None]:
        return {p.grade for p in passages if p.section_path[0].startswith(prefix)}

    assert grade_of("How effective is the force at keeping people safe") == {"Requires improvement"}
    assert grade_of("How effective is the force at investigating crime") == {"Requires improvement"}
    assert grade_of("How effective is the force at protecting those who are vulnerable") == {
        "Requires improvement"
    }
    # These sections print no grade line in the scrape: none is invented.
    assert grade_of("How effective is the force at preventing crime") == {None}
    assert grade_of("How effective is the force at tackling serious") == {None}
    assert grade_of("How effective are the force’s specialist") == {None}


def test_sub_headings_nest_under_their_question(passages: list[Passage]) -> None:
    paths = {p.section_path for p in passages}
    assert (
        "How effective is the force at investigating crime and reducing re-offending?",
        "Areas for improvement",
    ) in paths
    assert all(len(path) <= 2 for path in paths)


def test_ids_are_stable_and_unique(report: Report, passages: list[Passage]) -> None:
    again = list(report_passages(load_report(REPORT, REPORT.parent)))
    assert [p.id for p in again] == [p.id for p in passages]
    assert len({p.id for p in passages}) == len(passages)


def test_an_edit_changes_only_the_edited_passage_id(tmp_path: Path) -> None:
    text = REPORT.read_text(encoding="utf-8")
    edited = text.replace(
        "innovative approaches to offender management", "new approaches to offender management"
    )
    before = list(report_passages(parse_bytes(text.encode(), tmp_path / "r.txt", tmp_path)))
    after = list(report_passages(parse_bytes(edited.encode(), tmp_path / "r.txt", tmp_path)))
    changed = [a.text for a, b in zip(before, after, strict=True) if a.id != b.id]
    assert changed == ["innovative approaches to offender management; and"]


def test_multi_line_paragraphs_and_bullets_join() -> None:
    text = (
        "Title\n\nHeading here\n\nFirst line of a paragraph\nthat continues here.\n\n"
        "• a bullet that\n  wraps over\n• second\n"
    )
    elements = parse_text(text)
    kinds = [(e.kind, normalise_space(e.text)) for e in elements]
    assert kinds == [
        ("title", "Title"),
        ("heading", "Heading here"),
        ("paragraph", "First line of a paragraph that continues here."),
        ("bullet", "a bullet that wraps over"),
        ("bullet", "second"),
    ]


@pytest.mark.parametrize(
    ("raw", "iso"),
    [("22/03/2018", "2018-03-22"), ("2018-03-22", "2018-03-22"), ("31/13/2018", None), ("soon", None)],
)
def test_iso_date(raw: str, iso: str | None) -> None:
    assert iso_date(raw) == iso


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x00\x01binary\x00"])
def test_unusable_files_raise_ingest_error_naming_the_file(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(IngestError, match=r"bad\.txt"):
        parse_bytes(data, tmp_path / "bad.txt", tmp_path)


def test_dates_in_words_are_metadata_as_in_every_other_format() -> None:
    elements = parse_text("Title\n\nLast updated 22 March 2018\n\nHow effective is it?\n\nA paragraph.\n")
    assert [(e.kind, e.text) for e in elements][:2] == [("title", "Title"), ("updated", "2018-03-22")]
    assert not any(e.kind == "heading" and "updated" in e.text.lower() for e in elements)

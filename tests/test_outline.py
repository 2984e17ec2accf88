"""The library as a reader browses it: the reports with their facts, unreadable files, outlines, sections."""

from __future__ import annotations

import pytest

from assistant.errors import NotFoundError
from assistant.outline import library_rows, report_outline, section_passages
from assistant.settings import Settings
from assistant.store.load import LoadedIndex
from tests.support.browse import BAD_FILE, HTML_ID, PDF_ID
from tests.support.library import REPORT_IDS, section_grades, source_url, spec


def test_every_report_is_listed_with_its_facts_and_the_damaged_file_with_why(
    browse_settings: Settings, browse_index: LoadedIndex
) -> None:
    rows, skipped = library_rows(browse_index, browse_settings.corpus)
    by_id = {r.id: r for r in rows}
    assert set(by_id) == {*REPORT_IDS, PDF_ID, HTML_ID}
    assert [s.path for s in skipped] == [BAD_FILE]
    assert "is not a readable PDF" in skipped[0].reason
    kent = by_id["kent-peel-2016-effectiveness"]
    assert (kent.force, kent.year, kent.inspection, kent.format) == (
        "Kent Police",
        2016,
        "PEEL effectiveness",
        "text",
    )
    assert kent.source_url == source_url(spec(kent.id)) and kent.pages is None
    assert kent.passages == sum(1 for p in browse_index.table if p.report_id == kent.id)
    assert kent.indexed[:4].isdigit() and kent.indexed[4] == "-"
    graded = {g.section[0]: g.grade for g in kent.grades if g.grade}
    assert graded == {h: g for h, g in section_grades(kent.id).items() if g}
    assert by_id[PDF_ID].format == "pdf" and by_id[PDF_ID].pages == 7
    assert by_id[HTML_ID].format == "html" and by_id[HTML_ID].source_url
    assert [r.title.lower() for r in rows] == sorted(r.title.lower() for r in rows)
    data = kent.to_dict()
    assert data["grades"][0].keys() == {"section", "grade", "stated", "label"}


def test_the_outline_lists_headings_in_order_with_grades_and_counts(browse_index: LoadedIndex) -> None:
    meta, entries = report_outline(browse_index, "kent-peel-2016-effectiveness.txt")
    assert meta.id == "kent-peel-2016-effectiveness"
    tops = [e for e in entries if e.level == 1]
    assert [e.heading for e in tops][:5] == [h for h in section_grades(meta.id)][:5]
    for e in tops:
        wanted = section_grades(meta.id).get(e.heading)
        if wanted:
            assert e.grade == wanted and e.grade_stated == "line"
    passages = [p for p in browse_index.table if p.report_id == meta.id]
    assert sum(e.passages for e in entries) == len(passages)
    for e in entries:
        under = [p for p in passages if p.section_path == e.path]
        assert e.passages == len(under) and e.paragraphs == len({p.paragraph for p in under})
        assert e.first_passage == (under[0].id if under else None)
    sub = next(e for e in entries if e.level == 2)
    assert sub.heading == "Areas for improvement" and sub.grade == entries[entries.index(sub) - 1].grade


def test_a_section_reads_in_full_with_its_sub_headings(browse_index: LoadedIndex) -> None:
    _, entries = report_outline(browse_index, PDF_ID)
    top = next(e for e in entries if e.heading.startswith("How effective is the force at investigating"))
    passages = section_passages(browse_index, PDF_ID, top.path)
    assert passages[0].id == top.first_passage
    assert {p.section_path for p in passages} == {top.path, (*top.path, "Areas for improvement")}
    with pytest.raises(NotFoundError, match="has no section 'Nowhere'"):
        section_passages(browse_index, PDF_ID, ("Nowhere",))


def test_an_unknown_or_ambiguous_report_name_lists_the_ids(browse_index: LoadedIndex) -> None:
    with pytest.raises(
        NotFoundError, match=r"no report matched 'narnia'; indexed report ids: .*kent-peel-2016"
    ):
        report_outline(browse_index, "narnia")

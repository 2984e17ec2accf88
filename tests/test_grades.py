"""Grades as the reports state them: grade line, rating in words, or not stated."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from assistant.grades import (
    LINE,
    NONE,
    WORDS,
    SectionGrade,
    citation_grade,
    grade_of,
    grades_table,
    section_grades,
    stated_in_words,
)
from assistant.ingest import load_report
from assistant.records import ReportMeta
from tests.support.corpus import REPORT


def test_the_met_report_states_its_grades_on_lines_in_words_or_not_at_all() -> None:
    report = load_report(REPORT, REPORT.parent)
    grades = {g.section[0]: g for g in section_grades(report)}
    overall = grades["How effective is the force at keeping people safe and reducing crime?"]
    assert (overall.stated, overall.grade) == (LINE, "Requires improvement")
    assert report.text[overall.start : overall.end] == "Requires improvement"
    soc = grades["How effective is the force at tackling serious and organised crime?"]
    assert (soc.stated, soc.grade) == (WORDS, "Good") and "rating of ‘good’" in soc.text
    assert report.text[soc.start : soc.end] == soc.text
    assert soc.citation(report.meta.title).endswith("› ¶5")
    prevention = next(
        g for heading, g in grades.items() if heading.startswith("How effective is the force at preventing")
    )
    assert prevention.stated == NONE and prevention.label() == "grade not stated in the report"


def test_ratings_in_words_prefer_a_named_rating() -> None:
    assert stated_in_words("Despite the rating of ‘good’, it must improve.") == ("Good", (0, 46))
    assert stated_in_words("It was graded as outstanding.") == ("Outstanding", (0, 29))
    assert stated_in_words("The force is generally good.") is None


def test_a_citation_carries_the_grade_as_stated_or_nothing() -> None:
    line = SectionGrade(("S",), "Requires improvement", LINE, "Requires improvement")
    words = SectionGrade(("S",), "Good", WORDS, "Despite the rating of ‘good’ …", paragraph=5)
    assert citation_grade(line) == "Grade: Requires improvement"
    assert citation_grade(words) == "Grade: Good (stated in the text, ¶5)"
    assert citation_grade(replace(words, paragraph=None)) == "Grade: Good (stated in the text)"
    assert citation_grade(SectionGrade(("S",), None, NONE)) == ""
    assert citation_grade(SectionGrade(("S",), None, NONE), "Good") == ""  # stated grades win
    assert citation_grade(line, "Good") == "Grade: Requires improvement"
    assert citation_grade(None, "Inadequate") == "Grade: Inadequate"  # an index without stated grades
    assert citation_grade(None) == "" and citation_grade(None, "") == ""


def test_grade_of_a_passage_is_its_nearest_graded_heading() -> None:
    report = load_report(REPORT, REPORT.parent)
    grades = section_grades(report)
    path = (
        "How effective is the force at investigating crime and reducing re-offending?",
        "Areas for improvement",
    )
    found = grade_of(grades, path)
    assert found is not None and found.grade == "Requires improvement"


def test_the_overview_filters_by_force_and_year(tmp_path: Path) -> None:
    report = load_report(REPORT, REPORT.parent)
    metas = {
        "met": ReportMeta("met", "Met 2017", force="Metropolitan Police Service", year=2017),
        "kent": ReportMeta("kent", "Kent 2016", force="Kent Police", year=2016),
    }
    grades = {"met": section_grades(report), "kent": section_grades(report)}
    rows = grades_table(metas, grades, force="the Met")
    assert {r.report_id for r in rows} == {"met"} and len(rows) == 6
    assert {r.report_id for r in grades_table(metas, grades, year=2016)} == {"kent"}
    assert rows[0].to_dict()["citation"].endswith("› grade line")

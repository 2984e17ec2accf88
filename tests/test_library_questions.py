"""Questions over a library of reports, with the real model: scope, which-forces, comparisons, grades.

The library is the six-report fixture of tests/support/library.py and the questions are the
library dev questions (tests/data/questions-library-dev.jsonl), whose gold says which reports
hold each answer.
"""

from __future__ import annotations

import json

import pytest

from assistant.answer import answer_dict
from assistant.evaluation.questions import Question, read_questions
from assistant.service import Assistant
from tests.support.corpus import ROOT

pytestmark = pytest.mark.slow

QUESTIONS = read_questions(ROOT / "tests" / "data" / "questions-library-dev.jsonl")


def of_kind(*kinds: str) -> list[Question]:
    return [q for q in QUESTIONS if q.kind in kinds]


def named_reports(assistant: Assistant, q: Question) -> set[str]:
    """The reports of the forces (and, for scoped_year, the year) a question's gold names."""
    metas = assistant.report_map()
    gold = [metas[r] for r in q.gold_report]
    return {
        rid
        for rid, m in metas.items()
        if m.force in {g.force for g in gold}
        and (q.kind != "scoped_year" or m.year in {g.year for g in gold})
    }


@pytest.mark.parametrize("q", of_kind("scoped", "scoped_year", "grade"), ids=lambda q: q.id)
def test_a_named_force_or_year_is_answered_only_from_its_reports(
    real_library: Assistant, q: Question
) -> None:
    answer = real_library.ask(q.question, k=5)
    allowed = named_reports(real_library, q)
    shown = {p.report_id for h in answer.hits for p in (h.passage, *h.also_in)}
    assert shown and shown <= allowed, (q.id, shown - allowed)
    assert answer.scope is not None and answer.scope.source == "question"


@pytest.mark.parametrize("q", of_kind("missing_year"), ids=lambda q: q.id)
def test_a_year_the_library_lacks_is_declined_with_the_years_it_has(
    real_library: Assistant, q: Question
) -> None:
    answer = real_library.ask(q.question, k=5)
    assert answer.abstained and answer.notice and "No report on" in answer.notice, (q.id, answer.notice)


@pytest.mark.parametrize("q", of_kind("out_of_scope"), ids=lambda q: q.id)
def test_a_force_the_library_lacks_is_declined(real_library: Assistant, q: Question) -> None:
    assert real_library.ask(q.question, k=5).abstained, q.id


@pytest.mark.parametrize("q", of_kind("which"), ids=lambda q: q.id)
def test_which_forces_gives_a_card_for_each_report_holding_it(real_library: Assistant, q: Question) -> None:
    answer = real_library.ask(q.question, k=5)
    assert answer.mode == "which"
    cards = [h.passage.report_id for h in answer.hits]
    assert len(cards) == len(set(cards)), "one card per report"
    assert set(q.gold_report) <= set(cards), (q.id, set(q.gold_report) - set(cards))


@pytest.mark.parametrize("q", of_kind("compare"), ids=lambda q: q.id)
def test_a_comparison_shows_both_reports_side_by_side(real_library: Assistant, q: Question) -> None:
    answer = real_library.ask(q.question, k=5)
    assert answer.mode == "compare"
    shown = {h.passage.report_id for h in answer.hits}
    assert set(q.gold_report) <= shown, (q.id, set(q.gold_report) - shown)
    assert answer.comparison and all(len(row.reports) == len(shown) for row in answer.comparison)


def test_one_wording_in_several_reports_is_one_card_listing_them(real_library: Assistant) -> None:
    answer = real_library.ask("Is the THRIVE risk assessment applied consistently by call handlers?", k=5)
    holders = [len({h.passage.report_id, *(p.report_id for p in h.also_in)}) for h in answer.hits]
    grouped = next(n for n, count in enumerate(holders) if count > 2)  # stock wording, held by most reports
    texts = [h.passage.text for h in answer.hits]
    assert len(texts) == len(set(texts)), "no wording twice among the cards"
    data = json.loads(json.dumps(answer_dict(answer)))
    assert data["passages"][grouped]["also_in"][0]["citation"]
    assert data["scope"]["label"].startswith("Searched: all 6 reports")


def test_search_every_report_widens_a_scoped_question(real_library: Assistant) -> None:
    scoped = real_library.ask("Are Kent's investigations short of detectives?", k=5)
    wide = real_library.ask("Are Kent's investigations short of detectives?", k=5, widen=True)
    assert {h.passage.report_id.split("-")[0] for h in scoped.hits} == {"kent"}
    assert wide.scope is not None and wide.scope.widened
    assert len({p.report_id for h in wide.hits for p in (h.passage, *h.also_in)}) > 2


def test_a_grade_question_about_a_named_force_gets_its_grade_first(real_library: Assistant) -> None:
    answer = real_library.ask("How was Thames Valley Police rated on protecting vulnerable people?", k=5)
    top = answer.hits[0].passage
    assert (
        top.report_id.startswith("thames-valley")
        and top.paragraph == 1
        and top.grade == "Requires improvement"
    )
    assert "vulnerable" in top.section_path[0]
    stated = answer_dict(answer)["passages"][0]["grade_stated"]
    assert stated["stated"] == "line" and stated["citation"].endswith("› grade line")


def test_the_grades_overview_covers_every_report(real_library: Assistant) -> None:
    rows = real_library.grades()
    assert {r.report_id for r in rows} == set(real_library.report_map())
    gmp = real_library.grades(force="GMP")
    assert {r.grade.grade for r in gmp} >= {"Outstanding", "Inadequate"}

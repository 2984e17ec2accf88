"""The Evidence panel, the Grades tab and the one-click re-asks (pure)."""

from __future__ import annotations

import html as h
import re
from dataclasses import replace

import pytest

from assistant.conversation import interpret
from assistant.grades import LINE, NONE, WORDS, GradeRow, SectionGrade
from assistant.records import Answer, ComparisonRow, Hit, Passage, ReportMeta, Scope
from assistant.retrieval.filters import Filters
from assistant.ui.cards import card_html, stated_grade_html
from assistant.ui.evidence import cards_html
from assistant.ui.grades_view import grades_html, short_heading
from assistant.ui.style import CSS
from assistant.ui.turns import AGAIN, CLEAR, FRESH, WIDEN, Latest, again, offered, offers
from tests.support.records import make_passage

SOC = "How effective is the force at tackling serious and organised crime?"
VULN = "How effective is the force at protecting those who are vulnerable from harm?"
KENT = ReportMeta("kent", "Kent PEEL 2017", force="Kent Police", year=2017)
GMP = ReportMeta("gmp", "GMP PEEL 2018", force="Greater Manchester Police", year=2018)
MET = ReportMeta("met", "Met PEEL 2017", force="Metropolitan Police Service", year=2017)
REPORTS = {m.id: m for m in (KENT, GMP, MET)}


def passage(n: int, report: str = "met", section: str = SOC, **kw: object) -> Passage:
    text = str(kw.pop("text", f"Passage {n} about organised crime."))
    fields = {"section_path": (section,), "paragraph": n, **kw}
    return make_passage(f"p{n}", text, report, REPORTS[report].title, **fields)


def visible(markup: str) -> str:
    return " ".join(h.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def test_a_grade_stated_in_words_shows_as_stated_with_its_citation_never_as_no_grade() -> None:
    words = SectionGrade((SOC,), "Good", WORDS, "Despite the rating of ‘good’ …", paragraph=5)
    shown = visible(stated_grade_html(words, None, "Met PEEL 2017"))
    assert "Good (stated in the text)" in shown and f"as stated in Met PEEL 2017 › {SOC} › ¶5" in shown
    line = visible(stated_grade_html(SectionGrade((SOC,), "Inadequate", LINE, "Inadequate"), None, "T"))
    assert line == "Inadequate"
    none = visible(stated_grade_html(SectionGrade((SOC,), None, NONE), None, "T"))
    assert none == "grade not stated in the report"
    assert "No grade" not in visible(stated_grade_html(None, None, "T"))
    card = card_html(Hit(passage(1), 0.5, 1), set(), MET, False)
    assert "grade not stated in the report" in visible(card) and "No grade" not in card


def test_one_wording_in_several_reports_is_one_card_citing_each() -> None:
    copies = (passage(7, "kent", paragraph=3), passage(8, "gmp", paragraph=4))
    a = Answer("q", (Hit(passage(1), 0.5, 1, also_in=copies),), reports=REPORTS)
    shown = visible(cards_html(a, REPORTS))
    assert shown.count("[1]") == 1
    assert "Metropolitan Police Service · 2017" in shown and "Same wording in 2 other reports" in shown
    assert f"Kent Police · 2017 Kent PEEL 2017 › {SOC} › ¶3" in shown
    assert f"Greater Manchester Police · 2018 GMP PEEL 2018 › {SOC} › ¶4" in shown


def test_a_lead_in_card_lists_its_items_and_names_those_that_are_cards_too() -> None:
    lead = passage(1, text="Weaknesses include:")
    items = tuple(passage(10 + b, bullet=b, text=f"item {b};", lead_in=lead.text) for b in (1, 2))
    a = Answer("q", (Hit(lead, 0.5, 1, items=items), Hit(items[1], 0.4, 2)))
    shown = visible(cards_html(a, REPORTS))
    assert "Weaknesses include: item 1; item 2; (card [2])" in shown


def test_a_comparison_sets_each_reports_cards_in_its_own_column_by_section() -> None:
    hits = tuple(
        Hit(passage(n, r, s), 0.5, n)
        for n, (r, s) in enumerate([("kent", VULN), ("gmp", VULN), ("kent", SOC)], 1)
    )
    rows = (
        ComparisonRow(VULN, ("kent", "gmp"), ("Good", None), ((1,), (2,))),
        ComparisonRow(SOC, ("kent", "gmp"), ("Good", None), ((3,), ())),
    )
    grades = {
        "kent": (SectionGrade((VULN,), "Good", LINE, "Good"),),
        "gmp": (SectionGrade((VULN,), None, NONE),),
    }
    a = Answer("compare Kent and GMP", hits, mode="compare", comparison=rows, reports=REPORTS, grades=grades)
    out = cards_html(a, REPORTS)
    assert out.count('class="compare-row"') == 2 and out.count('class="compare-cols"') == 2
    first = out[out.index('class="compare-row"') : out.index(SOC.replace("’", "&#x27;"))]
    columns = re.findall(r'class="compare-col" data-report="(\w+)"', first)
    assert columns == ["kent", "gmp"]
    assert "Kent Police, 2017 Good" in visible(
        first
    ) and "Greater Manchester Police, 2018 grade not stated" in visible(first)
    assert "None of this report’s best passages is under this heading." in visible(out)


def test_a_which_answer_says_how_many_reports_address_it() -> None:
    hits = tuple(Hit(passage(n, r), 0.5, n) for n, r in enumerate(("kent", "gmp"), 1))
    scope = Scope(reports=("kent", "gmp", "met"))
    out = visible(
        cards_html(Answer("which forces", hits, mode="which", scope=scope, reports=REPORTS), REPORTS)
    )
    assert "One card per report that addresses the question: 2 of the 3 reports searched." in out
    assert "Searched: all 3 reports." in out


def test_the_grades_table_colours_and_cites_every_cell() -> None:
    rows = [
        GradeRow("kent", KENT.title, "Kent Police", 2017, SectionGrade((VULN,), "Good", LINE, "Good")),
        GradeRow(
            "kent",
            KENT.title,
            "Kent Police",
            2017,
            SectionGrade((SOC,), "Good", WORDS, "rated good", paragraph=4),
        ),
        GradeRow("met", MET.title, "Metropolitan Police Service", 2017, SectionGrade((VULN,), None, NONE)),
    ]
    out = grades_html(rows)
    assert 'class="grade grade-good"' in out
    shown = visible(out)
    assert "Kent Police 2017 Good grade line Good (stated in the text) in the text, ¶4" in shown
    assert "Metropolitan Police Service 2017 grade not stated in the report not stated —" in shown
    assert short_heading(VULN) == "Protecting those who are vulnerable from harm"
    assert f'title="{SOC}"' in out.replace("&#x27;", "'")


def test_re_asks_are_offered_only_where_they_apply() -> None:
    narrowed = Scope(reports=("kent",), source="question", forces=("Kent Police",), narrowed=True)
    first = interpret("Is Kent short of detectives?", None)
    latest = Latest(first, Answer("q", (Hit(passage(1, "kent"), 0.5, 1),), scope=narrowed))
    assert offers(latest).widen and not offers(latest).fresh and not offers(latest).clear
    assert again(latest, WIDEN).widen and again(latest, WIDEN).turn == first
    follow = Latest(interpret("and what did they recommend?", first), latest.answer)
    assert offers(follow).fresh
    fresh = again(follow, FRESH)
    assert fresh.turn.query == "and what did they recommend?" and not fresh.turn.carried
    filtered = Latest(first, Answer("q", ()), filters=Filters(year=(2015,)))
    assert offers(filtered).clear and again(filtered, CLEAR).filters == Filters()
    assert offers(replace(filtered, answer=latest.answer)) == replace(
        offers(filtered), clear=False, widen=True
    )
    assert offers(None) == offers(Latest(first, Answer("q", ())))
    with pytest.raises(ValueError, match="widen, fresh, clear"):
        again(latest, "sideways")


def test_the_cards_carry_their_answers_re_asks_and_the_style_shows_only_those() -> None:
    """The re-ask buttons are never sent with a reply (issue 15): the cards name the re-asks that
    apply, and the page's style hides every other button."""
    narrowed = Scope(reports=("kent",), source="question", forces=("Kent Police",), narrowed=True)
    first = interpret("Is Kent short of detectives?", None)
    answer = Answer("q", (Hit(passage(1, "kent"), 0.5, 1),), scope=narrowed)
    follow = Latest(interpret("and what did they recommend?", first), answer)
    assert offered(follow) == (WIDEN, FRESH) and offered(None) == ()
    assert 'data-offers="widen fresh"' in cards_html(answer, REPORTS, offered=offered(follow))
    assert "data-offers" not in cards_html(answer, REPORTS)
    for how in AGAIN:
        assert f'body:not(:has(#cards [data-offers~="{how}"])) #again-{how}' in CSS

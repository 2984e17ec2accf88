"""Reading what a question asks for from its wording (pure)."""

from __future__ import annotations

import pytest

from assistant.retrieval import cues


@pytest.mark.parametrize(
    ("question", "years", "since"),
    [
        ("How was Kent graded in 2016?", (2016,), None),
        ("What changed in the 2016/17 round?", (2016,), None),
        ("How has the Met changed since 2016?", (2016,), 2016),
        ("Is it better than in 2015?", (2015,), 2015),
        ("What about detectives?", (), None),
    ],
)
def test_years_and_since(question: str, years: tuple[int, ...], since: int | None) -> None:
    assert cues.years_named(question) == years
    assert cues.since_year(question) == since


@pytest.mark.parametrize(
    ("question", "compare", "which"),
    [
        ("Compare Kent and GMP on vulnerability", True, False),
        ("Kent versus Essex on burglary", True, False),
        ("How do the two forces differ on custody?", True, False),
        ("Which forces are short of detectives?", False, True),
        ("Which reports mention county lines?", False, True),
        ("What did the force do about county lines?", False, False),
    ],
)
def test_comparison_and_which_cues(question: str, compare: bool, which: bool) -> None:
    assert cues.asks_comparison(question) is compare
    assert cues.asks_which_reports(question) is which


def test_performance_questions() -> None:
    assert cues.asks_performance("How did Durham do on burglary in 2015?")
    assert cues.asks_performance("How well is Kent doing on knife crime?")
    assert cues.asks_performance("What grade did Essex get?")
    assert not cues.asks_performance("What is the force doing about knife crime?")


def test_scope_words_leave_the_search_terms() -> None:
    assert cues.scope_words_removed("Which forces use Operation Makesafe?") == "use Operation Makesafe?"
    assert cues.scope_words_removed("Is the Met short of investigators?") == "Is short of investigators?"
    # A question that is nothing but a force's name keeps it: there is nothing else to search for.
    assert cues.scope_words_removed("the Met") == "the Met"


def test_figures_and_what_is_counted() -> None:
    assert cues.wants_figure("How many officers does the force employ?")
    assert cues.counted("How many officers does the force employ?") == "officers"
    assert cues.counted("How many boroughs?") == "boroughs"
    assert cues.counted("What percentage of calls were answered?") is None

"""Laying out a library's candidates as cards (pure)."""

from __future__ import annotations

from assistant.records import Passage
from assistant.retrieval import layout


def test_wording_key_ignores_force_names_and_years_but_not_negation() -> None:
    met = "The Metropolitan Police Service requires improvement and is better than in 2016."
    kent = "Kent Police requires improvement and is better than in 2018."
    assert layout.wording_key(met) == layout.wording_key(kent)
    assert layout.wording_key("The force is effective.") != layout.wording_key("The force is not effective.")
    assert "crime" in layout.wording_key("It reduces crime.")


def test_copies_group_under_the_latest_report() -> None:
    keys = {1: "a", 2: "b", 3: "a", 4: "a"}
    recency = {1: (2016, "x"), 2: (2017, "y"), 3: (2018, "z"), 4: (2017, "w")}
    groups = layout.group_copies([1, 2, 3, 4], keys.__getitem__, recency.__getitem__)
    assert groups == [(3, (4, 1)), (2, ())]


def test_each_year_gets_a_place_and_the_latest_comes_first() -> None:
    year = {1: 2017, 2: 2017, 3: 2017, 4: 2016}.__getitem__
    chosen = layout.with_each_year([1, 2, 3, 4], year, 3)
    assert chosen == [1, 2, 4]
    assert layout.latest_first([4, 1, 2], year) == [1, 2, 4]


def test_which_keeps_each_reports_best_when_it_addresses_the_question() -> None:
    report = {1: "a", 2: "a", 3: "b", 4: "c"}.__getitem__
    bests = layout.best_per_report([1, 2, 3, 4], report)
    assert bests == [1, 3, 4]
    cosine = {1: 0.7, 3: 0.66, 4: 0.4}.__getitem__
    lexical = {1: 3.0, 3: 1.0, 4: 2.0}.__getitem__
    assert layout.addressing(bests, cosine, lexical) == [1, 3]


def test_comparison_rows_start_with_the_section_the_heading_names() -> None:
    report = {1: "a", 2: "b", 3: "a", 4: "b"}.__getitem__
    section = {1: "Overall", 2: "Overall", 3: "Vulnerable people", 4: "Vulnerable people"}.__getitem__
    cosine = {1: 0.6, 2: 0.6, 3: 0.58, 4: 0.57}.__getitem__
    heading = {"Overall": 0.0, "Vulnerable people": 2.0}.__getitem__
    rows = layout.align_by_section([1, 2, 3, 4], ["a", "b"], report, section, cosine, 2, heading)
    assert rows == [("Vulnerable people", {"a": 3, "b": 4})]


def test_shared_wording_goes_last_in_a_comparison() -> None:
    report = {1: "a", 2: "b", 3: "a"}.__getitem__
    key = {1: "same", 2: "same", 3: "own"}.__getitem__
    assert layout.differing_first([1, 2, 3], report, key, {"a", "b"}) == [3, 1, 2]


def test_a_judgement_moves_first_only_from_the_section_its_heading_names() -> None:
    section = {1: "Investigating", 2: "Vulnerable", 3: "Vulnerable"}.__getitem__
    judgement = {1: True, 2: False, 3: True}.__getitem__
    heading = {"Investigating": 0.0, "Vulnerable": 1.5}.__getitem__
    assert layout.judgement_first([1, 2, 3], judgement, section, heading) == [3, 1, 2]
    ungraded = {1: True, 2: False, 3: False}.__getitem__
    assert layout.judgement_first([1, 2, 3], ungraded, section, heading) == [1, 2, 3]


def _p(
    n: int, text: str, bullet: int | None = None, lead_in: str | None = None, report: str = "r"
) -> Passage:
    return Passage(f"p{n}", report, "R", ("S",), None, 3, bullet, 0, len(text), text, lead_in)


def test_a_lead_in_comes_with_the_items_it_introduces_and_nothing_else() -> None:
    lead = "Weaknesses include:"
    rows = [
        _p(0, "Before."),
        _p(1, lead),
        _p(2, "slow records;", 1, lead),
        _p(3, "few detectives.", 2, lead),
        _p(4, "After the list."),
        _p(5, "another list item", 1, "Strengths include:"),
    ]
    items = layout.list_items(1, rows.__getitem__, len(rows))
    assert [i.text for i in items] == ["slow records;", "few detectives."]
    assert layout.list_items(0, rows.__getitem__, len(rows)) == ()  # not a lead-in
    assert layout.list_items(2, rows.__getitem__, len(rows)) == ()  # an item is not a lead-in
    assert layout.list_items(4, rows.__getitem__, len(rows)) == ()  # the next list is not its own
    other = [_p(1, lead), _p(2, "slow records;", 1, lead, report="other")]
    assert layout.list_items(0, other.__getitem__, len(other)) == ()  # another report's rows

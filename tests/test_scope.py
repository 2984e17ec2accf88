"""Which reports a question is searched in (pure)."""

from __future__ import annotations

from assistant.records import ReportMeta
from assistant.retrieval.filters import Filters
from assistant.retrieval.glossary import Glossary
from assistant.retrieval.query import analyse
from assistant.retrieval.scope import resolve_scope

REPORTS = {
    "met-2016": ReportMeta("met-2016", "Met 2016", force="Metropolitan Police Service", year=2016),
    "met-2017": ReportMeta("met-2017", "Met 2017", force="Metropolitan Police Service", year=2017),
    "kent-2017": ReportMeta("kent-2017", "Kent 2017", force="Kent Police", year=2017),
    "kent-2019": ReportMeta("kent-2019", "Kent 2019", force="Kent Police", year=2019),
    "gmp-2018": ReportMeta("gmp-2018", "GMP 2018", force="Greater Manchester Police", year=2018),
    "thematic": ReportMeta("thematic", "A thematic inspection", year=2018),
}


def scope(question: str, filters: Filters | None = None, widen: bool = False):  # type: ignore[no-untyped-def]
    return resolve_scope(analyse(question, Glossary(), {}), REPORTS, filters, widen)


def test_nothing_named_searches_every_report() -> None:
    s = scope("What is said about detective shortages?")
    assert set(s.reports) == set(REPORTS) and s.source == "all" and not s.narrowed


def test_a_named_force_keeps_to_its_reports_by_any_name() -> None:
    assert scope("Are Kent's investigations short of detectives?").reports == ("kent-2017", "kent-2019")
    assert scope("How did the Met do on vulnerability?").reports == ("met-2016", "met-2017")
    assert scope("Is GMP short of detectives?").reports == ("gmp-2018",)


def test_a_named_year_narrows_further_and_a_missing_one_is_said() -> None:
    s = scope("the Met's vulnerability grade in 2016")
    assert s.reports == ("met-2016",) and s.years == (2016,)
    missing = scope("How was Kent graded on vulnerability in 2018?")
    assert missing.reports == ("kent-2017", "kent-2019")
    assert missing.decline and "2018" in missing.decline and "2017, 2019" in missing.decline
    # A year that is not the inspection's own judgement is a time the reports may talk about.
    talk = scope("What problems did Kent have with detectives in 2018?")
    assert talk.decline is None and talk.notes and talk.reports == ("kent-2017", "kent-2019")


def test_since_keeps_that_year_and_later() -> None:
    assert scope("How has the Met changed since 2016?").reports == ("met-2016", "met-2017")
    assert scope("How has Kent changed since 2018?").reports == ("kent-2019",)


def test_a_comparison_of_forces_takes_each_latest_report() -> None:
    assert set(scope("Compare Kent and the Met on vulnerability").reports) == {"kent-2019", "met-2017"}


def test_filters_override_and_widening_searches_everything() -> None:
    s = scope("Are Kent's investigations short of detectives?", Filters(force=("GMP",)))
    assert s.reports == ("gmp-2018",) and s.source == "filters"
    wide = scope("Are Kent's investigations short of detectives?", widen=True)
    assert set(wide.reports) == set(REPORTS) and wide.widened and wide.reason


def test_a_force_the_library_lacks_is_noted_beside_one_it_has() -> None:
    s = scope("Compare Kent and Durham on burglary")
    assert s.reports == ("kent-2017", "kent-2019")
    assert any("Durham" in n for n in s.notes)

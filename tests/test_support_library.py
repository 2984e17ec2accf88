"""The library fixture (``tests/support/library.py``) and its dev questions, checked without a model.

Every report parses with the Met report's sections, its sidecar is read, grades and findings are
where the ground truth says, the output is reproducible, and every dev question's gold text is in
a passage of the reports it names.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation.questions import read_questions
from assistant.forces import known_forces
from assistant.ingest import load_report
from assistant.ingest.structure import normalise_space
from assistant.passages import report_passages
from assistant.records import GRADES, Report
from tests.support.library import (
    MET_REPORT,
    REPORT_IDS,
    apply_edit,
    finding_keys,
    holders,
    report_text,
    section_grades,
    source_url,
    spec,
    write_library,
)
from tests.support.library_findings import SECTIONS, remove

QUESTIONS = Path(__file__).resolve().parent / "data" / "questions-library-dev.jsonl"
MET_2017 = "metropolitan-peel-2017-effectiveness"
KINDS = ("scoped", "scoped_year", "missing_year", "which", "compare", "unscoped", "grade", "out_of_scope")
DECLINED = {"missing_year": "no_report_for_year", "out_of_scope": "unknown_force"}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    folder = tmp_path_factory.mktemp("library")
    return {rid: load_report(path, folder) for rid, path in write_library(folder).items()}


@pytest.fixture(scope="module")
def passages(reports: dict[str, Report]) -> dict[str, list[str]]:
    """Report id -> the text of each of its passages, as the evaluation compares gold with it."""
    return {rid: [normalise_space(p.text) for p in report_passages(r)] for rid, r in reports.items()}


def questions() -> list[dict[str, Any]]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_library_holds_six_reports_whose_ids_are_their_file_stems(reports: dict[str, Report]) -> None:
    assert len(REPORT_IDS) >= 6 and list(reports) == list(REPORT_IDS)
    assert all(r.meta.id == rid and r.meta.path == f"{rid}.txt" for rid, r in reports.items())
    assert len({(spec(rid).force.name, spec(rid).year) for rid in REPORT_IDS}) == len(REPORT_IDS)


def test_the_met_2017_report_is_the_real_text_unchanged() -> None:
    assert report_text(MET_2017) == MET_REPORT.read_bytes().decode("utf-8")


def test_every_report_parses_into_the_met_reports_sections(reports: dict[str, Report]) -> None:
    met = load_report(MET_REPORT, MET_REPORT.parent)
    for rid, report in reports.items():
        assert [s.path for s in report.sections] == [s.path for s in met.sections], rid
        assert [s.path[0] for s in report.sections if len(s.path) == 1] == list(SECTIONS.values()), rid


def test_sidecar_metadata_is_read(reports: dict[str, Report]) -> None:
    for rid, report in reports.items():
        s, meta = spec(rid), report.meta
        assert (meta.force, meta.year, meta.title) == (s.force.name, s.year, s.title), rid
        assert (meta.inspection, meta.publisher, meta.published) == (
            "PEEL effectiveness",
            s.publisher,
            s.published,
        )
        assert meta.source_url == source_url(s)
        assert meta.updated == s.published, "the text's 'Last updated' line follows the report's round"
    assert {s.name for s in known_forces()} >= {spec(rid).force.name for rid in REPORT_IDS}


def test_section_grades_are_as_the_table_says(reports: dict[str, Report]) -> None:
    for rid, report in reports.items():
        expected = section_grades(rid)
        for section in report.sections:  # sub-sections ("Areas for improvement") inherit the grade
            assert section.grade == expected[section.path[0]], (rid, section.path)
    assert {g for rid in REPORT_IDS for g in section_grades(rid).values()} == {*GRADES, None}


def test_every_finding_is_in_exactly_the_reports_that_hold_it(
    reports: dict[str, Report], passages: dict[str, list[str]]
) -> None:
    for key in finding_keys():
        held = holders(key)
        assert held, key
        for rid in REPORT_IDS:
            text = report_text(rid)
            if rid in held:
                assert text.count(held[rid]) == 1, (key, rid)
                assert any(held[rid] in p for p in passages[rid]), f"{key} is not inside one passage of {rid}"
            else:
                assert not any(t in text for t in held.values()), f"{key} is in {rid}, which should lack it"


def test_findings_differ_by_report_as_the_docstring_says() -> None:
    kent_2017, tvp, gmp = (
        "kent-peel-2017-effectiveness",
        "thames-valley-peel-2017-effectiveness",
        ("greater-manchester-peel-2018-effectiveness"),
    )
    assert kent_2017 not in holders("detective-shortage") and tvp not in holders("detective-shortage")
    assert list(holders("detectives-recruited")) == [kent_2017]
    assert not any(
        tvp in holders(k) for k in ("detective-vacancies", "detectives-recruited", "more-detectives")
    )
    assert section_grades(kent_2017)[SECTIONS["vulnerability"]] == "Good"
    assert list(holders("road-safety")) == [tvp] and list(holders("drugs-diversion")) == [gmp]
    assert "road safety" not in report_text(MET_2017) and "Tessellate" not in report_text(MET_2017)
    stock = holders("community-communication")  # word for word the same everywhere
    assert list(stock) == list(REPORT_IDS) and len(set(stock.values())) == 1
    renamed = holders("prevention-judgement")  # the same apart from the force's name
    assert renamed["kent-peel-2016-effectiveness"] == renamed[MET_2017].replace(
        "The Metropolitan Police Service", "Kent Police"
    )


def test_renamed_reports_keep_none_of_the_mets_own_wording() -> None:
    for rid in REPORT_IDS:
        text, s = report_text(rid), spec(rid)
        if s.force.short != "Metropolitan":
            for word in ("Metropolitan", "London", "borough", "Borough", "financial hub"):
                assert word not in text, (rid, word)
        if s.year <= 2016:
            assert "HMICFRS" not in text, rid
        assert text.splitlines()[2] == f"{s.force.short} PEEL {s.year}"


def test_the_library_is_byte_identical_on_two_runs(tmp_path: Path) -> None:
    first, second = write_library(tmp_path / "a"), write_library(tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir()) and len(names) == 2 * len(REPORT_IDS)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert [p.name for p in first.values()] == [p.name for p in second.values()]


def test_an_edit_whose_anchor_is_not_found_once_fails_loudly() -> None:
    with pytest.raises(ValueError, match="found it 0 times"):
        apply_edit("Some text.", remove("trainer-shortage"), "absent sentence.", "test")
    with pytest.raises(ValueError, match="found it 2 times"):
        apply_edit("Twice. Twice.", remove("trainer-shortage"), "Twice.", "test")
    with pytest.raises(KeyError, match="unknown finding"):
        holders("no-such-finding")


# --- the dev questions over the library ---------------------------------------------------


def test_library_questions_are_well_formed() -> None:
    rows = questions()
    assert len(read_questions(QUESTIONS)) == len(rows) >= 40
    assert [r["id"] for r in rows] == [f"L{n:03d}" for n in range(1, len(rows) + 1)]
    for kind in KINDS:
        assert sum(r["kind"] == kind for r in rows) >= 4, kind
    for r in rows:
        assert r["kind"] in KINDS and set(r["gold_report"]) <= set(REPORT_IDS), r["id"]
        assert len(set(r["gold_report"])) == len(r["gold_report"]), r["id"]
        if r["kind"] in DECLINED:
            assert (r["gold"], r["gold_report"], r["section"]) == ([], [], ""), r["id"]
            assert r["expect"] == DECLINED[r["kind"]], r["id"]
        else:
            assert r["gold"] and r["gold_report"] and "expect" not in r, r["id"]
            assert r["section"] in SECTIONS.values(), r["id"]


def test_library_question_gold_is_in_passages_of_its_gold_reports(passages: dict[str, list[str]]) -> None:
    """Each gold string is in a passage of a gold report, and each gold report has a gold passage.

    A comparison's gold quotes each report in its own words, so one gold string need not be in
    every gold report; "which" and unscoped questions must list every report that holds the
    finding, and scoped ones stay within one force (and one report when a year is named).
    """
    for r in questions():
        if not r["gold"]:
            continue
        golden = {rid for rid in REPORT_IDS if any(g in p for g in r["gold"] for p in passages[rid])}
        for g in r["gold"]:
            assert any(g in p for rid in r["gold_report"] for p in passages[rid]), (r["id"], g)
        assert set(r["gold_report"]) <= golden, (r["id"], set(r["gold_report"]) - golden)
        forces = {spec(rid).force.name for rid in r["gold_report"]}
        if r["kind"] in ("which", "unscoped"):
            assert set(r["gold_report"]) == golden, (r["id"], golden - set(r["gold_report"]))
        elif r["kind"] == "compare":
            assert len(r["gold_report"]) == 2, r["id"]
        else:
            assert len(forces) == 1, r["id"]
        if r["kind"] == "scoped_year":
            assert len(r["gold_report"]) == 1 and str(spec(r["gold_report"][0]).year) in r["question"], r[
                "id"
            ]


def test_declined_questions_name_what_the_library_lacks() -> None:
    held = {(spec(rid).force.name, spec(rid).year) for rid in REPORT_IDS}
    names = {f.name: f for f in known_forces()}
    for r in questions():
        if r["kind"] == "missing_year":
            assert str(r["year"]) in r["question"], r["id"]
            assert any(force == r["force"] for force, _ in held) and (r["force"], r["year"]) not in held, r[
                "id"
            ]
        elif r["kind"] == "out_of_scope":
            assert r["force"] in names and all(force != r["force"] for force, _ in held), r["id"]
            assert not any(names[r["force"]].pattern.search(report_text(rid)) for rid in REPORT_IDS), r["id"]

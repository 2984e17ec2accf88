"""The blind question sets are well formed and their gold text is really in the reports (no model).

``tests/data/questions-blind.jsonl`` asks about the Met 2017 report alone;
``tests/data/questions-blind-library.jsonl`` asks about the library of ``tests/support/library.py``.
Both are held out: nothing is tuned on them, and this test reads only their structure and gold
strings, never runs retrieval on them. A gold string must be an exact substring of one passage
(one paragraph or bullet item, as the project parses the report), so a wrong quote, a lost curly
quote or a passage split differently fails here rather than silently scoring zero.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.ingest import load_report
from assistant.passages import report_passages
from assistant.records import Passage, Report
from tests.support.library import MET_REPORT, REPORT_IDS, write_library

DATA = Path(__file__).resolve().parent / "data"
SINGLE = DATA / "questions-blind.jsonl"
LIBRARY = DATA / "questions-blind-library.jsonl"

SINGLE_KINDS = frozenset(
    {
        "paraphrase",
        "keyword",
        "short",
        "acronym",
        "grade",
        "positive",
        "recommendation",
        "long",
        "noisy",
        "out_of_scope",
    }
)
LIBRARY_KINDS = frozenset(
    {"scoped", "scoped_year", "missing_year", "which", "compare", "unscoped", "grade", "out_of_scope"}
)
SINGLE_KEYS = frozenset({"id", "question", "gold", "kind", "section"})
LIBRARY_KEYS = SINGLE_KEYS | {"gold_report"}
MIN_SINGLE, MIN_LIBRARY, MIN_PARAPHRASE, MIN_OUT_OF_SCOPE = 80, 30, 30, 12


def read_rows(path: Path) -> list[dict[str, Any]]:
    """One JSON object per non-blank line; a bad line fails with its line number."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                pytest.fail(f"{path.name}:{number}: not JSON ({err})")
            assert isinstance(row, dict), f"{path.name}:{number}: not a JSON object"
            rows.append(row)
    return rows


def check_common(
    rows: list[dict[str, Any]], keys: frozenset[str], kinds: frozenset[str], id_pattern: str
) -> None:
    """Keys, id form and uniqueness, kind, and the types every question shares."""
    ids = [str(row.get("id")) for row in rows]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    for row in rows:
        where = row.get("id", row)
        assert keys <= row.keys(), f"{where}: missing keys {sorted(keys - row.keys())}"
        assert re.fullmatch(id_pattern, row["id"]), f"{where}: id must match {id_pattern}"
        assert row["kind"] in kinds, f"{where}: kind {row['kind']!r} not in {sorted(kinds)}"
        assert isinstance(row["question"], str) and row["question"].strip(), f"{where}: empty question"
        assert isinstance(row["gold"], list) and all(isinstance(g, str) and g.strip() for g in row["gold"])
        assert len(row["gold"]) == len(set(row["gold"])), f"{where}: repeated gold string"
        assert isinstance(row["section"], str)


def check_single_set(
    rows: list[dict[str, Any]],
    kinds: frozenset[str],
    id_pattern: str,
    minimum: tuple[int, int, int],
) -> None:
    """A set of questions about one report: the common checks, at least ``minimum`` questions
    (all, paraphrase, out of scope), and gold and a section exactly when not out of scope."""
    check_common(rows, SINGLE_KEYS, kinds, id_pattern)
    asked = [row["kind"] for row in rows]
    at_least_all, at_least_paraphrase, at_least_declined = minimum
    assert len(rows) >= at_least_all
    assert asked.count("paraphrase") >= at_least_paraphrase
    assert asked.count("out_of_scope") >= at_least_declined
    for row in rows:
        declined = row["kind"] == "out_of_scope"
        assert bool(row["gold"]) != declined, f"{row['id']}: gold must be empty exactly when out of scope"
        assert (row["section"] == "") == declined, (
            f"{row['id']}: section must be empty exactly when out of scope"
        )


@pytest.fixture(scope="module")
def met_passages() -> list[Passage]:
    report = load_report(MET_REPORT, MET_REPORT.parent)
    return list(report_passages(report))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    folder = tmp_path_factory.mktemp("blind-library")
    return {rid: load_report(path, folder) for rid, path in write_library(folder).items()}


def holding(passages: list[Passage], gold: str) -> list[Passage]:
    return [p for p in passages if gold in p.text]


def test_single_report_set_is_well_formed() -> None:
    check_single_set(
        read_rows(SINGLE), SINGLE_KINDS, r"B\d{3}", (MIN_SINGLE, MIN_PARAPHRASE, MIN_OUT_OF_SCOPE)
    )


def test_single_report_gold_is_in_a_passage_under_its_section(met_passages: list[Passage]) -> None:
    for row in read_rows(SINGLE):
        sections = set()
        for gold in row["gold"]:
            found = holding(met_passages, gold)
            assert found, f"{row['id']}: gold not in any passage of the Met report: {gold!r}"
            sections |= {p.section_path[0] for p in found}
        if row["gold"]:
            assert row["section"] in sections, f"{row['id']}: no gold sits under {row['section']!r}"


def test_library_set_is_well_formed() -> None:
    rows = read_rows(LIBRARY)
    check_common(rows, LIBRARY_KEYS, LIBRARY_KINDS, r"BL\d{3}")
    assert len(rows) >= MIN_LIBRARY
    assert {row["kind"] for row in rows} == LIBRARY_KINDS, "every kind is asked at least once"
    for row in rows:
        where, reports = row["id"], row["gold_report"]
        assert isinstance(reports, list) and len(reports) == len(set(reports)), f"{where}: bad gold_report"
        assert set(reports) <= set(REPORT_IDS), (
            f"{where}: unknown report ids {sorted(set(reports) - set(REPORT_IDS))}"
        )
        if row["kind"] == "missing_year":
            assert row.get("expect") == "no_report_for_year", f"{where}: expect must be no_report_for_year"
            assert isinstance(row.get("force"), str) and isinstance(row.get("year"), int), (
                f"{where}: force, year"
            )
        if row["kind"] == "out_of_scope" and "expect" in row:
            assert row["expect"] == "unknown_force" and isinstance(row.get("force"), str), where
        if row["kind"] in ("missing_year", "out_of_scope"):
            assert not row["gold"] and not reports and row["section"] == "", f"{where}: a decline has no gold"
        else:
            assert row["gold"] and reports and row["section"], f"{where}: an answerable question needs gold"
        if row["kind"] in ("which", "compare", "unscoped"):
            assert len(reports) >= 2, f"{where}: a {row['kind']} question's answer is in several reports"


def test_library_declines_name_what_the_library_lacks(library: dict[str, Report]) -> None:
    forces = {r.meta.force for r in library.values()}
    rounds = {(r.meta.force, r.meta.year) for r in library.values()}
    for row in read_rows(LIBRARY):
        if row.get("expect") == "no_report_for_year":
            assert row["force"] in forces and (row["force"], row["year"]) not in rounds, row["id"]
        elif row.get("expect") == "unknown_force":
            text = "\n".join(p.text for r in library.values() for p in report_passages(r)).lower()
            assert row["force"] not in forces and row["force"].lower() not in text, row["id"]


def test_library_gold_is_in_the_reports_named(library: dict[str, Report]) -> None:
    passages = {rid: list(report_passages(r)) for rid, r in library.items()}
    for row in read_rows(LIBRARY):
        for gold in row["gold"]:
            assert any(holding(passages[rid], gold) for rid in row["gold_report"]), (
                f"{row['id']}: gold in none of {row['gold_report']}: {gold!r}"
            )
        for rid in row["gold_report"]:
            assert any(holding(passages[rid], gold) for gold in row["gold"]), (
                f"{row['id']}: {rid} is listed but holds none of the gold"
            )
        if row["kind"] in ("which", "unscoped"):  # every report holding the finding is named
            missed = [
                r
                for r in passages
                if r not in row["gold_report"] and any(holding(passages[r], g) for g in row["gold"])
            ]
            assert not missed, f"{row['id']}: also answered in {missed}"
        if row["gold"]:
            found = (p for rid in row["gold_report"] for g in row["gold"] for p in holding(passages[rid], g))
            assert row["section"] in {p.section_path[0] for p in found}, (
                f"{row['id']}: no gold under its section"
            )
